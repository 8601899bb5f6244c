"""Importing one module of a third-party package without running the package's `__init__`.

A dependency can spend more on start-up than dflint uses: `tree_sitter_bash/__init__` imports
`importlib.resources` (about 4 ms, with `tempfile`, `shutil`, `bz2`, `lzma` …) to read highlight
queries dflint never asks for. A pre-commit hook pays start-up on every commit, so such a module is
loaded from its file on its own, under a private name.
Anything unexpected (a zipped install, a changed layout) falls back to the ordinary import.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_PREFIX = "dflint._direct."


def load_submodule(package: str, name: str, *, required: tuple[str, ...] = ()) -> ModuleType:
    """`package.name`, loaded without `package/__init__`; it must define every attribute in `required`."""
    official = sys.modules.get(f"{package}.{name}")
    if official is not None:
        return official
    private = f"{_PREFIX}{package}.{name}"
    cached = sys.modules.get(private)
    if cached is not None:
        return cached
    try:
        module = _load_directly(package, name, private)
    except Exception:  # noqa: BLE001 - any surprise: import the package as published
        module = None
    if module is None or not all(hasattr(module, attribute) for attribute in required):
        return importlib.import_module(f"{package}.{name}")
    sys.modules[private] = module
    return module


def _load_directly(package: str, name: str, private: str) -> ModuleType | None:
    from importlib.machinery import ExtensionFileLoader, PathFinder, SourceFileLoader

    package_spec = PathFinder.find_spec(package)
    if package_spec is None or not package_spec.submodule_search_locations:
        return None
    spec = PathFinder.find_spec(name, list(package_spec.submodule_search_locations))
    if spec is None or spec.origin is None or not isinstance(spec.loader, (SourceFileLoader, ExtensionFileLoader)):
        return None
    if isinstance(spec.loader, ExtensionFileLoader):
        # An extension's init function is named after the last part of the module name, which
        # `name` keeps; the private full name only keeps it out of the package's namespace.
        spec.name = private.rsplit(".", 1)[0] + "." + name
    else:
        spec.name = private
        spec.loader = SourceFileLoader(private, spec.origin)
    from dflint.pycache import module_from_spec

    module = module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


__all__ = ["load_submodule"]
