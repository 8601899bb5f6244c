"""## What it does
Flags a `FROM` whose image has neither a tag nor a digest (`FROM python`, `FROM nvidia/cuda`).
`scratch`, a reference to an earlier stage and an image whose tag depends on a build argument with no
value are left alone; `FROM ${REGISTRY}/python` is flagged whatever the registry is.

An image whose publisher tags no versions (distroless: `latest`, `nonroot`, `debug`,
`debug-nonroot`; `data/base_images.json` `no_version_tags`, with its source) is told to pin a digest
instead: a version tag there does not exist.

A base given whole by a build argument whose default the build composes from other build arguments
(`ARG BASE_IMAGE=$REGISTRY/$OWNER/scipy-notebook` then `FROM $BASE_IMAGE`, as jupyter/docker-stacks
writes it) is left alone too: it names another image of the same project, which the same pipeline
builds and tags just before this one, so which tag it gets is the pipeline's to say.

A name that no registry serves is left alone: a single-component name that has never been a Docker
Official Image (`FROM yarn-builder`, `data/base_images.json` `official_images`) can only be an image
built on the same machine by an earlier `docker build -t yarn-builder`, which has no published version
to pin. So is a repository whose path holds the release (`…/gaudi-docker/1.21.0/…`, see DF104).

A stage that only fetches files for a later stage is left alone too: it does not ship, no stage is
built `FROM` it, and its RUNs only download, unpack and move files (`FROM alpine AS sources` with
`ADD …/v3.0.1.tar.gz` and `RUN tar -xf …`, or `FROM alpine/git` with `RUN git clone … && git checkout
$COMMIT`). What later stages copy out of it is what it downloaded, whatever the version of the
base's `tar` or `git`. On the shared corpus of 776 real Dockerfiles, 20 of the 37 DF103 findings were
such stages (`alpine` in the Hugging Face TGI/TEI source stages, `alpine/git`), and reviewers judged
the sampled one not worth telling. A stage that compiles or installs packages, one copied from for
the base's own files (`FROM tonistiigi/xx AS xx`, `/usr/bin`), and every shipped stage are still checked.

Only the stages that reach the image are checked (the final stage and the stages it is built FROM,
as the model decides), unless `include-build-stages` is set: a build-only stage's base ships nothing
of itself, what is copied out of it is checked where it lands, and in the reviewed samples 6 of 6
findings drawn on such stages (an `alpine` builder of a static binary, `tonistiigi/xx`, an `ubuntu`
build stage) were judged not worth telling. Nor are toolchain images (a shell or prompt command, or
a build environment such as a manylinux wheel builder: `dflint/purpose.py`), unless
`check-working-images` is set: they are run by hand or by CI to build, as DF108 leaves them. In the
reviewed samples of rounds M to Q, 25 of the 27 DF103 findings drawn were judged not worth telling.

This is hadolint's DL3006 (which checks every stage).

## Why is this bad?
An image without a tag means `:latest`, which is whatever the publisher pushed last: the build
silently changes Python, CUDA or the distribution under you from one day to the next, and two
builds of the same commit can produce different images. For an inference image that can mean a
different CUDA runtime than the one the model was validated with.

## Example
```dockerfile
FROM python
RUN pip install --no-cache-dir fastapi==0.115.0
```

## Use instead
```dockerfile
FROM python:3.12-slim-bookworm
RUN pip install --no-cache-dir fastapi==0.115.0
```

Add a digest (`python:3.12-slim-bookworm@sha256:…`) when you need byte-for-byte reproducible builds.

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.
- `check-working-images` (default `false`): also check toolchain images.

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [Docker: Pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- [hadolint DL3006](https://github.com/hadolint/hadolint/wiki/DL3006)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.fetching import only_fetches_files
from dflint.imagerefs import (
    base_is_known,
    from_words,
    is_scratch,
    only_built_locally,
    parse_reference,
    release_in_path,
    written_tag,
)
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

_WHOLE_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def _composed_by_the_build(dockerfile: Dockerfile, image: str) -> bool:
    """`FROM $BASE_IMAGE` where the global `ARG BASE_IMAGE` defaults to a name built from other build
    arguments (`$REGISTRY/$OWNER/scipy-notebook`): the project's own image, tagged by its pipeline."""
    whole = _WHOLE_VARIABLE.fullmatch(image)
    if whole is None:
        return False
    name = whole.group(1) or whole.group(2)
    default = None
    for instruction in dockerfile.global_args:
        for pair in instruction.pairs:
            if pair.key == name and pair.raw_value is not None:
                default = pair.literal if pair.literal is not None else pair.raw_value
    return default is not None and _WHOLE_VARIABLE.search(default) is not None


META = RuleMeta(
    code="DF103",
    name="untagged-base-image",
    severity=Severity.WARNING,
    summary="Base image has no tag or digest, so it means whatever `latest` is on build day",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build-only stages and toolchain images are checked too."""

    include_build_stages: bool = False
    check_working_images: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    purpose = dockerfile.purpose
    if purpose is not None and purpose.kind == "toolchain" and not options.check_working_images:
        return  # a shell or prompt image, or a build environment: run by hand or by CI, not deployed
    shipped = {stage.index for stage in dockerfile.shipped_stages()}
    for stage in dockerfile.stages:
        if stage.base_stage is not None or is_scratch(stage) or only_fetches_files(dockerfile, stage):
            continue
        if stage.index not in shipped and not options.include_build_stages:
            continue  # a build-only stage: what ships is what it builds, copied into a stage that is checked
        if stage.base_resolved and base_is_known(dockerfile, stage):
            reference = parse_reference(stage.base_resolved)
            if reference is None or reference.tag is not None or reference.digest is not None:
                continue
            if only_built_locally(reference) or release_in_path(reference):
                continue  # no published version to pin, or the release is in the repository's path
            name, resolved = reference.name, stage.base_resolved
        elif written_tag(stage.base) == (None, None) and parse_reference(re.sub(r"\$\{?\w+\}?", "x", stage.base)) is not None:
            name, resolved = stage.base, None  # `${REGISTRY}/python`: whatever the registry, there is no tag
        else:
            continue
        word = from_words(dockerfile, stage).image
        if word is None or _composed_by_the_build(dockerfile, word.text):
            continue
        written = f"`{word.text}`" if resolved in (None, word.text) else f"`{word.text}` (`{resolved}`)"
        if _tags_no_versions(resolved or name):
            yield Finding(
                META,
                word.span,
                f"base `{clip(word.text, 50)}` of {stage.label} has no tag (it pulls `latest`); pin a digest",
                stage=stage.name,
                detail=f"base image {written} of {stage.label} has no tag: it pulls `latest`, which changes whenever the"
                f" publisher pushes; its publisher tags no versions, so pin a digest: `{name}@sha256:<digest>`",
            )
            continue
        yield Finding(
            META,
            word.span,
            f"base `{clip(word.text, 50)}` of {stage.label} has no tag (it pulls `latest`); pin a version tag",
            stage=stage.name,
            detail=f"base image {written} of {stage.label} has no tag: it pulls `latest`, which changes whenever the"
            f" publisher pushes; pin a version tag such as `{name}:<version>`",
        )


def _tags_no_versions(image: str) -> bool:
    """The publisher tags no versions (distroless: `latest`, `nonroot`, `debug` …): only a digest pins it
    (`data/base_images.json` `no_version_tags`)."""
    from dflint.data import load

    return any(image.lower().startswith(prefix) for prefix in load("base_images")["no_version_tags"]["prefixes"])
