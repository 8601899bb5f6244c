"""## What it does
Flags a `FROM` whose image is tagged `latest` (`FROM ubuntu:latest`). A reference that also carries
a digest (`ubuntu:latest@sha256:…`) is pinned by the digest and left alone.

This is hadolint's DL3007.

## Why is this bad?
`latest` is a moving tag: the next build may get a new major version of the distribution, Python or
CUDA, with no change in the Dockerfile. Builds stop being reproducible and an inference image can
change runtime libraries between two builds of the same commit.

## Example
```dockerfile
FROM ubuntu:latest
```

## Use instead
```dockerfile
FROM ubuntu:24.04
```

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Docker: Pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [hadolint DL3007](https://github.com/hadolint/hadolint/wiki/DL3007)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.imagerefs import base_is_known, from_words, parse_reference, written_tag
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF104",
    name="latest-base-image",
    severity=Severity.WARNING,
    summary="Base image uses the moving `latest` tag",
    skip_images_nobody_deploys=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        if stage.base_stage is not None:
            continue
        if stage.base_resolved and base_is_known(dockerfile, stage):
            reference = parse_reference(stage.base_resolved)
            if reference is None or reference.tag != "latest" or reference.digest is not None:
                continue
            shown, name = stage.base_resolved, reference.name
        elif written_tag(stage.base) == ("latest", None):
            shown, name = stage.base, stage.base.rsplit(":", 1)[0]  # `$REPO/app:latest`: latest whatever the repository
        else:
            continue
        word = from_words(dockerfile, stage).image
        if word is None:
            continue
        yield Finding(
            META,
            word.span,
            f"base `{clip(shown, 50)}` of {stage.label} uses the moving `latest` tag; pin a version tag",
            stage=stage.name,
            detail=f"base image `{shown}` of {stage.label} uses the `latest` tag, which moves with every"
            f" release; pin a version tag such as `{name}:<version>`",
        )
