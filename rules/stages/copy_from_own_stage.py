"""## What it does
Flags `COPY --from=X` and `RUN --mount=…,from=X` where X is the stage the instruction is in, by
name or by index.

This is hadolint's DL3023.

## Why is this bad?
A stage cannot read its own files through `--from`: BuildKit reports a circular dependency and the
build fails. The files are already there; use a plain path (`RUN cp`), or copy from the stage that
produced them.

## Example
```dockerfile
FROM python:3.12-slim AS app
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0
COPY --from=app /wheels /opt/wheels
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim AS app
COPY --from=build /wheels /opt/wheels
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [hadolint DL3023](https://github.com/hadolint/hadolint/wiki/DL3023)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._stagerefs import stage_references

META = RuleMeta(
    code="DF112",
    name="copy-from-own-stage",
    severity=Severity.ERROR,
    summary="`--from` names the stage the instruction is in",
    reads_onbuild=False,  # a trigger's `--from` names a stage of the Dockerfile that builds FROM this image
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for reference in stage_references(dockerfile):
        if reference.target.kind != "self":
            continue
        yield Finding(
            META,
            reference.span,
            f"`{clip(reference.written)}` in {reference.stage.label} names its own stage; use a plain path or an earlier stage",
            stage=reference.stage.name,
            detail=f"`{reference.written}` in {reference.stage.label} names its own stage: a stage cannot read its own"
            " files through --from (BuildKit reports a circular dependency); use a plain path or an earlier stage",
        )
