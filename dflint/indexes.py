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
    """Which build of torch (and its family) the install gets: `cpu`, `cuda` or `rocm`; None when
    an index or the platform is unknown. PyPI's torch is the CUDA build on x86_64 Linux only (its
    nvidia-* requirements carry `platform_machine == "x86_64"` markers); elsewhere it is CPU-only."""
    backend = _option_value(op.command, "--torch-backend") or {**env, **op.command.exports}.get("UV_TORCH_BACKEND")
    if backend == "cpu":
        return "cpu"
    urls = [index.url for index in op.indexes]
    if any(url is not None and _CPU.search(url) for url in urls):
        return "cpu"
    if any(url is not None and _ROCM.search(url) for url in urls):
        return "rocm"
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
