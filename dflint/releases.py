"""End-of-life dates of the releases an image tag names (Python, Node.js, Debian, Ubuntu, Alpine), from
dflint/data/base_images.json with each date's source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from dflint.data import load
from dflint.imagerefs import ImageRef, parse_reference
from dflint.model import Dockerfile, Stage

_URL = re.compile(r"https?://[^\s;,)]+")
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class EndOfLife:
    """When a release's support ended, and the source that says so."""

    release: str  # "Python 3.8", "Debian 10 (buster)"
    ended: date
    what: str  # "security support", "LTS", …
    source: str


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
    """The releases a tag names that dflint knows an end-of-life date for, and the Debian release an
    image's name carries (`gcr.io/distroless/cc-debian10`, tagged or not: `release_in_name`)."""
    tag = (reference.tag or "").lower()
    name = reference.name.lower()
    parts = tag.split("-") if tag else []
    found: list[EndOfLife] = []
    named = _release_in_name(name)
    if named is not None:
        return (named,)
    if name == "python" and parts:
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
    if name == "node" and parts:
        found += _node(parts[0])
    return tuple(found)


def distribution(image: str | None) -> str | None:
    """The distribution release an image's tag names, as `releases` spells it without its codename
    ("Debian 12", "Ubuntu 22.04"), or None when the tag names none that dflint knows (`python:3.11-slim`
    follows whatever Debian is current, so it names none)."""
    if image is None:
        return None
    reference = parse_reference(image)
    if reference is None or reference.tag is None:
        return None
    for found in releases(reference):
        match = re.match(r"(Debian|Ubuntu|Alpine) (\d+(?:\.\d+)?)", found.release)
        if match:
            return f"{match.group(1)} {match.group(2)}"
    return None


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


def _node(version: str) -> list[EndOfLife]:
    """`node:14.17.3-alpine3.14` → Node.js 14, by the end of its release line."""
    match = _VERSION.match(version)
    if not match:
        return []  # `node:lts`, `node:current`, `node:alpine`: no release named
    major = match.group(1)
    ended = _date(_data()["end_of_life"]["node"].get(major))
    if ended is None:
        return []
    return [EndOfLife(f"Node.js {major}", ended, "release line", _source("node"))]


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


def _release_in_name(name: str) -> EndOfLife | None:
    """`gcr.io/distroless/cc-debian10` → Debian 10 (buster), for the images `release_in_name` lists."""
    if not any(name.startswith(prefix) for prefix in _data()["release_in_name"]["prefixes"]):
        return None
    match = re.search(r"-debian(\d+)$", name)
    if match is None:
        return None
    codename = {version: codename for codename, version in _data()["codenames"]["debian"].items()}.get(match.group(1))
    return _debian_release("", [codename]) if codename is not None else None


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


def distro_python(image: str | None) -> str | None:
    """The Python release of the python3 package of the distribution release an image's tag names
    (`ubuntu:22.04` → "3.10", `nvidia/cuda:11.8.0-runtime-ubuntu18.04` → "3.6"; `data/base_images.json`
    `distro_python3`, with sources); None when the tag names no release dflint knows."""
    release = distribution(image)  # "Ubuntu 22.04"
    if release is None:
        return None
    family, _, version = release.partition(" ")
    python = _data()["distro_python3"].get(family.lower(), {}).get(version)
    return python if isinstance(python, str) else None


_PYTHON_TAG = re.compile(r"(\d+\.\d+)(?:[.-]|$)")
# What puts another Python in a stage than its base's: conda and its kin, pyenv, deadsnakes' or a
# distribution's versioned python3.X packages, uv's managed Pythons.
_ANOTHER_PYTHON = re.compile(
    r"\b(?:conda|mamba|micromamba|miniconda\w*|miniforge\w*|mambaforge\w*|pyenv|deadsnakes)\b"
    r"|\buv\s+(?:python|venv\s+[^&|;]*--python)\b|\bpython3?\.\d+\b"
)


def stage_python(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """The Python release `pip` runs on in a stage, as far as its root image says: the tag of the
    official `python` image (`python:3.6-slim` → "3.6"), a Python the tag names (`base-cpu-py3.6`,
    `2.1.0-gpu-py310-cu121-ubuntu20.04` → "3.10"), or the python3 of the distribution release its
    tag names (`ubuntu:18.04` → "3.6"). None when the image says neither, or when the stage or a
    stage it is built FROM may put another Python in (conda, pyenv, deadsnakes, a `python3.10`
    package, `uv python`): which Python then runs pip is not worked out here."""
    for current in dockerfile.ancestry(stage):
        if any(_ANOTHER_PYTHON.search(run.arguments) for run in current.instructions_of("RUN")):
            return None
    root = dockerfile.root_image(stage)
    reference = parse_reference(root or "")
    if reference is None:
        return None
    if reference.repository.rsplit("/", 1)[-1] == "python":
        match = _PYTHON_TAG.match(reference.tag or "")
        return match.group(1) if match else None
    named = _PY_IN_TAG.search(reference.tag or "")
    if named is not None:  # `base-cpu-py3.6`, `2.1.0-gpu-py310-cu121-ubuntu20.04`: the image's own Python
        return f"3.{int(named.group(1))}"
    return distro_python(root)


_PY_IN_TAG = re.compile(r"(?:^|[-_])py(?:thon)?3\.?(\d{1,2})(?=$|[-_])")


def named_in_path(eol: EndOfLife, path: str) -> str | None:
    """The part of a Dockerfile's path (below its repository root, lower case, `/`-separated) that
    names the release `eol` is about, or None: a folder or file name kept for that release
    (`24/bullseye/Dockerfile`, `Dockerfile.base.ubuntu_16_04.py3_6`, `python3.8/Dockerfile`,
    `node14/Dockerfile`, `alpine3.16/Dockerfile`). Such a file is a variant that exists to provide the
    release, which its author chose knowingly."""
    release = eol.release
    patterns: list[str] = []
    if match := re.fullmatch(r"Python (\d+)\.(\d+)", release):
        major, minor = match.groups()
        patterns.append(rf"(?<![a-z])py(?:thon)?[-_]?{major}[._]?{minor}(?![0-9])")  # `py3_6`, `python3.8`
        patterns.append(rf"(?:^|/){major}\.{minor}(?:/|$)")  # a folder `3.8/`
    elif match := re.fullmatch(r"Node\.js (\d+)", release):
        patterns.append(rf"(?:^|/)(?:node[-_]?)?{match.group(1)}(?:/|$)")
    elif match := re.fullmatch(r"(?:Debian|Ubuntu) ([0-9.]+) \(([a-z]+)\)", release):
        version, codename = match.groups()
        patterns.append(rf"(?<![a-z]){codename}(?![a-z])")
        if "." in version:  # Ubuntu 16.04: `16.04`, `16_04`, `1604`, `ubuntu1604`
            major, minor = version.split(".", 1)
            patterns.append(rf"(?<![0-9.]){major}[._-]?{minor}(?![0-9])")
        else:  # Debian 10: `debian10`, `debian-10`
            patterns.append(rf"(?<![a-z])debian[-_]?{version}(?![0-9])")
    elif match := re.fullmatch(r"Alpine (\d+)\.(\d+)", release):
        major, minor = match.groups()
        patterns.append(rf"(?<![a-z0-9])alpine[-_]?{major}[._]?{minor}(?![0-9])")
    for pattern in patterns:
        found = re.search(pattern, path)
        if found is not None:
            return found.group(0).strip("/")
    return None
