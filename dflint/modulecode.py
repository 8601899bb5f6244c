"""dflint's own modules' byte code, kept in one table in `__pycache__`.

A one-file run imports about 140 dflint modules (the core and 73 rules). For each, the ordinary
import looks through the directories of its package, checks and opens its `.pyc` file and reads
it: about 0.1 ms a module, some 10 ms of a run that lasts 80. While `cached_module_code()` is
active, a `dflint` module imported for which `__pycache__/module-code.<tag>.marshal` holds code
compiled from the very source file that is there now (same path, modification time in nanoseconds
and size, which `stat` gives in one call) is loaded from that code; everything else about the
module — its spec, `__file__`, `__path__`, source for tracebacks, package data — is what the
ordinary import gives, because the loader is the ordinary `SourceFileLoader` with only its
`get_code` answered from the table.

A module the table does not hold, or whose source changed (an edit, a new rule module, another
install), takes the ordinary path, and the table is written again at the end of the run with every
dflint module the run imported, unless writing byte code is off (`PYTHONDONTWRITEBYTECODE`, `-B`)
or the directory is read-only. The command line uses it (`dflint.launcher`); importing dflint as a
library leaves the import system alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec, SourceFileLoader
from types import CodeType

from dflint.pycache import MAGIC_NUMBER, read_table, spec_from_file_location, table_path, write_table

_NAME = "module-code"
_PRIVATE = "dflint._direct."  # third-party modules loaded under a private name (`dflint.submodule`)

# name → (source path, modification time in ns, size, is a package, code)
Entry = tuple[str, int, int, bool, CodeType]


class _StoredLoader(SourceFileLoader):
    """The ordinary loader of a source file, with the module's code taken from the table."""

    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self.stored = code

    def get_code(self, fullname: str) -> CodeType:
        return self.stored if fullname == self.name else super().get_code(fullname)  # type: ignore[return-value]


class ModuleCodeFinder:
    """One activation, first on `sys.meta_path`: stored code for unchanged modules, `hits` and `misses`."""

    def __init__(self, path: str | None, table: dict[str, Entry], package: str = "dflint") -> None:
        self.path = path
        self.table = table
        self.package = package
        self.hits = 0
        self.misses = 0

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if not fullname.startswith(self.package) or (fullname != self.package and fullname[len(self.package)] != "."):
            return None
        entry = self.table.get(fullname)
        if entry is None or not _unchanged(entry):
            self.misses += not fullname.startswith(_PRIVATE)
            return None  # the ordinary finders find it
        origin, _mtime, _size, package, code = entry
        self.hits += 1
        return spec_from_file_location(
            fullname,
            origin,
            loader=_StoredLoader(fullname, origin, code),
            submodule_search_locations=[os.path.dirname(origin)] if package else None,
        )

    def save(self) -> None:
        """Write the table again when this run imported a module it did not hold (or held stale)."""
        if self.path is None or not self.misses or sys.dont_write_bytecode:
            return
        # What other runs imported stays while its source is unchanged (a `.dockerignore` here and
        # not there must not rewrite the table every time); this run's modules are added.
        table = {name: entry for name, entry in self.table.items() if _unchanged(entry)}
        for name, module in list(sys.modules.items()):
            if name in table or name.startswith(_PRIVATE) or not (name == self.package or name.startswith(self.package + ".")):
                continue
            recorded = _entry(name, module)
            if recorded is not None:
                table[name] = recorded
        write_table(self.path, MAGIC_NUMBER, table)


def _unchanged(entry: Entry) -> bool:
    try:
        status = os.stat(entry[0])
    except OSError:
        return False
    return status.st_mtime_ns == entry[1] and status.st_size == entry[2]


def _entry(name: str, module: object) -> Entry | None:
    """The table's entry for an imported module loaded from its source file (or its `.pyc`), else None."""
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(loader, SourceFileLoader) or getattr(spec, "name", None) != name or not isinstance(origin, str):
        return None
    try:
        status = os.stat(origin)
        code = loader.get_code(name)
    except (OSError, ImportError, SyntaxError):
        return None
    if code is None:
        return None
    return origin, status.st_mtime_ns, status.st_size, spec.submodule_search_locations is not None, code  # type: ignore[union-attr]


def cache_path() -> str | None:
    """Where the table lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    return table_path(_NAME)


def read(path: str | None) -> dict[str, Entry]:
    """The stored table, or an empty one when the file is missing, foreign or damaged."""
    table = read_table(path, MAGIC_NUMBER) or {}
    return {
        name: entry
        for name, entry in table.items()
        if isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 5 and isinstance(entry[4], CodeType)
    }


@contextmanager
def cached_module_code(path: str | None = None, package: str = "dflint") -> Iterator[ModuleCodeFinder | None]:
    """Load `package`'s modules imported inside the `with` block from the stored table when unchanged."""
    if any(isinstance(finder, ModuleCodeFinder) for finder in sys.meta_path):
        yield None  # already active (nested use)
        return
    where = path if path is not None else cache_path()
    finder = ModuleCodeFinder(where, read(where), package)
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        try:
            sys.meta_path.remove(finder)
        except ValueError:
            pass
        finder.save()


__all__ = ["ModuleCodeFinder", "cache_path", "cached_module_code", "read"]
