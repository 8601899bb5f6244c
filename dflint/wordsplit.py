"""The one word splitter: how BuildKit cuts an instruction's arguments into words and processes them.

BuildKit splits arguments in two ways. ARG, ENV and LABEL are split at whitespace outside quotes
(`parseWords`), and each word is a `KEY=value`; ENV and LABEL also have a legacy form `KEY value…`
whose value is the rest of the line. Everything else (FROM, COPY/ADD, EXPOSE, USER, WORKDIR,
VOLUME …) is split at every run of whitespace, quotes or not (`parseStringsWhitespaceDelimited`);
an exec-form JSON array is its strings. Each word is then processed like a shell word: quotes
removed, escapes applied, `$VAR` and `${VAR…}` expanded outside single quotes.

The builder (`dflint.builder`) runs this once per instruction and keeps the words with their exact
spans in the model (`Instruction.words`, `Instruction.pairs`); rules read them there and never split
the source again. Positions here are indexes into the text given (the instruction's logical line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')

Expand = Callable[[str], "str | None"]  # `$VAR` expansion with the variables in scope; None when unknown


def whitespace_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word split at runs of whitespace, quotes or not (FROM, COPY, EXPOSE …)."""
    return [match.span() for match in _NON_SPACE.finditer(text)]


def quoted_words(text: str, escape: str = "\\") -> list[tuple[int, int]]:
    """(start, end) of each word split at whitespace outside quotes, quotes kept (BuildKit's
    `parseWords`, for ARG, ENV and LABEL)."""
    found: list[tuple[int, int]] = []
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position].isspace():
            position += 1
        if position >= length:
            break
        start = position
        quote = ""
        while position < length:
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'" and position + 1 < length:
                    position += 1
            elif char.isspace():
                break
            elif char in "'\"":
                quote = char
            elif char == escape and position + 1 < length:
                position += 1
            position += 1
        found.append((start, min(position, length)))
    return found


def json_strings(text: str) -> list[tuple[int, int]]:
    """(start, end) of each string literal of an exec-form JSON array, quotes included."""
    return [match.span() for match in _JSON_STRING.finditer(text)]


def unquote(word: str, escape: str = "\\") -> str | None:
    """Quotes removed and escapes applied, variables left as written; None for an unterminated quote."""
    pieces = _pieces(word, escape)
    if pieces is None:
        return None
    return "".join(text for text, _expandable in pieces)


def process(word: str, expand: Expand, escape: str = "\\") -> str | None:
    """A word as BuildKit's shell lexer processes it: quotes removed, escapes applied, `$VAR` and
    `${VAR…}` expanded outside single quotes. None when it depends on an unknown value."""
    pieces = _pieces(word, escape)
    if pieces is None:
        return None
    out: list[str] = []
    for text, expandable in pieces:
        if expandable and "$" in text:
            value = expand(text)
            if value is None:
                return None
            out.append(value)
        else:
            out.append(text)
    return "".join(out)


def _pieces(word: str, escape: str) -> list[tuple[str, bool]] | None:
    """A word cut into (text, expandable) pieces after quote removal."""
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


@dataclass(frozen=True, slots=True)
class RawPair:
    """One `KEY=value` of an ARG, ENV or LABEL, as indexes into the text split: the key (quotes
    removed), where the whole pair, the key and the value stand; `has_value` False for `ARG NAME`."""

    key: str
    start: int
    key_end: int
    value_start: int
    end: int
    has_value: bool
    legacy: bool = False


def key_value_pairs(keyword: str, text: str, escape: str = "\\") -> list[RawPair] | None:
    """The pairs of an ARG, ENV or LABEL as BuildKit reads them; None when BuildKit rejects the
    arguments (a word without `=` after the first, a legacy pair without a value, a broken quote).

    ENV and LABEL: when the first word has no `=`, the legacy form `KEY value…` (the value is the rest
    of the text after the first run of whitespace). ARG: each word is `NAME` or `NAME=default`."""
    text = text.rstrip()
    words = quoted_words(text, escape)
    if not words:
        return []
    pairs: list[RawPair] = []
    if keyword == "ARG":
        for start, end in words:
            written, sign, _ = text[start:end].partition("=")
            key = unquote(written, escape)
            if key is None or not key:
                continue
            key_end = start + max(1, len(written))
            pairs.append(RawPair(key, start, key_end, key_end + 1 if sign else end, end, bool(sign)))
        return pairs
    first_start, first_end = words[0]
    if "=" not in text[first_start:first_end]:
        gap = _WHITESPACE.match(text, first_end)
        key = unquote(text[first_start:first_end], escape)
        if gap is None or gap.end() >= len(text) or key is None:
            return None
        return [RawPair(key, first_start, first_end, gap.end(), len(text), True, legacy=True)]
    for start, end in words:
        equals = text.find("=", start, end)
        if equals <= start:
            return None
        name = unquote(text[start:equals], escape)
        if name is None:
            return None
        pairs.append(RawPair(name, start, equals, equals + 1, end, True))
    return pairs


__all__ = ["json_strings", "key_value_pairs", "process", "quoted_words", "unquote", "whitespace_words", "RawPair"]
