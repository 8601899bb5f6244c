"""tree-sitter-bash 0.25.1 reads out of bounds on a high code point after `{` and crashes the
process now and then (found by fuzzing: `RUN yum | {\U00105508…`). The shell reader hands it the
script with every astral character replaced by a four-byte stand-in, and reads words from the
original text."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from dflint import shell
from dflint.parse import parse

CRASHERS = ("{\U00105508", "{\U0010ffff", "{\U000e0000", "{\U000fffff", "yum | {\U00105508» @\U0003a63a")


def test_stand_in_keeps_every_offset() -> None:
    for text in CRASHERS + ("plain ascii", "é and 一 stay", "emoji 😀 and \U000e0067 tag"):
        data = text.encode()
        safe = shell._parser_safe(data)
        assert len(safe) == len(data)
        assert safe.decode().replace("\U00010000", "") == "".join(c for c in text if ord(c) < 0x10000)


def test_the_parser_never_sees_an_astral_character(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shell._parser()
    seen: list[bytes] = []

    class Spy:
        def parse(self, data: bytes) -> Any:
            seen.append(data)
            return real.parse(data)

    monkeypatch.setattr(shell, "_parser", lambda: Spy())
    for crasher in CRASHERS:
        parse(f"FROM a\nRUN echo {crasher} && sh -c 'echo {crasher}'\n")
    assert seen
    for data in seen:
        assert {char for char in data.decode() if ord(char) >= 0x10000} <= {"\U00010000"}


def test_words_keep_their_astral_characters() -> None:
    model = parse("FROM a\nRUN echo {\U00105508x 😀\n")
    (command,) = model.stages[0].instructions[0].commands
    assert [word.value for word in command.argv] == ["echo", "{\U00105508x", "😀"]
    assert command.argv[2].span.column == 14  # columns count characters, as before


def test_no_crash_in_a_fresh_process() -> None:
    """Without the stand-in this crashed about one run in three."""
    code = (
        "from dflint.parse import parse\n"
        f"texts = {list(CRASHERS)!r}\n"
        "for _ in range(400):\n"
        "    for text in texts:\n"
        "        parse('FROM a\\nRUN ' + text + '\\n')\n"
        "print('ok')\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0 and completed.stdout.strip() == "ok", completed.stderr[-2000:]
