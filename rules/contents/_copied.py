"""Python and conda packages that ship from a build-only stage: `COPY --from=builder /opt/venv …`
copies the virtual environment — its packages ship — but not the builder's compilers.

An install's prefix is where its files land: a venv's `bin/pip` or `bin/python`, `VIRTUAL_ENV` or a
venv first on `PATH`, `pip install --prefix/--target/--root`, `--user` (`~/.local`), a conda
prefix (`-p`, `-n NAME`, the conda root). When a shipped stage copies a path from that stage that
contains the prefix, or lies inside it (`…/site-packages`), the install ships.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, PackageOp, Stage

_SYSTEM_BIN = frozenset({"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"})
_PYTHON_MANAGERS = ("pip", "uv", "pipenv")


@dataclass(frozen=True, slots=True)
class CopySource:
    """A path copied out of a build-only stage into a shipped one."""

    stage: Stage  # the stage copied from
    path: str
    instruction: Instruction  # the COPY


def copy_sources(dockerfile: Dockerfile, shipped: tuple[Stage, ...]) -> list[CopySource]:
    shipped_indexes = {stage.index for stage in shipped}
    sources: list[CopySource] = []
    for stage in shipped:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD"):
                continue
            flag = instruction.flag("from")
            if flag is None or not flag.value:
                continue
            source_stage = dockerfile.stage_by_key(flag.value)
            if source_stage is None or source_stage.index in shipped_indexes:
                continue
            words = list(instruction.json_args) if instruction.json_args is not None else instruction.arguments.split()
            for word in words[:-1]:
                value = instruction.expand(word.strip("\"'"))
                if value is None or not value.startswith("/"):
                    continue
                cut = min((value.find(c) for c in "*?[" if c in value), default=-1)
                path = value[:cut].rsplit("/", 1)[0] if cut >= 0 else value
                sources.append(CopySource(source_stage, posixpath.normpath(path or "/"), instruction))
    return sources


def prefix_of(op: PackageOp, instruction: Instruction, raw_path: str | None = None) -> str | None:
    """Where a pip/uv/conda install puts its files; None for the system interpreter or unknown.
    `raw_path` is the PATH as written by the last ENV (its value is unknown when it appends `$PATH`)."""
    argv = op.command.argv
    if op.manager == "conda":
        explicit = _option(argv, "-p") or _option(argv, "--prefix")
        if explicit is not None:
            return explicit
        root = _conda_root(op, instruction, raw_path)
        name = _option(argv, "-n") or _option(argv, "--name")
        return f"{root}/envs/{name}" if name else root
    for option in ("--target", "-t", "--prefix", "--root"):
        value = _option(argv, option)
        if value is not None:
            return value
    if op.has_flag("--user"):
        return "~/.local"
    program = argv[0].value if argv else None
    if program and program.startswith("/") and "/bin/" in program:
        if posixpath.dirname(program) in _SYSTEM_BIN:
            return None  # the system interpreter, named explicitly
        return posixpath.dirname(posixpath.dirname(program))
    python = _option(argv, "--python") if op.manager == "uv" else None
    if python and python.startswith("/") and "/bin/" in python:
        return posixpath.dirname(posixpath.dirname(python))
    env = instruction.env
    if env.get("VIRTUAL_ENV"):
        return env["VIRTUAL_ENV"]
    return _first_private_bin(env.get("PATH") or raw_path)


def _conda_root(op: PackageOp, instruction: Instruction, raw_path: str | None) -> str:
    program = op.command.argv[0].value if op.command.argv else None
    if program and program.startswith("/") and "/bin/" in program:
        return posixpath.dirname(posixpath.dirname(program))
    env = instruction.env
    for name in ("CONDA_DIR", "CONDA_PREFIX", "MAMBA_ROOT_PREFIX", "CONDA_HOME"):
        if env.get(name):
            return str(env[name])
    return _first_private_bin(env.get("PATH") or raw_path) or "/opt/conda"


_ENV_PATH = re.compile(r"""(?:^|\s)PATH(?:=|\s+)["']?([^"'\s]+)""")


def raw_path(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str | None:
    """The PATH the last ENV before `instruction` wrote, as written (`/opt/venv/bin:$PATH`)."""
    found = None
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for candidate in ancestor.instructions:
            if candidate.index >= instruction.index:
                break
            if candidate.keyword == "ENV":
                match = _ENV_PATH.search(candidate.arguments)
                if match:
                    found = match.group(1)
    return found


def _first_private_bin(path: str | None) -> str | None:
    for entry in (path or "").split(":"):
        entry = entry.rstrip("/")
        if entry in _SYSTEM_BIN or not entry.startswith("/"):
            break
        if "$" in entry:
            break
        if entry.endswith("/bin"):
            return posixpath.dirname(entry)
    return None


def _option(argv: tuple[object, ...], option: str) -> str | None:
    words = list(argv)
    for position, word in enumerate(words):
        value = getattr(word, "value", None) or ""
        if value == option and position + 1 < len(words):
            found = getattr(words[position + 1], "value", None)
            return found if isinstance(found, str) else None
        if option.startswith("--") and value.startswith(option + "="):
            return value.split("=", 1)[1]
    return None


def ships_through(prefix: str | None, sources: list[CopySource], stage: Stage) -> CopySource | None:
    """The copy that carries files installed under `prefix` in `stage` into a shipped stage."""
    for source in sources:
        if source.stage.index != stage.index:
            continue
        path = source.path
        if prefix is None:
            if (
                "/site-packages" in path
                or "/dist-packages" in path
                or path.startswith(("/usr/local/lib/python", "/usr/lib/python"))
            ):
                return source
            continue
        if prefix == "~/.local":
            if path.endswith("/.local") or "/.local/" in path:
                return source
            continue
        prefix = posixpath.normpath(prefix)
        if path == prefix or prefix.startswith(path.rstrip("/") + "/") or path.startswith(prefix + "/"):
            return source
    return None


def copied_ops(dockerfile: Dockerfile, shipped: tuple[Stage, ...]) -> Iterator[tuple[Stage, Instruction, PackageOp, CopySource]]:
    """Python/conda install operations in build-only stages whose files a shipped stage copies."""
    sources = copy_sources(dockerfile, shipped)
    if not sources:
        return
    by_stage = {source.stage.index for source in sources}
    shipped_indexes = {stage.index for stage in shipped}
    seen: set[int] = set()
    for stage in dockerfile.stages:
        if stage.index not in by_stage:
            continue
        for ancestor in reversed(dockerfile.ancestry(stage)):
            if ancestor.index in shipped_indexes:
                continue  # its installs ship anyway
            for instruction in ancestor.instructions:
                if instruction.index in seen:
                    continue
                seen.add(instruction.index)
                for op in instruction.packages:
                    if op.verb != "install" or op.manager not in (*_PYTHON_MANAGERS, "conda"):
                        continue
                    via = ships_through(prefix_of(op, instruction, raw_path(dockerfile, ancestor, instruction)), sources, stage)
                    if via is not None:
                        yield ancestor, instruction, op, via
