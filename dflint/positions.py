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
