"""Dockerfile variable expansion: `$V`, `${V}`, `${V:-default}`, `${V:+alt}` (and their `-`/`+` forms).

A value is a `str`, or None when it depends on something unknown: a variable declared without a
value, a build argument nobody set, or one the base image may define. Unknown never turns into a
literal: rules treat it as "cannot tell" and stay silent.

Expansion is bounded: a value longer than `MAX_VALUE_CHARS` is unknown (so `ENV A1=$A0$A0`,
`A2=$A1$A1` … stops doubling), and an `ExpansionBudget` caps the characters all the expansions of
one file may produce, so a file that repeats a long value a million times stays small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])((?:[^{}]|\{[^{}]*\})*))?\}")
_SIMPLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

MAX_VALUE_CHARS = 64 * 1024  # an expanded value longer than this is unknown
MAX_EXPANDED_CHARS = 16 * 1024 * 1024  # what the expansions of one file may produce in all


class ExpansionBudget:
    """What the expansions of one file may still produce, and which limits they hit."""

    __slots__ = ("remaining", "long_values", "exhausted")

    def __init__(self, total: int = MAX_EXPANDED_CHARS) -> None:
        self.remaining = total
        self.long_values = 0  # values that became unknown for being longer than MAX_VALUE_CHARS
        self.exhausted = False  # the total ran out: every later expansion is unknown


# Build arguments BuildKit defines itself: declared, with values only known at build time.
PREDEFINED_ARGS = frozenset(
    """TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT
    HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy
    BUILDKIT_SYNTAX BUILDKIT_INLINE_CACHE BUILDKIT_MULTI_PLATFORM BUILDKIT_SANDBOX_HOSTNAME
    BUILDKIT_CONTEXT_KEEP_GIT_DIR BUILDKIT_DOCKERFILE_CHECK SOURCE_DATE_EPOCH""".split()
)


def expand(
    text: str,
    env: Mapping[str, str | None],
    *,
    undeclared: str | None = None,
    escape: str = "\\",
    budget: ExpansionBudget | None = None,
) -> str | None:
    """Expand variables in `text`. `undeclared` is the value of a name not in `env`: None (unknown,
    e.g. it may come from the base image) or "" (FROM lines, where only global ARGs exist). A result
    longer than `MAX_VALUE_CHARS`, or one the `budget` cannot pay for, is unknown too."""
    if "$" not in text:
        return text
    if budget is not None and budget.exhausted:
        return None
    out: list[str] = []
    size = 0  # characters substituted so far
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char == escape and i + 1 < length and text[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if char != "$":
            out.append(char)
            i += 1
            continue
        braced = _BRACED.match(text, i)
        if braced:
            value = _lookup(braced.group(1), env, undeclared)
            operator, word = braced.group(2), braced.group(3) or ""
            if operator:
                word_value = expand(word, env, undeclared=undeclared, escape=escape, budget=budget)
                value = _apply(operator, value, braced.group(1) in env, word_value)
            if value is None:
                return None
            size += len(value)
            if size > MAX_VALUE_CHARS:
                _count_long(budget)
                return None
            out.append(value)
            i = braced.end()
            continue
        simple = _SIMPLE.match(text, i)
        if simple:
            value = _lookup(simple.group(1), env, undeclared)
            if value is None:
                return None
            size += len(value)
            if size > MAX_VALUE_CHARS:
                _count_long(budget)
                return None
            out.append(value)
            i = simple.end()
            continue
        if text.startswith("${", i):
            return None  # an expansion form we do not model (${V#pat}, ${V/x/y} …)
        out.append(char)
        i += 1
    result = "".join(out)
    if len(result) > MAX_VALUE_CHARS:
        _count_long(budget)
        return None
    if budget is not None and size:
        if size > budget.remaining:
            budget.exhausted = True
            return None
        budget.remaining -= size
    return result


def _count_long(budget: ExpansionBudget | None) -> None:
    if budget is not None:
        budget.long_values += 1


def _lookup(name: str, env: Mapping[str, str | None], undeclared: str | None) -> str | None:
    if name in env:
        return env[name]
    return undeclared


def _apply(operator: str, value: str | None, declared: bool, word: str | None) -> str | None:
    colon = operator.startswith(":")
    kind = operator[-1]
    if kind == "-":
        if value is None and declared:
            return None  # declared but unknown: could be set or not
        is_set = value is not None and (value != "" or not colon)
        return value if is_set else word
    if kind == "+":
        if value is None:
            return None if declared else ""
        is_set = value != "" or not colon
        return word if is_set else ""
    return value  # `?`: value or a build error


@dataclass(frozen=True, slots=True)
class Reference:
    """A `$NAME` / `${NAME…}` in a text, by its indexes."""

    name: str
    start: int  # index of the `$`
    end: int
    has_default: bool  # a modifier: `${NAME:-x}`, `${NAME+x}`, `${NAME:?x}`, `${NAME#pattern}` …, not a plain use


def references(text: str, escape: str = "\\") -> list[Reference]:
    """The variable references Docker expands in `text`: not escaped (`\\$`), not inside single quotes."""
    found: list[Reference] = []
    position = 0
    length = len(text)
    single = False
    while position < length:
        char = text[position]
        if single:
            if char == "'":
                single = False
            position += 1
            continue
        if char == "'":
            single = True
            position += 1
            continue
        if char == escape:
            position += 2
            continue
        if char != "$":
            position += 1
            continue
        if text.startswith("${", position):
            match = _NAME.match(text, position + 2)
            if match is None:
                position += 2
                continue
            close = _closing_brace(text, match.end())
            if close is None:
                position = match.end()
                continue
            found.append(Reference(match.group(0), position, close + 1, bool(text[match.end() : close])))
            position = close + 1
            continue
        match = _NAME.match(text, position + 1)
        if match is None:
            position += 1
            continue
        found.append(Reference(match.group(0), position, match.end(), False))
        position = match.end()
    return found


def single_quoted_references(text: str, escape: str = "\\") -> list[Reference]:
    """The `$NAME` / `${NAME}` in `text` that single quotes keep literal (Docker expands none of them):
    inside `'…'`, not inside double quotes, where a `'` is an ordinary character."""
    found: list[Reference] = []
    position = 0
    double = False
    while position < len(text):
        char = text[position]
        if char == escape and not double:
            position += 2
            continue
        if char == '"':
            double = not double
        elif char == "'" and not double:
            close = text.find("'", position + 1)
            if close < 0:
                break
            inner = text[position + 1 : close]
            for reference in references(inner, escape="\x00"):  # a backslash is literal in single quotes
                found.append(
                    Reference(reference.name, position + 1 + reference.start, position + 1 + reference.end, reference.has_default)
                )
            position = close
        position += 1
    return found


def _closing_brace(text: str, start: int) -> int | None:
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return None
