"""Base images of stages: where the image word is written and which build-flavoured image it is
(dflint/data/base_images.json). Whether the image is known (`dflint.imagerefs.base_is_known`) and
whether a stage can use a GPU (`dflint.gpu`) are the model's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dflint.build_deps import build_image, runtime_tag
from dflint.model import Dockerfile, Span, Stage, split_image
from dflint.rule import Savings


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


def build_flavour(reference: str) -> BuildFlavour | None:
    """Match a resolved image reference against the build-flavoured images of the data
    (`dflint.build_deps.build_image`)."""
    entry = build_image(reference)
    if entry is None:
        return None
    _, tag, digest = split_image(reference)
    tag = tag or "latest"
    replacement = runtime_tag(entry, tag)
    return BuildFlavour(entry["image"], tag, digest, entry["runtime_hint"], replacement, _savings(entry), entry)


def _savings(entry: dict[str, Any]) -> Savings | None:
    extra = entry.get("extra_mb")
    if not isinstance(extra, (int, float)):
        return None
    basis = entry.get("extra_basis", "size difference")
    return Savings(float(extra), f"{basis}; {entry['source']}")
