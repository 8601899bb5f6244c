"""Where a Dockerfile refers to a stage by name or index: `COPY --from=X`, `RUN --mount=…,from=X`
and `FROM X`, with the exact position of X."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.imagerefs import SourceRef, copy_source, from_words
from dflint.model import Dockerfile, Flag, Instruction, Span, Stage

_MOUNT_FROM = re.compile(r"(?:^|,)\s*from=([^,]*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class StageReference:
    """A `--from` or `--mount=…,from=` that names a stage, where it is written and what it names."""

    stage: Stage  # the stage the reference is written in
    instruction: Instruction
    value: str  # the name or index as written
    target: SourceRef
    span: Span  # the whole flag (`--from=x`, `--mount=…`)
    value_span: Span | None  # just the value, when it can be located exactly
    written: str  # how a message quotes it: `--from=x` / `--mount=…,from=x`


def stage_references(dockerfile: Dockerfile) -> Iterator[StageReference]:
    """Every `--from` of COPY and every `from=` of a RUN mount, classified."""
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if instruction.keyword == "COPY":
                flag = instruction.flag("from")
                if flag is not None and flag.value:
                    yield StageReference(
                        stage,
                        instruction,
                        flag.value,
                        copy_source(dockerfile, stage, flag.value),
                        flag.span,
                        _copy_value_span(dockerfile, flag),
                        f"--from={flag.value}",
                    )
            elif instruction.keyword == "RUN":
                for flag in instruction.flags:
                    if flag.name != "mount" or not flag.value:
                        continue
                    match = _MOUNT_FROM.search(flag.value)
                    if match is None or not match.group(1).strip():
                        continue
                    value = match.group(1).strip()
                    yield StageReference(
                        stage,
                        instruction,
                        value,
                        copy_source(dockerfile, stage, value),
                        flag.span,
                        _mount_value_span(dockerfile, flag, match.start(1), value),
                        f"--mount=…,from={value}",
                    )


def _copy_value_span(dockerfile: Dockerfile, flag: Flag) -> Span | None:
    return flag.value_span


def _mount_value_span(dockerfile: Dockerfile, flag: Flag, index: int, value: str) -> Span | None:
    if dockerfile.text[flag.span.offset : flag.span.end_offset] != f"--mount={flag.value}":
        return None
    start = flag.span.offset + len("--mount=") + index
    while dockerfile.text[start] in " \t":
        start += 1
    end = start + len(value)
    if dockerfile.text[start:end] != value:
        return None
    return dockerfile.span(start, end)


def from_stage_references(dockerfile: Dockerfile, target: Stage) -> Iterator[Span]:
    """Spans of the FROM image words that name `target` as written (not through a variable)."""
    if not target.name:
        return
    for stage in dockerfile.stages:
        if stage.base_stage != target.index:
            continue
        word = from_words(dockerfile, stage).image
        if word is not None and word.text.lower() == target.name.lower():
            yield word.span
