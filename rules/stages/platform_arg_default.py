"""## What it does
Flags an `ARG` that gives one of BuildKit's automatic platform arguments a default:
`ARG TARGETPLATFORM=linux/amd64`, `ARG TARGETARCH=amd64`, `ARG BUILDPLATFORM=…`, and the other
`BUILD*`/`TARGET*` platform names. `ARG TARGETARCH` without a default is how a stage asks for the
automatic value, and is fine.

## Why is this bad?
BuildKit sets these arguments from the build's `--platform` and from the machine that builds. A
default written in the Dockerfile is treated as a value the user set, so it shadows the automatic one
(docker/buildx#510, Buildah the same): `docker buildx build --platform linux/arm64` then still
compiles or downloads for `amd64`, and a multi-platform image ships the wrong binaries under the right
manifest. The usual intent, a fallback for builders that do not set the argument, is better written
as `${TARGETARCH:-amd64}` where the value is used.

## Example
```dockerfile
FROM golang:1.22 AS build
ARG TARGETARCH=amd64
RUN GOARCH=$TARGETARCH go build -o /server ./cmd/server
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
ARG TARGETARCH
RUN GOARCH=${TARGETARCH:-amd64} go build -o /server ./cmd/server
```

## References
- [Dockerfile reference: automatic platform ARGs in the global scope](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
- [docker/buildx#510: Default value on `TARGETPLATFORM` always overrides](https://github.com/docker/buildx/issues/510)
- [containers/buildah#4556: BUILD*/TARGET* arguments are not honored if defaults are specified](https://github.com/containers/buildah/issues/4556)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF118",
    name="platform-arg-default",
    severity=Severity.WARNING,
    summary="An automatic platform ARG (`TARGETPLATFORM`, `TARGETARCH`, `BUILDPLATFORM`…) is given a default",
)

PLATFORM_ARGS = frozenset(f"{side}{part}" for side in ("BUILD", "TARGET") for part in ("PLATFORM", "OS", "ARCH", "VARIANT"))


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    instructions = list(dockerfile.global_args) + [i for stage in dockerfile.stages for i in stage.instructions_of("ARG")]
    for instruction in instructions:
        for pair in instruction.pairs:
            if pair.key not in PLATFORM_ARGS or pair.literal is None:
                continue
            stage = dockerfile.stage_of(instruction)
            yield Finding(
                META,
                pair.key_span,
                f"`ARG {pair.key}={clip(pair.literal, 30)}` shadows BuildKit's automatic value; declare `ARG {pair.key}` without a default",
                stage=stage.name if stage is not None else None,
                detail=f"`{pair.key}` is set by BuildKit from the build's platform; a default in the Dockerfile is"
                f" treated as a user value and wins, so `--platform` no longer changes it; declare `ARG {pair.key}`"
                f" and write `${{{pair.key}:-{pair.literal}}}` where a fallback is needed",
            )
