"""## What it does
Flags `COPY . <dest>` and `ADD . <dest>` — a copy of the whole build context — when the context has
no `.dockerignore` (nor a `<Dockerfile>.dockerignore` next to the Dockerfile), or when its
`.dockerignore` does not exclude the paths that commonly weigh down ML projects:

- `.git`;
- model checkpoints and weights: `**/*.pt`, `**/*.ckpt`, `**/*.safetensors`, `**/*.bin`;
- virtual environments: `.venv`, `venv`;
- `**/__pycache__`;
- a `data` directory.

The finding names what is missing. `--exclude` flags on the `COPY` count as exclusions too. The rule
is silent when dflint does not know the build context (input from stdin without `--context`).

In a git work tree it asks only for what can be in the context (`dflint/working_copy.py`): `.git`
when the context is the repository's root, and any other path of the list when the repository's own
ignore files ignore it (`.venv/`, `__pycache__/`, `*.pt`, `data/` …). A project ignores what turns up
in its working copies, and `docker build` sends the working copy, not a commit; a kind of file git
would commit is either absent or part of the sources (Xorbits Inference commits `spk2info.pt` files
its code loads, and excluding `**/*.pt` would break its image). Outside a work tree the whole list
is asked for.

`.git` is not asked for when the build reads the history: a later RUN of the stage, or of a stage
built FROM it, runs git where the copy put the context (`git describe`, `git submodule update`),
runs make and the context's Makefile asks git (`VERSION ?= $(shell git describe --tags)`, as
LocalAI's does), runs `cargo build` and `Cargo.lock` holds a crate that stamps the commit (`vergen`,
Text Generation Inference's router), or builds or installs a Python project whose version comes from
git (setuptools-scm, hatch-vcs, versioneer in its `pyproject.toml`, `setup.py` or `setup.cfg`:
`dflint/project_files.py`). One .dockerignore serves every copy of the file, so one such copy keeps
`.git` for all of them, and the copies of a file that miss the same paths are one finding, on the
first, naming the others (JSON `also`).

`**/__pycache__` is named beside the others, but not reported alone: it holds the bytecode of the
context's own Python sources, kilobytes beside them (reviewers judged every such finding drawn not
worth telling: Katib's tfevent metrics collector, a sandbox service of eight source files).

Neither hadolint nor BuildKit has this check (hadolint never reads the build context).

Silent when the build context is only a fallback (nothing names it and no directory up to the
repository root holds the COPY/ADD sources, or the whole context is copied from a folder that holds
nothing but Dockerfiles, such as `.devops/` or `docker/`, which is not what the image is built from): whether that directory has a `.dockerignore` says
nothing about the one the image is built with (`dflint -v` shows the choice; `--context` sets it).

In a run over several Dockerfiles built from the same context, one gap in the shared `.dockerignore`
is one edit: it is reported on the first Dockerfile, whose detail names the others, and not on each
(LocalAI's ten backend Dockerfiles share the repository's `.dockerignore`; reviewers counted the other
nine findings as duplicates). A Dockerfile with its own `<name>.dockerignore`, or a different gap, is
told apart, and a file linted alone gets its own finding.

## Why is this bad?
Docker sends the whole context to the builder and `COPY . .` puts all of it in a layer: the git
history, a local virtualenv, `__pycache__`, and — in ML repositories — checkpoints, exported models
and datasets that are often gigabytes. The image grows by that much, every change to any of those
files invalidates the layer cache, and files that were never meant to ship (credentials in `.git`,
private data) end up in the image.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

## Use instead
Add a `.dockerignore` next to the Dockerfile, for example:

```dockerignore
.git
.venv
venv
**/__pycache__
**/*.pt
**/*.ckpt
**/*.safetensors
**/*.bin
data
```

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

or copy only what the image needs:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml requirements.txt ./
COPY src/ ./src/
```

## Options
- `expected-exclusions` (default: the list above): the `.dockerignore` patterns a whole-context copy
  should be covered by. Each is checked by asking the `.dockerignore` about a sample path
  (`**/*.pt` → `model.pt` and `sub/model.pt`), so any pattern that excludes those paths counts.

## References
- [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
- [Dockerfile reference: COPY --exclude](https://docs.docker.com/reference/dockerfile/#copy---exclude)
- [Docker: Exclude with .dockerignore](https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.dockerignore import Matcher, clean
from dflint.model import Dockerfile, Instruction, Stage
from dflint.project_files import cargo_stamps_git, makefile_asks_git, version_from_history
from dflint.rule import Finding, Group, RuleMeta, Severity, clip
from dflint.shipping import reaches
from dflint.working_copy import WorkingCopy, working_copy

from ._copies import copies

META = RuleMeta(
    code="DF504",
    name="copy-context-without-dockerignore",
    severity=Severity.WARNING,
    summary="`COPY . …` with no `.dockerignore`, or one that lets `.git`, checkpoints or virtualenvs in",
    skip_images_nobody_deploys=True,
)

DEFAULT_EXCLUSIONS = (".git", "**/*.pt", "**/*.ckpt", "**/*.safetensors", "**/*.bin", ".venv", "venv", "**/__pycache__", "data")


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the paths a `.dockerignore` is expected to exclude."""

    expected_exclusions: tuple[str, ...] = DEFAULT_EXCLUSIONS


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    if dockerfile.context_dir is None or (dockerfile.context is not None and dockerfile.context.unknown):
        return  # no context, or only a fallback where the COPY sources are missing: its .dockerignore says nothing
    if dockerfile.dockerignore_unread:
        return  # a .dockerignore that could not be read (an input error): what it excludes is unknown
    expected = tuple(options.expected_exclusions if options is not None else DEFAULT_EXCLUSIONS)
    copy = working_copy(dockerfile)
    if copy is not None:
        # in a git work tree, only what can be there: `.git` at the repository's root, what git ignores
        expected = tuple(pattern for pattern in expected if _turns_up(copy, pattern))
    wholes = [
        (stage, parts, whole)
        for stage in dockerfile.stages
        for parts in copies(dockerfile, stage, may_copy_context_root)
        for whole in [
            next((word for word in parts.context_sources() if word.value is not None and clean(word.value) in (".", "/")), None)
        ]
        if whole is not None
    ]
    if ".git" in expected and any(reads_history(dockerfile, stage, parts.instruction) for stage, parts, _ in wholes):
        # the build stamps a version from the history: it needs .git, and one .dockerignore serves every copy
        expected = tuple(pattern for pattern in expected if pattern != ".git")
    for stage, parts, whole in wholes:
        keyword = parts.instruction.keyword
        excludes = [flag.value for flag in parts.instruction.flags if flag.name == "exclude" and flag.value]
        if dockerfile.dockerignore is None and not excludes:
            if not expected or set(expected) <= _SMALL_ALONE:
                continue
            where = _where(dockerfile, stage, parts.instruction)
            yield Finding(
                META,
                whole.span,
                f"`{keyword} {clip(whole.text, 20)}` in {stage.label}{where} copies the"
                " whole context, which has no .dockerignore; add one",
                stage=stage.name,
                detail=f"`{keyword} {whole.text}` in {stage.label} copies the whole build context, which has no"
                f" .dockerignore: {_what_goes_in(copy, expected)} go into the image; add a .dockerignore",
                group=Group(f"no .dockerignore{where}", "this file", "copy"),  # a copy that ships is told apart
                shared_file=_ignore_file(dockerfile),
            )
            continue
        matcher = Matcher((*(dockerfile.dockerignore or ()), *excludes))
        missing = [pattern for pattern in expected if not all(matcher.excludes(path) for path in _samples(pattern))]
        if not missing or set(missing) <= _SMALL_ALONE:
            continue
        listed = ", ".join(f"`{pattern}`" for pattern in missing)
        yield Finding(
            META,
            whole.span,
            f"`{keyword} {clip(whole.text, 20)}` in {stage.label}: .dockerignore does not exclude {clip(listed, 50)};"
            f" add {'it' if len(missing) == 1 else 'them'}",
            stage=stage.name,
            detail=f"`{keyword} {whole.text}` in {stage.label} copies the whole build context, and .dockerignore does"
            f" not exclude {listed}{_evidence(copy, missing)}; add {'it' if len(missing) == 1 else 'them'} to .dockerignore",
            group=Group(f"missing {listed}", "this file", "copy"),
            shared_file=_ignore_file(dockerfile),
        )


# missing alone, not worth a finding: the bytecode of the context's own sources, kilobytes beside them
_SMALL_ALONE = frozenset({"**/__pycache__"})


def _ignore_file(dockerfile: Dockerfile) -> str | None:
    """The ignore file the fix edits (or creates: the context's `.dockerignore`), absolute."""
    if dockerfile.context_dir is None:
        return None
    return os.path.join(dockerfile.context_dir, dockerfile.dockerignore_file or ".dockerignore")


def reads_history(dockerfile: Dockerfile, stage: Stage, copy: Instruction) -> str | None:
    """Evidence that the build reads the git history the whole-context copy brings in, or None: a
    later RUN of the stage (or of a stage built FROM it) runs git where the copy put the context
    (`git describe`, `git submodule update`; not `git clone`, which fetches its own); runs make, and
    the context's Makefile asks git (`VERSION ?= $(shell git describe --tags)`); runs `cargo build`,
    and `Cargo.lock` holds a crate that stamps the commit (`vergen`); or builds or installs a Python
    project whose version comes from its history (setuptools-scm, hatch-vcs, versioneer … in its
    pyproject.toml, setup.py or setup.cfg). Excluding `.git` there breaks the version stamp or the
    build (`dflint.project_files` reads those files)."""
    if dockerfile.context is not None and dockerfile.context.unknown:
        return None
    for later in dockerfile.stages:
        if later is not stage and stage not in dockerfile.ancestry(later):
            continue
        for instruction in later.instructions_of("RUN"):
            if later is stage and instruction.index < copy.index:
                continue
            for command in instruction.commands:
                name = command.name
                if name == "git" and (command.args[:1] or [None])[0] not in ("clone", "ls-remote") and _inside(command.cwd, copy):
                    return f"line {command.span.line} runs `{clip(command.text, 40)}`"
                makefile = makefile_asks_git(dockerfile) if name in ("make", "gmake") else None
                if makefile is not None:
                    return f"line {command.span.line} runs make, and `{makefile}` asks git about the history"
                lock = (
                    cargo_stamps_git(dockerfile) if name == "cargo" and command.args[:1] in (("build",), ("install",)) else None
                )
                if lock is not None:
                    return f"line {command.span.line} runs cargo, and `{lock}` holds a crate that stamps the git commit"
            for op in instruction.packages:
                local = op.verb in ("install", "build", "sync") and (
                    any(requirement.kind == "path" for requirement in op.packages)
                    or op.manager in ("poetry", "pdm", "hatch")
                    or op.verb in ("build", "sync")
                )
                project = version_from_history(dockerfile) if local else None
                if project is not None:
                    return f"line {op.command.span.line} builds the project, whose `{project}` takes its version from git"
    return None


def _inside(cwd: str | None, copy: Instruction) -> bool:
    """Does a command run where the copy put the context (or somewhere unknown)? A `git checkout`
    in a clone made elsewhere reads that clone's history, not the context's."""
    destination = copy.copy.destination if copy.copy is not None else None
    if cwd is None or destination is None or not destination.startswith("/"):
        return True
    root = destination.rstrip("/") or "/"
    return root == "/" or cwd == root or cwd.startswith(root + "/")


def _turns_up(copy: WorkingCopy, pattern: str) -> bool:
    """Can paths of this kind be in the context? `.git` when the context is the repository's root;
    any other kind when git ignores it here (it turns up in working copies, and `docker build` sends
    a working copy), not when git would commit it (then it is either absent or part of the sources)."""
    samples = _samples(pattern)
    if samples == (".git",):
        return copy.holds_history
    return any(copy.git_ignores(sample) for sample in samples)


def _what_goes_in(copy: WorkingCopy | None, expected: tuple[str, ...]) -> str:
    if copy is None:
        return ".git, virtualenvs, caches and any checkpoints or datasets in it"
    return "what a working copy holds there (" + ", ".join(f"`{pattern}`" for pattern in expected) + ")"


def _evidence(copy: WorkingCopy | None, missing: list[str]) -> str:
    if copy is None:
        return ""
    ignored = [f"`{pattern}`" for pattern in missing if _samples(pattern) != (".git",)]
    said = []
    if len(ignored) < len(missing):
        said.append("the context is the repository's root, so `.git` is in it")
    if ignored:
        said.append(f"git ignores {', '.join(ignored)} here, so a working copy can hold them and `docker build` sends them")
    return f" ({'; '.join(said)})"


def _where(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str:
    """A note when the copied context does not reach the image (a build stage whose exports do not
    hold it): it still fills that stage's layers and the build cache, so the finding stays."""
    spec = instruction.copy
    destination = spec.destination if spec is not None else None
    if destination is None or reaches(dockerfile, stage, instruction, destination.rstrip("/") or "/") is not None:
        return ""
    return " (not shipped)"


def may_copy_context_root(instruction: Instruction) -> bool:
    """A cheap look at the words as written: could a source be the context root?"""
    words = instruction.json_args if instruction.json_args is not None else instruction.arguments.split()
    return any("$" in word or clean(word.strip("\"'")) in (".", "/") for word in words[:-1])


def _samples(pattern: str) -> tuple[str, ...]:
    """Paths a pattern is meant to exclude: `**/*.pt` → `model.pt` and `sub/model.pt`; `.git` → `.git`."""
    pattern = pattern.strip().lstrip("/")
    if "**/" not in pattern:
        return (pattern.replace("*", "model"),)
    head, tail = pattern.split("**/", 1)
    tail = tail.replace("*", "model")
    return (head + tail, f"{head}sub/{tail}")
