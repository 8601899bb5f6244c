"""COPY and ADD arguments split into sources and destination, with positions and processed values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dflint.model import ArgWord, Dockerfile, Instruction, Stage

_HEREDOC = re.compile(r"<<-?[\"']?[A-Za-z0-9_.-]+[\"']?$")
_URL = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class CopyParts:
    """A COPY or ADD split into its sources and destination."""

    instruction: Instruction
    sources: tuple[ArgWord, ...]
    destination: ArgWord | None

    @property
    def from_context(self) -> bool:
        """True when the sources are read from the build context (no `--from`)."""
        return self.instruction.flag("from") is None

    def context_sources(self) -> Iterator[ArgWord]:
        """Sources read from the build context: not heredocs, not URLs, not git references."""
        if not self.from_context:
            return
        for word in self.sources:
            if is_heredoc(word) or is_remote(word):
                continue
            yield word


def copy_parts(dockerfile: Dockerfile, instruction: Instruction) -> CopyParts | None:
    """Sources and destination of a COPY or ADD; None for another instruction or too few words."""
    if instruction.keyword not in ("COPY", "ADD"):
        return None
    words = instruction.words
    if len(words) < 2:
        return None
    return CopyParts(instruction, tuple(words[:-1]), words[-1])


def copies(
    dockerfile: Dockerfile, stage: Stage, wanted: Callable[[Instruction], bool] | None = None, min_words: int = 2
) -> Iterator[CopyParts]:
    """The COPY and ADD of a stage with at least `min_words` words (sources and destination) that
    `wanted` accepts (a cheap look at the text, before the words are worked out)."""
    for instruction in stage.instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        if len(instruction.words) < min_words or (wanted is not None and not wanted(instruction)):
            continue
        parts = copy_parts(dockerfile, instruction)
        if parts is not None:
            yield parts


def is_heredoc(word: ArgWord) -> bool:
    return not word.quoted and bool(_HEREDOC.match(word.text))


def is_remote(word: ArgWord) -> bool:
    """A URL or a git reference (ADD only): `https://…`, `git@host:org/repo`, `github.com/org/repo`."""
    text = word.text.strip("\"'")
    return bool(_URL.match(text)) or text.startswith(("git@", "github.com/"))


def is_absolute(path: str) -> bool:
    """Absolute for Linux images, and for Windows images (`C:\\dir`, `c:/dir`)."""
    return path.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:[\\/]", path))
