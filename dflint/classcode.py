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

On Python 3.11 the table also holds a recipe per shape of frozen, slotted class (`_Recipes`): the
methods a class's first build compiled, under a key made of everything their source is written
from (the interpreter's version, the parameters and each field's name, flags and kind of default:
a recipe written by another build of Python, even of the same byte-code magic, is not used). A class of that shape is
then built without writing any source: its fields, checks, qualified names and slotted class come
from `dataclasses`' own helpers in `_process_class`'s order, its methods from the recipe (about 40 µs
a class instead of 110). Any other class, and any other Python, takes `dataclasses`' own path.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, MemberDescriptorType
from typing import Any

from dflint.pycache import MAGIC_NUMBER, read_table, table_path, write_table

_NAME = "dataclass-methods"
_LIMIT = 4096  # entries; beyond that only what the last run used is kept


class ClassCodeCache:
    """One activation: the cached table, what this run used, `hits` reused and `misses` compiled anew."""

    def __init__(self, path: str | None, table: dict[Any, Any] | None = None, package: str = "dflint") -> None:
        self.path = path
        self.package = package
        self.table: dict[Any, Any] = table or {}  # source → code, and a class recipe's key → its codes
        self.used: dict[Any, Any] = {}
        self.hits = 0
        self.misses = 0
        self.recipe_hits = 0  # classes built from their recipe
        self.recipe_misses = 0  # recipes written down this run
        self._recording: list[CodeType] | None = None

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
        if self._recording is not None:
            self._recording.append(code)
        return builtins.exec(code, namespace, local)

    def _ours(self, namespace: Any) -> bool:
        name = namespace.get("__name__") if isinstance(namespace, dict) else None
        return isinstance(name, str) and (name == self.package or name.startswith(self.package + "."))

    def save(self) -> None:
        if self.path is None or not (self.misses or self.recipe_misses):
            return
        table = {**self.table, **self.used}
        if len(table) > _LIMIT:
            table = dict(self.used)
        write_table(self.path, MAGIC_NUMBER, table)


def cache_path() -> str | None:
    """Where the cache lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    return table_path(_NAME)


def read(path: str | None) -> dict[Any, Any]:
    """The cached table, or an empty one when the file is missing, foreign or damaged."""
    table = read_table(path, MAGIC_NUMBER) or {}
    return {
        key: code
        for key, code in table.items()
        if (isinstance(key, str) and isinstance(code, CodeType))
        or (isinstance(key, tuple) and isinstance(code, tuple) and all(isinstance(c, CodeType) for c in code))
    }


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
    process = dataclasses._process_class  # type: ignore[attr-defined]
    if _RECIPES:
        dataclasses._process_class = _Recipes(cache, process).process  # type: ignore[attr-defined]
    try:
        yield cache
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        dataclasses._process_class = process  # type: ignore[attr-defined]
        cache.save()


# A class recipe: what `dataclasses._process_class` of Python 3.11 derives for a frozen, slotted
# dataclass of dflint's, done again without writing any method's source. Each method's source is a
# function of the class's parameters and of each field's name, flags (init, repr, compare, hash,
# keyword-only) and kind of default, and of nothing else (the field types and default values reach
# the methods as arguments of `__create_fn__`, never as text), so those are the key, and the compiled
# methods the first build ran, in the order `_process_class` makes them, are the value. Everything
# else — the fields, the checks, the qualified names, the slotted class — is done as `_process_class`
# does it, in the same order, with `dataclasses`' own helpers. A class outside that shape (other
# parameters, dataclass bases, `ClassVar`, `InitVar` or `KW_ONLY` annotations, no docstring, a method
# of its own that `dataclasses` would refuse to overwrite, a mutable default) takes `dataclasses`' path.
_RECIPES = sys.version_info[:2] == (3, 11)
# The methods' source comes from this interpreter's `dataclasses`: a recipe written by another build of
# Python (an upgrade in place keeps the same byte-code magic and cache tag) is not used.
_PYTHON = sys.version
_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")
_MATCHES: dict[str, tuple[str | None, str] | None] = {}  # annotation → `_MODULE_IDENTIFIER_RE`'s groups


def _roles(order: bool, explicit_hash: bool) -> tuple[str, ...]:
    """The methods `_process_class` compiles, in its order."""
    return (
        ("__init__", "__repr__", "__eq__")
        + (_ORDER if order else ())
        + ("__setattr__", "__delattr__")
        + (() if explicit_hash else ("__hash__",))
    )


def _inner_name(code: CodeType) -> str | None:
    """The name of the method a `__create_fn__` source defines."""
    for outer in code.co_consts:
        if isinstance(outer, CodeType) and outer.co_name == "__create_fn__":
            for inner in outer.co_consts:
                if isinstance(inner, CodeType):
                    return inner.co_name
    return None


def _make(code: CodeType, namespace: dict[str, Any], local: dict[str, Any]) -> Any:
    """`_create_fn`'s last two lines: run the module, call its `__create_fn__`."""
    made: dict[str, Any] = {}
    builtins.exec(code, namespace, made)
    return made["__create_fn__"](**local)


class _Recipes:
    """`dataclasses._process_class` while a `ClassCodeCache` is active."""

    def __init__(self, cache: ClassCodeCache, process: Callable[..., type]) -> None:
        import dataclasses

        self.cache = cache
        self.process_plainly = process
        self.dc = dataclasses

    def process(
        self,
        cls: type,
        init: bool,
        repr: bool,
        eq: bool,
        order: bool,
        unsafe_hash: bool,
        frozen: bool,
        match_args: bool,
        kw_only: bool,
        slots: bool,
        weakref_slot: bool,
    ) -> type:
        arguments = (cls, init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots, weakref_slot)
        plain = init and repr and eq and frozen and match_args and slots and not (unsafe_hash or kw_only or weakref_slot)
        module = sys.modules.get(cls.__module__) if plain else None
        prepared = (
            self._prepare(cls, bool(order), module.__dict__) if module is not None and self.cache._ours(module.__dict__) else None
        )
        if prepared is None:
            return self.process_plainly(*arguments)
        key, defaults, explicit_hash = prepared
        codes = self.cache.table.get(key)
        roles = _roles(bool(order), explicit_hash)
        if not isinstance(codes, tuple) or len(codes) != len(roles):
            return self._record(key, roles, arguments)
        self.cache.used[key] = codes
        self.cache.hits += len(codes)
        self.cache.recipe_hits += 1
        return self._build(cls, (init, repr, eq, order, unsafe_hash, frozen), defaults, explicit_hash, codes, module.__dict__)

    def _prepare(self, cls: type, order: bool, namespace: dict[str, Any]) -> tuple[tuple[Any, ...], list[Any], bool] | None:
        """The recipe's key, each field's default as `getattr` found it, and whether the class has its own
        `__hash__`; None for a class outside the recipes' shape."""
        dc = self.dc
        MISSING, Field = dc.MISSING, dc.Field
        own = cls.__dict__
        if "__slots__" in own or not cls.__doc__:
            return None
        if any(getattr(base, "__dataclass_fields__", None) is not None for base in cls.__mro__[1:]):
            return None
        if any(name in own for name in ("__setattr__", "__delattr__") + (_ORDER if order else ())):
            return None
        annotations = own.get("__annotations__", {})
        if any(isinstance(value, Field) and name not in annotations for name, value in own.items()):
            return None
        typing = sys.modules.get("typing")
        specs = []
        defaults = []
        for name, annotation in annotations.items():
            if type(annotation) is not str or not _plain_field(annotation, namespace, dc, typing):
                return None
            default = getattr(cls, name, MISSING)
            defaults.append(default)
            if isinstance(default, Field):
                value, factory = default.default, default.default_factory
                flags = (bool(default.init), bool(default.repr), bool(default.compare))
                hashed = None if default.hash is None else bool(default.hash)
                keyword = default.kw_only is not MISSING and bool(default.kw_only)
            else:
                value = MISSING if isinstance(default, MemberDescriptorType) else default
                factory, flags, hashed, keyword = MISSING, (True, True, True), None, False
            if value.__class__.__hash__ is None:  # a mutable default: dataclasses refuses it
                return None
            kind = 2 if factory is not MISSING else 0 if value is MISSING else 1
            specs.append((name, *flags, hashed, kind, keyword))
        class_hash = own.get("__hash__", MISSING)
        explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in own))
        key = ("dataclass", _PYTHON, order, hasattr(cls, "__post_init__"), explicit_hash, tuple(specs))
        return key, defaults, explicit_hash

    def _record(self, key: tuple[Any, ...], roles: tuple[str, ...], arguments: tuple[Any, ...]) -> type:
        """`dataclasses`' own path, keeping the methods it compiled as the recipe for `key`."""
        cache = self.cache
        outer, cache._recording = cache._recording, []
        try:
            built = self.process_plainly(*arguments)
            codes = tuple(cache._recording)
        finally:
            cache._recording = outer
        if tuple(_inner_name(code) for code in codes) == roles:
            cache.table[key] = cache.used[key] = codes
            cache.recipe_misses += 1
        return built

    def _build(
        self,
        cls: type,
        params: tuple[bool, ...],
        defaults: list[Any],
        explicit_hash: bool,
        codes: tuple[CodeType, ...],
        namespace: dict[str, Any],
    ) -> type:
        """`_process_class` for a class of the recipes' shape, its methods made from `codes`."""
        dc = self.dc
        MISSING, Field, FIELD = dc.MISSING, dc.Field, dc._FIELD
        set_new = dc._set_new_attribute
        order, frozen = params[3], params[5]
        cls.__dataclass_params__ = dc._DataclassParams(*params)  # type: ignore[attr-defined]
        cls_fields = []
        for (name, annotation), default in zip(cls.__dict__.get("__annotations__", {}).items(), defaults):
            if isinstance(default, Field):
                f = default
            else:
                if isinstance(default, MemberDescriptorType):
                    default = MISSING
                f = Field(default, MISSING, True, True, None, True, None, MISSING)
            f.name = name
            f.type = annotation
            f._field_type = FIELD
            if f.kw_only is MISSING:
                f.kw_only = False
            cls_fields.append(f)
        fields: dict[str, Any] = {}
        for f in cls_fields:
            fields[f.name] = f
            if isinstance(getattr(cls, f.name, None), Field):
                if f.default is MISSING:
                    delattr(cls, f.name)
                else:
                    setattr(cls, f.name, f.default)
        cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
        std_fields, _kw_only_fields = dc._fields_in_init_order(cls_fields)
        made = iter(codes)

        local: dict[str, Any] = {f"_type_{f.name}": f.type for f in cls_fields}
        local["MISSING"] = MISSING
        local["_HAS_DEFAULT_FACTORY"] = dc._HAS_DEFAULT_FACTORY
        local["__dataclass_builtins_object__"] = object
        for f in cls_fields:  # as `_field_init` adds them (slots: a default of a field left out of __init__ too)
            if f.default_factory is not MISSING:
                local[f"_dflt_{f.name}"] = f.default_factory
            elif f.default is not MISSING:
                local[f"_dflt_{f.name}"] = f.default
        local["_return_type"] = None
        set_new(cls, "__init__", _make(next(made), namespace, local))
        set_new(cls, "__repr__", dc._recursive_repr(_make(next(made), namespace, {})))
        set_new(cls, "__eq__", _make(next(made), namespace, {}))
        if order:
            for name in _ORDER:
                set_new(cls, name, _make(next(made), namespace, {}))
        if frozen:
            frozen_local = {"cls": cls, "FrozenInstanceError": dc.FrozenInstanceError}
            for _name in ("__setattr__", "__delattr__"):
                method = _make(next(made), namespace, frozen_local)
                set_new(cls, method.__name__, method)
        if not explicit_hash:
            cls.__hash__ = dc._set_qualname(cls, _make(next(made), namespace, {}))  # type: ignore[method-assign]
        set_new(cls, "__match_args__", tuple(f.name for f in std_fields))
        cls = dc._add_slots(cls, frozen, False)
        import abc

        abc.update_abstractmethods(cls)
        return cls


def _plain_field(annotation: str, namespace: dict[str, Any], dc: Any, typing: Any) -> bool:
    """Not `KW_ONLY`, `ClassVar` or `InitVar`, decided exactly as `dataclasses._is_type` decides each."""
    if annotation in _MATCHES:
        groups = _MATCHES[annotation]
    else:
        match = dc._MODULE_IDENTIFIER_RE.match(annotation)
        groups = _MATCHES[annotation] = (match.group(1), match.group(2)) if match else None
    if groups is None:
        return True
    prefix, name = groups
    value = namespace.get(name)
    if value is None:
        return True
    of_dataclasses = not prefix or namespace.get(prefix) is dc
    of_typing = typing is not None and (not prefix or namespace.get(prefix) is typing)
    if of_dataclasses and (dc._is_kw_only(value, dc) or dc._is_initvar(value, dc)):
        return False
    return not (of_typing and dc._is_classvar(value, typing))


__all__ = ["ClassCodeCache", "cache_path", "cached_class_code", "read"]
