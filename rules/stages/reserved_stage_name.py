"""## What it does
Flags a stage named `scratch` or `context` (in any letter case): names that Docker reserves.

This is BuildKit's `ReservedStageName` check and hadolint's DL3063 (as of hadolint 2.15).

## Why is this bad?
`scratch` is the empty image and `context` the build context: `FROM scratch`, `COPY --from=scratch`
or a named build context called `context` no longer mean what every reader expects once a stage
takes the name, and which one wins depends on the builder.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
RUN echo hello > /hello
```

## Use instead
```dockerfile
FROM alpine:3.20 AS base
RUN echo hello > /hello
```

## References
- [Dockerfile reference: FROM … AS name](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
- [hadolint DL3063](https://github.com/hadolint/hadolint/wiki/DL3063)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.imagerefs import from_words
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF110",
    name="reserved-stage-name",
    severity=Severity.WARNING,
    summary="Stage named `scratch` or `context`, names Docker reserves",
)

_MEANING = {"scratch": "the empty base image", "context": "the build context"}


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        if not stage.name or stage.name.lower() not in _MEANING:
            continue
        word = from_words(dockerfile, stage).name
        if word is None:
            continue
        yield Finding(
            META,
            word.span,
            f"stage name '{stage.name}' is reserved for {_MEANING[stage.name.lower()]}; choose another name",
            stage=stage.name,
        )
