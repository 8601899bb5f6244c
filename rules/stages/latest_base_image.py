"""## What it does
Flags a `FROM` whose image is tagged `latest` (`FROM ubuntu:latest`). A reference that also carries
a digest (`ubuntu:latest@sha256:…`) is pinned by the digest and left alone.

Two kinds of `latest` are left alone because they do not move to another release:
- a repository that keeps each release in a path of its own, where a level of the path is the
  release number (`vault.habana.ai/gaudi-docker/1.21.0/ubuntu22.04/habanalabs/pytorch-installer-2.6.0:latest`,
  Intel Gaudi's documented reference): its `latest` is a rebuild of that release. A release inside a
  name (`rocm/dev-ubuntu-22.04`) is the distribution's and does not count;
- an image that only a local build can provide: a single-component name that has never been a
  Docker Official Image (`FROM yarn-builder:latest`, `data/base_images.json` `official_images`) is
  served by no registry, so it is the image an earlier `docker build -t yarn-builder` made, and
  `latest` is the tag that command gives by default.

This is hadolint's DL3007 (which reports both).

Opt-in (`--extend-select DF104`): `latest` written out is a choice the author made in so many words,
as `pip install -U` is for DF401, where an untagged name (DF103, on by default) is more often an
oversight. In fourteen random samples of 50 default findings on the shared corpus of 776 real
Dockerfiles, independent reviewers reading each file judged 12 of the 15 DF104 findings drawn right
and 1 worth telling the file's author: the rest followed a project's own image built just before
(`ml-workspace`, `pytorch/torchserve`, a `BASE_IMAGE` the build script always passes), a repository
whose name already fixes the release (`ubi9/python-312-minimal`, `ubuntu2404`), a CI image that
tracks the newest releases on purpose, or an image published only as `latest`. Turn it on where
every base must name its release; a digest (`@sha256:…`) satisfies it.

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

from dflint.imagerefs import base_is_known, from_words, only_built_locally, parse_reference, release_in_path, written_tag
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF104",
    name="latest-base-image",
    severity=Severity.WARNING,
    summary="Base image uses the moving `latest` tag",
    default_enabled=False,
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
            if only_built_locally(reference) or release_in_path(reference):
                continue  # no published version to pin, or the release is in the repository's path
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
