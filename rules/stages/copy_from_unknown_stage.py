"""## What it does
Flags `COPY --from=X` and `RUN --mount=…,from=X` where X names a stage that does not come before the
current one: a stage defined later in the file, or a stage index out of range (`--from=5` in a
three-stage file). A name no stage has is an image reference (`--from=nginx:1.27`,
`--from=python`), which is legal, and is left alone; so is a value built from a variable.

hadolint's DL3022 flags every `--from` that is not an earlier stage name, images and stage indexes
included; dflint only flags what cannot work, because an unknown bare name is read by BuildKit as an
image to pull.

## Why is this bad?
A stage can only read from stages built before it. BuildKit stops the build ("cannot copy from
stage …, it needs to be defined before current stage"; "invalid stage index"), and a typo in an
index points at the wrong stage.

## Example
```dockerfile
FROM python:3.12-slim AS app
COPY --from=build /wheels /wheels

FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==2.1.0

FROM python:3.12-slim AS app
COPY --from=build /wheels /wheels
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [hadolint DL3022](https://github.com/hadolint/hadolint/wiki/DL3022)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

from ._stagerefs import stage_references

META = RuleMeta(
    code="DF111",
    name="copy-from-unknown-stage",
    severity=Severity.ERROR,
    summary="`--from` names a stage that is not defined before this one",
    reads_onbuild=False,  # a trigger's `--from` names a stage of the Dockerfile that builds FROM this image
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    last = len(dockerfile.stages) - 1
    for reference in stage_references(dockerfile):
        found = reference.target
        where = f"`{reference.written}` in {reference.stage.label}"
        if found.kind == "out-of-range":
            message = f"{where} names stage index {reference.value}, but the stages are numbered 0 to {last}"
        elif found.kind == "later" and found.stage is not None:
            message = (
                f"{where} names {found.stage.label}, defined later (line {found.stage.from_instruction.span.line});"
                " move that stage up"
            )
        else:
            continue
        yield Finding(META, reference.span, message, stage=reference.stage.name)
