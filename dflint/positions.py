"""Character offsets ↔ 1-based line/column positions in a file's text."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from dflint.model import Span


class LineIndex:
    """Maps character offsets of a text to 1-based (line, column) pairs."""

    __slots__ = ("starts", "length")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.starts = starts
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]


@lru_cache(maxsize=8)
def line_index(text: str) -> LineIndex:
    """The index of a file's text, built once however many findings, fixes or pragmas ask for it."""
    return LineIndex(text)


# Position encodings editors negotiate (LSP `positionEncoding`): what a column counts.
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def units(text: str, encoding: str) -> int:
    """How many code units of `encoding` the text takes (UTF-16 counts an astral character twice)."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def column_from_units(line: str, count: int, encoding: str) -> int:
    """The 0-based character column `count` code units of `encoding` into `line` (clamped to it)."""
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    used = 0
    for column, character in enumerate(line):
        width = units(character, encoding)
        if used + width > count:
            return column
        used += width
    return len(line)


class EncodedText:
    """A text's positions as an editor counts them: 0-based lines and columns in code units of the
    negotiated encoding, from and to 1-based character columns or character offsets."""

    __slots__ = ("encoding", "index", "lines")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown position encoding '{encoding}'")
        self.encoding = encoding
        self.index = line_index(text)
        self.lines = text.split("\n")

    def _line(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def position(self, line: int, column: int) -> tuple[int, int]:
        """1-based line and character column → 0-based line and code-unit column."""
        return line - 1, units(self._line(line)[: max(column - 1, 0)], self.encoding)

    def offset_position(self, offset: int) -> tuple[int, int]:
        """A character offset → 0-based line and code-unit column."""
        return self.position(*self.index.position(offset))

    def character_position(self, line: int, count: int) -> tuple[int, int]:
        """0-based line and code-unit column (as an editor sends them) → 1-based line and character column."""
        return line + 1, column_from_units(self._line(line + 1), count, self.encoding) + 1
