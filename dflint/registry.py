"""Finding rules: built-in modules under `dflint.rules` and packs registered in the entry-point
group `dflint.rules`. The core knows no particular rule: a rule is any module with `META` and `check`.

While `indexed_rules()` is active (the command line), the built-in rules come from a rule index
kept in `__pycache__` like a `.pyc` file: each rule module's `META`, written after importing them
all once and tied to the path, modification time and size of every file of the rule package (and
of `dflint/rule.py`). A rule from the index imports its module only when its `check`, `Options` or
docstring is first asked for, and the engine asks only for the rules whose `RuleMeta.needs` the
file has, so a file without `npm` never imports the npm rules. A new, edited or removed rule module
changes the listing, and the index is built again on that run."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import cast

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, RuleOptions, Severity

ENTRY_POINT_GROUP = "dflint.rules"
Check = Callable[[Dockerfile, RuleOptions | None], Iterable[Finding]]  # the module's own `Options` type, really
_INDEX_NAME = "rule-index"
_SCAN_NAME = "entry-point-scan"  # beside the rule index: what the last scans for rule packs read, when they found none
_SCANS_KEPT = 4  # one per `sys.path` (the console script's, `python -m dflint`'s from a directory …)
_index_path: str | None = None  # set by `indexed_rules()`


class Rule:
    """A rule: its metadata, the name of its module, and the module's `check`, `Options` class and
    docstring (`doc`). A rule read from the rule index imports its module when one of those three is
    first asked for."""

    __slots__ = ("meta", "module", "_parts")

    def __init__(
        self,
        meta: RuleMeta,
        check: Check,
        options_type: type[RuleOptions] | None,
        module: str,
        doc: str,
    ) -> None:
        self.meta = meta
        self.module = module
        self._parts: tuple[Check, type[RuleOptions] | None, str] | None = (check, options_type, doc)

    @classmethod
    def indexed(cls, meta: RuleMeta, module: str) -> Rule:
        """The rule of `module` as the rule index describes it; the module is imported on first use."""
        rule = cls.__new__(cls)
        rule.meta = meta
        rule.module = module
        rule._parts = None
        return rule

    def _loaded(self) -> tuple[Check, type[RuleOptions] | None, str]:
        if self._parts is None:
            found = _rule_from_module(_import_uncollected(self.module))
            if found is None or found.meta != self.meta:
                raise RuleLoadError(f"{self.module} no longer defines the rule {self.meta.code} the rule index names")
            self._parts = found._loaded()
        return self._parts

    @property
    def check(self) -> Check:
        return self._loaded()[0]

    @property
    def options_type(self) -> type[RuleOptions] | None:
        return self._loaded()[1]

    @property
    def doc(self) -> str:
        return self._loaded()[2]

    def default_options(self) -> RuleOptions | None:
        options_type = self.options_type
        return options_type() if options_type is not None else None

    def __repr__(self) -> str:
        return f"Rule({self.meta.code}, {self.module})"


class RuleLoadError(Exception):
    pass


def _import_uncollected(name: str) -> ModuleType:
    """Import a rule's module (on its first use, in the middle of a lint) as `all_rules` loads them:
    with the collector paused, then freezing what exists. Importing allocates long-lived objects only
    (a collection finds nothing to free), and a one-file run spent some 35 collections (about 6 ms)
    walking the modules it had just imported."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _rule_from_module(module: ModuleType) -> Rule | None:
    meta = getattr(module, "META", None)
    check = getattr(module, "check", None)
    if not isinstance(meta, RuleMeta) or not callable(check):
        return None
    return Rule(meta, check, getattr(module, "Options", None), module.__name__, (module.__doc__ or "").strip())


def _walk(package_name: str) -> Iterator[ModuleType]:
    """Import every module of a package, subpackages included, in name order (as
    `pkgutil.walk_packages` does; a plain directory listing avoids importing pkgutil on start-up)."""
    package = importlib.import_module(package_name)
    names = _module_names(package)
    if names is None:
        import pkgutil

        names = [info.name for info in pkgutil.walk_packages(package.__path__, prefix=package_name + ".")]
    for name in names:
        yield importlib.import_module(name)


def _module_names(package: ModuleType) -> list[str] | None:
    """Modules and subpackages (recursively) of a package stored in plain directories, or None."""
    names: list[str] = []
    for directory in getattr(package, "__path__", ()):
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            return None
        for entry in entries:
            full = os.path.join(directory, entry)
            if entry.endswith(".py") and entry != "__init__.py" and entry[:-3].isidentifier():
                names.append(f"{package.__name__}.{entry[:-3]}")
            elif entry.isidentifier() and os.path.isfile(os.path.join(full, "__init__.py")):
                subpackage = importlib.import_module(f"{package.__name__}.{entry}")
                names.append(subpackage.__name__)
                nested = _module_names(subpackage)
                if nested is None:
                    return None
                names.extend(nested)
            elif entry.endswith((".so", ".pyd", ".pyc")):
                return None  # compiled or sourceless modules: let pkgutil find them
    return names


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code. Duplicate codes or names are a packaging error."""
    import gc

    # A hundred modules of long-lived objects: a collection during the load finds nothing to free, and
    # once they are loaded, freezing what exists (modules, classes, functions, the rules) spares every
    # later collection from walking it again, and keeps the pages `--jobs` workers share after fork.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rules = _builtin_rules("dflint.rules", _index_path)
        rules.extend(_entry_point_rules())
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.meta.code, rule.meta.name, *rule.meta.aliases):
            if key.lower() in seen:
                raise RuleLoadError(f"rule key '{key}' is defined by both {seen[key.lower()]} and {rule.module}")
            seen[key.lower()] = rule.module
    return tuple(sorted(rules, key=lambda rule: rule.meta.code))


def _builtin_rules(package: str, index_path: str | None) -> list[Rule]:
    """The rules of `package`: from the rule index at `index_path` when it matches the package's
    files, else by importing every module (and writing the index, when there is a path)."""
    stamp = _stamp(package) if index_path is not None else None
    if stamp is not None:
        from dflint.pycache import read_table

        table = read_table(index_path, _index_header())
        described = table.get("rules") if table is not None and table.get("stamp") == stamp else None
        if isinstance(described, list):
            return [Rule.indexed(_meta(fields), module) for module, fields in described]
    rules = [rule for rule in map(_rule_from_module, _walk(package)) if rule is not None]
    if stamp is not None:
        from dflint.pycache import write_table

        described = [(rule.module, _fields(rule.meta)) for rule in rules]
        write_table(index_path, _index_header(), {"stamp": stamp, "rules": described})
    return rules


def _stamp(package_name: str) -> tuple[tuple[str, int, int], ...] | None:
    """(path, modification time in ns, size) of every file of a package stored in plain directories,
    subpackages included, and of `dflint/rule.py` (which defines `RuleMeta`); None otherwise."""
    package = importlib.import_module(package_name)
    files: list[tuple[str, int, int]] = []
    pending = list(getattr(package, "__path__", ()))
    if not pending:
        return None
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.name.endswith((".so", ".pyd", ".pyc")):
                    return None  # compiled or sourceless modules: no index
                elif entry.name.endswith(".py"):
                    status = entry.stat()
                    files.append((entry.path, status.st_mtime_ns, status.st_size))
        except OSError:
            return None
    rule_module = sys.modules[RuleMeta.__module__].__file__
    if rule_module is None:
        return None
    status = os.stat(rule_module)
    files.append((rule_module, status.st_mtime_ns, status.st_size))
    return tuple(sorted(files))


def _index_header() -> bytes:
    from dflint.pycache import MAGIC_NUMBER

    return MAGIC_NUMBER + b"rules1"


def _fields(meta: RuleMeta) -> dict[str, object]:
    """A rule's metadata as marshal can store it (the severity by its value)."""
    fields: dict[str, object] = {name: getattr(meta, name) for name in RuleMeta.__dataclass_fields__}
    fields["severity"] = meta.severity.value
    return fields


def _meta(fields: dict[str, object]) -> RuleMeta:
    return RuleMeta(**{**fields, "severity": Severity(cast(int, fields["severity"]))})  # type: ignore[arg-type]  # written by `_fields`


@contextmanager
def indexed_rules(path: str | None = None) -> Iterator[None]:
    """Take the built-in rules from the rule index (kept at `path`, by default in `__pycache__`)
    for the rules first loaded inside the `with` block."""
    global _index_path
    from dflint.pycache import table_path

    previous = _index_path
    _index_path = path if path is not None else table_path(_INDEX_NAME)
    try:
        yield
    finally:
        _index_path = previous


def _entry_point_rules() -> list[Rule]:
    if not _may_have_entry_points():
        return []
    from importlib.metadata import entry_points

    rules: list[Rule] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry_point.load()
        modules = [loaded] if isinstance(loaded, ModuleType) else list(loaded)
        for module in modules:
            if isinstance(module, ModuleType) and hasattr(module, "__path__"):
                candidates: Iterable[ModuleType] = _walk(module.__name__)
            else:
                candidates = [module]
            for candidate in candidates:
                rule = _rule_from_module(candidate)
                if rule is not None:
                    rules.append(rule)
    return rules


def _may_have_entry_points() -> bool:
    """False only when no installed distribution can declare the `dflint.rules` group.

    `importlib.metadata` costs 15 ms or more to import and scan (email, zipfile, pathlib …) on every
    run; almost no installation has a rule pack. This reads the same `entry_points.txt` files it
    would, in the same `sys.path` directories, and answers True (use `importlib.metadata`) when the
    group name appears in one of them or when anything is not a plain directory it can read.

    While the rule index is in use (the command line), a scan that found no rule pack is kept beside
    it (the last four, one per `sys.path`) with what it read: `sys.path`, and the modification time and size of each of its directories,
    of each distribution's `.dist-info`/`.egg-info` and of each `entry_points.txt`. A later run that
    finds them all unchanged (a distribution installed, removed or upgraded changes its directory, an
    edited `entry_points.txt` its own time) answers False from that record: about 25 `stat` calls
    instead of listing the standard library's directories and opening every distribution's files
    (0.7 ms of a one-file run)."""
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    from dflint.pycache import MAGIC_NUMBER, read_table, table_path, write_table

    where = table_path(_SCAN_NAME) if _index_path is not None else None
    header = MAGIC_NUMBER + b"scan2"
    listed = (read_table(where, header) or {}).get("scans")
    scans = [scan for scan in listed if isinstance(scan, dict)] if isinstance(listed, list) else []
    for scan in scans:
        if scan.get("path") == sys.path:
            if _still_as_read(scan.get("read")):
                return False
            break
    found, read = _scan_for_entry_points()
    if not found and read is not None and _settled(read):
        others = [scan for scan in scans if scan.get("path") != sys.path]
        write_table(where, header, {"scans": [{"path": list(sys.path), "read": read}, *others][:_SCANS_KEPT]})
    return found


# (path, modification time in ns, size), or (path, None, None) for a `sys.path` entry that was missing
Stamp = tuple[str, int | None, int | None]


def _scan_for_entry_points() -> tuple[bool, list[Stamp] | None]:
    """Whether a distribution on `sys.path` may declare the group, and the stamps of what was read to
    decide it (None when something could not be read as a plain file or directory)."""
    read: list[Stamp] | None = []
    for entry in sys.path:
        directory = entry or "."
        try:
            status = os.stat(directory)
            with os.scandir(directory) as entries:
                names = [item.name for item in entries if item.name.lower().endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True, None  # a zip or egg on sys.path
        except OSError:
            if read is not None:
                read.append((directory, None, None))
            continue
        if read is not None:
            read.append((directory, status.st_mtime_ns, status.st_size))
        for name in names:
            distribution = os.path.join(directory, name)
            try:
                with open(os.path.join(distribution, "entry_points.txt"), "rb") as handle:
                    listed = os.fstat(handle.fileno())
                    if ENTRY_POINT_GROUP.encode() in handle.read():
                        return True, None
            except (FileNotFoundError, NotADirectoryError):
                listed = None  # no entry points, or a single-file `.egg-info`
            except OSError:
                return True, None
            if read is not None:
                try:
                    own = os.stat(distribution)
                except OSError:
                    read = None
                    continue
                read.append((distribution, own.st_mtime_ns, own.st_size))
                if listed is not None:
                    read.append((os.path.join(distribution, "entry_points.txt"), listed.st_mtime_ns, listed.st_size))
    return False, read


def _settled(read: list[Stamp]) -> bool:
    """Whether everything the scan read was last changed a while ago: a file system keeps times at the
    granularity of its clock tick, so a change made in the same tick as a stamp might not show in it
    (the scan is kept only once nothing it read is that recent, as git treats a racy index entry)."""
    import time

    recent = time.time_ns() - 2_000_000_000
    return all(mtime is None or mtime < recent for _, mtime, _ in read)


def _still_as_read(read: object) -> bool:
    """Whether every stamp a kept scan recorded is still what `stat` gives."""
    if not isinstance(read, list) or not read:
        return False
    for path, mtime, size in read:
        try:
            status = os.stat(path)
        except OSError:
            if mtime is not None:
                return False
            continue
        if (status.st_mtime_ns, status.st_size) != (mtime, size):
            return False
    return True


@cache
def lookup_table() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for rule in all_rules():
        for key in (rule.meta.code, rule.meta.name, *rule.meta.aliases):
            table[key.lower()] = rule
    return table


def find(key: str) -> Rule | None:
    """A rule by code, name or alias (case-insensitive)."""
    return lookup_table().get(key.strip().lower())


def expand_selector(selector: str) -> list[Rule] | None:
    """`DF301`, `pip-cache`, a prefix such as `DF3` or `DF30`, or `ALL` → rules; None if unknown."""
    key = selector.strip()
    if key.upper() == "ALL":
        return list(all_rules())
    rule = find(key)
    if rule is not None:
        return [rule]
    prefix = key.upper()
    matched = [rule for rule in all_rules() if rule.meta.code.startswith(prefix)]
    return matched or None
