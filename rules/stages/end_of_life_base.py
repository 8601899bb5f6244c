"""## What it does
Flags a base image whose tag names a release that is past its end of life, by the dates in
dflint's data (`dflint/data/base_images.json`, each with its source):

- `python:X.Y…`: the Python version's end of security support;
- a Debian release, as `debian:<codename or version>` or a `-<codename>` part of any tag
  (`python:3.11-slim-bullseye`, `node:18-buster`): the end of Debian LTS, the last free security
  updates;
- an Ubuntu release, as `ubuntu:<version or codename>` or an `ubuntuXX.04` / codename part of any tag
  (`nvidia/cuda:11.8.0-runtime-ubuntu20.04`): the end of standard support (later updates need an
  Ubuntu Pro subscription);
- an Alpine branch, as `alpine:X.Y` or an `alpineX.Y` part of any tag (`python:3.9-alpine3.16`);
- `node:N…`: the end of the Node.js release line (`node:18-bullseye`, `node:14.17.3-alpine3.14`;
  nodejs/Release's `schedule.json`);
- a distroless image, whose name gives its Debian release (`gcr.io/distroless/cc-debian10`, with any
  tag or none: `release_in_name` in the data).

A tag that names no release (`python:3`, `ubuntu:rolling`, `latest`) or a release whose date is not
known is left alone. The rule compares with today's date; the `today` option pins it.

Only the stages whose base reaches the image are checked (the final stage and the stages it is built
FROM, as the model decides): a build-only stage's release ships none of its libraries, and a wheel
builder on `python:3.10-slim` or a compile stage on `ubuntu:20.04` leave the image's security to
the stage that ships (as image scanners judge end of life, on the image built). Set
`include-build-stages` to check every stage.

A Dockerfile whose path names the ended release is a variant kept to provide it
(`24/bullseye/Dockerfile` in the official Node images, `Dockerfile.base.ubuntu_16_04.py3_6`,
`python3.8/Dockerfile`: `dflint.releases.named_in_path`, read below the repository root): its author
chose the release knowingly, and "move to a supported release" means retiring the variant, which
its project does on its own schedule. It is not reported unless `check-release-variants` is set
(reviewers judged both such findings drawn in 300 not worth telling).

A toolchain image (its command is a shell or an interpreter's prompt, or it is a build
environment: as the model decides, `dflint/purpose.py`) is not checked unless `check-working-images`
is set: it is run by hand or by CI to build or test, not deployed to serve, and moving its base is a
change of the toolchain it provides. In the reviewed samples of rounds M to O, 7 of the 9 DF108
findings drawn on toolchain images were judged not worth telling (diffusers' CI test images,
`CMD ["bash"]`; a scanner's example input), against 48 of 53 on service images judged worth it.

Neither hadolint nor BuildKit has this check.

## Why is this bad?
An end-of-life release gets no security fixes: every CVE found after that date stays in the image.
Images for those tags are usually no longer rebuilt either, so even the packages that were patched
before the end are frozen at their last build. For an inference server exposed to a network, the
Python runtime and the C libraries under it (OpenSSL, glibc, zlib) are the exposed surface.

## Example
```dockerfile
FROM python:3.8-slim-buster
```

## Use instead
```dockerfile
FROM python:3.12-slim-bookworm
```

## Options
- `today` (default: the current date): an ISO date (`2026-01-31`) to compare end-of-life dates with,
  for reproducible results in CI.
- `include-build-stages` (default `false`): also check stages that do not ship.
- `check-release-variants` (default `false`): also check a Dockerfile whose path names the ended
  release (a variant kept for it).
- `check-working-images` (default `false`): also check toolchain images (a shell or prompt command,
  a build environment).

## References
- [Python: status of Python versions](https://devguide.python.org/versions/)
- [Debian releases and LTS](https://wiki.debian.org/LTS)
- [Ubuntu release cycle](https://ubuntu.com/about/release-cycle)
- [Alpine Linux releases](https://alpinelinux.org/releases/)
- [Node.js release schedule](https://github.com/nodejs/Release#release-schedule)
- [endoflife.date](https://endoflife.date/)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from dflint.imagerefs import base_is_known, from_words, parse_reference
from dflint.model import Dockerfile
from dflint.purpose import repository_path
from dflint.releases import named_in_path, releases
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF108",
    name="end-of-life-base",
    severity=Severity.WARNING,
    summary="Base image is a release past its end of life (no more security fixes)",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the date support is judged on."""

    today: str | date | None = None  # ISO date; None: the current date
    include_build_stages: bool = False
    check_release_variants: bool = False
    check_working_images: bool = False


EXAMPLE_OPTIONS = Options(today="2026-11-25")  # the date the docs examples are checked against


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    today = _today(options)
    variants = options is not None and options.check_release_variants
    purpose = dockerfile.purpose
    if purpose is not None and purpose.kind == "toolchain" and not (options is not None and options.check_working_images):
        return  # a shell or prompt image, or a build environment: run by hand or by CI, not deployed
    path = repository_path(dockerfile.path) if dockerfile.path not in ("", "-") else ""
    stages = dockerfile.stages if options is not None and options.include_build_stages else dockerfile.shipped_stages()
    for stage in stages:
        if stage.base_stage is not None or not stage.base_resolved or not base_is_known(dockerfile, stage):
            continue
        reference = parse_reference(stage.base_resolved)
        if reference is None:
            continue
        ended = [eol for eol in releases(reference) if eol.ended < today]
        if ended and not variants and path and all(named_in_path(eol, path) for eol in ended):
            continue  # a variant kept for that release (`24/bullseye/Dockerfile`): its author chose it knowingly
        word = from_words(dockerfile, stage).image if ended else None
        if word is None:
            continue
        reasons = "; ".join(f"{eol.release}: {eol.what} ended {eol.ended.isoformat()} (source: {eol.source})" for eol in ended)
        yield Finding(
            META,
            word.span,
            f"base `{clip(stage.base_resolved)}` of {stage.label} is past end of life ({ended[0].ended.isoformat()});"
            " move to a supported release",
            stage=stage.name,
            detail=f"base image `{stage.base_resolved}` of {stage.label} is past end of life, so it gets no more security"
            f" fixes — {reasons}; move to a supported release",
        )


def _today(options: Options | None) -> date:
    value = options.today if options is not None else None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        return date.fromisoformat(value.strip())
    return date.today()
