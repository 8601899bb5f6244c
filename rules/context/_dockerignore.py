""".dockerignore matching with Docker's semantics (moby/patternmatcher, used by BuildKit).

- Patterns are relative to the context root: each is cleaned (`path.Clean`), a leading `/` dropped.
- `*` matches any run of characters except `/`, `?` one character except `/`, `[...]` a class,
  `\\` escapes the next character; `**` matches any number of directories, zero included.
- A pattern starting with `!` is an exception: it re-includes what earlier patterns excluded.
- Patterns are applied in order and the last one that matches decides.
- A path is excluded when it, or one of its parent directories, is matched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str  # cleaned, without the `!`
    exclusion: bool  # written with `!`: an exception that re-includes
    regex: re.Pattern[str]
    segments: tuple[str, ...]


def clean(path: str) -> str:
    """Docker's filepath.Clean plus the leading-slash rule."""
    cleaned = posixpath.normpath(path) if path else "."
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned[1:]
    return cleaned


def _regex(pattern: str) -> str:
    out = ["^"]
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*":
            if index + 1 < length and pattern[index + 1] == "*":
                index += 2
                if index < length and pattern[index] == "/":
                    index += 1
                out.append(".*" if index >= length else "(.*/)?")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            if index + 1 < length:
                out.append(re.escape(pattern[index + 1]))
                index += 1
            else:
                out.append("\\\\")
        elif char == "[":
            close = pattern.find("]", index + 1)
            if close == -1:
                out.append("\\[")
            else:
                out.append(pattern[index : close + 1])  # a class passes through, as in Docker's regexp
                index = close
        else:
            out.append(re.escape(char))
        index += 1
    out.append("$")
    return "".join(out)


@lru_cache(maxsize=64)
def compile_patterns(lines: tuple[str, ...]) -> tuple[Pattern, ...]:
    """Compile .dockerignore lines (as the model holds them: stripped, comments removed)."""
    patterns: list[Pattern] = []
    for line in lines:
        text = line.strip()
        exclusion = text.startswith("!")
        if exclusion:
            text = text[1:].strip()
        if not text:
            continue
        text = clean(text)
        try:
            regex = re.compile(_regex(text))
        except re.error:
            continue
        patterns.append(Pattern(text, exclusion, regex, tuple(text.split("/"))))
    return tuple(patterns)


class Matcher:
    """Decides whether a context-relative path is excluded from the build context."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.patterns = compile_patterns(tuple(lines))

    @property
    def has_exceptions(self) -> bool:
        return any(pattern.exclusion for pattern in self.patterns)

    def deciding_pattern(self, path: str) -> Pattern | None:
        """The last pattern that matches `path` or one of its parents; None when none does."""
        path = clean(path)
        parents = path.split("/")[:-1]
        deciding: Pattern | None = None
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = bool(pattern.regex.match(path))
            if not hit and parents:
                hit = any(pattern.regex.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not pattern.exclusion
                deciding = pattern
        return deciding if matched else None

    def excludes(self, path: str) -> bool:
        return self.deciding_pattern(path) is not None

    def may_reinclude_below(self, path: str) -> bool:
        """True when an exception pattern could match something inside directory `path` (so copying
        the directory may still bring files in even though the directory itself is excluded)."""
        segments = clean(path).split("/") if clean(path) != "." else []
        for pattern in self.patterns:
            if pattern.exclusion and _could_match_below(pattern.segments, segments):
                return True
        return False


def _could_match_below(pattern: tuple[str, ...], path: list[str]) -> bool:
    for index, segment in enumerate(pattern):
        if "**" in segment:
            return True
        if index >= len(path):
            return True
        if not re.match(_regex(segment), path[index]):
            return False
    return False
