""".dockerignore matching with Docker's semantics (moby/patternmatcher, used by BuildKit).

- Patterns are relative to the context root: each is cleaned (`path.Clean`), a leading `/` dropped.
- `*` matches any run of characters except `/`, `?` one character except `/`, `[...]` a class,
  `\\` escapes the next character; `**` matches any number of directories, zero included.
- A pattern starting with `!` is an exception: it re-includes what earlier patterns excluded.
- Patterns are applied in order and the last one that matches decides.
- A path is excluded when it, or one of its parent directories, is matched.

Docker translates each pattern to a Go regular expression, which is RE2: matching takes time linear
in the path whatever the pattern (`*a*a*a*a*a*a*b` against a long name backtracks for minutes in
Python's `re`). dflint compiles the same translation with RE2 (google-re2), imported on first use,
so only when a `.dockerignore` exists. A pattern RE2 (like Go) refuses, such as `[z-a]`, is skipped
when matching; the model reports it on its line, since Docker refuses to build with it (`valid`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Pattern:
    """One `.dockerignore` pattern, cleaned and compiled."""

    text: str  # cleaned, without the `!`
    exclusion: bool  # written with `!`: an exception that re-includes
    regex: Any  # a compiled RE2 pattern (google-re2 ships no type information)
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
        regex = _compile(_regex(text))
        if regex is None:
            continue
        patterns.append(Pattern(text, exclusion, regex, tuple(text.split("/"))))
    return tuple(patterns)


def valid(line: str) -> bool:
    """Whether Docker accepts a .dockerignore line (as the model holds it): RE2 compiles its translation."""
    text = line.strip()
    if text.startswith("!"):
        text = text[1:].strip()
    return not text or _compile(_regex(clean(text))) is not None


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


@lru_cache(maxsize=1024)
def _compile(expression: str) -> Any:
    """The RE2 pattern of a translated expression, or None when RE2 refuses it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would log a refused pattern on stderr; the model reports it
    try:
        return re2.compile(expression, options)
    except re2.error:
        return None


def _could_match_below(pattern: tuple[str, ...], path: list[str]) -> bool:
    for index, segment in enumerate(pattern):
        if "**" in segment:
            return True
        if index >= len(path):
            return True
        regex = _compile(_regex(segment))
        if regex is None or not regex.match(path[index]):
            return False
    return False
