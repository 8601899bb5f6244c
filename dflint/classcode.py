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
a class instead of 110). A recipe keeps each method's own code and the names of the values its
defaults, annotations and closure take, read from the `__create_fn__` that made it and checked
against the function it made; the method is made from them as that `def` makes it, and the sources
such a class compiled are not kept (a third of the code objects and the source texts were most of
the table, unmarshalled on every run). Any other class, and any other Python, takes `dataclasses`'
own path.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CellType, CodeType, FunctionType, MemberDescriptorType
from typing import Any

from dflint.pycache import MAGIC_NUMBER, read_table, table_path, write_table

_NAME = "dataclass-methods"
_LIMIT = 4096  # entries; beyond that only what the last run used is kept


class ClassCodeCache:
    """One activation: the cached table, what this run used, `hits` reused and `misses` compiled anew."""

    def __init__(self, path: str | None, table: dict[Any, Any] | None = None, package: str = "dflint") -> None:
        self.path = path
        self.package = package
        self.table: dict[Any, Any] = table or {}  # source → code, and a class recipe's key → its methods
        self.used: dict[Any, Any] = {}
        self.hits = 0
        self.misses = 0
        self.recipe_hits = 0  # classes built from their recipe
        self.recipe_misses = 0  # recipes written down this run
        self._recording: list[tuple[str, CodeType]] | None = None
        self._compiled: set[str] = set()  # sources compiled or reused outside a recipe's recording
        self._in_recipes: set[str] = set()  # sources whose methods a recipe now keeps

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
            self._recording.append((source, code))
        else:
            self._compiled.add(source)
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
        for source in self._in_recipes - self._compiled:  # a recipe builds those classes now
            table.pop(source, None)
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
        if (isinstance(key, str) and isinstance(code, CodeType)) or (isinstance(key, tuple) and _a_recipe(code))
    }


def _a_recipe(value: object) -> bool:
    """A recipe's methods as `_Recipes._record` writes them: (code, defaults, keyword defaults, annotations) each."""
    return isinstance(value, tuple) and all(
        isinstance(method, tuple) and len(method) == 4 and isinstance(method[0], CodeType) for method in value
    )


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


# A method of a recipe: its code, and the names of `__create_fn__`'s arguments its defaults, keyword
# defaults (each with its parameter) and annotations (each with its key) take, None for none. Its
# closure takes the arguments named by the code's free variables, as `__create_fn__`'s cells.
Method = tuple[CodeType, tuple[str, ...] | None, tuple[tuple[str, str], ...] | None, tuple[tuple[str, str], ...] | None]
_LOADS = ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")
_SKIPPED = ("MAKE_CELL", "COPY_FREE_VARS", "RESUME", "NOP", "CACHE")


def _method(module: CodeType) -> Method | None:
    """The method a `__create_fn__` source defines, read from the byte code that makes it: the
    instructions up to its `MAKE_FUNCTION` only load `__create_fn__`'s arguments and constants and
    build tuples and a keyword map of them. Anything else (another Python's code) gives None."""
    import dis

    outer = next((c for c in module.co_consts if isinstance(c, CodeType) and c.co_name == "__create_fn__"), None)
    if outer is None:
        return None
    stack: list[Any] = []
    try:
        for instruction in dis.get_instructions(outer):
            name, arg = instruction.opname, instruction.arg
            if name in _SKIPPED:
                continue
            if name in _LOADS:
                stack.append(("local", instruction.argval))
            elif name == "LOAD_CONST":
                stack.append(("const", instruction.argval))
            elif name == "BUILD_TUPLE" and arg is not None:
                items = stack[len(stack) - arg :]
                del stack[len(stack) - arg :]
                stack.append(("tuple", items))
            elif name == "BUILD_CONST_KEY_MAP" and arg is not None:
                kind, keys = stack.pop()
                values = stack[len(stack) - arg :]
                del stack[len(stack) - arg :]
                if kind != "const" or len(keys) != arg:
                    return None
                stack.append(("map", list(zip(keys, values))))
            elif name == "MAKE_FUNCTION" and arg is not None:
                kind, code = stack.pop()
                parts = {flag: stack.pop() if arg & flag else None for flag in (8, 4, 2, 1)}
                if kind != "const" or not isinstance(code, CodeType) or stack or arg & ~15:
                    return None
                return _read_method(code, parts[1], parts[2], parts[4], parts[8])
            else:
                return None
    except (IndexError, TypeError, ValueError):
        return None
    return None


def _read_method(code: CodeType, defaults: Any, keywords: Any, annotations: Any, closure: Any) -> Method | None:
    def names(built: Any) -> tuple[str, ...]:
        if built[0] != "tuple" or any(kind != "local" for kind, _ in built[1]):
            raise ValueError(built)
        return tuple(name for _, name in built[1])

    if (names(closure) if closure is not None else ()) != code.co_freevars:
        return None
    keyword_names = None
    if keywords is not None:
        if keywords[0] != "map" or any(value[0] != "local" for _, value in keywords[1]):
            return None
        keyword_names = tuple((key, value[1]) for key, value in keywords[1])
    annotation_names = None
    if annotations is not None:
        flat = annotations[1] if annotations[0] == "tuple" else None
        if flat is None or len(flat) % 2 or any(k[0] != "const" or v[0] != "local" for k, v in zip(flat[::2], flat[1::2])):
            return None
        annotation_names = tuple((k[1], v[1]) for k, v in zip(flat[::2], flat[1::2]))
    return code, names(defaults) if defaults is not None else None, keyword_names, annotation_names


def _function(method: Method, namespace: dict[str, Any], local: dict[str, Any]) -> Any:
    """The function `__create_fn__(**local)` returns, made from the method's code as its `def` makes it."""
    code, defaults, keywords, annotations = method
    function = FunctionType(
        code,
        namespace,
        None,
        None if defaults is None else tuple(local[name] for name in defaults),
        tuple(CellType(local[name]) for name in code.co_freevars) or None,
    )
    if keywords is not None:
        function.__kwdefaults__ = {key: local[name] for key, name in keywords}
    if annotations is not None:
        function.__annotations__ = {key: local[name] for key, name in annotations}
    return function


def _same_function(made: Any, built: Any) -> bool:
    """Whether `made` is `built` again: the same code, and the very same defaults, annotations and closure
    (their qualified names both come from the code; `dataclasses` has since set `built`'s to the class's)."""

    def same(first: Any, second: Any) -> bool:
        if first is None or second is None:
            return first is second
        if isinstance(first, dict):
            return list(first) == list(second) and same(tuple(first.values()), tuple(second.values()))
        return len(first) == len(second) and all(a is b for a, b in zip(first, second))

    return (
        made.__code__ is built.__code__
        and (made.__name__, made.__module__, made.__doc__) == (built.__name__, built.__module__, built.__doc__)
        and same(made.__defaults__, built.__defaults__)
        and same(made.__kwdefaults__, built.__kwdefaults__)
        and same(made.__annotations__, built.__annotations__)
        and same(
            made.__closure__ and tuple(c.cell_contents for c in made.__closure__),
            built.__closure__ and tuple(c.cell_contents for c in built.__closure__),
        )
    )


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
        key = ("dataclass-methods", _PYTHON, order, hasattr(cls, "__post_init__"), explicit_hash, tuple(specs))
        return key, defaults, explicit_hash

    def _record(self, key: tuple[Any, ...], roles: tuple[str, ...], arguments: tuple[Any, ...]) -> type:
        """`dataclasses`' own path, keeping the methods it compiled as the recipe for `key` when each
        one, made again from the recipe and the arguments its `__create_fn__` was called with, is the
        function `dataclasses` made."""
        cache, dc = self.cache, self.dc
        outer, cache._recording = cache._recording, []
        create = vars(dc)["_create_fn"]
        made: list[tuple[dict[str, Any], Any]] = []

        def create_fn(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("locals") is None:
                kwargs["locals"] = {}
            function = create(*args, **kwargs)
            made.append((kwargs["locals"], function))  # with the `_return_type` it adds
            return function

        dc._create_fn = create_fn  # type: ignore[attr-defined]
        try:
            built = self.process_plainly(*arguments)
            recorded = cache._recording
        finally:
            dc._create_fn = create  # type: ignore[attr-defined]
            cache._recording = outer
        methods = [_method(code) for _, code in recorded]
        if len(methods) == len(made) == len(roles) and all(
            method is not None
            and method[0].co_name == role
            and _same_function(_function(method, function.__globals__, local), function)
            for method, role, (local, function) in zip(methods, roles, made)
        ):
            cache.table[key] = cache.used[key] = tuple(methods)
            cache._in_recipes.update(source for source, _ in recorded)
            cache.recipe_misses += 1
        else:
            cache._compiled.update(source for source, _ in recorded)
        return built

    def _build(
        self,
        cls: type,
        params: tuple[bool, ...],
        defaults: list[Any],
        explicit_hash: bool,
        codes: tuple[Method, ...],
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
        set_new(cls, "__init__", _function(next(made), namespace, local))
        set_new(cls, "__repr__", dc._recursive_repr(_function(next(made), namespace, {})))
        set_new(cls, "__eq__", _function(next(made), namespace, {}))
        if order:
            for name in _ORDER:
                set_new(cls, name, _function(next(made), namespace, {}))
        if frozen:
            frozen_local = {"cls": cls, "FrozenInstanceError": dc.FrozenInstanceError}
            for _name in ("__setattr__", "__delattr__"):
                method = _function(next(made), namespace, frozen_local)
                set_new(cls, method.__name__, method)
        if not explicit_hash:
            cls.__hash__ = dc._set_qualname(cls, _function(next(made), namespace, {}))  # type: ignore[method-assign]
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
