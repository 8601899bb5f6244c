"""A quick yes to "does this value satisfy this JSON schema?", without importing jsonschema.

Importing jsonschema costs about 45 ms, more than the rest of a one-file lint, and almost every
configuration file is valid. `conforms` understands the few keywords small schemas such as
`dflint/schemas/config.schema.json` use (`type`, `properties`, `additionalProperties`,
`propertyNames`, `items`, `enum`, `pattern`, `minLength`, local `$ref`s) and answers True only
when it is sure the value is valid under draft 2020-12. Anything else, an invalid value or a
keyword it does not know, answers False: the caller then runs jsonschema, which finds and words
the problems. So the quick path can only skip work, never change a verdict or a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

# Keywords that never constrain a value (draft 2020-12 annotations and identifiers).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "deprecated", "readOnly"}
)
_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "array": (list,), "string": (str,), "null": (type(None),)}


def conforms(value: Any, schema: Mapping[str, Any]) -> bool:
    """True when `value` is certainly valid against `schema` (whose `$ref`s point into itself)."""
    return _conforms(value, schema, schema)


def _conforms(value: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if node is True:
        return True
    if not isinstance(node, dict):
        return False  # `false`, or something that is not a schema: let jsonschema say so
    for keyword, argument in node.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _KEYWORDS.get(keyword)
        if check is None or not check(value, argument, node, root):
            return False
    return True


def _type(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    names = [argument] if isinstance(argument, str) else argument
    if not isinstance(names, list):
        return False
    for name in names:
        if name in _TYPES and isinstance(value, _TYPES[name]):
            return True
        if name == "boolean" and isinstance(value, bool):
            return True
        if name == "integer" and type(value) is int:  # bool is not an integer; 1.0 is, but then jsonschema decides
            return True
    return False


def _properties(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    if not isinstance(argument, dict):
        return False
    return all(_conforms(value[key], schema, root) for key, schema in argument.items() if key in value)


def _additional_properties(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    if "patternProperties" in node:
        return False  # not understood here: the extra keys would depend on it
    known = node.get("properties", {})
    return all(_conforms(item, argument, root) for key, item in value.items() if key not in known)


def _property_names(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    return all(_conforms(key, argument, root) for key in value)


def _items(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, list):
        return True
    if "prefixItems" in node:
        return False
    return all(_conforms(item, argument, root) for item in value)


def _enum(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    # Only strings are compared here (1 == True and 1 == 1.0 in Python, not in JSON Schema).
    return isinstance(value, str) and isinstance(argument, list) and any(type(e) is str and e == value for e in argument)


def _pattern(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, str):
        return True
    if not isinstance(argument, str):
        return False
    return _regex(argument).search(value) is not None  # as jsonschema does: Python's `re`, searched


def _min_length(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(value, str):
        return True
    return type(argument) is int and len(value) >= argument


def _ref(value: Any, argument: Any, node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(argument, str) or not argument.startswith("#/"):
        return False
    target: Any = root
    for part in argument[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return _conforms(value, target, root)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_KEYWORDS = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "propertyNames": _property_names,
    "items": _items,
    "enum": _enum,
    "pattern": _pattern,
    "minLength": _min_length,
    "$ref": _ref,
}

__all__ = ["conforms"]
