"""## What it does
Flags a stage whose name (`FROM … AS name`) was already given to an earlier stage. Stage names are
compared case-insensitively, as Docker does.

This is BuildKit's `DuplicateStageName` check and hadolint's DL3024.

## Why is this bad?
`COPY --from=name`, `FROM name` and `docker build --target name` can only mean one of the stages:
which one depends on the builder and on where the reference is written, so a copy can silently take
files from the wrong stage — say the CPU build of a wheel instead of the CUDA one.

## Example
```dockerfile
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels pillow==10.4.0
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build-numpy
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim AS build-pillow
RUN pip wheel --no-cache-dir --wheel-dir /wheels pillow==10.4.0
```

## References
- [Dockerfile reference: FROM … AS name](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
- [hadolint DL3024](https://github.com/hadolint/hadolint/wiki/DL3024)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.imagerefs import from_words
from dflint.model import Dockerfile, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF109",
    name="duplicate-stage-name",
    severity=Severity.ERROR,
    summary="Two stages have the same name",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    seen: dict[str, Stage] = {}
    for stage in dockerfile.stages:
        if not stage.name:
            continue
        key = stage.name.lower()
        first = seen.get(key)
        if first is None:
            seen[key] = stage
            continue
        word = from_words(dockerfile, stage).name
        if word is None:
            continue
        yield Finding(
            META,
            word.span,
            f"stage name '{clip(stage.name or '', 30)}' is already used on line {first.from_instruction.span.line}; rename one",
            stage=stage.name,
            detail=f"stage name '{stage.name}' (stage {stage.index}) is already used by stage {first.index} on line"
            f" {first.from_instruction.span.line}: `--from={stage.name}` and `--target {stage.name}` can only reach one"
            " of them; rename one",
        )
