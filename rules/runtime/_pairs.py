"""`KEY=value` pairs of ENV and LABEL with exact positions, split as BuildKit's parser does.

BuildKit reads `ENV`/`LABEL` arguments in one of two forms, decided by the first word: when it has
no `=`, the legacy form `KEY value…` (the value is everything after the first run of whitespace);
otherwise `KEY=value` words separated by unquoted whitespace, each split at its first `=`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dflint.rules.context._argwords import Logical, arguments_logical, escape_of, process_word, unquote

from dflint.model import Dockerfile, Instruction, Span

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Pair:
    key: str  # quotes removed
    key_span: Span
    raw_value: str  # as written (quotes kept)
    value: str | None  # as Docker sets it: quotes removed, variables expanded; None when unknown
    value_start: int  # index of the raw value in the logical text
    value_end: int


@dataclass(frozen=True, slots=True)
class Pairs:
    instruction: Instruction
    logical: Logical
    legacy: bool  # `ENV KEY value`
    pairs: tuple[Pair, ...]


def words_with_positions(text: str, escape: str) -> list[tuple[int, int]]:
    """(start, end) of each word in `text`, as BuildKit's `parseWords` splits it (quotes kept)."""
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


def key_value_pairs(dockerfile: Dockerfile, instruction: Instruction) -> Pairs | None:
    """The pairs of an ENV or LABEL; None for other instructions or arguments Docker rejects."""
    if instruction.keyword not in ("ENV", "LABEL"):
        return None
    joined = arguments_logical(dockerfile, instruction)
    text = joined.text.rstrip()
    escape = escape_of(dockerfile)
    words = words_with_positions(text, escape)
    if not words:
        return None
    first_start, first_end = words[0]
    if "=" not in text[first_start:first_end]:
        gap = _WHITESPACE.match(text, first_end)
        if gap is None or gap.end() >= len(text):
            return None
        key = unquote(text[first_start:first_end], escape)
        if key is None:
            return None
        raw = text[gap.end() :]
        pair = Pair(
            key,
            joined.file_span(dockerfile, first_start, first_end),
            raw,
            process_word(raw, instruction, escape),
            gap.end(),
            len(text),
        )
        return Pairs(instruction, joined, True, (pair,))
    pairs: list[Pair] = []
    for start, end in words:
        word = text[start:end]
        equals = word.find("=")
        if equals <= 0:
            return None
        key = unquote(word[:equals], escape)
        if key is None:
            return None
        raw = word[equals + 1 :]
        pairs.append(
            Pair(
                key,
                joined.file_span(dockerfile, start, start + equals),
                raw,
                process_word(raw, instruction, escape),
                start + equals + 1,
                end,
            )
        )
    return Pairs(instruction, joined, False, tuple(pairs))
