"""The methods `dataclasses` writes for dflint's classes, compiled once and cached like `.pyc` files.

For each `@dataclass(frozen=True, slots=True)` class, `dataclasses` writes the source of
`__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__` and `__delattr__` and compiles it when
the class is defined: for dflint's model, rule and option classes that compiling was about 40 ms of
a 130 ms one-file run, more than anything else dflint does on start-up. Python keeps the byte code
of modules in `__pycache__`; `cached_class_code` does the same for that generated code.

While it is active, `dataclasses`' `exec(source, globals, namespace)` for a class defined in a
`dflint` module runs a code object compiled from exactly that source, found in
`__pycache__/dataclass-methods.<tag>.marshal` (the source text is the key, so a changed class only
misses); what misses is compiled as `exec` would compile it, and the file is rewritten at the end,
atomically, unless writing byte code is off (`PYTHONDONTWRITEBYTECODE`, `-B`). The classes are the
same in every respect; only the compiling is skipped. The command line uses it (`dflint.launcher`);
importing dflint as a library leaves `dataclasses` alone.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

_NAME = "dataclass-methods"
_LIMIT = 4096  # entries; beyond that only what the last run used is kept


class ClassCodeCache:
    """One activation: the cached table, what this run used, `hits` reused and `misses` compiled anew."""

    def __init__(self, path: str | None, table: dict[str, CodeType] | None = None, package: str = "dflint") -> None:
        self.path = path
        self.package = package
        self.table = table or {}
        self.used: dict[str, CodeType] = {}
        self.hits = 0
        self.misses = 0

    def exec(self, source: Any, namespace: Any = None, local: Any = None) -> None:
        """`exec(source, namespace, local)` as `dataclasses` calls it, with the compiling cached."""
        if not isinstance(source, str) or not self._ours(namespace):
            return builtins.exec(source, namespace, local)
        code = self.table.get(source)
        if code is None:
            # As `exec(source)` inside `dataclasses` compiles it: no `from __future__` flags of this module.
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.misses += 1
        else:
            self.hits += 1
        self.used[source] = code
        return builtins.exec(code, namespace, local)

    def _ours(self, namespace: Any) -> bool:
        name = namespace.get("__name__") if isinstance(namespace, dict) else None
        return isinstance(name, str) and (name == self.package or name.startswith(self.package + "."))

    def save(self) -> None:
        if self.path is None or not self.misses or sys.dont_write_bytecode:
            return
        table = {**self.table, **self.used}
        if len(table) > _LIMIT:
            table = dict(self.used)
        from importlib.util import MAGIC_NUMBER

        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(MAGIC_NUMBER + marshal.dumps(table))
            os.replace(temporary, self.path)
        except OSError:  # a read-only install: every run compiles, as without the cache
            try:
                os.unlink(temporary)
            except OSError:
                pass


def cache_path() -> str | None:
    """Where the cache lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    from importlib.util import cache_from_source

    try:
        anchor = cache_from_source(os.path.abspath(__file__))
    except NotImplementedError:  # no cache tag: this interpreter writes no byte code either
        return None
    return os.path.join(os.path.dirname(anchor), f"{_NAME}.{sys.implementation.cache_tag}.marshal")


def read(path: str | None) -> dict[str, CodeType]:
    """The cached table, or an empty one when the file is missing, foreign or damaged."""
    if path is None:
        return {}
    from importlib.util import MAGIC_NUMBER

    try:
        with open(path, "rb") as handle:
            data = handle.read()
        table = marshal.loads(data[len(MAGIC_NUMBER) :]) if data[: len(MAGIC_NUMBER)] == MAGIC_NUMBER else None
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {key: code for key, code in table.items() if isinstance(key, str) and isinstance(code, CodeType)}


@contextmanager
def cached_class_code(path: str | None = None, package: str = "dflint") -> Iterator[ClassCodeCache]:
    """Reuse compiled dataclass methods for the classes of `package`'s modules defined inside the `with` block."""
    import dataclasses

    if "exec" in vars(dataclasses):  # already active (nested use): one cache is enough
        yield ClassCodeCache(None)
        return
    where = path if path is not None else cache_path()
    cache = ClassCodeCache(where, read(where), package)
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]  # found before the builtin inside dataclasses
    try:
        yield cache
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        cache.save()


__all__ = ["ClassCodeCache", "cache_path", "cached_class_code", "read"]
