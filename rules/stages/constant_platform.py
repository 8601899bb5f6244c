"""## What it does
Flags `FROM --platform=<constant>` (`FROM --platform=linux/amd64 python:3.12`). A platform that
uses a build argument (`$BUILDPLATFORM`, `$TARGETPLATFORM`) is left alone, and so is a stage whose
name mentions the platform's OS or architecture (`AS build-amd64`), which is how a stage meant for
one platform only is spelt.

This follows BuildKit's `FromPlatformFlagConstDisallowed` check. hadolint's DL3029 flags every
`--platform`, `$BUILDPLATFORM` included, although `FROM --platform=$BUILDPLATFORM` is the pattern
Docker recommends for cross-compilation; dflint does not.

An image published for one platform only is left alone when the flag names that platform
(`FROM --platform=linux/arm64 nvcr.io/nvidia/l4t-jetpack:r36.4.0`: NVIDIA's L4T images run on Jetson,
arm64): a build for another platform finds no image of its own, so the flag is what lets the stage
build there (`dflint/data/base_images.json` `single_platform`, with sources).

A platform the comment right above the FROM names is left alone too: the author says why the stage
is pinned (gpustack's "Only the linux/amd64 ROCm source image is available, so pin the source
platform explicitly; the build host itself can be any platform": a reviewer found the finding wrong
there, since nothing runs in that stage and the ROCm images exist for amd64 only).

## Why is this bad?
A constant platform overrides the platform the image is built for: on an arm64 machine (Apple
silicon, AWS Graviton) or in a multi-platform build the stage still pulls the amd64 image and runs
it under emulation, which is slow, and ships amd64 binaries in an image labelled arm64. Inference
images built for several platforms end up with the wrong wheels and libraries.

## Example
```dockerfile
FROM --platform=linux/amd64 python:3.12-slim
```

## Use instead
```dockerfile
FROM python:3.12-slim
```

Or, for a stage that only builds tools to copy into the image, run it on the build machine:

```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.23 AS tools
```

If the image really only exists for one platform, pass `--platform` on the `docker build` command
line instead.

## References
- [Dockerfile reference: FROM --platform](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
- [Docker: Multi-platform builds](https://docs.docker.com/build/building/multi-platform/)
- [hadolint DL3029](https://github.com/hadolint/hadolint/wiki/DL3029)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.platform import only_platform
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._platform import parse_platform

META = RuleMeta(
    code="DF106",
    name="constant-platform",
    severity=Severity.WARNING,
    summary="`FROM --platform` pins a constant platform",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or not flag.value or "$" in flag.value:
            continue
        value = flag.value.strip("\"'")
        parsed = parse_platform(value)
        if parsed is None:
            continue
        system, arch = parsed
        name = (stage.name or "").lower()
        if name and ((system and system in name) or (arch and arch in name)):
            continue
        if only_platform(stage.base_resolved or stage.base) == value:
            continue  # the image exists for this platform only: the flag is how the stage builds anywhere
        if _explained(dockerfile.comments_about(stage.from_instruction), value):
            continue  # the comment above says why this platform (`Only the linux/amd64 … image is available`)
        yield Finding(
            META,
            flag.span,
            f"{stage.label} pins platform `{clip(value, 30)}` (emulated elsewhere); drop `--platform`",
            stage=stage.name,
            detail=f"{stage.label} always uses platform `{value}`: builds for any other platform pull it and run it under"
            " emulation; drop the flag (or use `$BUILDPLATFORM` for a stage that only builds tools)",
        )


def _explained(comments: tuple[str, ...], value: str) -> bool:
    """The comment right above the FROM names the platform it pins: the author says why (gpustack's
    "Only the linux/amd64 ROCm source image is available, so pin the source platform explicitly")."""
    return any(value.lower() in comment.lower() for comment in comments)
