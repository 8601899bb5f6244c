"""The package indexes a pip/uv install reads, and the wheel variant it gets from them.

One parse per package operation, in every spelling: `-i URL`, `-iURL`, `--index-url URL`,
`--index-url=URL`, `--extra-index-url`, `-f`/`--find-links`, uv's `--index`/`--default-index`;
the environment (`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`, `UV_INDEX_URL`,
`UV_EXTRA_INDEX_URL`, `UV_DEFAULT_INDEX`, `UV_INDEX`, `UV_FIND_LINKS`) from ENV/ARG, an `export` or a
command prefix; `pip config set global.index-url …` in an earlier RUN; and the options written in
requirements files. The builder stores the result on `PackageOp.indexes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dflint.model import PackageIndex, PackageOp, ShellCommand
from dflint.platform import machine

_OPTIONS = {
    "-i": "index",
    "--index-url": "index",
    "--default-index": "index",
    "--extra-index-url": "extra",
    "--index": "extra",
    "-f": "find-links",
    "--find-links": "find-links",
}
ENVIRONMENT = {
    "PIP_INDEX_URL": "index",
    "UV_INDEX_URL": "index",
    "UV_DEFAULT_INDEX": "index",
    "PIP_EXTRA_INDEX_URL": "extra",
    "UV_EXTRA_INDEX_URL": "extra",
    "UV_INDEX": "extra",
    "PIP_FIND_LINKS": "find-links",
    "UV_FIND_LINKS": "find-links",
}
_CONFIG_KEYS = {"index-url": "index", "extra-index-url": "extra", "find-links": "find-links"}
_CPU = re.compile(r"/cpu(/|$|[-_.])|\+cpu")
_CUDA = re.compile(r"/(cu\d+)(/|$)")
_ROCM = re.compile(r"/(rocm[\d.]*)(/|$)")
_XPU = re.compile(r"/xpu(/|$)")  # PyTorch's Intel GPU wheels: https://download.pytorch.org/whl/xpu


def option_indexes(command: ShellCommand) -> list[PackageIndex]:
    """The index options written on a command line, in every spelling."""
    found: list[PackageIndex] = []
    words = command.argv
    for position, word in enumerate(words):
        value = word.value
        if value is None:
            continue
        if value in _OPTIONS:
            if position + 1 < len(words):
                found.append(PackageIndex(words[position + 1].value, _OPTIONS[value], "option"))
            continue
        name, sep, rest = value.partition("=")
        if sep and name in _OPTIONS and name.startswith("--"):
            found.append(PackageIndex(rest, _OPTIONS[name], "option"))
        elif value[:2] in ("-i", "-f") and len(value) > 2 and not value.startswith("--"):
            found.append(PackageIndex(value[2:].lstrip("="), _OPTIONS[value[:2]], "option"))
    return found


_FILE_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links")
_COMMENT = re.compile(r"(^|\s)#.*$")


def file_index_urls(text: str) -> tuple[str, ...]:
    """The index and find-links URLs a requirements file's option lines set, in every spelling pip
    reads there: `-i URL`, `-iURL`, `--index-url URL`, `--index-url=URL`, `--extra-index-url`,
    `-f`/`--find-links`; comments dropped and `\\` continuations joined as pip does."""
    found: list[str] = []
    logical = ""
    for line in text.splitlines():
        stripped = _COMMENT.sub("", line).rstrip()
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        words, logical = (logical + stripped).split(), ""
        if not words or not words[0].startswith("-"):
            continue
        for position, value in enumerate(words):
            name, sep, rest = value.partition("=")
            if value in _FILE_OPTIONS:
                if position + 1 < len(words):
                    found.append(words[position + 1])
            elif sep and name in _FILE_OPTIONS and name.startswith("--"):
                found.append(rest)
            elif value[:2] in ("-i", "-f") and len(value) > 2 and not value.startswith("--"):
                found.append(value[2:].lstrip("="))
    return tuple(url for url in found if url)


def config_indexes(command: ShellCommand) -> list[PackageIndex]:
    """`pip config set global.index-url URL` (any section): an index every later pip reads."""
    values = [value or "" for value in command.args]
    if command.name is None or "config" not in values:
        return []
    at = values.index("config")
    if not (command.name.startswith("pip") or "pip" in values[:at]):
        return []
    rest = command.argv[at + 2 :]
    if len(rest) < 3 or (rest[0].value or "") != "set":
        return []
    key = (rest[1].value or "").rsplit(".", 1)[-1]
    if key not in _CONFIG_KEYS:
        return []
    return [PackageIndex(rest[2].value, _CONFIG_KEYS[key], "config")]


def op_indexes(op: PackageOp, env: Mapping[str, str | None], configured: Iterable[PackageIndex] = ()) -> tuple[PackageIndex, ...]:
    """Every index a pip/uv operation reads (empty for other managers)."""
    if op.manager not in ("pip", "uv", "pipenv"):
        return ()
    found = option_indexes(op.command)
    scope = {**env, **op.command.exports, **{name: word.value for name, word in op.command.assignments}}
    for name, kind in ENVIRONMENT.items():
        if name in scope:
            found.append(PackageIndex(scope[name], kind, "environment"))
    found.extend(configured)
    for requirements_file in op.files:
        for nested in requirements_file.walk():
            found.extend(PackageIndex(url, "extra", "file") for url in nested.index_urls)
    return tuple(found)


def torch_variant(op: PackageOp, env: Mapping[str, str | None]) -> str | None:
    """Which build of torch (and its family) the install gets: `cpu`, `cuda`, `rocm` or `xpu` (Intel
    GPUs, https://docs.pytorch.org/docs/stable/notes/get_start_xpu.html); None when an index or the
    platform is unknown. PyPI's torch is the CUDA build on x86_64 Linux only (its
    nvidia-* requirements carry `platform_machine == "x86_64"` markers); elsewhere it is CPU-only."""
    backend = _option_value(op.command, "--torch-backend") or {**env, **op.command.exports}.get("UV_TORCH_BACKEND")
    if backend == "cpu":
        return "cpu"
    urls = [index.url for index in op.indexes]
    if any(url is not None and _CPU.search(url) for url in urls):
        return "cpu"
    if any(url is not None and _ROCM.search(url) for url in urls):
        return "rocm"
    if any(url is not None and _XPU.search(url) for url in urls):
        return "xpu"
    if any(url is not None and _CUDA.search(url) for url in urls):
        return "cuda"
    if any(url is None for url in urls):
        return None
    if op.platform is None:
        return None
    return "cuda" if machine(op.platform) == "x86_64" else "cpu"


def gpu_index(op: PackageOp) -> bool:
    """Does the install read a CUDA or ROCm wheel index (`…/whl/cu121`, `…/rocm6.1`)?"""
    return any(index.url is not None and (_CUDA.search(index.url) or _ROCM.search(index.url)) for index in op.indexes)


def _option_value(command: ShellCommand, option: str) -> str | None:
    words = command.argv
    for position, word in enumerate(words):
        value = word.value or ""
        if value == option and position + 1 < len(words):
            return words[position + 1].value
        if value.startswith(option + "="):
            return value.split("=", 1)[1]
    return None


# -- resolution across indexes ---------------------------------------------------------------------

PYPI = "https://pypi.org/simple"


def searched_indexes(op: PackageOp) -> tuple[PackageIndex, ...]:
    """The indexes an install looks names up in: its `index` (PyPI when none is given) and every
    `extra` one (find-links pages are left out)."""
    found = [index for index in op.indexes if index.kind in ("index", "extra")]
    if not any(index.kind == "index" for index in found):
        found.insert(0, PackageIndex(PYPI, "index", "default"))
    return tuple(found)


def picks_across_indexes(op: PackageOp, env: Mapping[str, str | None]) -> bool | None:
    """Does the install take the best version of a name from all its indexes together? pip always
    does (it gives indexes no order); uv only with `--index-strategy unsafe-best-match` (its default,
    `first-index`, stops at the first index that has the name). None when the strategy is unknown."""
    if op.manager == "pip":
        return True
    if op.manager != "uv":
        return False
    strategy = _option_value(op.command, "--index-strategy")
    if strategy is None:
        scope = {**env, **op.command.exports, **{name: word.value for name, word in op.command.assignments}}
        if "UV_INDEX_STRATEGY" in scope:
            strategy = scope["UV_INDEX_STRATEGY"]
            if strategy is None:
                return None
    return strategy == "unsafe-best-match"


def index_owner(url: str | None) -> str | None:
    """Who publishes the names on an index (`dflint/data/package_indexes.json`): `pypi` (PyPI or a
    mirror of it), `framework` (a framework's own wheel index whose names its project also holds on
    PyPI: download.pytorch.org outside its nightly index), `other`; None when the URL is unknown."""
    if url is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return "other"
    path = parts.path or "/"
    data = _index_data()
    for owner in ("pypi", "framework"):
        for entry in data[owner]["entries"]:
            if host != entry["host"]:
                continue
            if not path.startswith(entry.get("path_prefix", "")):
                continue
            excluded = entry.get("path_not_prefix")
            if excluded and path.startswith(excluded):
                continue
            return owner
    return "other"


def held_on_pypi(url: str | None, name: str) -> bool:
    """Whether the owner of the index at `url` also publishes `name` on PyPI itself
    (`dflint/data/package_indexes.json` `held_on_pypi`): a lookup on both finds the owner's package
    either way, so resolving it across the two races no one."""
    if url is None:
        return False
    from urllib.parse import urlsplit

    from dflint.packages import normalise_name

    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return False
    wanted = normalise_name(name)
    return any(
        host == entry["host"] and wanted in {normalise_name(held) for held in entry["names"]}
        for entry in _index_data()["held_on_pypi"]["entries"]
    )


def _index_data() -> dict[str, Any]:
    from dflint.data import load

    return load("package_indexes")
