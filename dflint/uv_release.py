"""Which uv release a RUN runs, where the Dockerfile shows it.

uv's cache costs a layer what its link mode makes it cost (`data/caches.json` uv
`links_from_cache`): before uv 0.10.5 it hard-links the installed files from its cache on Linux,
whatever the builder's filesystem, so a cache left in the layer adds only its index data; from
0.10.5 on it clones them where the filesystem can (xfs, btrfs), and a layer's tar then holds them
twice. Which one a RUN gets is the release the stage put on its PATH before it:

- `COPY --from=ghcr.io/astral-sh/uv:0.5.31 /uv /uvx /bin/` (or `astral/uv`, or a stage built FROM
  one of them), the form uv's Docker guide gives;
- a stage built FROM `ghcr.io/astral-sh/uv:0.7-python3.12-bookworm`;
- `pip install uv==0.7.2`;
- `curl -LsSf https://astral.sh/uv/0.7.2/install.sh | sh`.

A tag of two parts (`uv:0.7`) is every patch release of that line. The last of these before the RUN,
in the stage and the stages it is built FROM, decides; one whose release is unknown (`uv:latest`,
`pip install uv`, `astral.sh/uv/install.sh`) makes it unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dflint.data import load
from dflint.model import Dockerfile, Instruction, Stage, normalise_image, split_image

_UV_IMAGES = frozenset({"ghcr.io/astral-sh/uv", "astral/uv"})
_TAG_RELEASE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(?:-.*)?")
_INSTALLER_URL = re.compile(r"astral\.sh/uv/(?:(\d+)\.(\d+)\.(\d+)/)?install\.sh")
_PIN = re.compile(r"==\s*(\d+)\.(\d+)\.(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class UvRelease:
    """A uv release line the file names: `(0, 7, None)` for every 0.7.x, with the line that says so."""

    major: int
    minor: int
    patch: int | None
    line: int
    written: str  # `ghcr.io/astral-sh/uv:0.7`, `uv==0.7.2`

    def before(self, version: tuple[int, int, int]) -> bool:
        """Every release this names is older than `version`."""
        if self.patch is None:
            return (self.major, self.minor) < version[:2]
        return (self.major, self.minor, self.patch) < version


def uv_release(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> UvRelease | None:
    """The uv release a RUN of `stage` at `instruction` runs, when the file shows one; None when it
    is unknown or nothing installs uv."""
    found: UvRelease | None = None
    for ancestor in reversed(dockerfile.ancestry(stage)):
        if ancestor.base_stage is None:
            found = _from_image(ancestor.base_resolved, ancestor.from_instruction)
        for candidate in ancestor.instructions:
            if ancestor.index == stage.index and candidate.index >= instruction.index:
                return found
            installs, release = _installs_uv(dockerfile, candidate)
            if installs:
                found = release
    return found


def hard_links_cache(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> UvRelease | None:
    """The uv release the RUN runs when it is one that hard-links the installed files from its cache
    on every filesystem (before `links_from_cache.clones_from`): the cache left in the layer then adds
    only its index data. None otherwise (a later or unknown release)."""
    release = uv_release(dockerfile, stage, instruction)
    return release if release is not None and release.before(_clones_from()) else None


@cache
def _clones_from() -> tuple[int, int, int]:
    text = str(load("caches")["managers"]["uv"]["links_from_cache"]["clones_from"])
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def _installs_uv(dockerfile: Dockerfile, instruction: Instruction) -> tuple[bool, UvRelease | None]:
    """Whether the instruction puts uv on the PATH, and the release when it shows one."""
    if instruction.keyword == "COPY":
        source = instruction.flag("from")
        if source is None or source.value is None:
            return False, None
        value = instruction.expand(source.value)
        if value is None:
            return False, None
        named = dockerfile.stage_by_key(value.lower())
        if named is not None:
            image = dockerfile.root_image(named)
            return (True, _from_image(image, instruction)) if _is_uv_image(image) else (False, None)
        return (True, _from_image(value, instruction)) if _is_uv_image(value) else (False, None)
    if instruction.keyword != "RUN":
        return False, None
    installs, release = False, None
    for op in instruction.packages:
        if op.manager not in ("pip", "uv") or op.verb != "install":
            continue
        for requirement in op.named_requirements():
            if requirement.name == "uv":
                pin = _PIN.search(requirement.spec or "")
                installs = True
                release = (
                    UvRelease(int(pin[1]), int(pin[2]), int(pin[3]), instruction.span.line, f"uv{requirement.spec}")
                    if pin
                    else None
                )
    for command in instruction.commands:
        for word in command.argv:
            match = _INSTALLER_URL.search(word.value or "")
            if match is not None:
                installs = True
                release = (
                    UvRelease(int(match[1]), int(match[2]), int(match[3]), instruction.span.line, match[0]) if match[1] else None
                )
    return installs, release


def _is_uv_image(reference: str | None) -> bool:
    return reference is not None and normalise_image(split_image(reference)[0].lower()) in _UV_IMAGES


def _from_image(reference: str | None, instruction: Instruction) -> UvRelease | None:
    if reference is None or not _is_uv_image(reference):
        return None
    tag = split_image(reference)[1]
    match = _TAG_RELEASE.fullmatch(tag or "")
    if match is None:
        return None
    patch = int(match[3]) if match[3] is not None else None
    return UvRelease(int(match[1]), int(match[2]), patch, instruction.span.line, reference)
