"""The plain YAML of a typical `.dflint.yaml`, read without importing PyYAML.

Importing PyYAML costs about 13 ms, a tenth of a one-file run, for a file such as::

    select: [DF1, DF2, DF3]
    ignore:
      - DF306          # a comment
    severity: {DF401: error}
    per-file-ignores:
      "docker/dev/**": [DF2]

`read` reads block mappings and sequences, flow lists and mappings, quoted strings without escapes
and the plain scalars whose meaning is beyond doubt: words (`DF301`, `pip-cache`, `ghcr.io`,
`docker/**`), decimal integers, `true`/`false` (and YAML 1.1's `yes`/`no`/`on`/`off`, as PyYAML
reads them), `null`/`~`. Anything else (anchors, tags, block scalars, multi-line values, escapes,
numbers in other notations, a duplicate key, a tab, deep nesting …) returns None, and the caller
reads the file with PyYAML's safe loader instead, which also words every error. So `read` either
returns exactly what PyYAML's safe loader returns or declines.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 8  # deeper files go to PyYAML (and its nesting limit)

_WORD = re.compile(r"[A-Za-z_/][A-Za-z0-9_./*@+-]*")  # no ':', '#', ',', brackets, quotes; no leading '-', '.', '*', digit
_INTEGER = re.compile(r"0|[1-9][0-9]*")
_KEYWORDS: dict[str, Any] = {
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_FLOW_TOKEN = re.compile(r"""\s*(?:([\[\]{},:])|'([^'\n]*(?:''[^'\n]*)*)'|"([^"\\\n]*)"|([^\s\[\]{},:'"#]+))""")


class _Declined(Exception):
    """Not plain enough: PyYAML reads this file."""


def read(text: str) -> Any:
    """What PyYAML's safe loader reads from `text`, for the plain YAML above; None when this reader declines.

    An empty document (only blank and comment lines) is `{}` here, where PyYAML says None."""
    try:
        lines = _lines(text)
        if not lines:
            return {}
        value, index = _block(lines, 0, lines[0][1], 0)
        if index != len(lines) or not isinstance(value, dict):
            return None
        return value
    except _Declined:
        return None


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, indentation, content without its comment) of every line with content."""
    result = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.isprintable() or raw.startswith(("---", "...", "%")):  # tabs, other line breaks, controls
            raise _Declined
        content = _strip_comment(raw).rstrip(" ")
        if content.strip():
            result.append((number, len(content) - len(content.lstrip(" ")), content.strip()))
    return result


def _strip_comment(line: str) -> str:
    """The line without a ` #` comment; a `#` inside quotes or inside a word stays."""
    if "#" not in line:
        return line
    quote = None
    for position, character in enumerate(line):
        if quote is not None:
            if character == quote:
                quote = None  # `''` inside single quotes closes and reopens: the same state after
        elif character in "'\"" and (position == 0 or line[position - 1] in " [{,"):
            quote = character
        elif character == "#" and (position == 0 or line[position - 1] == " "):
            return line[:position]
    return line


def _block(lines: list[tuple[int, int, str]], index: int, indent: int, depth: int) -> tuple[Any, int]:
    """The block mapping or sequence whose entries start at `indent`, from `lines[index]`."""
    if depth > MAX_DEPTH:
        raise _Declined
    if lines[index][2].startswith("- ") or lines[index][2] == "-":
        return _sequence(lines, index, indent, depth)
    return _mapping(lines, index, indent, depth)


def _mapping(lines: list[tuple[int, int, str]], index: int, indent: int, depth: int) -> tuple[dict[Any, Any], int]:
    result: dict[Any, Any] = {}
    while index < len(lines) and lines[index][1] == indent:
        _, _, content = lines[index]
        key_text, separator, rest = _split_key(content)
        if not separator:
            raise _Declined
        key = _scalar(key_text)
        if not isinstance(key, str) or key in result:
            raise _Declined  # a key that is not a string, or a duplicate: PyYAML's path reports it
        index += 1
        if rest:
            result[key] = _inline(rest, depth + 1)
        elif index < len(lines) and (
            lines[index][1] > indent or (lines[index][1] == indent and lines[index][2].startswith(("- ", "-")))
        ):
            if lines[index][1] == indent and lines[index][2] != "-" and not lines[index][2].startswith("- "):
                raise _Declined
            result[key], index = _block(lines, index, lines[index][1], depth + 1)
        else:
            result[key] = None
    if index < len(lines) and lines[index][1] > indent:
        raise _Declined  # a continuation line or a stray indentation
    return result, index


def _sequence(lines: list[tuple[int, int, str]], index: int, indent: int, depth: int) -> tuple[list[Any], int]:
    result: list[Any] = []
    while index < len(lines) and lines[index][1] == indent and (lines[index][2] == "-" or lines[index][2].startswith("- ")):
        rest = lines[index][2][1:].strip()
        if not rest or _split_key(rest)[1] or rest.startswith(("- ", "-\n")) or rest == "-":
            raise _Declined  # nested blocks inside a sequence entry
        result.append(_inline(rest, depth + 1))
        index += 1
    if index < len(lines) and lines[index][1] > indent:
        raise _Declined
    return result, index


def _split_key(content: str) -> tuple[str, str, str]:
    """`key: rest` → (key, ':', rest); a quoted key may hold no ':'."""
    if content.startswith(("[", "{")):
        return content, "", ""
    key, separator, rest = content.partition(": ")
    if not separator and content.endswith(":"):
        return content[:-1], ":", ""
    if ":" in key:
        raise _Declined  # `a:b: c`, a URL as a key …
    return key, separator, rest.strip()


def _inline(text: str, depth: int) -> Any:
    """A value on the line of its key or dash: a flow collection or a scalar."""
    if text[0] in "[{":
        tokens = _flow_tokens(text)
        value, position = _flow(tokens, 0, depth)
        if position != len(tokens):
            raise _Declined
        return value
    return _scalar(text)


def _flow_tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _FLOW_TOKEN.match(text, position)
        if match is None:
            raise _Declined
        punctuation, single, double, plain = match.groups()
        if punctuation is not None:
            if punctuation == ":" and text[match.end() : match.end() + 1] not in (" ", ""):
                raise _Declined  # `a:b` in a flow collection
            tokens.append(("p", punctuation))
        elif single is not None:
            tokens.append(("s", single.replace("''", "'")))
        elif double is not None:
            tokens.append(("s", double))
        else:
            tokens.append(("s", _scalar(plain)))
        position = match.end()
    return tokens


def _flow(tokens: list[tuple[str, Any]], position: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH or position >= len(tokens):
        raise _Declined
    kind, value = tokens[position]
    if kind == "s":
        return value, position + 1
    if value not in "[{":
        raise _Declined
    closing = "]" if value == "[" else "}"
    items: list[Any] = []
    mapping: dict[Any, Any] = {}
    position += 1
    while True:
        if position < len(tokens) and tokens[position] == ("p", closing):
            return (items if closing == "]" else mapping), position + 1
        item, position = _flow(tokens, position, depth + 1)
        if closing == "}":
            if position >= len(tokens) or tokens[position] != ("p", ":"):
                raise _Declined
            if not isinstance(item, str) or item in mapping:
                raise _Declined
            mapping[item], position = _flow(tokens, position + 1, depth + 1)
        else:
            if position < len(tokens) and tokens[position] == ("p", ":"):
                raise _Declined  # `[a: b]`, a single-pair mapping
            items.append(item)
        if position < len(tokens) and tokens[position] == ("p", ","):
            position += 1
            if position < len(tokens) and tokens[position] == ("p", ","):
                raise _Declined
        elif position >= len(tokens) or tokens[position] != ("p", closing):
            raise _Declined


def _scalar(text: str) -> Any:
    """A plain, single-quoted or double-quoted (escape-free) scalar on one line, as PyYAML resolves it."""
    if len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1] and "\\" not in text:
        return text[1:-1]
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    if _INTEGER.fullmatch(text):
        return int(text)
    if _WORD.fullmatch(text):
        return text
    raise _Declined


__all__ = ["read"]
