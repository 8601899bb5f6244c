"""One path matcher for every place a user names paths: `--exclude`/`--extend-exclude`, the
configuration's `exclude`, `extend-exclude` and `per-file-ignores`, and `.gitignore` files.

Patterns have `.gitignore` semantics (pathspec's `GitIgnoreSpec`): a pattern without a `/` matches a
name at any depth, one with a `/` is anchored at the directory the patterns belong to, `*` and `?`
stay within a path segment, `**` crosses them, a trailing `/` matches directories only, a matched
directory matches everything below it, `!pattern` re-includes, and the last matching pattern wins.

Matching uses pathspec's RE2 backend (google-re2): RE2 runs in time linear in the path whatever the
pattern, so a pattern such as `*a*a*a*a*a*a*b` cannot make dflint backtrack for minutes. pathspec and
re2 are imported only when a pattern needs them: patterns made of plain names, `/`, `*` and `**`, with
no `!` and at most two wildcards (the any-depth start of a pattern without `/` counts as one), such
as `docker/dev/**`, `**/Dockerfile.dev` or `*.dev`, are translated here to the regular expressions
pathspec builds for them and matched with `re` (importing pathspec and RE2 costs about 12 ms, a
tenth of a one-file run). On a path of at most 1,024 characters two wildcards keep `re` to a few
milliseconds at worst; a longer path goes to RE2. Without `!` every pattern includes, so a path is
excluded when any pattern matches, whichever decides last.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any


class PatternError(ValueError):
    """A pattern pathspec cannot read (`!` alone, for example)."""


def _normalised(pattern: str) -> str:
    pattern = pattern.strip()
    if pattern.startswith("./"):  # `./docker` is the `docker` beside the configuration: anchored
        while pattern.startswith("./"):
            pattern = pattern[2:]
        pattern = "/" + pattern
    return pattern


@cache
def _spec(patterns: tuple[str, ...]) -> Any:
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines([_normalised(p) for p in patterns], backend="re2")
    except Exception as error:  # pathspec's pattern errors and re2's compile errors
        raise PatternError(str(error)) from None


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=,@~")
_WILDCARDS = 2  # in one pattern matched with `re`
_LONGEST = 1024  # characters of a path matched with `re`


def _plain_regex(pattern: str) -> str | None:
    """The regular expression pathspec's `GitIgnoreSpecPattern` builds for a normalised pattern made
    of plain names, `*` and `**` segments (with `\\Z` for its `$`: RE2's `$` is the end of the text,
    `re`'s also the place before a final newline), None for any other pattern or one with more than
    `_WILDCARDS` wildcards."""
    segments = pattern.split("/")
    inner = segments[1 if segments[0] == "" else 0 : -1 if len(segments) > 1 and segments[-1] == "" else None]
    if not inner or not any(_PLAIN.intersection(segment) for segment in inner):
        return None
    for segment in inner:
        if segment != "**" and ("**" in segment or not segment or not set(segment) <= _PLAIN | {"*"}):
            return None
    if segments[0] == "":
        del segments[0]
    elif len(segments) == 1 or (len(segments) == 2 and not segments[1]):
        if segments[0] != "**":
            segments.insert(0, "**")
    if not segments[-1]:
        segments[-1] = "**"
    for i in range(len(segments) - 1, 0, -1):
        if segments[i - 1] == "**" and segments[i] == "**":
            del segments[i]
    parts: list[str] = []
    wildcards = 0
    need_slash = False
    end = len(segments) - 1
    for i, segment in enumerate(segments):
        if segment == "**":
            if i == 0:
                parts.append("^(?:.+/)?")
                wildcards += 1
            elif i < end:
                parts.append("(?:/.+)?")
                wildcards += 1
                need_slash = True
            else:
                parts.append("/")  # a directory's marker: every pattern includes, so its kind is moot
        else:
            if i == 0:
                parts.append("^")
            if need_slash:
                parts.append("/")
            if segment == "*":
                parts.append("[^/]+")
                wildcards += 1
            else:
                parts.append("".join("[^/]*" if char == "*" else re.escape(char) for char in segment))
                wildcards += segment.count("*")
            if i == end:
                parts.append("(?:/|\\Z)")
            need_slash = True
    return "".join(parts) if wildcards <= _WILDCARDS else None


@cache
def _plain(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...] | None:
    """The patterns compiled for `re` when every one of them is plain (see `_plain_regex`)."""
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        normalised = _normalised(pattern)
        regex = _plain_regex(normalised) if not normalised.startswith("!") else None
        if regex is None:
            return None
        compiled.append(re.compile(regex))
    return tuple(compiled)


def check(patterns: Sequence[str]) -> None:
    """Raise PatternError when a pattern cannot be read."""
    if patterns and _plain(tuple(patterns)) is None:
        _spec(tuple(patterns))


def relative(path: str, root: str) -> str:
    """`path` relative to `root` with `/` separators; a path outside `root` keeps its own parts (so
    that patterns without a `/` still match its names)."""
    shown = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if shown == ".." or shown.startswith("../"):
        parts = [part for part in os.path.abspath(path).replace(os.sep, "/").split("/") if part]
        return "/".join(parts)
    return shown


@dataclass(frozen=True, slots=True)
class PathMatcher:
    """Patterns relative to `root` (an absolute directory)."""

    root: str
    patterns: tuple[str, ...]

    def decide(self, path: str, directory: bool = False) -> bool | None:
        """True when the last pattern that matches excludes `path`, False when it re-includes it
        (`!pattern`), None when no pattern matches."""
        if not self.patterns:
            return None
        name = relative(path, self.root)
        if name in ("", "."):
            return None
        if directory:
            name += "/"
        plain = _plain(self.patterns)
        if plain is not None and len(name) <= _LONGEST and (name.isascii() or _encodable(name)):
            if name.startswith("/"):  # as pathspec's normalize_file
                name = name[1:]
            elif name.startswith("./"):
                name = name[2:]
            return True if any(regex.search(name) for regex in plain) else None
        result = _spec(self.patterns).check_file(name)
        return None if result.include is None else bool(result.include)

    def matches(self, path: str, directory: bool = False) -> bool:
        return self.decide(path, directory) is True


def _encodable(name: str) -> bool:
    """RE2 matches UTF-8: a name it cannot encode (an undecodable byte kept as a surrogate) goes to it
    as before."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def matcher(patterns: Sequence[str], root: str) -> PathMatcher:
    return PathMatcher(os.path.abspath(root), tuple(patterns))


# -- .gitignore ----------------------------------------------------------------------------------

MAX_IGNORE_FILE = 1_000_000  # bytes read from one .gitignore


def _read_lines(path: str) -> tuple[str, ...]:
    from dflint.reading import ReadError, read_file

    try:  # a regular file inside its own directory only: never blocks on a FIFO named .gitignore
        data = read_file(path, limit=MAX_IGNORE_FILE, boundary=os.path.dirname(os.path.abspath(path))).data
    except ReadError:
        return ()
    lines = data.decode("utf-8", errors="replace").splitlines()
    return tuple(line for line in lines if line.strip() and not line.startswith("#"))


class GitIgnore:
    """What git ignores in a work tree: every `.gitignore` from the repository's root down to the
    path (the deepest that decides wins), then `.git/info/exclude`. Outside a git work tree nothing
    is ignored. The user's global excludes file is not read (it is not part of the repository)."""

    def __init__(self) -> None:
        self._roots: dict[str, str | None] = {}
        self._matchers: dict[str, PathMatcher | None] = {}

    def _root(self, directory: str) -> str | None:
        if directory not in self._roots:
            if os.path.exists(os.path.join(directory, ".git")):
                self._roots[directory] = directory
            else:
                parent = os.path.dirname(directory)
                self._roots[directory] = None if parent == directory else self._root(parent)
        return self._roots[directory]

    def _matcher(self, directory: str, name: str) -> PathMatcher | None:
        key = os.path.join(directory, name)
        if key not in self._matchers:
            lines = _read_lines(key)
            try:
                check(lines)
                self._matchers[key] = PathMatcher(directory, lines) if lines else None
            except PatternError:
                self._matchers[key] = PathMatcher(directory, tuple(_valid(lines)))
        return self._matchers[key]

    def ignored(self, path: str, directory: bool = False) -> bool:
        absolute = os.path.abspath(path)
        parent = os.path.dirname(absolute)
        root = self._root(parent)
        if root is None:
            return False
        current = parent
        while True:
            found = self._matcher(current, ".gitignore")
            decision = found.decide(absolute, directory) if found is not None else None
            if decision is not None:
                return decision
            if current == root:
                break
            current = os.path.dirname(current)
        info = self._matcher(os.path.join(root, ".git", "info"), "exclude")
        if info is not None:
            return PathMatcher(root, info.patterns).matches(absolute, directory)
        return False


def _valid(lines: Sequence[str]) -> list[str]:
    """The lines of an ignore file that pathspec can read (git skips the others too)."""
    kept: list[str] = []
    for line in lines:
        try:
            check([line])
            kept.append(line)
        except PatternError:
            continue
    return kept
