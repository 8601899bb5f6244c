"""Tables of compiled code kept in dflint's `__pycache__`, as Python keeps `.pyc` files.

`classcode` (dataclass methods) and `regexcode` (regular-expression programs) each keep one table,
a marshalled dict behind a header that ties it to this interpreter. A table that is missing, foreign
or damaged reads as None; a table that cannot be written (a read-only install) is simply not kept.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Mapping

# What `importlib.util` re-exports, taken from where it takes them: importing `importlib.util` (with
# `importlib._abc`) cost about 0.3 ms of a one-file run that used nothing else of it.
from importlib._bootstrap import module_from_spec
from importlib._bootstrap_external import MAGIC_NUMBER, cache_from_source, spec_from_file_location
from typing import Any, BinaryIO


def table_path(name: str) -> str | None:
    """Where table `name` lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    try:
        anchor = cache_from_source(os.path.abspath(__file__))
    except NotImplementedError:  # no cache tag: this interpreter writes no byte code either
        return None
    return os.path.join(os.path.dirname(anchor), f"{name}.{sys.implementation.cache_tag}.marshal")


def read_table(path: str | None, header: bytes) -> dict[object, object] | None:
    """The table stored at `path` behind `header`, or None."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            table = _loads(handle, header)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return table if isinstance(table, dict) else None


def _loads(handle: BinaryIO, header: bytes) -> object:
    """The table behind `header` in an open file, unmarshalled from the file's pages as the page cache
    holds them (`mmap`): reading the module table (1.5 MB) into a new bytes object first cost about
    1.3 ms of a one-file run in fresh memory. A file that cannot be mapped is read."""
    import mmap

    try:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # an empty file, or a file system that does not map files
        data = handle.read()
        return marshal.loads(data[len(header) :]) if data[: len(header)] == header else None
    with mapped, memoryview(mapped) as view:
        return marshal.loads(view[len(header) :]) if view[: len(header)] == header else None


def write_table(path: str | None, header: bytes, table: Mapping[Any, object]) -> None:
    """Store `table` at `path` atomically (a new file created exclusively, then renamed over); any
    failure leaves no temporary file and no cache, and the next run compiles again."""
    if path is None or sys.dont_write_bytecode:
        return
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        data = header + marshal.dumps(dict(table))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except (OSError, ValueError):  # read-only, taken, or a value marshal cannot store
        try:
            os.unlink(temporary)
        except OSError:
            pass


__all__ = [
    "MAGIC_NUMBER",
    "cache_from_source",
    "module_from_spec",
    "read_table",
    "spec_from_file_location",
    "table_path",
    "write_table",
]
