"""Words of an instruction's arguments with exact positions, read the way Docker reads them.

The model keeps an instruction's arguments as one joined string; these helpers read the original
text again so that a finding can point at one word (a COPY source, an EXPOSE port, an ENV key):
line continuations are joined, and the empty and comment lines Docker drops inside a continuation
are skipped. Values follow BuildKit's word processing: quotes removed, backslash escapes applied,
`$VAR` expanded from the ARG/ENV in scope (None when a value is unknown).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from dflint.model import Dockerfile, Instruction, Span

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@lru_cache(maxsize=16)
def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return tuple(starts)


def span_of(dockerfile: Dockerfile, start: int, end: int) -> Span:
    """The span of `dockerfile.text[start:end]`."""
    starts = _line_starts(dockerfile.text)
    line = bisect.bisect_right(starts, start) - 1
    end_line = bisect.bisect_right(starts, end) - 1
    return Span(line + 1, start - starts[line] + 1, end_line + 1, end - starts[end_line] + 1, start, end)


def escape_of(dockerfile: Dockerfile) -> str:
    value = dockerfile.directive("escape")
    return value if value in ("\\", "`") else "\\"


@dataclass(frozen=True, slots=True)
class Logical:
    """Text as Docker reads it (continuations joined) and the file offset of each of its characters."""

    text: str
    offsets: tuple[int, ...]

    def file_span(self, dockerfile: Dockerfile, start: int, end: int) -> Span:
        """The file span of `self.text[start:end]` (end exclusive, at least one character)."""
        return span_of(dockerfile, self.offsets[start], self.offsets[end - 1] + 1)


def logical(dockerfile: Dockerfile, start: int, end: int) -> Logical:
    """Join `dockerfile.text[start:end]` as Docker's parser does: a line ending in the escape
    character (trailing blanks allowed) continues on the next line; empty and comment lines inside
    the continuation are dropped."""
    escape = escape_of(dockerfile)
    text = dockerfile.text
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    first = True
    continued = False
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        content = text[position:line_end].rstrip("\r")
        if not first:
            if not continued:
                break
            stripped = content.strip()
            if not stripped or stripped.startswith("#"):
                position = line_end + 1
                continue
        body = content.rstrip(" \t")
        continued = body.endswith(escape)
        keep = len(body) - 1 if continued else len(content)
        for index in range(keep):
            chars.append(content[index])
            offsets.append(position + index)
        first = False
        position = line_end + 1
    return Logical("".join(chars), tuple(offsets))


def arguments_logical(dockerfile: Dockerfile, instruction: Instruction) -> Logical:
    """The arguments after the flags, joined."""
    span = instruction.arguments_span
    return logical(dockerfile, span.offset, span.end_offset)


@dataclass(frozen=True, slots=True)
class ArgWord:
    """One argument word: as written (continuations joined), its processed value, and its span."""

    text: str
    value: str | None  # quotes removed, escapes applied, variables expanded; None when unknown
    span: Span
    quoted: bool = False  # JSON form, or written with quotes


def shell_words(dockerfile: Dockerfile, instruction: Instruction, *, expand: bool = True) -> list[ArgWord]:
    """Whitespace-separated words, as BuildKit splits COPY/ADD/EXPOSE/WORKDIR/FROM arguments in
    shell form, each processed like a shell word (quotes, escapes, variables)."""
    joined = arguments_logical(dockerfile, instruction)
    escape = escape_of(dockerfile)
    words: list[ArgWord] = []
    for match in re.finditer(r"\S+", joined.text):
        raw = match.group()
        value = process_word(raw, instruction, escape) if expand else unquote(raw, escape)
        span = joined.file_span(dockerfile, match.start(), match.end())
        words.append(ArgWord(raw, value, span, quoted="'" in raw or '"' in raw))
    return words


def json_words(dockerfile: Dockerfile, instruction: Instruction, *, expand: bool = True) -> list[ArgWord] | None:
    """The strings of an exec-form (JSON array) argument list with their spans; None in shell form."""
    if instruction.json_args is None:
        return None
    joined = arguments_logical(dockerfile, instruction)
    words: list[ArgWord] = []
    matches = list(_JSON_STRING.finditer(joined.text))
    if len(matches) != len(instruction.json_args):
        return None
    escape = escape_of(dockerfile)
    for match, value in zip(matches, instruction.json_args):
        if json.loads(match.group()) != value:
            return None
        processed = process_word(value, instruction, escape) if expand else value
        words.append(ArgWord(match.group(), processed, joined.file_span(dockerfile, match.start(), match.end()), quoted=True))
    return words


def argument_words(dockerfile: Dockerfile, instruction: Instruction, *, expand: bool = True) -> list[ArgWord]:
    """JSON-form strings when the arguments are a JSON array, else whitespace-separated words."""
    found = json_words(dockerfile, instruction, expand=expand)
    return found if found is not None else shell_words(dockerfile, instruction, expand=expand)


def unquote(word: str, escape: str = "\\") -> str | None:
    """Quotes removed and escapes applied, variables left as written; None for an unterminated quote."""
    pieces = _pieces(word, escape)
    if pieces is None:
        return None
    return "".join(text for text, _expandable in pieces)


def process_word(word: str, instruction: Instruction, escape: str = "\\") -> str | None:
    """A word as BuildKit's shell lexer processes it: quotes removed, escapes applied, `$VAR` and
    `${VAR…}` expanded outside single quotes. None when it depends on an unknown value."""
    pieces = _pieces(word, escape)
    if pieces is None:
        return None
    out: list[str] = []
    for text, expandable in pieces:
        if expandable and "$" in text:
            value = instruction.expand(text)
            if value is None:
                return None
            out.append(value)
        else:
            out.append(text)
    return "".join(out)


def _pieces(word: str, escape: str) -> list[tuple[str, bool]] | None:
    """Split a word into (text, expandable) pieces after quote removal."""
    pieces: list[tuple[str, bool]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            pieces.append(("".join(buffer), True))
            buffer.clear()

    def literal(text: str) -> None:
        flush()
        pieces.append((text, False))

    index = 0
    length = len(word)
    while index < length:
        char = word[index]
        if char == escape and index + 1 < length:
            literal(word[index + 1])
            index += 2
        elif char == "'":
            close = word.find("'", index + 1)
            if close == -1:
                return None
            literal(word[index + 1 : close])
            index = close + 1
        elif char == '"':
            index += 1
            while index < length and word[index] != '"':
                inner = word[index]
                if inner == escape and index + 1 < length and word[index + 1] in ('"', escape, "$"):
                    literal(word[index + 1])
                    index += 2
                    continue
                buffer.append(inner)
                index += 1
            if index >= length:
                return None
            index += 1
        else:
            buffer.append(char)
            index += 1
    flush()
    return pieces
