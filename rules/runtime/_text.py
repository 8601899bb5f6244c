"""Shared helpers for rules that read the arguments of non-RUN instructions (ENV, ARG, USER, EXPOSE,
COPY …) with exact positions: the model keeps those arguments as one joined string, so these read the
original text again, skipping line continuations and the comment lines Docker drops inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, Span

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def span_at(text: str, start: int, end: int) -> Span:
    """The span of `text[start:end]` (1-based lines and columns)."""
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = line + text.count("\n", start, end)
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(line, column, end_line, end_column, start, end)


@dataclass(frozen=True, slots=True)
class Logical:
    """An instruction's text with continuations removed, and the file offset of each character."""

    text: str
    offsets: tuple[int, ...]
    end: int  # file offset just past the last character

    def span(self, dockerfile: Dockerfile, start: int, end: int) -> Span:
        """The file span of `self.text[start:end]`."""
        first = self.offsets[start] if start < len(self.offsets) else self.end
        last = self.offsets[end - 1] + 1 if 0 < end <= len(self.offsets) else first
        return span_at(dockerfile.text, first, last)


def logical(dockerfile: Dockerfile, start: int, end: int) -> Logical:
    """The logical text of `dockerfile.text[start:end]`: escape + newline removed, and lines that are
    empty or comments inside the continuation dropped (as Docker does)."""
    escape = dockerfile.directive("escape") or "\\"
    source = dockerfile.text
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    at_line_start = False
    while position < end:
        if at_line_start:
            line_end = source.find("\n", position, end)
            line_end = end if line_end == -1 else line_end
            stripped = source[position:line_end].strip()
            if (not stripped or stripped.startswith("#")) and line_end < end:
                position = line_end + 1
                continue
            at_line_start = False
        char = source[position]
        if char == escape:
            rest = position + 1
            while rest < end and source[rest] in " \t\r":
                rest += 1
            if rest < end and source[rest] == "\n":
                position = rest + 1
                at_line_start = True
                continue
        chars.append(char)
        offsets.append(position)
        position += 1
    return Logical("".join(chars), tuple(offsets), end)


def arguments(dockerfile: Dockerfile, instruction: Instruction) -> Logical:
    """The logical arguments of an instruction (flags excluded, heredoc bodies excluded)."""
    span = instruction.arguments_span
    return logical(dockerfile, span.offset, span.end_offset)


def after_keyword(dockerfile: Dockerfile, instruction: Instruction) -> Logical:
    """The logical text after the keyword: flags and arguments."""
    return logical(dockerfile, instruction.keyword_span.end_offset, instruction.arguments_span.end_offset)


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
    has_default: bool  # `${NAME:-x}`, `${NAME-x}`, `${NAME:+x}`, `${NAME+x}`, `${NAME:?x}`


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
            found.append(Reference(match.group(0), position, close + 1, operator[:2].lstrip(":")[:1] in ("-", "+", "?")))
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
