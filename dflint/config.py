"""Configuration: find, load (`safe_yaml.parse` / `tomllib`), validate, and merge with the command line.

A `.dflint.yaml` (or `.dflint.yml`, or a `pyproject.toml` with a `[tool.dflint]` table) is found
upward from each linted file; `--config FILE` uses one file for every input. The file is validated
against `dflint/schemas/config.schema.json`, then rule codes, names and options are checked against
the installed rules. Any problem is a `ConfigError`: `path:line: message` with the offending line.

Nothing here imports yaml until a configuration file that `dflint.plainyaml` declines is found, nor
jsonschema unless the file fails the quick check of `dflint.schemacheck` (then jsonschema finds and words the problems).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from dflint import safe_yaml
from dflint.rule import RuleOptions, Severity
from dflint.source import InputError, escape_path, excerpt

if TYPE_CHECKING:  # imported where used: reading a configuration loads no rule
    from dflint.engine import Settings
    from dflint.hadolint_config import HadolintIgnores
    from dflint.pathmatch import PathMatcher
    from dflint.registry import Rule

# `Any` below types only the raw document (YAML/TOML as parsed, before it is validated and read by
# `_Validated`), PyYAML's nodes and jsonschema's errors (neither library ships types); what leaves
# this module (`Config`, `Settings`, rule options) is typed.

CONFIG_NAMES = (".dflint.yaml", ".dflint.yml")
MAX_CONFIG_BYTES = 1024 * 1024  # configuration and compose files larger than this are refused
MAX_MESSAGE = 300  # characters of a problem's message shown
MAX_QUOTED_LINE = 160  # characters of an offending line quoted
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """One or more problems in a configuration file, each `path:line: message` plus the line itself."""

    def __init__(self, path: str, problems: Sequence[tuple[int, str]], text: str | None = None) -> None:
        self.path = path
        self.problems = tuple(sorted(problems))
        self.lines = text.splitlines() if text is not None else []
        super().__init__(str(self))

    def __str__(self) -> str:
        out: list[str] = []
        for line, message in self.problems:
            out.append(f"{escape_path(self.path)}:{line}: {excerpt(message, MAX_MESSAGE)}")
            if 0 < line <= len(self.lines) and self.lines[line - 1].strip():
                out.append(f"  {line:>4} | {excerpt(self.lines[line - 1].rstrip(), MAX_QUOTED_LINE)}")
        return "\n".join(out)


def yaml_problem(error: Any) -> tuple[int, str]:
    """(line, message) for a YAML error, with no text of the document in it: PyYAML's own string
    of an error quotes the lines around it."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(error, "problem", None)
    if problem:
        column = f" (column {mark.column + 1})" if mark is not None else ""
        return line, excerpt(str(problem), MAX_MESSAGE) + column
    character = getattr(error, "character", None)
    if character is not None:  # a ReaderError: a character YAML does not allow
        code = ord(character) if isinstance(character, str) else int(character)
        return line, f"character #x{code:04x} is not allowed in YAML (position {getattr(error, 'position', 0)})"
    return line, "the document cannot be parsed"


PER_FILE_IGNORES_KEYS = ("per-file-ignores", "extend-per-file-ignores")


@dataclass(frozen=True, slots=True)
class PerFileIgnore:
    """One `per-file-ignores` entry (ruff's): files the pattern matches (relative to the
    configuration's directory, `.gitignore` semantics), or with `!pattern` files it does not match,
    run without these rules."""

    pattern: str  # without its leading `!`
    codes: tuple[str, ...]  # the rules' codes (names, prefixes and ALL expanded when the file is read)
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """One configuration file, validated. Paths in it are relative to `root`."""

    path: str
    root: str
    select: tuple[str, ...] | None = None  # None: not set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | str | None = None  # NEVER: findings never fail the run
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    options: Mapping[str, RuleOptions] = field(default_factory=lambda: MappingProxyType({}))  # code → its Options
    per_file_ignores: tuple[PerFileIgnore, ...] = ()  # `per-file-ignores`, then `extend-per-file-ignores`
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    target: str | None = None
    trusted_registries: tuple[str, ...] | None = None
    include_superseded: bool = False  # `include-superseded`: lint an earlier release's copy like any other file


# -- finding -------------------------------------------------------------------------------------


def find_config(directory: str, known: dict[str, str | None] | None = None) -> str | None:
    """The nearest configuration file in `directory` or above it (absolute path), or None. `known`
    remembers the answer of every directory on the way up and is consulted first, so that a tree
    a thousand directories deep is searched once, not once per directory."""
    known = {} if known is None else known
    current = os.path.abspath(directory)
    walked: list[str] = []
    found: str | None = None
    while True:
        if current in known:
            found = known[current]
            break
        walked.append(current)
        found = _config_in(current)
        if found is not None:
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for visited in walked:
        known[visited] = found
    return found


def _config_in(directory: str) -> str | None:
    for name in CONFIG_NAMES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    pyproject = os.path.join(directory, PYPROJECT)
    if os.path.isfile(pyproject) and _has_tool_table(pyproject):
        return pyproject
    return None


def shown_path(path: str) -> str:
    """A configuration path as a user would name it from the current directory: relative when
    that is shorter, absolute otherwise."""
    relative = os.path.relpath(path)
    return relative if len(relative) <= len(path) else path


def _has_tool_table(path: str) -> bool:
    from dflint.reading import ReadError, read_file

    try:
        text = read_file(path, limit=MAX_CONFIG_BYTES, what="pyproject.toml").data.decode("utf-8-sig")
    except (ReadError, UnicodeDecodeError):
        return False
    if "dflint" not in text:
        return False
    return _toml_table(shown_path(path), text) is not None


def _toml_table(path: str, text: str) -> dict[str, Any] | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else max(len(text.splitlines()), 1) if "end of document" in str(error) else 1
        raise ConfigError(path, [(line, f"invalid TOML: {error}")]) from None  # no line of an unparsable file quoted
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(path, [(1, f"invalid TOML: nested more than {safe_yaml.MAX_DEPTH} levels deep")]) from None
    table = data.get("tool", {}).get("dflint") if isinstance(data.get("tool"), dict) else None
    if isinstance(table, dict) and _depth(table) > safe_yaml.MAX_DEPTH:
        line = _TomlLocator(text).start + 1
        raise ConfigError(path, [(line, f"invalid TOML: nested more than {safe_yaml.MAX_DEPTH} levels deep")])
    return table if isinstance(table, dict) else None


def _depth(data: Any) -> int:
    """How many levels of tables and arrays `data` nests (walked without recursion)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= safe_yaml.MAX_DEPTH:
                pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


# -- loading -------------------------------------------------------------------------------------


def load_config(path: str, shown: str | None = None) -> Config:
    """Read and validate one configuration file (YAML, or TOML when it ends in `.toml`); problems
    name it as `shown` (default: as given, or relative to the current directory when found)."""
    shown = shown or path
    path = os.path.abspath(path)
    from dflint.reading import ReadError, read_file

    try:
        raw = read_file(path, limit=MAX_CONFIG_BYTES, what="the configuration file").data
    except ReadError as error:
        raise ConfigError(shown, [(1, error.reason)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(shown, [(1, "the configuration file is not UTF-8 text")]) from None
    if path.endswith(".toml"):
        table = _toml_table(shown, text)
        if table is None:
            raise ConfigError(shown, [(1, "no [tool.dflint] table in this file")], text)
        locate: _TomlLocator | _YamlLocator = _TomlLocator(text)
        data: Any = table
    else:
        data, locate = _load_yaml(shown, text)
        if data is None:
            data = {}
    options: dict[str, RuleOptions] = {}
    problems = _validate(data, locate, options)
    if problems:
        raise ConfigError(shown, problems, text)
    return _build(path, data, options)


def _load_yaml(shown: str, text: str) -> tuple[Any, _YamlLocator]:
    from dflint import plainyaml

    plain = plainyaml.read(text)
    if plain is not None:  # what PyYAML would read, without importing it; it locates lines only for errors
        return plain, _YamlLocator(None, text)
    import yaml

    try:
        data, node = safe_yaml.parse(text)
    except yaml.YAMLError as error:
        line, problem = yaml_problem(error)
        raise ConfigError(shown, [(line, f"invalid YAML: {problem}")]) from None  # no line of an unparsable file quoted
    locator = _YamlLocator(node)
    duplicates = locator.duplicates()
    if duplicates:
        raise ConfigError(shown, duplicates, text)
    if data is not None and not isinstance(data, dict):
        raise ConfigError(
            shown, [(1, f"the configuration must be a mapping of keys (select, ignore, …), not a {_kind(data)}")], text
        )
    return data, locator


class _Locate(Protocol):
    """The line of a key (`key=True`) or of the value at a path of keys and indexes."""

    def __call__(self, path: Sequence[object], key: bool = False) -> int: ...


class _YamlLocator:
    """Line numbers of keys and values, from the YAML node tree (SafeLoader marks)."""

    def __init__(self, node: Any, text: str | None = None) -> None:
        self._node = node
        self._text = text  # composed on first use (a file read without PyYAML)

    @property
    def node(self) -> Any:
        if self._text is not None:
            self._node, self._text = safe_yaml.parse(self._text)[1], None
        return self._node

    def __call__(self, path: Sequence[object], key: bool = False) -> int:
        import yaml

        current = self.node
        if current is None:
            return 1
        for position, part in enumerate(path):
            last = position == len(path) - 1
            if isinstance(current, yaml.MappingNode):
                for key_node, value_node in current.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        if last and key:
                            return int(key_node.start_mark.line) + 1
                        current = value_node
                        break
                else:
                    break
            elif isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
                current = current.value[part]
            else:
                break
        return int(current.start_mark.line) + 1

    def duplicates(self) -> list[tuple[int, str]]:
        import yaml

        problems: list[tuple[int, str]] = []
        pending = [self.node] if self.node is not None else []
        while pending:
            node = pending.pop()
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        line = int(key_node.start_mark.line) + 1
                        if key_node.value in seen:
                            problems.append((line, f"duplicate key '{key_node.value}' (first on line {seen[key_node.value]})"))
                        else:
                            seen[key_node.value] = line
                    pending.append(value_node)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend(node.value)
        return problems


class _TomlLocator:
    """Approximate line numbers in a `[tool.dflint]` table: the line of the innermost key found."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.start = next((n for n, line in enumerate(self.lines) if re.match(r"\s*\[\s*tool\s*\.\s*dflint\s*[\].]", line)), 0)

    def __call__(self, path: Sequence[object], key: bool = False) -> int:
        found = self.start
        for part in path:
            if isinstance(part, int):
                continue
            pattern = re.compile(rf"""^\s*(?:\[.*)?["']?{re.escape(str(part))}["']?\s*(?:=|\]|\.)""")
            for number in range(found, len(self.lines)):
                if pattern.search(self.lines[number]) or re.search(
                    rf"""[{{,]\s*["']?{re.escape(str(part))}["']?\s*=""", self.lines[number]
                ):
                    found = number
                    break
        return found + 1


# -- validation ----------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    path = os.path.join(os.path.dirname(__file__), "schemas", "config.schema.json")
    if os.path.isfile(path):  # the usual install; importlib.resources costs ~5 ms of imports
        from dflint.datacode import load_json

        loaded: dict[str, Any] = load_json(path)  # type: ignore[assignment]  # the schema is an object
        return loaded
    import json  # a zipped or otherwise virtual package
    from importlib import resources

    text = resources.files("dflint").joinpath("schemas/config.schema.json").read_text(encoding="utf-8")
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def _validate(data: Any, locate: _Locate, options: dict[str, RuleOptions]) -> list[tuple[int, str]]:
    """Problems in the document; `options` receives each configured rule's Options (code → value)."""
    from dflint.schemacheck import conforms

    problems = [] if conforms(data, schema()) else _schema_problems(data, locate)
    return problems or _check_rules(data, locate, options)


def _schema_problems(data: Any, locate: _Locate) -> list[tuple[int, str]]:
    """jsonschema's verdict, worded for people; only run when the quick check is not sure."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems: list[tuple[int, str]] = []
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(known), key=str):
                problems.append((locate([*path, extra], key=True), _unknown_key(path, str(extra), known)))
            continue
        if error.validator == "propertyNames":
            bad = error.instance
            problems.append(
                (locate([*path, bad], key=True), f"{_where(path)}: '{bad}' is not a valid key here ({_short(error)})")
            )
            continue
        problems.append((locate(path), f"{_where(path)}: {_describe_error(error)}"))
    return problems


def _unknown_key(path: list[object], extra: str, known: list[str]) -> str:
    import difflib

    where = f" in {_where(path)}" if path else ""
    close = difflib.get_close_matches(extra, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
    return f"unknown key '{extra}'{where}{hint}"


def _where(path: Sequence[object]) -> str:
    if not path:
        return "the configuration"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return f"'{out}'"


def _describe_error(error: Any) -> str:
    if error.validator == "type":
        expected = error.validator_value
        names = {
            "array": "a list",
            "object": "a mapping",
            "string": "a string",
            "integer": "an integer",
            "boolean": "true or false",
        }
        wanted = names.get(expected, expected) if isinstance(expected, str) else " or ".join(names.get(e, e) for e in expected)
        hint = " (quote it)" if expected == "string" and isinstance(error.instance, (int, float, bool)) else ""
        return f"expected {wanted}, got {_kind(error.instance)} {error.instance!r}{hint}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return _short(error)


def _short(error: Any) -> str:
    return str(error.message).split("\n", 1)[0]


def _kind(value: object) -> str:
    return {
        dict: "mapping",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _check_rules(data: dict[str, Any], locate: _Locate, options: dict[str, RuleOptions]) -> list[tuple[int, str]]:
    """Codes, names and prefixes must name installed rules; options must fit each rule's Options
    (built here, once, into `options`)."""
    from dflint.registry import expand_selector, find

    problems: list[tuple[int, str]] = []

    def selectors(values: Sequence[str], path: list[object]) -> None:
        for index, value in enumerate(values):
            if expand_selector(value) is None:
                problems.append(
                    (locate([*path, index]), f"{_where(path)}: unknown rule code or name '{value}'{_suggestion(value)}")
                )

    for key in ("select", "extend-select", "ignore"):
        selectors(data.get(key, []), [key])
    problems.extend(_check_patterns(data, locate))
    for key in PER_FILE_IGNORES_KEYS:
        for pattern, codes in data.get(key, {}).items():
            selectors(codes, [key, pattern])
    for selector in data.get("severity", {}):
        if expand_selector(selector) is None:
            problems.append(
                (
                    locate(["severity", selector], key=True),
                    f"'severity': unknown rule code or name '{selector}'{_suggestion(selector)}",
                )
            )
    for key, values in data.get("options", {}).items():
        rule = find(key)
        if rule is None:
            problems.append(
                (locate(["options", key], key=True), f"'options': unknown rule code or name '{key}'{_suggestion(key)}")
            )
            continue
        try:
            options[rule.meta.code] = build_options(rule, values)
        except OptionError as error:
            problems.append((locate(["options", key, *error.path], key=error.key), f"'options.{key}': {error}"))
    return problems


def _check_patterns(data: dict[str, Any], locate: _Locate) -> list[tuple[int, str]]:
    from dflint.pathmatch import PatternError, check

    problems: list[tuple[int, str]] = []
    for key in ("exclude", "extend-exclude"):
        for index, pattern in enumerate(data.get(key, [])):
            try:
                check([pattern])
            except PatternError as error:
                problems.append((locate([key, index]), f"{_where([key])}: {error}"))
    for key in PER_FILE_IGNORES_KEYS:
        for pattern in data.get(key, {}):
            # Located only for a problem: the locator may need PyYAML to compose the document.
            if not isinstance(pattern, str):  # YAML reads `null:`, `1:` or `true:` as a key that is not a string
                problems.append((locate([key, pattern], key=True), f"'{key}': a pattern must be a string, not {_kind(pattern)}"))
                continue
            if pattern.removeprefix("!") in ("", "/"):
                message = f"'{key}': '{pattern}' names no file (`!pattern`: the files it does not match)"
                problems.append((locate([key, pattern], key=True), message))
                continue
            try:
                check([pattern.removeprefix("!")])
            except PatternError as error:
                problems.append((locate([key, pattern], key=True), f"'{key}': {error}"))
    return problems


def _suggestion(token: str) -> str:
    import difflib

    from dflint.registry import all_rules

    keys = {key.lower(): key for rule in all_rules() for key in (rule.meta.code, rule.meta.name)}
    if token.lower().replace("o", "0") in keys:  # DF3O1: a letter O for a zero
        return f" (did you mean '{keys[token.lower().replace('o', '0')]}'?)"
    close = difflib.get_close_matches(token.lower(), list(keys), n=1, cutoff=0.75)
    return f" (did you mean '{keys[close[0]]}'?)" if close else " (see `dflint rules`)"


# -- rule options --------------------------------------------------------------------------------


class OptionError(ValueError):
    def __init__(self, message: str, path: Sequence[object] = (), key: bool = False) -> None:
        super().__init__(message)
        self.path = list(path)
        self.key = key


def build_options(rule: Rule, values: Mapping[str, object]) -> RuleOptions:
    """A rule's frozen `Options` from a mapping of kebab-case keys; unknown keys or wrong types raise."""
    import typing

    options_type = rule.options_type
    if options_type is None:
        raise OptionError(f"{rule.meta.code} {rule.meta.name} has no options", key=True)
    fields = {item.name: item for item in dataclasses.fields(options_type)}
    hints = typing.get_type_hints(options_type)
    kwargs: dict[str, object] = {}
    for key, value in values.items():
        name = str(key).replace("-", "_")
        if name not in fields:
            known = ", ".join(name.replace("_", "-") for name in fields) or "none"
            raise OptionError(f"unknown option '{key}' for {rule.meta.code} {rule.meta.name} (known: {known})", [key], key=True)
        try:
            kwargs[name] = convert(value, hints[name])
        except TypeError as error:
            raise OptionError(f"'{key}' {error}", [key]) from None
    try:
        return options_type(**kwargs)
    except (TypeError, ValueError) as error:
        raise OptionError(f"invalid options for {rule.meta.code} {rule.meta.name}: {error}") from None


def convert(value: object, annotation: object) -> object:
    """A YAML/TOML value → the annotated type (lists become tuples, frozensets …), or TypeError."""
    import collections.abc
    import enum
    import types
    import typing

    if annotation is Any:
        return value
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return convert(value, arg)
            except TypeError:
                continue
        raise TypeError(f"must be {describe(annotation)}, not {_kind(value)} {value!r}")
    if origin is typing.Literal:
        if value in args:
            return value
        raise TypeError(f"must be one of {', '.join(map(repr, args))}, not {value!r}")
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        for member in annotation:
            if value in (member.value, member.name, str(member)):
                return member
        raise TypeError(f"must be one of {', '.join(str(m.value) for m in annotation)}, not {value!r}")
    if annotation is bool:
        if isinstance(value, bool):
            return value
    elif annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif annotation is str:
        if isinstance(value, str):
            return value
    elif origin in (tuple, list, set, frozenset, collections.abc.Sequence, collections.abc.Set, collections.abc.Collection):
        if isinstance(value, list):
            item_type = args[0] if args else Any
            items = [convert(item, item_type) for item in value]
            if origin in (set, frozenset, collections.abc.Set):
                return frozenset(items) if origin is not set else set(items)
            return list(items) if origin is list else tuple(items)
    elif origin in (dict, collections.abc.Mapping):
        if isinstance(value, dict):
            key_type, value_type = args if args else (Any, Any)
            converted = {convert(k, key_type): convert(v, value_type) for k, v in value.items()}
            return converted if origin is dict else MappingProxyType(converted)
    else:
        raise TypeError(f"has a type dflint cannot read from configuration ({annotation!r})")
    raise TypeError(f"must be {describe(annotation)}, not {_kind(value)} {value!r}")


def describe(annotation: object) -> str:
    import collections.abc
    import types
    import typing

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(arg) for arg in args)
    if annotation is type(None):
        return "null"
    if origin in (tuple, list, set, frozenset, collections.abc.Sequence, collections.abc.Set):
        return f"a list of {describe(args[0]).removeprefix('a ').removeprefix('an ')}s" if args else "a list"
    if origin in (dict, collections.abc.Mapping):
        return "a mapping"
    names: dict[object, str] = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    if annotation in names:
        return names[annotation]
    name = getattr(annotation, "__name__", None)
    return name if isinstance(name, str) else str(annotation)


# -- building ------------------------------------------------------------------------------------


class _Validated:
    """Typed reads of a document that passed validation: the schema fixed each key's shape, so a
    value of another shape is a bug here, not a user error (AssertionError)."""

    def __init__(self, data: Mapping[str, object]) -> None:
        self.data = data

    def strings(self, key: str) -> tuple[str, ...] | None:
        value = self.data.get(key)
        if value is None:
            return None
        assert isinstance(value, list) and all(isinstance(item, str) for item in value), key
        return tuple(value)

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        assert value is None or isinstance(value, str), key
        return value

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        assert value is None or isinstance(value, bool), key
        return value

    def table(self, key: str) -> Mapping[str, object]:
        value = self.data.get(key, {})
        assert isinstance(value, dict) and all(isinstance(name, str) for name in value), key
        return value

    def lists(self, key: str) -> dict[str, tuple[str, ...]]:
        return {name: _Validated({name: value}).strings(name) or () for name, value in self.table(key).items()}


def _build(path: str, data: Mapping[str, object], options: dict[str, RuleOptions]) -> Config:
    """The validated document as a Config; `options` holds each configured rule's Options, built
    while validating."""
    from dflint.registry import all_rules, expand_selector

    document = _Validated(data)
    trusted = document.strings("trusted-registries")
    if trusted is not None:
        explicit = {  # rules whose `options` set trusted-registries themselves: those win
            rule.meta.code
            for key, values in document.table("options").items()
            if isinstance(values, dict) and ("trusted-registries" in values or "trusted_registries" in values)
            for rule in expand_selector(key) or []
        }
        for rule in all_rules():
            if rule.options_type is None or rule.meta.code in explicit:
                continue
            if "trusted_registries" not in {item.name for item in dataclasses.fields(rule.options_type)}:
                continue
            import typing

            annotation = typing.get_type_hints(rule.options_type)["trusted_registries"]
            base = options.get(rule.meta.code) or rule.options_type()
            options[rule.meta.code] = dataclasses.replace(base, trusted_registries=convert(list(trusted), annotation))
    severity: dict[str, Severity] = {}
    for selector, level in document.table("severity").items():
        assert isinstance(level, str), selector
        for rule in expand_selector(selector) or []:
            severity[rule.meta.code] = Severity.parse(level)
    build_args = {name: value for name, value in document.table("build-args").items() if isinstance(value, str)}
    assert len(build_args) == len(document.table("build-args")), "build-args"
    fail_on = document.text("fail-on")
    return Config(
        path=path,
        root=os.path.dirname(path),
        select=document.strings("select"),
        extend_select=document.strings("extend-select") or (),
        ignore=document.strings("ignore") or (),
        fail_on=parse_fail_on(fail_on) if fail_on is not None else None,
        severity=MappingProxyType(severity),
        options=MappingProxyType(options),
        per_file_ignores=_per_file_ignores(document),
        exclude=document.strings("exclude") or (),
        extend_exclude=document.strings("extend-exclude") or (),
        build_args=MappingProxyType(build_args),
        target=document.text("target"),
        trusted_registries=trusted,
        include_superseded=bool(document.flag("include-superseded")),
    )


def _per_file_ignores(document: _Validated) -> tuple[PerFileIgnore, ...]:
    from dflint.registry import expand_selector

    found: list[PerFileIgnore] = []
    for key in PER_FILE_IGNORES_KEYS:
        for pattern, selectors in document.lists(key).items():
            codes = tuple(dict.fromkeys(rule.meta.code for selector in selectors for rule in expand_selector(selector) or []))
            negated = pattern.startswith("!")
            found.append(PerFileIgnore(pattern.removeprefix("!") if negated else pattern, codes, negated))
    return tuple(found)


# -- paths --------------------------------------------------------------------------------------


def matches(pattern: str, relative: str) -> bool:
    """Does a pattern (`.gitignore` semantics, see `pathmatch.py`) match a path relative to the
    configuration's directory (posix separators)?"""
    from dflint.pathmatch import PathMatcher

    return PathMatcher("/", (pattern,)).matches("/" + relative)


# -- merging with the command line ---------------------------------------------------------------

NEVER = "none"  # `fail-on: none` (hadolint's `--failure-threshold none`): findings never fail the run


def parse_fail_on(text: str) -> Severity | str:
    return NEVER if text.strip().lower() == NEVER else Severity.parse(text)


def _threshold(cli: Severity | str | None, config: Severity | str | None) -> Severity | None:
    """The settings' `fail_on`: None means that no finding fails the run."""
    chosen = cli if cli is not None else config
    if chosen == NEVER:
        return None
    return chosen if isinstance(chosen, Severity) else Severity.WARNING


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line said; None / empty means "not given"."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | str | None = None  # NEVER: findings never fail the run
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    context_dir: str | None = None
    max_bytes: int | None = None
    config: str | None = None  # --config FILE
    isolated: bool = False  # --isolated: no configuration file at all
    env_files: tuple[str, ...] = ()  # --env-file: read instead of a compose project's .env
    include_superseded: bool = False  # --include-superseded


def merge(config: Config | None, cli: Overrides) -> Settings:
    """Settings for files under `config`: the command line wins.

    `--select` replaces the file's `select`, `extend-select` and `ignore` (as a new layer, the ruff
    way); without it, the file's selection stands and `--ignore` / `--extend-select` add to it.
    `--build-arg` overrides the file's `build-args` per name."""
    from dflint.engine import Settings
    from dflint.source import DEFAULT_MAX_BYTES

    max_bytes = cli.max_bytes if cli.max_bytes is not None else DEFAULT_MAX_BYTES
    if config is None:
        return Settings(
            select=cli.select or (),
            extend_select=cli.extend_select,
            ignore=cli.ignore,
            fail_on=_threshold(cli.fail_on, None),
            target=cli.target,
            build_args=MappingProxyType(dict(cli.build_args)),
            context_dir=cli.context_dir,
            checked_build_args=tuple(cli.build_args),
            max_bytes=max_bytes,
            include_superseded=cli.include_superseded,
        )
    if cli.select is not None:
        select, extend, ignore = cli.select, cli.extend_select, cli.ignore
    else:
        select, extend, ignore = config.select or (), config.extend_select + cli.extend_select, config.ignore + cli.ignore
    return Settings(
        select=select,
        extend_select=extend,
        ignore=ignore,
        fail_on=_threshold(cli.fail_on, config.fail_on),
        target=cli.target or config.target,
        build_args=MappingProxyType({**config.build_args, **cli.build_args}),
        context_dir=cli.context_dir,
        severity_overrides=config.severity,
        rule_options=config.options,
        checked_build_args=tuple(cli.build_args),
        max_bytes=max_bytes,
        include_superseded=cli.include_superseded or config.include_superseded,
    )


class Resolver:
    """Settings and rules for each linted path, from the configuration that applies to it."""

    def __init__(self, cli: Overrides) -> None:
        self.cli = cli
        self._selections: dict[tuple[str | None, tuple[str, ...], tuple[object, ...]], tuple[Settings, list[Rule]]] = {}
        self._matchers: dict[tuple[str, str], PathMatcher] = {}  # (root, pattern) → compiled once
        self._found: dict[str, str | None] = {}  # directory → configuration file
        self._loaded: dict[str, Config] = {}
        self._hadolint_found: dict[str, tuple[str, str] | None] = {}  # directory → (hadolint configuration, search root)
        self._hadolint: dict[str, HadolintIgnores | None] = {}  # hadolint configuration → its ignores (None: unusable)
        self.problems: list[InputError] = []  # unusable hadolint configurations, each once, until `plan` takes them

    def config_for(self, path: str) -> Config | None:
        """The configuration for a file (`-` resolves from the current directory); raises ConfigError."""
        if self.cli.isolated:
            return None
        if self.cli.config is not None:
            return self._load(self.cli.config, self.cli.config)  # errors name it as given
        directory = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        found = self._found[directory] if directory in self._found else find_config(directory, self._found)
        return self._load(found, shown_path(found)) if found is not None else None

    def _load(self, path: str, shown: str) -> Config:
        if path not in self._loaded:
            self._loaded[path] = load_config(path, shown)
        return self._loaded[path]

    def excluded(self, path: str, directory: bool = False, *, exclude: bool = True, extend: bool = True) -> bool:
        """Does the configuration for `path` exclude it (`exclude` and/or `extend-exclude`)?"""
        from dflint.pathmatch import PathMatcher

        config = self.config_for(path)
        if config is None:
            return False
        patterns = (config.exclude if exclude else ()) + (config.extend_exclude if extend else ())
        return bool(patterns) and PathMatcher(config.root, patterns).matches(path, directory)

    def settings_for(
        self, path: str, *, target: str | None = None, build_args: Mapping[str, str] | None = None
    ) -> tuple[Settings, list[Rule]]:
        """(Settings, rules) for a file; `target` and `build_args` come from a compose service
        (the command line still wins). Raises ConfigError or engine.SelectionError."""
        from dflint.engine import selected_rules

        config = self.config_for(path)
        settings = merge(config, self.cli)
        if target is not None and self.cli.target is None:
            settings = dataclasses.replace(settings, target=target)
        if build_args:
            settings = dataclasses.replace(
                settings, build_args=MappingProxyType({**settings.build_args, **build_args, **self.cli.build_args})
            )
        ignored = self.ignored_for(config, path) if config is not None and config.per_file_ignores else ()
        hadolint = self.hadolint_for(path) if config is None and self.cli.select is None else None
        if hadolint is not None and hadolint.codes:
            settings = dataclasses.replace(settings, hadolint=hadolint)
            ignored = (*ignored, *hadolint.codes)
        key = (
            config.path if config else hadolint.path if hadolint is not None and hadolint.codes else None,
            ignored,
            (settings.target, tuple(sorted(settings.build_args.items()))),
        )
        cached = self._selections.get(key)
        if cached is None:
            cached = (settings, selected_rules(settings, ignored))
            self._selections[key] = cached
        return cached

    def hadolint_for(self, path: str) -> HadolintIgnores | None:
        """The repository's hadolint configuration for a file that no dflint configuration applies to
        (`dflint.hadolint_config`): None with `--isolated` or `--config`, when there is none, or when
        it cannot be used (reported once in `problems`)."""
        if self.cli.isolated or self.cli.config is not None:
            return None
        from dflint import hadolint_config

        directory = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
        if directory not in self._hadolint_found:
            self._hadolint_found[directory] = hadolint_config.find(directory)
        found = self._hadolint_found[directory]
        if found is None:
            return None
        candidate, root = found
        if candidate not in self._hadolint:
            try:
                self._hadolint[candidate] = hadolint_config.load(candidate, root)
            except hadolint_config.HadolintConfigError as error:
                self._hadolint[candidate] = None
                self.problems.append(InputError(shown_path(candidate), error.line, error.message))
        return self._hadolint[candidate]

    def ignored_for(self, config: Config, path: str) -> tuple[str, ...]:
        """Codes of the rules `config`'s per-file ignores turn off for `path` (`-`: standard input
        with no `--stdin-filename`, which no pattern names)."""
        if path == "-":
            return ()
        from dflint.pathmatch import PathMatcher

        codes: list[str] = []
        for entry in config.per_file_ignores:
            matcher = self._matchers.get((config.root, entry.pattern))
            if matcher is None:
                matcher = self._matchers[(config.root, entry.pattern)] = PathMatcher(config.root, (entry.pattern,))
            if matcher.matches(path) != entry.negated:
                codes.extend(entry.codes)
        return tuple(dict.fromkeys(codes))
