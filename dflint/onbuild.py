"""ONBUILD as one combinator, as hadolint's `onbuild` wrapper: every rule also reads the
instruction each `ONBUILD` wraps, as if it stood in place of the trigger, and what it finds there is
reported as an ONBUILD finding: its message starts with `ONBUILD: ` and its detail says why (the
trigger runs in every image built FROM this one).

The engine runs the rules a second time on `trigger_view(model)` (only for files with ONBUILD) and
keeps, through `trigger_findings`, what lies inside a trigger and was not found the first time."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from dflint.model import Dockerfile, Instruction
from dflint.rule import Finding

PREFIX = "ONBUILD: "
NOTE = "In an ONBUILD trigger, which runs in every image built FROM this one."


def trigger_view(dockerfile: Dockerfile) -> Dockerfile | None:
    """The model with each `ONBUILD X` replaced by the instruction X it wraps; None without ONBUILD."""
    if not any(instruction.onbuild is not None for instruction in dockerfile.instructions):
        return None

    def swap(instruction: Instruction) -> Instruction:
        return instruction.onbuild if instruction.onbuild is not None else instruction

    stages = tuple(
        dataclasses.replace(stage, instructions=tuple(swap(instruction) for instruction in stage.instructions))
        for stage in dockerfile.stages
    )
    return dataclasses.replace(dockerfile, stages=stages, instructions=tuple(swap(i) for i in dockerfile.instructions))


def trigger_findings(dockerfile: Dockerfile, found: Iterable[Finding], in_view: Iterable[Finding]) -> list[Finding]:
    """Findings of the second run that lie inside an ONBUILD trigger and are new, marked as ONBUILD."""
    bodies = [
        (instruction.onbuild.span.offset, instruction.onbuild.span.end_offset)
        for instruction in dockerfile.instructions
        if instruction.onbuild is not None
    ]
    seen = {(finding.code, finding.span) for finding in found}
    result: list[Finding] = []
    for finding in in_view:
        if (finding.code, finding.span) in seen:
            continue
        if any(start <= finding.span.offset < end or finding.span.offset == start == end for start, end in bodies):
            seen.add((finding.code, finding.span))
            detail = f"{finding.detail} {NOTE}" if finding.detail else NOTE
            result.append(dataclasses.replace(finding, message=PREFIX + finding.message, detail=detail))
    return result
