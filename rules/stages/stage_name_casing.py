"""## What it does
Flags a stage name with upper-case letters (`FROM python:3.12 AS Build`).

This is BuildKit's `StageNameCasing` check; hadolint has no equivalent.

Left alone on a generated Dockerfile: its stage names are the template's, and a rename belongs
there.

## Why is this bad?
Docker compares stage names without regard to case, and BuildKit lower-cases them: `--target Build`,
`--target build` and `COPY --from=BUILD` all mean the same stage. Mixed case suggests a distinction
that does not exist and makes names harder to grep and to reuse in CI (`--target`, bake files,
compose `target:`).

## Example
```dockerfile
FROM python:3.12-slim AS Build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim
COPY --from=Build /wheels /wheels
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim
COPY --from=build /wheels /wheels
```

## Fix safety
Unsafe: the fix lower-cases the name and every reference to it in this Dockerfile (`FROM`,
`COPY --from`, `RUN --mount=…,from=`). Docker itself matches names in any case, but scripts, CI
configuration or other Dockerfiles that spell the old name (for example in a `grep`, or in tools that
compare target names exactly) are not changed.

## References
- [Dockerfile reference: FROM … AS name](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check StageNameCasing](https://docs.docker.com/reference/build-checks/stage-name-casing/)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.imagerefs import from_words
from dflint.model import Dockerfile, Stage
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

from ._stagerefs import from_stage_references, stage_references

META = RuleMeta(
    code="DF113",
    name="stage-name-casing",
    severity=Severity.STYLE,
    summary="Stage name has upper-case letters",
    fixable=True,
    judges_form=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        if not stage.name or stage.name == stage.name.lower():
            continue
        word = from_words(dockerfile, stage).name
        if word is None:
            continue
        yield Finding(
            META,
            word.span,
            f"stage name '{stage.name}' should be lower-case ('{stage.name.lower()}'): Docker matches stage names in any case",
            fix=_fix(dockerfile, stage, word.span.offset, word.span.end_offset),
            stage=stage.name,
        )


def _fix(dockerfile: Dockerfile, stage: Stage, start: int, end: int) -> Fix | None:
    assert stage.name is not None
    name = stage.name
    if dockerfile.text[start:end] != name:
        return None
    edits = [Edit(start, end, name.lower())]
    for reference in stage_references(dockerfile):
        if reference.target.stage is not stage or reference.value.isdigit() or reference.value == reference.value.lower():
            continue
        if reference.value_span is None:
            return None
        edits.append(Edit(reference.value_span.offset, reference.value_span.end_offset, reference.value.lower()))
    for span in from_stage_references(dockerfile, stage):
        if dockerfile.text[span.offset : span.end_offset] != name.lower():
            edits.append(Edit(span.offset, span.end_offset, name.lower()))
    return Fix.unsafe(f"Rename stage '{name}' to '{name.lower()}' and its references", *edits)
