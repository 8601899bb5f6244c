"""## What it does
Flags a variable in a FROM image reference that has no value unless the build passes one:

- the variable is not declared by an `ARG` before the first FROM (an `ARG` inside a stage is not
  visible to FROM lines), or
- it is declared without a default (`ARG BASE`), is not given with `--build-arg`, and the reference
  is invalid when the variable is empty (`FROM ${BASE}`, `FROM python:${TAG}`).

A default in the reference itself (`FROM python:${TAG:-3.11}`) and BuildKit's predefined arguments
(`$BUILDPLATFORM`, `$TARGETARCH` …) are fine, and so is an optional suffix that leaves a valid
reference when empty (`FROM busybox:stable${VARIANT}`).

An argument declared without a default is left alone when the comment right above its `ARG` (the
comment lines directly before it, other global `ARG` lines between them allowed) names it: the
author has documented that the build passes it on purpose
(`# Pass NODE_VERSION from frontend/.nvmrc when building this image.` above `ARG NODE_VERSION`), and
a default would only duplicate, and drift from, the value kept elsewhere.

## Why is this bad?
An undeclared or unset variable expands to nothing, so `docker build .` without the right
`--build-arg` fails with "base name (${BASE}) should not be blank" or "invalid reference format",
and anyone trying the Dockerfile has to guess the value. A default documents a working base image
and keeps the build-arg as an override.

These are BuildKit's UndefinedArgInFrom and InvalidDefaultArgInFrom checks. dflint resolves the
values with `--build-arg` too, so a CI job that passes the argument can say so.

## Example
```dockerfile
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
```

## Use instead
```dockerfile
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
```

## References
- [Dockerfile reference: Understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
- [BuildKit check UndefinedArgInFrom](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)
- [BuildKit check InvalidDefaultArgInFrom](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.imagerefs import parse_reference
from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.variables import PREDEFINED_ARGS, expand, references

META = RuleMeta(
    code="DF151",
    name="from-arg-without-default",
    severity=Severity.WARNING,
    summary="A FROM image reference uses a build argument that has no value unless the build passes one",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        instruction = stage.from_instruction
        if not instruction.words or "$" not in instruction.words[0].text:
            continue
        image, start = instruction.words[0].text, instruction.words[0].start
        env = instruction.env
        unset = _without_default(dockerfile, instruction)
        empty = {name: ("" if value is None else value) for name, value in env.items() if name not in PREDEFINED_ARGS}
        with_empty = expand(image, {**{ref.name: "" for ref in references(image, dockerfile.escape)}, **empty})
        valid_when_empty = with_empty is not None and (
            parse_reference(with_empty) is not None or dockerfile.stage_by_key(with_empty) is not None
        )
        for reference in references(image, dockerfile.escape):
            name = reference.name
            if reference.has_default or name in PREDEFINED_ARGS:
                continue
            span = dockerfile.logical_span(instruction, start + reference.start, start + reference.end)
            if name not in env:
                yield Finding(
                    META,
                    span,
                    f"`${clip(name, 30)}` in the FROM of {stage.label} is not declared before the first FROM; add"
                    f" `ARG {clip(name, 30)}=<default>` at the top",
                    stage=stage.name,
                    detail=_undeclared(dockerfile, stage, name),
                )
            elif name in unset and not env[name] and not valid_when_empty and not _documented(dockerfile, name, instruction):
                shown = f"`{with_empty}`, which is invalid" if with_empty else "empty"
                yield Finding(
                    META,
                    span,
                    f"`${clip(name, 30)}` in the FROM of {stage.label} has no default; add `ARG {clip(name, 30)}=<value>`",
                    stage=stage.name,
                    detail=f"`${name}` in the FROM of {stage.label} has no default and no --build-arg, so without one the"
                    f" image reference is {shown}; give it a default (`ARG {name}=<value>`)",
                )


def _documented(dockerfile: Dockerfile, name: str, before: Instruction) -> bool:
    """A comment right above the global `ARG` that declares `name` (other global ARG lines between them
    allowed) names it: the value is passed in on purpose, as the comment says."""
    declaration = None
    for instruction in dockerfile.global_args:
        if instruction.index > before.index:
            break
        if any(pair.key == name for pair in instruction.pairs):
            declaration = instruction
    if declaration is None:
        return False
    comments = dict(dockerfile.comments)
    arg_lines = {
        line for instruction in dockerfile.global_args for line in range(instruction.span.line, instruction.span.end_line + 1)
    }
    word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    line = declaration.span.line - 1
    while line >= 1:
        if line in comments:
            if word.search(comments[line]):
                return True
        elif line not in arg_lines:
            return False
        line -= 1
    return False


def _without_default(dockerfile: Dockerfile, before: Instruction) -> set[str]:
    """Global ARGs declared before `before` whose last declaration has no default."""
    unset: set[str] = set()
    for instruction in dockerfile.global_args:
        if instruction.index > before.index:
            break
        for pair in instruction.pairs:
            if pair.raw_value is None:
                unset.add(pair.key)
            else:
                unset.discard(pair.key)
    return unset


def _undeclared(dockerfile: Dockerfile, stage: Stage, name: str) -> str:
    later = _declared_in_a_stage(dockerfile, name)
    where = f" (the `ARG {name}` on line {later.span.line} is inside a stage, where FROM cannot see it)" if later else ""
    return (
        f"`${name}` in the FROM of {stage.label} is not declared before the first FROM{where}; it expands to an empty"
        f" string unless the build passes it: add `ARG {name}=<default>` at the top of the file"
    )


def _declared_in_a_stage(dockerfile: Dockerfile, name: str) -> Instruction | None:
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("ARG"):
            if any(pair.key == name for pair in instruction.pairs):
                return instruction
    return None
