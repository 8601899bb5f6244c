"""## What it does
Flags a RUN that directly follows another RUN in a shipped stage (only comments between them), when
both are short shell-form scripts (at most two commands each) with the same flags (`--mount`,
`--network`, …).

Opt-in (`--extend-select DF312`): merging RUNs often gains nothing (each layer is cached on its own), so it is not a default finding.

## Why is this bad?
Each RUN is a layer. A file that one RUN writes and a later RUN deletes stays in the image, and
every layer adds a little metadata and a step to pull. Short neighbouring RUNs are usually one
step split by accident and read better as one `&&` chain.

The rule is deliberately narrow, after hadolint's DL3059 drew complaints (hadolint#1056):

- Build-only stages are not checked. Separate RUNs there are often chosen for the layer cache, and
  their layers never ship.
- Long scripts (more than two commands) are left alone: whoever wrote them chose the split.
- RUNs with different flags cannot be merged as they are, so they are left alone too.

## Example
```dockerfile
FROM python:3.11-slim
RUN useradd --create-home app
RUN mkdir -p /models
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd --create-home app && mkdir -p /models
```

No fix is offered: a merge removes an instruction, which dflint's fixer never does, and it changes
what the second script sees (a `cd`, `export` or `set` in the first one now applies to it).

## Options
- `max-commands` (default `2`): only RUNs with at most this many commands are checked.

## References
- [Docker: Dockerfile best practices, RUN](https://docs.docker.com/build/building/best-practices/#run)
- [hadolint DL3059](https://github.com/hadolint/hadolint/wiki/DL3059)
- [hadolint#1056: skip DL3059 on build stages](https://github.com/hadolint/hadolint/issues/1056)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF312",
    name="consecutive-run",
    default_enabled=False,
    severity=Severity.INFO,
    summary="Consecutive short RUN instructions in a shipped stage could be one layer",
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the most commands each of two consecutive RUNs may hold to be reported."""

    max_commands: int = 2


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    for stage in dockerfile.shipped_stages():
        previous: Instruction | None = None
        for instruction in stage.instructions:
            if previous is not None and _mergeable(previous, instruction, options.max_commands):
                yield Finding(
                    META,
                    instruction.keyword_span,
                    f"RUN in {stage.label} directly follows the RUN on line {previous.span.line}: join the two scripts"
                    " with `&&` in one RUN",
                    stage=stage.name,
                )
            previous = instruction


def _mergeable(first: Instruction, second: Instruction, max_commands: int) -> bool:
    if first.keyword != "RUN" or second.keyword != "RUN":
        return False
    if first.is_exec_form or second.is_exec_form:
        return False
    if _flags(first) != _flags(second):
        return False
    if not first.commands or not second.commands:
        return False
    return len(first.commands) <= max_commands and len(second.commands) <= max_commands


def _flags(instruction: Instruction) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((flag.name, flag.value) for flag in instruction.flags))
