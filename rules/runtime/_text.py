"""Shared helpers for rules that read the arguments of non-RUN instructions: quote-aware word splitting
for `KEY=value` lists (ENV, ARG, LABEL) and the variable references Docker expands. Both work on the
joined text of `dflint.rules.context._argwords.logical`, whose offsets map back to the file."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, Span

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Token:
    """A whitespace-separated word of an instruction's arguments, quotes removed from `value`."""

    value: str
    start: int  # index into Logical.text
    end: int


def tokens(text: str, escape: str = "\\") -> list[Token]:
    """Split on unquoted whitespace, removing quotes (Docker's word splitting for ENV, LABEL, ARG …)."""
    result: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position] in " \t\r\n":
            position += 1
        if position >= length:
            break
        start = position
        value: list[str] = []
        quote: str | None = None
        while position < length:
            char = text[position]
            if quote is not None:
                if char == quote:
                    quote = None
                elif char == escape and quote == '"' and position + 1 < length:
                    position += 1
                    value.append(text[position])
                else:
                    value.append(char)
            elif char in " \t\r\n":
                break
            elif char in "'\"":
                quote = char
            elif char == escape and position + 1 < length:
                position += 1
                value.append(text[position])
            else:
                value.append(char)
            position += 1
        result.append(Token("".join(value), start, position))
    return result


@dataclass(frozen=True, slots=True)
class Reference:
    """A `$NAME` / `${NAME…}` in an instruction's text."""

    name: str
    start: int  # index into the text of the `$`
    end: int
    has_default: bool  # a modifier: `${NAME:-x}`, `${NAME+x}`, `${NAME:?x}`, `${NAME#pattern}` …, not a plain use


def references(text: str, escape: str = "\\") -> list[Reference]:
    """Variable references Docker would expand: not escaped (`\\$`), not inside single quotes."""
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
            operator = text[match.end() : close]
            found.append(Reference(match.group(0), position, close + 1, bool(operator)))
            position = close + 1
            continue
        match = _NAME.match(text, position + 1)
        if match is None:
            position += 1
            continue
        found.append(Reference(match.group(0), position, match.end(), False))
        position = match.end()
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


@dataclass(frozen=True, slots=True)
class Pair:
    """One `KEY=value` of an ENV, ARG or LABEL (or the single `ENV KEY value` of the legacy form)."""

    key: str
    value: str | None  # quotes removed, variables not expanded; None for `ARG NAME` without a default
    key_span: Span
    span: Span  # the whole `KEY=value`


def pairs(dockerfile: Dockerfile, instruction: Instruction) -> list[Pair]:
    """The keys and values an ENV, ARG or LABEL sets, with their positions in the file."""
    from dflint.rules.context._argwords import arguments_logical, escape_of

    joined = arguments_logical(dockerfile, instruction)
    if not joined.text.strip():
        return []
    escape = escape_of(dockerfile)
    words = tokens(joined.text, escape)
    found: list[Pair] = []
    if instruction.keyword == "ENV" and words and "=" not in joined.text[words[0].start : words[0].end]:
        first = words[0]
        value = joined.text[words[1].start : words[-1].end] if len(words) > 1 else ""
        value_tokens = tokens(value, escape)
        found.append(
            Pair(
                first.value,
                " ".join(token.value for token in value_tokens),
                joined.file_span(dockerfile, first.start, first.end),
                joined.file_span(dockerfile, first.start, words[-1].end),
            )
        )
        return found
    for word in words:
        raw = joined.text[word.start : word.end]
        name, equals, value = word.value.partition("=")
        if not name:
            continue
        found.append(
            Pair(
                name,
                value if equals else None,
                joined.file_span(dockerfile, word.start, word.start + max(1, len(raw.partition("=")[0]))),
                joined.file_span(dockerfile, word.start, word.end),
            )
        )
    return found
