"""Editor positions: columns in UTF-8, UTF-16 or UTF-32 code units, to and from character columns."""

from __future__ import annotations

import pytest

from dflint.positions import UTF8, UTF16, UTF32, EncodedText, column_from_units, units

LINE = "RUN echo 🙂é && pip install x"  # 🙂 is astral (2 UTF-16 units, 4 UTF-8 bytes); é is 2 UTF-8 bytes
PIP = LINE.index("pip")  # 0-based character column


@pytest.mark.parametrize(("encoding", "expected"), [(UTF32, PIP), (UTF16, PIP + 1), (UTF8, PIP + 3 + 1)])
def test_units_count_code_units_of_the_encoding(encoding: str, expected: int) -> None:
    assert units(LINE[:PIP], encoding) == expected


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_positions_round_trip_through_every_encoding(encoding: str) -> None:
    text = EncodedText("FROM python:3.11\n" + LINE + "\n", encoding)
    line, column = text.position(2, PIP + 1)
    assert line == 1 and column == units(LINE[:PIP], encoding)
    assert text.character_position(line, column) == (2, PIP + 1)
    assert text.offset_position(len("FROM python:3.11\n") + PIP) == (line, column)


def test_a_column_inside_a_character_maps_to_that_character() -> None:
    emoji = LINE.index("🙂")
    assert column_from_units(LINE, units(LINE[:emoji], UTF16) + 1, UTF16) == emoji  # between the surrogates
    assert column_from_units(LINE, 10_000, UTF8) == len(LINE)  # clamped to the line


def test_crlf_lines_keep_their_columns() -> None:
    text = EncodedText("FROM a\r\nRUN é x\r\n", UTF8)
    assert text.position(2, 7) == (1, 7)  # `x`: é counts 2 bytes
    assert text.offset_position(len("FROM a\r\nRUN é ")) == (1, 7)


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown position encoding 'utf-7'"):
        EncodedText("FROM a\n", "utf-7")
