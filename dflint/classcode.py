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
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

from dflint.pycache import read_table, table_path, write_table

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
        if self.path is None or not self.misses:
            return
        table = {**self.table, **self.used}
        if len(table) > _LIMIT:
            table = dict(self.used)
        from importlib.util import MAGIC_NUMBER

        write_table(self.path, MAGIC_NUMBER, table)


def cache_path() -> str | None:
    """Where the cache lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    return table_path(_NAME)


def read(path: str | None) -> dict[str, CodeType]:
    """The cached table, or an empty one when the file is missing, foreign or damaged."""
    from importlib.util import MAGIC_NUMBER

    table = read_table(path, MAGIC_NUMBER) or {}
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
