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
- an Alpine branch, as `alpine:X.Y` or an `alpineX.Y` part of any tag (`python:3.9-alpine3.16`).

A tag that names no release (`python:3`, `ubuntu:rolling`, `latest`) or a release whose date is not
known is left alone. The rule compares with today's date; the `today` option pins it.

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

## References
- [Python: status of Python versions](https://devguide.python.org/versions/)
- [Debian releases and LTS](https://wiki.debian.org/LTS)
- [Ubuntu release cycle](https://ubuntu.com/about/release-cycle)
- [Alpine Linux releases](https://alpinelinux.org/releases/)
- [endoflife.date](https://endoflife.date/)
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from dflint.data import load
from dflint.imagerefs import ImageRef, from_words, parse_reference
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._images import base_is_known

META = RuleMeta(
    code="DF108",
    name="end-of-life-base",
    severity=Severity.WARNING,
    summary="Base image is a release past its end of life (no more security fixes)",
    skip_images_nobody_deploys=True,
)

_URL = re.compile(r"https?://[^\s;,)]+")
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Options:
    today: str | date | None = None  # ISO date; None: the current date


EXAMPLE_OPTIONS = Options(today="2026-11-25")  # the date the docs examples are checked against


@dataclass(frozen=True, slots=True)
class EndOfLife:
    release: str  # "Python 3.8", "Debian 10 (buster)"
    ended: date
    what: str  # "security support", "LTS", …
    source: str


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    today = _today(options)
    for stage in dockerfile.stages:
        if stage.base_stage is not None or not stage.base_resolved or not base_is_known(dockerfile, stage):
            continue
        reference = parse_reference(stage.base_resolved)
        if reference is None or reference.tag is None:
            continue
        ended = [eol for eol in releases(reference) if eol.ended < today]
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


@cache
def _data() -> dict[str, Any]:
    return dict(load("base_images"))


def _source(kind: str, release: str | None = None) -> str:
    """The first URL of the data's source for `kind`, or the one given for `release` in particular."""
    text = str(_data()["end_of_life"].get("source", {}).get(kind, "dflint/data/base_images.json"))
    specific = re.search(rf"(?<![\d.]){re.escape(release)}(?![\d.])[^;]*?from (https?://[^\s;,)]+)", text) if release else None
    if specific:
        return specific.group(1).rstrip(".")
    match = _URL.search(text)
    return match.group().rstrip(".") if match else text


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@lru_cache(maxsize=512)
def releases(reference: ImageRef) -> tuple[EndOfLife, ...]:
    """The releases a tag names that dflint knows an end-of-life date for."""
    assert reference.tag is not None
    tag = reference.tag.lower()
    name = reference.name.lower()
    parts = tag.split("-")
    found: list[EndOfLife] = []
    if name == "python":
        found += _python(parts[0])
    debian = _debian_release(name, parts)
    if debian is not None:
        found.append(debian)
    ubuntu = _ubuntu_release(name, parts)
    if ubuntu is not None:
        found.append(ubuntu)
    alpine = _alpine_release(name, parts)
    if alpine is not None:
        found.append(alpine)
    return tuple(found)


def _python(version: str) -> list[EndOfLife]:
    match = _VERSION.match(version)
    if not match:
        return []
    major, minor = match.group(1), match.group(2)
    if minor is None:
        if major != "2":
            return []
        minor = "7"  # python:2 is 2.7, the last Python 2
    ended = _date(_data()["end_of_life"]["python"].get(f"{major}.{minor}"))
    if ended is None:
        return []
    return [EndOfLife(f"Python {major}.{minor}", ended, "security support", _source("python", f"{major}.{minor}"))]


def _debian_release(name: str, parts: list[str]) -> EndOfLife | None:
    table = _data()["end_of_life"]["debian"]
    codenames = {version: codename for codename, version in _data()["codenames"]["debian"].items()}
    candidates = list(parts)
    if name == "debian" and parts:
        major = parts[0].split(".")[0]
        if major in codenames:
            candidates.insert(0, codenames[major])
    for part in candidates:
        entry = table.get(part)
        if isinstance(entry, dict):
            ended = _date(entry.get("lts"))
            if ended is None:
                return None
            return EndOfLife(f"Debian {entry.get('version', '?')} ({part})", ended, "Debian LTS", _source("debian"))
    return None


def _ubuntu_release(name: str, parts: list[str]) -> EndOfLife | None:
    table = _data()["end_of_life"]["ubuntu"]
    by_codename = {entry.get("codename"): version for version, entry in table.items() if isinstance(entry, dict)}
    version: str | None = None
    for index, part in enumerate(parts):
        if part.startswith("ubuntu") and part[len("ubuntu") :] in table:
            version = part[len("ubuntu") :]
        elif part in by_codename:
            version = by_codename[part]
        elif name == "ubuntu" and index == 0 and part in table:
            version = part
        if version is not None:
            break
    if version is None:
        return None
    entry = table[version]
    ended = _date(entry.get("eol"))
    if ended is None:
        return None
    return EndOfLife(f"Ubuntu {version} ({entry.get('codename', '?')})", ended, "standard support", _source("ubuntu"))


def _alpine_release(name: str, parts: list[str]) -> EndOfLife | None:
    table = _data()["end_of_life"]["alpine"]
    for index, part in enumerate(parts):
        branch: str | None = None
        if part.startswith("alpine"):
            branch = part[len("alpine") :]
        elif name == "alpine" and index == 0:
            branch = part
        if not branch:
            continue
        match = re.fullmatch(r"(\d+\.\d+)(?:\.\d+)?", branch)
        if match is None:
            continue
        ended = _date(table.get(match.group(1)))
        if ended is None:
            return None
        return EndOfLife(f"Alpine {match.group(1)}", ended, "support", _source("alpine"))
    return None
