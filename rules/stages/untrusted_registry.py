"""## What it does
Flags images pulled from a registry that is not in the `trusted-registries` option: the image of a
`FROM`, of a `COPY --from=<image>` and of a `RUN --mount=from=<image>`. Images on Docker Hub
(`python:3.12`, `nvidia/cuda:…`) belong to `docker.io`. `scratch`, stage references and images
that depend on an unknown build argument are left alone. The rule is silent until you configure
the option.

This is hadolint's DL3026 (`trustedRegistries`); hadolint checks `FROM` only.

## Why is this bad?
Every base image is code that runs in your build and ships in your image. Organisations that mirror
and scan approved images in their own registries want builds to pull only from those: an image from
anywhere else bypasses the scanning, licence review and availability guarantees of the mirror.

## Example
With `trusted-registries: ["registry.example.com", "*.gcr.io"]`:

```dockerfile
FROM quay.io/team/base:1.0
COPY --from=ghcr.io/org/tools:2.1 /bin/tool /usr/local/bin/tool
```

## Use instead
With the same configuration:

```dockerfile
FROM registry.example.com/mirror/python:3.12-slim
COPY --from=us.gcr.io/project/tools:2.1 /bin/tool /usr/local/bin/tool
```

## Options
- `trusted-registries` (default `[]`, which turns the rule off): registry host names, with shell
  globs (`*.gcr.io`, `registry.example.com:5000`). Write `docker.io` (or `hub.docker.com`) to allow
  Docker Hub.

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Docker: image names, registries and tags](https://docs.docker.com/get-started/docker-concepts/building-images/build-tag-and-publish-an-image/)
- [hadolint DL3026](https://github.com/hadolint/hadolint/wiki/DL3026)
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.imagerefs import (
    DOCKER_HUB,
    HUB_ALIASES,
    ImageRef,
    base_is_known,
    copy_source,
    from_words,
    is_scratch,
    parse_reference,
)
from dflint.model import Dockerfile, Span
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF105",
    name="untrusted-registry",
    severity=Severity.ERROR,
    summary="Image pulled from a registry that is not in `trusted-registries`",
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the registries whose images are trusted."""

    trusted_registries: tuple[str, ...] = ()


EXAMPLE_OPTIONS = Options(trusted_registries=("registry.example.com", "*.gcr.io"))  # what the docs examples assume


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    trusted = tuple(pattern.strip().lower() for pattern in (options.trusted_registries if options else ()) if pattern.strip())
    if not trusted:
        return
    allowed = ", ".join(trusted)
    for stage in dockerfile.stages:
        if stage.base_stage is None and stage.base_resolved and base_is_known(dockerfile, stage) and not is_scratch(stage):
            reference = parse_reference(stage.base_resolved)
            word = from_words(dockerfile, stage).image if reference is not None and not _trusted(reference, trusted) else None
            if reference is not None and word is not None:
                yield _finding(word.span, f"base image `{stage.base_resolved}` of {stage.label}", reference, allowed, stage.name)
        for instruction in stage.instructions:
            source = instruction.flag("from") if instruction.keyword == "COPY" else None
            if source is not None:
                found = copy_source(dockerfile, stage, source.value)
                if found.kind == "image" and found.image is not None and not _trusted(found.image, trusted):
                    yield _finding(
                        source.span, f"`COPY --from={source.value}` in {stage.label}", found.image, allowed, stage.name
                    )
            if instruction.keyword != "RUN":
                continue
            for flag in instruction.flags:
                if flag.name != "mount":
                    continue
                value = flag.options().get("from")
                found = copy_source(dockerfile, stage, value)
                if found.kind == "image" and found.image is not None and not _trusted(found.image, trusted):
                    yield _finding(flag.span, f"`RUN --mount=from={value}` in {stage.label}", found.image, allowed, stage.name)


def _trusted(reference: ImageRef, trusted: tuple[str, ...]) -> bool:
    hosts = HUB_ALIASES if reference.registry == DOCKER_HUB else {reference.registry.lower()}
    return any(fnmatch.fnmatchcase(host, pattern) for host in hosts for pattern in trusted)


def _finding(span: Span, what: str, reference: ImageRef, allowed: str, stage: str | None) -> Finding:
    return Finding(
        META,
        span,
        f"{what} comes from untrusted registry `{clip(reference.registry or '', 30)}`",
        stage=stage,
        detail=f"{what} comes from registry `{reference.registry}`, which is not trusted (trusted-registries: {allowed})",
    )
