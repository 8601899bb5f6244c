"""## What it does
Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`): a stage is built for the target
platform already, so the flag says nothing.

This is BuildKit's `RedundantTargetPlatform` check and hadolint's DL3065.

## Why is this bad?
It is noise that suggests the stage does something special with platforms. It is often a slip for
`$BUILDPLATFORM`, the flag that makes a stage run natively on the build machine in a cross-platform
build: worth a second look.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM python:3.12-slim
```

## Use instead
```dockerfile
FROM python:3.12-slim
```

## Fix safety
Safe: the platform of a stage defaults to `$TARGETPLATFORM`, so removing the flag builds the same
image.

## References
- [Dockerfile reference: automatic platform ARGs](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
- [BuildKit check RedundantTargetPlatform](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
- [hadolint DL3065](https://github.com/hadolint/hadolint/wiki/DL3065)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile, Flag
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF107",
    name="redundant-target-platform",
    severity=Severity.INFO,
    summary="`FROM --platform=$TARGETPLATFORM` repeats the default",
    fixable=True,
)

_TARGET = re.compile(r"""(["']?)\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})\1""")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or flag.value is None or not _TARGET.fullmatch(flag.value):
            continue
        yield Finding(
            META,
            flag.span,
            f"`--platform={flag.value}` in {stage.label} is the default; remove it (or did you mean `$BUILDPLATFORM`?)",
            fix=_fix(dockerfile, flag),
            stage=stage.name,
        )


def _fix(dockerfile: Dockerfile, flag: Flag) -> Fix | None:
    text = dockerfile.text
    start, end = flag.span.offset, flag.span.end_offset
    if text[start:end] != f"--platform={flag.value}":
        return None
    while end < len(text) and text[end] in " \t":
        end += 1
    return Fix.safe("Remove `--platform=$TARGETPLATFORM`", Edit(start, end, ""))
