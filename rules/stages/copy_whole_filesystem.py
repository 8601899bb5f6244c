"""## What it does
Flags `COPY --from=X / /`: a copy of another stage's (or image's) whole filesystem over the current
stage. A stage built `FROM scratch` is left alone as a source: it holds only the files copied into
it, and copying all of them is the usual way to collect build outputs. Only stages that ship are
checked: a build stage that takes in a helper image whole (`COPY --from=tonistiigi/xx / /`, as the
cross-compilation helpers document) changes nothing that ships. Nor are images nobody deploys (a
development environment's `dev-envs` stage that copies a bundle of tools in whole, CI and test images:
`dflint/purpose.py`), where what the image carries is the point.

This is hadolint's DL3067.

A `FROM scratch` stage whose first instruction copies another stage's whole filesystem (`FROM scratch`,
`COPY --from=base / /`) is left alone: that flattens the image into one layer on purpose, and nothing
is copied over (Roboflow Inference's images; a reviewer found "copy only the directories you need"
wrong there, since it would leave an image with no OS).

## Why is this bad?
It copies everything the other stage holds — its package manager databases, caches, compilers, dev
headers and build outputs — defeating the point of a multi-stage build: the final image ships the
build stage again, layered on top of its own base. It also overwrites the current stage's own
`/etc`, `/usr` and `/var` with the other stage's versions. dflint's size rules treat such a stage as
shipped. Copy the directories you need instead (a virtualenv, `/usr/local/lib/python3.12/site-packages`,
the model files).

## Example
```dockerfile
FROM python:3.12 AS build
RUN pip install --no-cache-dir torch==2.4.0

FROM python:3.12-slim
COPY --from=build / /
```

## Use instead
```dockerfile
FROM python:3.12 AS build
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir torch==2.4.0

FROM python:3.12-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
```

## References
- [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [hadolint DL3067](https://github.com/hadolint/hadolint/wiki/DL3067)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.imagerefs import copy_source, is_scratch
from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF117",
    name="copy-whole-filesystem",
    severity=Severity.WARNING,
    summary="`COPY --from=X / /` copies a whole filesystem into the stage",
    skip_images_nobody_deploys=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("COPY"):
            source = instruction.flag("from")
            if source is None or not source.value or instruction.heredocs:
                continue
            written = instruction.json_args if instruction.json_args is not None else instruction.arguments.split()
            if not written or not ("$" in written[-1] or _is_root(written[-1].strip("\"'"))):
                continue
            words = instruction.words
            if len(words) < 2 or not _is_root(words[-1].value):
                continue
            if _assembled_from_scratch(dockerfile, stage, source.value):
                continue
            if is_scratch(dockerfile.ancestry(stage)[-1]) and _first_copy(stage, instruction):
                continue  # `FROM scratch` then `COPY --from=base / /`: the image flattened on purpose, one layer
            for word in words[:-1]:
                if _is_root(word.value):
                    yield Finding(
                        META,
                        word.span,
                        f"`COPY --from={clip(source.value)} / /` in {stage.label} copies a whole filesystem; copy only"
                        " the directories you need",
                        stage=stage.name,
                        detail=f"`COPY --from={source.value} / /` in {stage.label} copies the whole filesystem of"
                        f" `{source.value}` over this stage, which ships (for a stage or image with an OS: its package"
                        " databases, caches and build tools too); copy only the directories you need",
                    )
                    break


def _assembled_from_scratch(dockerfile: Dockerfile, stage: Stage, value: str) -> bool:
    """A stage built FROM scratch holds only what was copied into it: copying all of it is the
    usual way to export build outputs, not a leak of a build environment."""
    found = copy_source(dockerfile, stage, value)
    if found.stage is None or found.kind != "earlier":
        return False
    return is_scratch(dockerfile.ancestry(found.stage)[-1])


def _first_copy(stage: Stage, instruction: Instruction) -> bool:
    """The COPY is the first thing the stage does (after ARGs): nothing is copied over."""
    for earlier in stage.instructions:
        if earlier is instruction:
            return True
        if earlier.keyword not in ("ARG", "LABEL"):
            return False
    return False


def _is_root(value: str | None) -> bool:
    return value is not None and value.startswith("/") and posixpath.normpath(value) in ("/", "//")
