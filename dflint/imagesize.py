"""How large a stage's image already is, and whether what a package manager leaves in a layer is
negligible beside it.

Two facts, each with its evidence, for the rules that weigh a leftover against the image (DF301,
DF303; DF302 asks `large_image` alone: the apt lists are tens of megabytes whatever is installed):

- `large_image`: the stage's image already holds gigabytes (at least `LARGE_IMAGE_MB`). Either its
  root image is one whose size a source gives (`data/base_images.json` `large_images`: the CUDA
  runtime and devel flavours, `rocm/pytorch`, NGC's PyTorch, an LLM server, the full `python:3.11`
  and later images …), or its FROM chain
  installs torch's CUDA build from PyPI, whose wheels alone come to 2730 MB
  (`data/heavy_frameworks.json` `closure_mb`); a torch pinned to another release, or resolved on a
  Python too old for the one measured (`stage_python`), still unpacks to at least 1094.8 MB: the
  smallest of the wheels PyPI serves for the last release of every line from 1.4 to 2.15
  (`every_release_line`, measured from each wheel's zip directory). A stage also holds what a
  `COPY --from` brings from an earlier stage: its whole filesystem (`FROM scratch`, `COPY
  --from=base / /`, Roboflow Inference's images) with that stage's evidence, or the tree a torch
  install of that stage wrote (`COPY --from=builder /opt/venv /opt/venv`: `filesystem.install_write`).
  A base whose size no source gives is not claimed.
- `light_install`: the cache a pip or uv install leaves holds only the wheels of a few light
  packages: every package is named (no requirements file whose content is unknown, no local
  project, URL or VCS install, no extras), none is a heavy framework (`heavy_frameworks.json`,
  both lists) or a GPU wheel (`dflint.gpu.gpu_pip_package`, a name that marks a GPU build such as
  `onnxruntime-gpu` or `jax-cuda12-plugin`, a `+cu121`/`+rocm`/`+xpu` version),
  none requires a framework the image does not hold yet (`requires_framework`; with a flag that
  makes pip download what is already installed again, `--force-reinstall`, `--ignore-installed`,
  `--target`, `--prefix`, `--root`, `--upgrade-strategy`, none requires one at all: a pinned
  `--force-reinstall PyYAML==6.0.1` is light, `--force-reinstall accelerate` downloads torch again).
  A requirements file read from the build
  context is judged by its content. For the other managers, `apk`'s cache is its index (a couple
  of megabytes per repository) and `npm install NAME …` keeps the tarballs of the named packages;
  conda, yum/dnf, poetry, pipenv, `uv sync` and a project's `npm install`/`npm ci` are never light.

A third fact is uv's own: the cache of a uv that hard-links the installed files from it (a release
before 0.10.5, `dflint.uv_release`) adds only its index data to the layer (measured: 2.7 MB beside
85.4 MB installed, `data/caches.json` uv `links_from_cache`), whatever the image.

`LARGE_IMAGE_MB` is 1000 MB: a light install's cache holds the compressed wheels of the packages
named and their small dependencies, a few megabytes to a few tens each (measured: `cmake` 30.2 MB,
`transformers` 13.5 MB, `Cython` 3.5 MB, `ninja` 0.2 MB; `data/build_tools.json`,
`data/heavy_frameworks.json`), so beside a gigabyte it is a few percent, and beside the images
listed (1.1 GB for a CUDA runtime tag, 1.4 GB and more for devel, 10 GB and more for ROCm's and
NGC's PyTorch) one percent or less.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, cast

from dflint.build_deps import NEGLIGIBLE_MB, branch_not_taken, negligible_in_gpu_image
from dflint.data import load
from dflint.filesystem import install_write
from dflint.gpu import gpu_pip_package
from dflint.indexes import gpu_index, torch_variant
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, Stage, normalise_image, split_image
from dflint.releases import stage_python
from dflint.shipping import overlaps
from dflint.uv_release import UvRelease, hard_links_cache
from dflint.wheels import pinned_elsewhere

LARGE_IMAGE_MB = 1000.0
NEGLIGIBLE_SHARE = NEGLIGIBLE_MB / 1000.0  # 2 %: `build_deps.NEGLIGIBLE_MB` beside the gigabyte it was set for

_LOCAL_BUILD = re.compile(r"\+(cu\d+|rocm[\d.]*|xpu)\b")
# A name that marks a GPU build of a package (`onnxruntime-gpu`, `ort-nightly-gpu`, `faiss-gpu`,
# `jax-cuda12-plugin`, `mxnet-cu112`): the CUDA libraries are in its wheel.
_GPU_BUILD_NAME = re.compile(r".+-(gpu|cuda\d*[a-z]*|cu\d{2,3})(-.+)?")
_REINSTALLS = ("--force-reinstall", "--ignore-installed", "-I", "--target", "-t", "--prefix", "--root", "--upgrade-strategy")


@dataclass(frozen=True, slots=True)
class LargeImage:
    """Why a stage's image already holds gigabytes: at least `at_least_mb` (`approximate` when the
    source rounds), what in the file says so, and the source of the size."""

    at_least_mb: float
    evidence: str  # "the base image `nvidia/cuda:12.1.0-devel-ubuntu22.04`", "`torch` installed at line 12"
    source: str
    approximate: bool = False
    holds: tuple[str, ...] = ()  # frameworks the base image ships (`torch`)

    def describe(self) -> str:
        size = f"{'about ' if self.approximate else 'at least '}{self.at_least_mb / 1000:.1f} GB"
        return f"{self.evidence}: {size}"


def large_image(dockerfile: Dockerfile, stage: Stage) -> LargeImage | None:
    """The evidence that the stage's image holds at least `LARGE_IMAGE_MB`, or None when the file
    does not show it (an unknown base, a base whose size no source gives, no torch installed)."""
    memo = cast("dict[int, LargeImage | None]", dockerfile.memo.setdefault(("large image", None), {}))
    if stage.index not in memo:
        memo[stage.index] = None  # a stage never copies from itself or a later one; this only guards the walk
        memo[stage.index] = (
            _base_evidence(dockerfile, stage) or _framework_evidence(dockerfile, stage) or _copied_evidence(dockerfile, stage)
        )
    return memo[stage.index]


def _base_evidence(dockerfile: Dockerfile, stage: Stage) -> LargeImage | None:
    root = dockerfile.root_image(stage)
    entry = large_base(root)
    if root is None or entry is None:
        return None
    size = float(entry["at_least_mb"])
    if size < LARGE_IMAGE_MB:
        return None
    flavour = f" ({entry['flavour']} flavour)" if entry.get("flavour") else ""
    return LargeImage(
        size,
        f"the base image `{root}`{flavour}",
        f"dflint/data/base_images.json large_images: {entry['basis']} ({entry['source']})",
        bool(entry.get("approximate")),
        tuple(entry.get("holds", ())),
    )


def negligible_beside_image(dockerfile: Dockerfile, stage: Stage, sizes: Sequence[float | None]) -> bool:
    """Every size is known and together they are a rounding error beside the stage's image: under
    `NEGLIGIBLE_MB` each where the stage carries accelerator libraries
    (`build_deps.negligible_in_gpu_image`), or under `NEGLIGIBLE_SHARE` (2 %) of what the image is
    known to hold (`large_image`: 29 MB of a pip `cmake` beside a Triton server image of 8.3 GB).
    The rules that weigh packages (DF201, DF202, DF101's build tools) ask this."""
    if negligible_in_gpu_image(dockerfile, stage, sizes):
        return True
    if not sizes or any(size is None for size in sizes):
        return False
    image = large_image(dockerfile, stage)
    return image is not None and sum(size or 0.0 for size in sizes) < NEGLIGIBLE_SHARE * image.at_least_mb


def negligible_alone(sizes: Sequence[float | None]) -> bool:
    """Every size is known and together they come to less than `NEGLIGIBLE_MB` (20 MB), whatever the
    image: a stage's build or dev tools of a few megabytes in all (`Cython` unpacks to 10.7 MB,
    `pytest` with its dependencies to 6.7 MB). Reviewers judged every such finding drawn not worth
    telling (11 of 11 DF201 findings on a lone `cython`, 16 of 17 DF204 ones); DF201 and DF204 leave
    them unless `check-small-tools` is set."""
    return bool(sizes) and all(size is not None for size in sizes) and sum(size or 0.0 for size in sizes) < NEGLIGIBLE_MB


def large_base(reference: str | None) -> dict[str, Any] | None:
    """The `data/base_images.json` `large_images` entry an image reference is, or None."""
    if not reference:
        return None
    name, tag, _ = split_image(reference)
    lowered = normalise_image(name.lower())
    for entry in _large_images():
        names = {entry["image"], *entry.get("aliases", ())}
        if lowered in names and re.fullmatch(entry["tag_pattern"], tag or "latest"):
            return entry
    return None


@cache
def _large_images() -> tuple[dict[str, Any], ...]:
    return tuple(load("base_images")["large_images"]["images"])


def _framework_evidence(dockerfile: Dockerfile, stage: Stage) -> LargeImage | None:
    """The chain installs torch's CUDA build from PyPI at the version measured (or unpinned)."""
    return next((found for *_, found in _torch_installs(dockerfile, stage)), None)


def _copied_evidence(dockerfile: Dockerfile, stage: Stage) -> LargeImage | None:
    """The chain copies in from an earlier stage what makes that stage large: its whole filesystem
    (`FROM scratch`, `COPY --from=base / /`, Roboflow Inference's images), or the tree a torch
    install of its chain wrote (`COPY --from=builder /opt/venv /opt/venv`: `install_write`)."""
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for instruction in ancestor.instructions:
            spec = instruction.copy
            if spec is None or spec.source_stage is None or spec.source_stage >= ancestor.index:
                continue
            source = dockerfile.stages[spec.source_stage]
            paths = [posixpath.normpath("/" + value.strip().lstrip("/")) for value in spec.sources if value and "$" not in value]
            line, label = instruction.span.line, source.label
            if "/" in paths:
                whole = large_image(dockerfile, source)
                if whole is not None:
                    return replace(
                        whole, evidence=f"{whole.evidence}, in {label}, whose whole filesystem the COPY at line {line} takes"
                    )
                continue
            for owner, writer, op, found in _torch_installs(dockerfile, source):
                trees = install_write(dockerfile, owner, writer, op)
                if any(overlaps(path, tree, tree=True) for path in paths for tree in trees):
                    return replace(found, evidence=f"{found.evidence} in {label}, copied in by the COPY at line {line}")
    return None


def _torch_installs(dockerfile: Dockerfile, stage: Stage) -> Iterator[tuple[Stage, Instruction, PackageOp, LargeImage]]:
    """Each pip or uv install of PyPI's torch in the stage's FROM chain, root first, with what it
    says of the image's size: the CUDA build at the release measured (or unpinned), or any other
    release's floor (`every_release_line`)."""
    facts = _torch_facts()
    closure = facts.get("closure_mb")
    if not isinstance(closure, (int, float)) or closure < LARGE_IMAGE_MB:
        return
    older_python = _python_below_measured(facts, stage_python(dockerfile, stage))
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for instruction in ancestor.instructions:
            for op in instruction.packages:
                if not _pip_install(op) or branch_not_taken(ancestor, instruction, op) is not None:
                    continue
                for requirement in _requirements(op):
                    if requirement is None or not _is_torch(requirement) or requirement.kind != "name":
                        continue
                    if (
                        torch_variant(op, instruction.env) != "cuda"
                        or gpu_index(op)
                        or _LOCAL_BUILD.search(requirement.spec or "")
                    ):
                        continue  # not PyPI's build: the CPU one, or one from PyTorch's own indexes
                    line = op.command.span.line
                    if (
                        pinned_elsewhere(facts, requirement.spec) is None
                        and not (older_python and not requirement.spec)
                        and _admits(requirement.spec, facts.get("version"))
                    ):
                        yield (
                            ancestor,
                            instruction,
                            op,
                            LargeImage(
                                float(closure),
                                f"`torch` installed at line {line} (its CUDA build from PyPI)",
                                f"dflint/data/heavy_frameworks.json torch closure_mb: {facts.get('closure_note', '')} ({facts.get('source', '')})",
                            ),
                        )
                        continue
                    # another release than the one measured: torch's own wheel, the smallest of every line
                    floor = _every_release_floor(facts)
                    if floor is not None:
                        yield (
                            ancestor,
                            instruction,
                            op,
                            LargeImage(
                                floor,
                                f"`torch` installed at line {line} (PyPI's build; any release unpacks to at least {floor / 1000:.1f} GB)",
                                "dflint/data/heavy_frameworks.json torch every_release_line: "
                                f"{facts['every_release_line'].get('source', '')}",
                            ),
                        )


def _admits(spec: str | None, version: object) -> bool:
    """The version specifier admits the release measured (`>=2.0` does, `<1.8` does not); an
    unreadable specifier is taken to admit it, as before."""
    if not spec or not isinstance(version, str):
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(spec).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True


def _every_release_floor(facts: dict[str, Any]) -> float | None:
    """The smallest unpacked torch wheel of every release line on PyPI (Linux x86_64), when it is
    at least `LARGE_IMAGE_MB`: what any `pip install torch` installs there, whatever release it resolves."""
    floor = (facts.get("every_release_line") or {}).get("unpacked_floor_mb")
    return float(floor) if isinstance(floor, (int, float)) and floor >= LARGE_IMAGE_MB else None


def _python_below_measured(facts: dict[str, Any], python: str | None) -> bool:
    """The stage's Python is too old for the torch release measured: a plain `pip install torch`
    resolves an older one there (`newest_by_python`, `sizes_hold_from`), whose sizes are not known."""
    floor = (facts.get("newest_by_python") or {}).get("sizes_hold_from")
    if python is None or not isinstance(floor, str):
        return False
    return tuple(int(part) for part in python.split(".")) < tuple(int(part) for part in floor.split("."))


@cache
def _torch_facts() -> dict[str, Any]:
    entry = load("heavy_frameworks")["pip"].get("torch", {})
    return entry if isinstance(entry, dict) else {}


def _is_torch(requirement: Requirement) -> bool:
    return requirement.name in ("torch", "pytorch")


def _pip_install(op: PackageOp) -> bool:
    return op.verb == "install" and (op.manager == "pip" or (op.manager == "uv" and op.program == "uv pip"))


def _requirements(op: PackageOp) -> Iterable[Requirement | None]:
    """What an install names, with the requirements of every file it reads; None stands for a file
    whose content is unknown (not read from the build context)."""
    yield from op.packages
    for top in op.files:
        if top.constraint:
            continue
        for file in top.walk():
            if file.constraint:
                continue
            if file.status != "read":
                yield None
            yield from file.requirements


# -- light caches -------------------------------------------------------------------------------


def frameworks_before(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> frozenset[str]:
    """The heavy frameworks the image holds when `instruction` runs: those its base image ships
    (`large_images` `holds`) and those an earlier RUN of its chain installs by name."""
    found: set[str] = set()
    entry = large_base(dockerfile.root_image(stage))
    if entry is not None:
        found.update(entry.get("holds", ()))
    frameworks = _framework_names()
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for earlier in ancestor.instructions:
            if ancestor is stage and earlier.index >= instruction.index:
                break
            for op in earlier.packages:
                if op.verb != "install" or op.manager not in ("pip", "uv", "conda"):
                    continue
                for requirement in _requirements(op):
                    if requirement is not None and requirement.name in frameworks:
                        found.add(frameworks[requirement.name])
    return frozenset(found)


def light_install(op: PackageOp, holds: frozenset[str] = frozenset()) -> bool:
    """Is the cache this install leaves known to hold only a few light packages? (The module's
    doc says what counts.) `holds`: the frameworks already in the image (`frameworks_before`)."""
    if op.verb != "install":
        return False
    if op.manager == "apk":
        return True  # /var/cache/apk holds the repositories' indexes, not the packages
    if op.manager == "npm":
        return bool(op.packages) and all(_light_npm(requirement) for requirement in op.packages)
    return light_requirements(op, holds) is not None


def light_requirements(op: PackageOp, holds: frozenset[str] = frozenset()) -> tuple[Requirement, ...] | None:
    """What a pip or uv install installs, its requirements files' lines included, when every one is
    known and light (as `light_install` counts them); None otherwise."""
    if not _pip_install(op):
        return None
    if op.has_flag(*_REINSTALLS):
        holds = frozenset()  # everything is downloaded again, what the image holds included
    requirements = list(_requirements(op))
    if not requirements or not all(_light_pip(requirement, holds) for requirement in requirements):
        return None
    return tuple(requirement for requirement in requirements if requirement is not None)


def heavy_package(name: str | None) -> bool:
    """A Python package that makes up what an ML image runs: a heavy framework or light runtime in
    `data/heavy_frameworks.json` (torch, tensorflow, onnxruntime, opencv-python …, their aliases) or a
    GPU wheel (`flash-attn`, `nvidia-*`, a `-gpu`/`-cuda12`/`-cu121` name)."""
    return name is not None and (name in _heavy_names() or gpu_pip_package(name) or _GPU_BUILD_NAME.fullmatch(name) is not None)


def _light_pip(requirement: Requirement | None, holds: frozenset[str]) -> bool:
    if requirement is None or requirement.kind != "name" or requirement.name is None or requirement.extras:
        return False
    name = requirement.name
    if heavy_package(name):
        return False
    if _LOCAL_BUILD.search(requirement.spec or ""):
        return False
    needs = _required_frameworks().get(name)
    return needs is None or needs in holds


def _light_npm(requirement: Requirement) -> bool:
    """A package named from the registry (`serve`, `npm@11`), not a path, URL or git repository."""
    raw = requirement.raw or ""
    return requirement.name is not None and requirement.kind == "name" and not re.match(r"(\.|/|~|file:|git[+:]|https?:)", raw)


@cache
def _heavy_names() -> frozenset[str]:
    """Every plain name the heavy-framework lists know: their keys and aliases, and the light
    runtimes, whose wheels reach tens of megabytes. A key with an extra (`transformers[torch]`)
    names only that extra, and a requirement with extras is never light anyway."""
    data = load("heavy_frameworks")
    names: set[str] = set()
    for section in ("pip", "light_runtimes"):
        for key, entry in data.get(section, {}).items():
            if not isinstance(entry, dict):
                continue
            names.update(str(name) for name in (key, *entry.get("aliases", ())) if "[" not in str(name))
    return frozenset(names)


@cache
def _required_frameworks() -> dict[str, str]:
    packages = load("heavy_frameworks").get("requires_framework", {}).get("packages", {})
    return {str(name): str(entry["requires"]) for name, entry in packages.items()}


@cache
def _framework_names() -> dict[str, str]:
    """Package names that install a framework a `holds` speaks of (`torch`, `pytorch`, `tensorflow`)."""
    names = {"torch": "torch", "pytorch": "torch", "tensorflow": "tensorflow"}
    for alias in load("heavy_frameworks")["pip"].get("tensorflow", {}).get("aliases", ()):
        names[str(alias)] = "tensorflow"
    return names


@dataclass(frozen=True, slots=True)
class NegligibleCache:
    """Why a cache adds little to its layer: a light cache in an image known to be large (`image`), or
    uv's cache where the uv that wrote it hard-links the installed files from it (`uv`)."""

    image: LargeImage | None = None
    uv: UvRelease | None = None


def negligible_cache(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> NegligibleCache | None:
    """The evidence that the cache `op` leaves is negligible beside the stage's image: uv's cache
    written by a uv that hard-links from it (`dflint.uv_release.hard_links_cache`: only its index data
    stays, a few megabytes), or an image that holds gigabytes (`large_image`) and a light install
    (`light_install`); None otherwise."""
    if op.manager == "uv":
        release = hard_links_cache(dockerfile, stage, instruction)
        if release is not None:
            return NegligibleCache(uv=release)
    image = large_image(dockerfile, stage)
    if image is None or not light_install(op, frameworks_before(dockerfile, stage, instruction)):
        return None
    return NegligibleCache(image=image)
