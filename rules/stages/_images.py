"""Base images of stages: where the image word is written, whether its value is known, which
build-flavoured image it is (dflint/data/base_images.json), and whether a stage can use a GPU."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from dflint.data import load
from dflint.indexes import gpu_index
from dflint.model import Dockerfile, Span, Stage, normalise_image, split_image
from dflint.rule import Savings

_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def image_word_span(dockerfile: Dockerfile, stage: Stage) -> Span | None:
    """The span of the image reference in the stage's FROM, when it is written as one word there."""
    instruction = stage.from_instruction
    start = instruction.arguments_span.offset
    end = start + len(stage.base)
    if not stage.base or dockerfile.text[start:end] != stage.base:
        return None
    span = instruction.arguments_span
    if span.line != span.end_line and "\n" in dockerfile.text[start:end]:
        return None
    return Span(span.line, span.column, span.line, span.column + len(stage.base), start, end)


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


@dataclass(frozen=True, slots=True)
class BuildFlavour:
    """A shipped base image that is a build image, and what to use instead."""

    image: str  # as matched (normalised, no registry alias)
    tag: str
    digest: str | None
    runtime_hint: str
    replacement: str | None  # the runtime tag, when the data gives a rewrite
    savings: Savings | None
    entry: Any


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    return tuple(load("base_images")["build_flavoured"])


def build_flavour(reference: str) -> BuildFlavour | None:
    """Match a resolved image reference against the build-flavoured images of the data."""
    name, tag, digest = split_image(reference)
    lowered = name.lower()
    tag = tag or "latest"
    for entry in _entries():
        names = {entry["image"], *entry.get("aliases", ())}
        if lowered not in names and normalise_image(lowered) not in names:
            continue
        if not re.fullmatch(entry["tag_pattern"], tag):
            continue
        replacement = None
        rewrite = entry.get("replacement")
        if rewrite:
            replaced = re.sub(rewrite["from"], rewrite["to"], tag, count=1)
            replacement = replaced if replaced != tag else None
        return BuildFlavour(entry["image"], tag, digest, entry["runtime_hint"], replacement, _savings(entry), entry)
    return None


def _savings(entry: dict[str, Any]) -> Savings | None:
    extra = entry.get("extra_mb")
    if not isinstance(extra, (int, float)):
        return None
    basis = entry.get("extra_basis", "size difference")
    return Savings(float(extra), f"{basis}; {entry['source']}")


# -- GPU ----------------------------------------------------------------------------------------

_GPU_IMAGE = re.compile(r"cuda|nvidia|nvcr\.io|rocm|gpu|tensorrt|tritonserver|pytorch/pytorch|habana|neuron", re.IGNORECASE)
_GPU_TAG = re.compile(r"cuda|cu\d{2,3}|gpu|rocm|cudnn|tensorrt", re.IGNORECASE)
_GPU_ENV = (
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "CUDA_HOME",
    "CUDA_PATH",
    "CUDA_VERSION",
    "NV_CUDA_LIB_VERSION",
)
_GPU_SYSTEM_PACKAGE = re.compile(
    r"(cuda-.+|libcudnn.*|libnccl.*|nvidia-.+|cudatoolkit.*|pytorch-cuda|cudnn|libcublas.*|tensorrt.*)"
)
# Packages that only make sense with a GPU and bring or need CUDA (not the DF203 candidates themselves).
_GPU_PIP_PACKAGE = re.compile(r"(nvidia-.+|cupy-cuda.+|vllm|flash-attn|xformers|tensorrt.*|pycuda)")
_GPU_EXTRA = re.compile(r"cuda.*|gpu|and-cuda")


def is_gpu_image(reference: str) -> bool:
    name, tag, _ = split_image(reference)
    return bool(_GPU_IMAGE.search(name) or (tag and _GPU_TAG.search(tag)))


def gpu_stage(dockerfile: Dockerfile, stage: Stage) -> bool | None:
    """True when the stage can use a GPU: a CUDA/GPU base image, CUDA variables in its environment,
    or CUDA packages installed in it or the stages it is built FROM. False when its base image is
    known and none of that holds; None when the base image is unknown."""
    chain = dockerfile.ancestry(stage)
    root = chain[-1]
    if any(_gpu_signals(s) for s in chain):
        return True
    if not base_is_known(dockerfile, root) or root.base_resolved is None:
        return None
    return is_gpu_image(root.base_resolved)


def _gpu_signals(stage: Stage) -> bool:
    for instruction in stage.instructions:
        if instruction.keyword == "ENV" and any(name in instruction.arguments for name in _GPU_ENV):
            return True
        for op in instruction.packages:
            if op.verb != "install":
                continue
            pattern = _GPU_PIP_PACKAGE if op.manager in ("pip", "uv", "pipenv") else _GPU_SYSTEM_PACKAGE
            for requirement in op.packages:
                if requirement.name and pattern.fullmatch(requirement.name):
                    return True
                if op.manager in ("pip", "uv") and any(_GPU_EXTRA.fullmatch(extra) for extra in requirement.extras):
                    return True
                if requirement.spec and re.search(r"\+cu\d+|\+rocm", requirement.spec):
                    return True
            if gpu_index(op):
                return True
    return False


def iter_stages_from(dockerfile: Dockerfile, stage: Stage, shipped: tuple[Stage, ...]) -> Iterator[Stage]:
    """The stage and every shipped stage built FROM it, directly or not."""
    for candidate in shipped:
        if any(s.index == stage.index for s in dockerfile.ancestry(candidate)):
            yield candidate
