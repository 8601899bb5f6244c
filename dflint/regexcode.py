"""Regular expressions compiled once and cached like `.pyc` files.

dflint's core and rules compile about 140 regular expressions when their modules load; `re`
parses each and turns it into a program for its matching engine (`_sre`) in Python code, about
10 % of a one-file run. While `cached_regex_code()` is active, a pattern compiled for the first
time keeps that program (a list of integers, with its group names) in
`__pycache__/regex-programs.<tag>.marshal`, keyed by the pattern and its flags and tied to the
engine's version (`_sre.MAGIC`); later runs hand the stored program straight to `_sre.compile`,
which builds the very same pattern object (`re` patterns compare equal only when their programs
do). The file is rewritten when a module's top level compiled a pattern it did not hold, or a function
compiled a literal pattern of its code it did not hold, not for a pattern built inside a function
(it may come from a file's words). Anything unexpected — another Python, an unreadable file, a pattern `re` rejects — takes the
ordinary path. The command line uses it (`dflint.launcher`); importing dflint as a library leaves
`re` alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from dflint.pycache import MAGIC_NUMBER, read_table, table_path, write_table

_NAME = "regex-programs"
_LIMIT = 4096  # entries; beyond that only what the last run used is kept

Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Key = tuple[str | bytes, int]
_DEBUG = int(re.DEBUG)  # a plain int: `int & RegexFlag` goes through enum, ten times slower


def _header() -> bytes:
    import _sre

    return MAGIC_NUMBER + int(_sre.MAGIC).to_bytes(8, "little")


def cache_path() -> str | None:
    """Where the cache lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    return table_path(_NAME)


def read(path: str | None) -> dict[Key, Program]:
    return read_table(path, _header()) or {}  # type: ignore[return-value]  # written only by `save`


def program(pattern: str | bytes, flags: int) -> Program:
    """What `re._compiler.compile` hands to `_sre.compile` for a str or bytes pattern, computed as it does."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _worth_keeping(pattern: str | bytes) -> bool:
    """Whether the pattern being compiled comes from a module's top level or is a constant of the
    function compiling it (past `re`'s own frames): code, not a file's words."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and (
        frame.f_globals.get("__name__") == "re" or str(frame.f_globals.get("__name__")).startswith("re.")
    ):
        frame = frame.f_back
    return frame is not None and (frame.f_code.co_name == "<module>" or pattern in frame.f_code.co_consts)


class RegexCache:
    """One activation: the stored programs, what this run used, `hits` and `misses`."""

    def __init__(self, path: str | None, table: dict[Key, Program], original: Callable[..., Any]) -> None:
        self.path = path
        self.table = table
        self.original = original
        self.used: dict[Key, Program] = {}
        self.hits = 0
        self.misses = 0
        self.stale = not table  # no file yet, or one this run must rewrite

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        import _sre

        if not isinstance(pattern, (str, bytes)) or int(flags) & _DEBUG:
            return self.original(pattern, flags)
        key = (pattern, int(flags))
        stored = self.table.get(key)
        if stored is None:
            try:
                stored = program(pattern, int(flags))
            except Exception:  # noqa: BLE001 - an invalid pattern: let `re` raise its own error
                return self.original(pattern, flags)
            self.misses += 1
            # A pattern built inside a function may come from data (a file's words): it alone is no
            # reason to rewrite the file, so the cache settles once the code's patterns are in (those
            # of the modules' top level, and the literal patterns functions compile on first use).
            self.stale = self.stale or _worth_keeping(pattern)
        else:
            self.hits += 1
        self.used[key] = stored
        try:
            return _sre.compile(pattern, *stored)
        except (TypeError, ValueError, RuntimeError):  # a stored program this engine does not take
            self.used.pop(key, None)
            return self.original(pattern, flags)

    def save(self) -> None:
        if self.path is None or not self.misses or not self.stale:
            return
        table = {**self.table, **self.used}
        if len(table) > _LIMIT:
            table = dict(self.used)
        write_table(self.path, _header(), table)


@contextmanager
def cached_regex_code(path: str | None = None) -> Iterator[RegexCache | None]:
    """Reuse the compiled programs of regular expressions compiled inside the `with` block."""
    compiler = getattr(re, "_compiler", None)
    original = getattr(compiler, "compile", None)
    active = isinstance(getattr(original, "__self__", None), RegexCache)
    if compiler is None or original is None or not hasattr(compiler, "_code") or active:
        yield None  # another Python's `re`, or already active
        return
    where = path if path is not None else cache_path()
    cache = RegexCache(where, read(where), original)
    compiler.compile = cache.compile
    try:
        yield cache
    finally:
        compiler.compile = original
        cache.save()


__all__ = ["RegexCache", "cache_path", "cached_regex_code", "program", "read"]
