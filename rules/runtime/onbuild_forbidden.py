"""## What it does
Flags `ONBUILD FROM`, `ONBUILD MAINTAINER` and `ONBUILD ONBUILD`: triggers Docker does not allow.

This is hadolint's DL3043.

## Why is this bad?
The image builds, but every image built `FROM` it fails at its first line ("FROM isn't allowed as an
ONBUILD trigger", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"): the error surfaces in
someone else's build, far from its cause.

## Example
```dockerfile
FROM python:3.12-slim
ONBUILD ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
```

## References
- [Dockerfile reference: ONBUILD](https://docs.docker.com/reference/dockerfile/#onbuild)
- [hadolint DL3043](https://github.com/hadolint/hadolint/wiki/DL3043)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF606",
    name="onbuild-forbidden",
    severity=Severity.ERROR,
    summary="`ONBUILD` of `FROM`, `MAINTAINER` or `ONBUILD`, which Docker rejects",
    needs=("ONBUILD",),
)

_FORBIDDEN = {
    "FROM": "FROM isn't allowed as an ONBUILD trigger",
    "MAINTAINER": "MAINTAINER isn't allowed as an ONBUILD trigger",
    "ONBUILD": "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
}


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        if instruction.keyword != "ONBUILD":
            continue
        if not instruction.words:
            continue
        word = instruction.words[0].text
        if word.upper() not in _FORBIDDEN:
            continue
        stage = dockerfile.stage_of(instruction)
        yield Finding(
            META,
            instruction.words[0].span,
            f"`ONBUILD {word}`: {_FORBIDDEN[word.upper()]}; every image built FROM this one will fail to build",
            stage=stage.name if stage is not None else None,
        )
