"""Image references and stage references: what a FROM or a `--from` names, and where it is written.

`parse_reference` follows Docker's normalisation (distribution/reference): the first path component
is a registry when it holds a `.` or a `:` or is `localhost`; otherwise the image is on Docker Hub
(`docker.io`), and a single-component name is an official image under `library/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dflint.data import load
from dflint.model import ArgWord, Dockerfile, Stage

DOCKER_HUB = "docker.io"
HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"})
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image reference split into registry, repository, tag and digest."""

    registry: str  # "docker.io" for Docker Hub
    repository: str  # "library/python", "nvidia/cuda"
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The short name people write: `python`, `nvidia/cuda`, `ghcr.io/org/app`."""
        if self.registry == DOCKER_HUB:
            return self.repository.removeprefix("library/")
        return f"{self.registry}/{self.repository}"


def parse_reference(reference: str) -> ImageRef | None:
    """`ghcr.io/org/app:1.2@sha256:…` → ImageRef; None when it is not a valid reference."""
    if not reference or any(char.isspace() for char in reference) or "$" in reference:
        return None
    rest, _, digest = reference.partition("@")
    if digest and not _DIGEST.fullmatch(digest):
        return None
    tag = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not _TAG.fullmatch(tag):
            return None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        registry, path = first, remainder
    else:
        registry, path = DOCKER_HUB, rest
    if registry in HUB_ALIASES:
        registry = DOCKER_HUB
    if not path or not all(_COMPONENT.fullmatch(part) for part in path.split("/")):
        return None
    if registry == DOCKER_HUB and "/" not in path:
        path = "library/" + path
    return ImageRef(registry, path, tag, digest or None)


_RELEASE_LEVEL = re.compile(r"v?\d+(?:\.\d+)+")


def release_in_path(reference: ImageRef) -> bool:
    """True when a level of the repository path is a release number
    (`vault.habana.ai/gaudi-docker/1.21.0/ubuntu22.04/habanalabs/pytorch-installer-2.6.0`): the
    publisher keeps each release in a repository of its own, so its `latest` is a rebuild of that
    release, not the next one. A release inside a name (`rocm/dev-ubuntu-22.04`) is not enough: there
    it is the distribution's, and `latest` follows the product's releases."""
    return any(_RELEASE_LEVEL.fullmatch(level) for level in reference.repository.split("/"))


def only_built_locally(reference: ImageRef) -> bool:
    """True when `reference` can only name an image built on the machine that runs the build: a
    single-component Docker Hub name (`yarn-builder`, `docker.io/library/yarn-builder`) that has never
    been an official image (`data/base_images.json` `official_images`, deprecated ones included), so
    no registry serves it. Such an image comes from a `docker build -t NAME` run before this one (its
    tag is `latest` unless that command gave one), and there is no published version to pin."""
    if reference.registry != DOCKER_HUB or not reference.repository.startswith("library/"):
        return False
    name = reference.repository.removeprefix("library/")
    return name != "scratch" and name not in _official_names()


@cache
def _official_names() -> frozenset[str]:
    return frozenset(load("base_images")["official_images"]["names"])


@dataclass(frozen=True, slots=True)
class FromWords:
    """The words of a FROM after its flags: the image, `AS` and the stage name (each may be absent)."""

    image: ArgWord | None
    as_keyword: ArgWord | None
    name: ArgWord | None


def from_words(dockerfile: Dockerfile, stage: Stage) -> FromWords:
    words = stage.from_instruction.words
    image = words[0] if words else None
    if len(words) >= 3 and words[1].text.lower() == "as":
        return FromWords(image, words[1], words[2])
    return FromWords(image, None, None)


def is_scratch(stage: Stage) -> bool:
    return stage.base_stage is None and (stage.base_resolved or "").lower() == "scratch"


def flattened_from(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> str | None:
    """The image a flattened chain's filesystem is: the chain (final stage first) starts from
    `scratch` and one of its stages copies another stage's whole filesystem into `/` (`FROM scratch`,
    `COPY --from=base / /`: Roboflow Inference's images), so what the container holds, its
    `/etc/passwd` and `useradd` included, is that stage's root image (followed when it is flattened
    too), or the image named. None when the chain is not flattened so."""
    seen = 0
    while chain and is_scratch(chain[-1]) and seen < 16:
        seen += 1
        source = _whole_copy_source(dockerfile, chain)
        if source is None:
            return None
        if source.kind == "image" and source.image is not None:
            tag = f":{source.image.tag}" if source.image.tag else ""
            return f"{source.image.name}{tag}"
        if source.stage is None or source.kind != "earlier":
            return None
        chain = dockerfile.ancestry(source.stage)
        if not is_scratch(chain[-1]):
            return chain[-1].base_resolved
    return None


def flattened_stage(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> Stage | None:
    """The earlier stage a flattened chain holds whole (`FROM scratch`, `COPY --from=base / /`: the
    stage `base`, followed when it is flattened too), or None when the chain is not flattened from a
    stage of this Dockerfile."""
    seen = 0
    while chain and is_scratch(chain[-1]) and seen < 16:
        seen += 1
        source = _whole_copy_source(dockerfile, chain)
        if source is None or source.stage is None or source.kind != "earlier":
            return None
        chain = dockerfile.ancestry(source.stage)
        if not is_scratch(chain[-1]):
            return source.stage
    return None


def _whole_copy_source(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> SourceRef | None:
    for stage in reversed(chain):  # from the root up
        for instruction in stage.instructions_of("COPY"):
            source = instruction.flag("from")
            words = instruction.words
            if source is None or not source.value or len(words) != 2:
                continue
            if all(word.value is not None and word.value.startswith("/") and word.value.strip("/") == "" for word in words):
                return copy_source(dockerfile, stage, source.value)
    return None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What `COPY --from=X` names, seen from the stage the COPY is in."""

    kind: str  # "earlier" | "self" | "later" | "out-of-range" | "image" | "unknown"
    stage: Stage | None = None
    image: ImageRef | None = None


def copy_source(dockerfile: Dockerfile, current: Stage, value: str | None) -> SourceRef:
    """Classify a `--from` value as BuildKit resolves it: a number is a stage index, a name is a stage
    when any stage has it (case-insensitive) and otherwise an image reference."""
    if value is None or not value or "$" in value:
        return SourceRef("unknown")
    if value.isdigit():
        index = int(value)
        if index >= len(dockerfile.stages):
            return SourceRef("out-of-range")
        stage = dockerfile.stages[index]
        return SourceRef(_relation(stage, current), stage)
    lowered = value.lower()
    named = [stage for stage in dockerfile.stages if stage.name and stage.name.lower() == lowered]
    if named:
        earlier = [stage for stage in named if stage.index < current.index]
        stage = earlier[-1] if earlier else named[0]
        return SourceRef(_relation(stage, current), stage)
    image = parse_reference(value)
    return SourceRef("image", image=image) if image is not None else SourceRef("unknown")


def _relation(stage: Stage, current: Stage) -> str:
    if stage.index < current.index:
        return "earlier"
    return "self" if stage.index == current.index else "later"


def written_tag(written: str) -> tuple[str | None, str | None] | None:
    """The tag and digest of an image reference as written, when they do not depend on a variable
    even though other parts do (`${REGISTRY}/python`, `$REPO/app:latest`): (tag, digest), each None
    when absent; None when the last path component holds a variable, so the tag cannot be told."""
    last = written.rsplit("/", 1)[-1]
    name, _, digest = last.partition("@")
    if "$" in name or "$" in digest:
        return None
    _, colon, tag = name.partition(":")
    return (tag if colon else None), (digest or None)


_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
# An image reference: [host[:port]/]name[/name…][:tag][@digest], names lower-case.
_REFERENCE = re.compile(
    r"(?:[A-Za-z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z0-9]+:[A-Fa-f0-9]+)?"
)


def base_is_known(dockerfile: Dockerfile, stage: Stage) -> bool:
    """False when the FROM image depends on a global ARG that has no default and no value (BuildKit
    would substitute an empty string, which stands for "set at build time"), or resolves to
    something that is not an image reference (`<base>` placeholders): unknown here."""
    if stage.base_resolved is None or not _REFERENCE.fullmatch(stage.base_resolved):
        return False
    env = stage.from_instruction.env
    for name in _VARIABLE.findall(stage.base):
        if env.get(name) == "" and not _has_default(dockerfile, name):
            return False
    return True


def _has_default(dockerfile: Dockerfile, name: str) -> bool:
    for instruction in dockerfile.global_args:
        for word in instruction.arguments.split():
            key, equals, _ = word.partition("=")
            if key == name and equals:
                return True
    return False
