"""Finding rules: built-in modules under `dflint.rules` and packs registered in the entry-point
group `dflint.rules`. The core knows no particular rule: a rule is any module with `META` and `check`."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, RuleOptions

ENTRY_POINT_GROUP = "dflint.rules"


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: Callable[[Dockerfile, RuleOptions | None], Iterable[Finding]]  # the module's own `Options` type, really
    options_type: type[RuleOptions] | None
    module: str
    doc: str

    def default_options(self) -> RuleOptions | None:
        return self.options_type() if self.options_type is not None else None


class RuleLoadError(Exception):
    pass


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
        rules = [rule for rule in map(_rule_from_module, _walk("dflint.rules")) if rule is not None]
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
    group name appears in one of them or when anything is not a plain directory it can read."""
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    for entry in sys.path:
        directory = entry or "."
        try:
            with os.scandir(directory) as entries:
                names = [item.name for item in entries if item.name.lower().endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True  # a zip or egg on sys.path
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), "rb") as handle:
                    if ENTRY_POINT_GROUP.encode() in handle.read():
                        return True
            except (FileNotFoundError, NotADirectoryError):
                continue  # no entry points, or a single-file `.egg-info`
            except OSError:
                return True
    return False


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
