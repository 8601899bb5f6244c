"""Dockerfile text → the model, with exact spans.

The line structure is read here, following BuildKit's parser (`dockerfile-parse` does not understand
heredocs and joins continuation lines without keeping columns): parser directives at the top, the escape character,
continuation lines (comment and empty lines inside a continuation are dropped), heredocs
(`<<EOF`, `<<-EOF`, quoted markers) and flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dflint.model import (
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    ParseError,
)
from dflint.positions import LineIndex, line_index

KEYWORDS = frozenset(
    "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD "
    "STOPSIGNAL HEALTHCHECK SHELL".split()
)
FLAGGED = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
DIRECTIVES = frozenset({"syntax", "escape", "check"})
_DIRECTIVE = re.compile(r"#\s*([A-Za-z][A-Za-z0-9]*)\s*=(.*)")  # the value is stripped after: `(.*?)\s*` is quadratic
_HEREDOC = re.compile(r"<<(-?)[ \t]*(?:(['\"])([^'\"\s]+)\2|([^\s'\"<>|;&()]+))")
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?")
# Exec form as it is almost always written: a JSON array of strings with no escape in them. Such a
# string holds its characters as they are, so they are the values `json.loads` gives (anything
# else, escapes included, goes to `json`, which is then imported).
_PLAIN_JSON_STRINGS = re.compile(r'\[[ \t\n\r]*(?:"[^"\\\x00-\x1f]*"(?:[ \t\n\r]*,[ \t\n\r]*"[^"\\\x00-\x1f]*")*)?[ \t\n\r]*\]')
_PLAIN_JSON_STRING = re.compile(r'"([^"]*)"')


@dataclass(slots=True)
class _Raw:
    """An instruction as lexed, before variables and shell commands are worked out."""

    keyword_text: str
    logical: str  # continuation lines joined (escape + newline removed, dropped lines removed)
    segments: list[tuple[int, int]]  # (logical index, file offset) where each physical piece starts
    start: int
    end: int  # file offset of the end of the instruction (heredocs included)
    logical_end: int  # file offset where the logical line ends
    first_line: int  # 0-based line indexes
    last_line: int
    dropped: set[int] = field(default_factory=set)  # comment/empty lines inside a continuation
    continued: set[int] = field(default_factory=set)  # lines ending in the escape character
    heredocs: list[Heredoc] = field(default_factory=list)

    def file_offset(self, index: int) -> int:
        """Map an index into `logical` to a file offset."""
        chosen = self.segments[0]
        for segment in self.segments:
            if segment[0] > index:
                break
            chosen = segment
        return chosen[1] + (index - chosen[0])


@dataclass(slots=True)
class _Lexed:
    """The raw instructions, directives, comments and errors of a text, before parsing."""

    raws: list[_Raw]
    directives: list[Directive]
    comments: list[tuple[int, str]]
    errors: list[ParseError]
    escape: str


def lex(text: str, index: LineIndex) -> _Lexed:
    """Split the text into raw instructions, directives and comments."""
    lines = text.split("\n")
    starts = index.starts
    escape = "\\"
    directives: list[Directive] = []
    comments: list[tuple[int, str]] = []
    errors: list[ParseError] = []
    raws: list[_Raw] = []
    directives_open = True
    total = len(lines)
    i = 0
    while i < total:
        content = lines[i].rstrip("\r")
        stripped = content.strip()
        if not stripped:
            directives_open = False
            i += 1
            continue
        if stripped.startswith("#"):
            match = _DIRECTIVE.fullmatch(stripped) if directives_open else None
            if match and match.group(1).lower() in DIRECTIVES and not any(d.name == match.group(1).lower() for d in directives):
                name, value = match.group(1).lower(), match.group(2).strip()
                start = starts[i] + (len(content) - len(content.lstrip()))
                directives.append(Directive(name, value, index.span(start, starts[i] + len(content))))
                if name == "escape":
                    if value in ("\\", "`"):
                        escape = value
                    else:
                        errors.append(ParseError(i + 1, f"invalid escape directive '{value}' (use \\ or `)"))
            else:
                directives_open = False
            comments.append((i + 1, content))
            i += 1
            continue
        directives_open = False
        raw, i = _lex_instruction(index, lines, starts, i, escape, comments, errors)
        raws.append(raw)
    return _Lexed(raws, directives, comments, errors, escape)


def _lex_instruction(
    index: LineIndex,
    lines: list[str],
    starts: list[int],
    i: int,
    escape: str,
    comments: list[tuple[int, str]],
    errors: list[ParseError],
) -> tuple[_Raw, int]:
    total = len(lines)
    first = i
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    dropped: set[int] = set()
    continued: set[int] = set()
    logical_length = 0
    leading = len(lines[i]) - len(lines[i].lstrip())
    while True:
        content = lines[i].rstrip("\r")
        offset = starts[i]
        if i == first:
            content, offset = content[leading:], offset + leading
        body = content.rstrip(" \t")
        # An odd run of escape characters continues the line; `\\` at the end is an escaped escape.
        is_continued = (len(body) - len(body.rstrip(escape))) % 2 == 1
        piece = body[:-1] if is_continued else content
        segments.append((logical_length, offset))
        pieces.append(piece)
        logical_length += len(piece)
        last = i
        i += 1
        if not is_continued:
            break
        continued.add(last)
        while i < total and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
            if lines[i].strip():
                comments.append((i + 1, lines[i].rstrip("\r")))
            dropped.add(i)
            i += 1
        if i >= total:
            errors.append(ParseError(last + 1, "line continuation at the end of the file: the instruction is unfinished"))
            break
    logical = "".join(pieces)
    end = starts[last] + len(lines[last].rstrip("\r"))
    keyword_text = logical.split(None, 1)[0] if logical.split() else ""
    raw = _Raw(keyword_text, logical, segments, starts[first] + leading, end, end, first, last, dropped, continued)
    if keyword_text.upper() in HEREDOC_KEYWORDS or (
        keyword_text.upper() == "ONBUILD" and logical.split()[1:2] and logical.split()[1].upper() in HEREDOC_KEYWORDS
    ):
        i = _lex_heredocs(raw, lines, starts, i, errors, index)
    return raw, i


def _heredoc_markers(logical: str) -> list[re.Match[str]]:
    """Heredoc markers outside quotes, skipping here-strings (`<<<`)."""
    found: list[re.Match[str]] = []
    quote = ""
    position = 0
    length = len(logical)
    while position < length:
        char = logical[position]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                position += 1
        elif char in "'\"":
            quote = char
        elif char == "\\":
            position += 1
        elif logical.startswith("<<", position):
            if logical.startswith("<<<", position):
                position += 3
                continue
            match = _HEREDOC.match(logical, position)
            if match:
                found.append(match)
                position = match.end()
                continue
        position += 1
    return found


def _lex_heredocs(raw: _Raw, lines: list[str], starts: list[int], i: int, errors: list[ParseError], index: LineIndex) -> int:
    total = len(lines)
    for match in _heredoc_markers(raw.logical):
        strip_tabs = match.group(1) == "-"
        quoted = bool(match.group(2))
        marker = match.group(3) or match.group(4) or ""
        body_start = starts[i] if i < total else index.length
        body_lines: list[str] = []
        terminated = False
        while i < total:
            line = lines[i].rstrip("\r")
            candidate = line.lstrip("\t") if strip_tabs else line
            if candidate == marker:
                terminated = True
                break
            body_lines.append(line.lstrip("\t") if strip_tabs else line)
            i += 1
        if terminated:
            body_end = starts[i]
            raw.end = starts[i] + len(lines[i].rstrip("\r"))
            raw.last_line = i
            i += 1
        else:
            errors.append(ParseError(raw.first_line + 1, f"unterminated heredoc: no line '{marker}' closes <<{marker}"))
            body_end = index.length
            raw.end = body_end
            raw.last_line = total - 1
            i = total
        body = "\n".join(body_lines) + ("\n" if body_lines else "")
        raw.heredocs.append(Heredoc(marker, body, index.span(body_start, max(body_start, body_end)), strip_tabs, quoted))
    return i


@dataclass(frozen=True, slots=True)
class Options:
    """What parsing may know from outside the file: build arguments, the target stage, the context."""

    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    target: str | None = None
    context_dir: str | None = None


def parse(text: str, path: str = "Dockerfile", options: Options | None = None) -> Dockerfile:
    """Build the model. Problems that make the file unbuildable are returned in `errors`;
    everything that can still be read is modelled."""
    import dataclasses

    from dflint.builder import build  # the assembly step (stages, variables, shell, packages)
    from dflint.generated import detect
    from dflint.purpose import decide
    from dflint.release_copies import detect as superseded_by

    options = options or Options()
    if "TARGETPLATFORM" not in options.build_args:
        from dflint.platform import evident_platform

        evident = evident_platform(text)
        if evident is not None:  # an arm64-only image (a Jetson base): built for that, not the default
            options = dataclasses.replace(options, build_args={**options.build_args, "TARGETPLATFORM": evident[0]})
    index = line_index(text)
    lexed = lex(text, index)
    dockerfile = build(text, path, index, lexed, options)
    return dataclasses.replace(
        dockerfile, purpose=decide(dockerfile, options.target), generated=detect(dockerfile), superseded_by=superseded_by(path)
    )


def split_flags(raw: _Raw, keyword_text: str, index: LineIndex) -> tuple[list[Flag], int]:
    """Flags after the keyword; returns them and the logical index where the arguments start."""
    logical = raw.logical
    position = len(keyword_text)
    flags: list[Flag] = []
    keyword = keyword_text.upper()
    while True:
        while position < len(logical) and logical[position] in " \t":
            position += 1
        if keyword not in FLAGGED or not logical.startswith("--", position):
            break
        match = _FLAG.match(logical, position)
        if not match:
            break
        start = raw.file_offset(match.start())
        end = raw.file_offset(match.end() - 1) + 1 if match.end() > match.start() else start
        value_span = None
        if match.group(2):
            value_start = raw.file_offset(match.start(2))
            value_end = raw.file_offset(match.end(2) - 1) + 1
            if value_end - value_start == len(match.group(2)):  # no continuation inside the value
                value_span = index.span(value_start, value_end)
        flags.append(Flag(match.group(1).lower(), match.group(2), index.span(start, end), value_span))
        position = match.end()
    return flags, position


def json_arguments(arguments: str) -> tuple[str, ...] | None:
    """Exec form: a JSON array of strings, or None (shell form)."""
    stripped = arguments.strip()
    if not stripped.startswith("["):
        return None
    if _PLAIN_JSON_STRINGS.fullmatch(stripped):
        return tuple(_PLAIN_JSON_STRING.findall(stripped))
    return json_array(stripped)


def json_array(text: str) -> tuple[str, ...] | None:
    """`text` read by `json` as an array of strings, or None: the general path of `json_arguments`
    (escapes, `\\u` sequences), which imports `json` only when it runs."""
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None
