"""Inline pragmas.

- `# dflint: ignore=DF301,pip-cache` on a comment line covers the next instruction; on a comment line
  inside a RUN continuation it covers the command that follows; at the end of a RUN line (a shell
  comment) it covers the commands on that line.
- `# dflint: ignore` (no list) covers every rule there; `# dflint: ignore-stage[=…]` covers the stage
  whose FROM follows it; `# dflint: ignore-file[=…]` anywhere covers the whole file.
- `# noqa: DF401,DF301` at the end of a RUN line (a shell comment there) is an alias of the trailing
  `# dflint: ignore=…`: ruff's and flake8's habit. Tokens that name no dflint rule (`# noqa: E501`,
  another tool's) are left alone; a `DF`-shaped unknown token is kept so that DF691 reports it. A bare
  `# noqa` is not a pragma, and neither is `# noqa` after any other instruction, where Docker reads
  `#` as part of the arguments, not as a comment.
- hadolint's `# hadolint ignore=DL3008`, `# hadolint global ignore=…` and `# hadolint stage ignore=…`
  are honoured for the hadolint rules that have a dflint equivalent (`dflint/data/hadolint_map.json`).

Codes and rule names are separated by commas (spaces around them allowed); text after the list,
separated by a space, is a free-form reason: `# dflint: ignore=DF301 the cache is a mount here`.
Unknown codes and malformed pragmas are not dropped silently: they are kept on the `Suppression`
for the rules that report them.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from typing import cast

from dflint.model import Dockerfile, Instruction, Span, Suppression, SuppressionCode
from dflint.positions import LineIndex, line_index
from dflint.rule import Finding

_DFLINT = re.compile(r"#\s*dflint\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_DFLINT_VERB = re.compile(r"(?P<verb>ignore-file|ignore-stage|ignore)(?![\w-])\s*(?P<equals>=\s*)?", re.IGNORECASE)
_HADOLINT = re.compile(r"#\s*hadolint\s+(?:(?P<where>global|stage)\s+)?ignore\s*=\s*", re.IGNORECASE)
MAX_SUGGESTIONS = 100  # unknown codes in one file that get a close known code suggested
_TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_CODE_SHAPE = re.compile(r"[A-Za-z]+\d+")
_TRAILING = re.compile(r"(?:^|(?<=\s))#\s*(?:dflint|noqa)\s*:", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*", re.IGNORECASE)


def read_pragmas(dockerfile: Dockerfile) -> tuple[Suppression, ...]:
    """Every pragma in the file, in line order, with its scope and its codes resolved."""
    candidates = [(line, text) for line, text in dockerfile.comments if "dflint" in text.lower() or "hadolint" in text.lower()]
    trailing = [
        instruction
        for instruction in dockerfile.instructions
        if _is_run(instruction) and ("dflint" in instruction.text.lower() or "noqa" in instruction.text.lower())
    ]
    if not candidates and not trailing:
        return ()
    index = line_index(dockerfile.text)
    found: list[Suppression] = []
    suggestions = [MAX_SUGGESTIONS]  # unknown codes still given a "did you mean" (difflib is slow)
    for line, text in candidates:
        offset = index.line_start(line)
        stripped = text.lstrip()
        start = offset + len(text) - len(stripped)
        suppression = _read(dockerfile, stripped, start, index, line, whole_line=True, suggestions=suggestions)
        if suppression is not None:
            found.append(suppression)
    comment_lines = {line for line, _ in dockerfile.comments}
    for instruction in trailing:
        found.extend(_trailing(dockerfile, instruction, index, comment_lines, suggestions))
    return tuple(sorted(found, key=lambda s: (s.span.line, s.span.column)))


def _is_run(instruction: Instruction) -> bool:
    return instruction.keyword == "RUN" or (instruction.onbuild is not None and instruction.onbuild.keyword == "RUN")


def _trailing(
    dockerfile: Dockerfile, instruction: Instruction, index: LineIndex, comment_lines: set[int], suggestions: list[int]
) -> Iterable[Suppression]:
    """Pragmas in shell comments at the end of a RUN's lines: each covers the commands on its line."""
    heredoc_lines = {n for heredoc in instruction.heredocs for n in range(heredoc.body_span.line, heredoc.body_span.end_line + 1)}
    commands = instruction.commands or (instruction.onbuild.commands if instruction.onbuild is not None else ())
    text = dockerfile.text
    for number in range(instruction.span.line, instruction.span.end_line + 1):
        if number in comment_lines or number in heredoc_lines:
            continue
        line_start = index.line_start(number)
        line_end = text.find("\n", line_start)
        line_text = text[line_start : line_end if line_end != -1 else len(text)].rstrip("\r")
        skip = instruction.span.column - 1 if number == instruction.span.line else 0
        match = _TRAILING.search(line_text, skip)
        if match is None:
            continue
        suppression = _read(
            dockerfile,
            line_text[match.start() :],
            line_start + match.start(),
            index,
            number,
            whole_line=False,
            suggestions=suggestions,
        )
        if suppression is None:
            continue
        if suppression.scope == "line":
            covering = [command.span.line for command in commands if command.span.line <= number <= command.span.end_line]
            suppression = dataclasses.replace(suppression, lines=(min([*covering, number]), number))
        yield suppression


def _read(
    dockerfile: Dockerfile, text: str, start: int, index: LineIndex, line: int, *, whole_line: bool, suggestions: list[int]
) -> Suppression | None:
    """One pragma from a comment's text (starting at its `#`, file offset `start`), or None."""
    span = index.span(start, start + len(text))
    match = _DFLINT.match(text)
    if match is not None:
        rest_start = match.start("rest")
        verb = _DFLINT_VERB.match(text, rest_start)
        if verb is None:
            word_match = re.match(r"[^\s=,]+", text[rest_start:])
            word = word_match.group() if word_match else ""
            problem = (
                f"unknown dflint pragma '{word}' (expected `ignore=CODES`, `ignore-stage[=CODES]` or `ignore-file[=CODES]`)"
                if word
                else "empty dflint pragma (expected `ignore=CODES`, `ignore-stage[=CODES]` or `ignore-file[=CODES]`)"
            )
            return Suppression("dflint", "invalid", span, (), None, problem=problem, whole_line=whole_line)
        verb_name = verb.group("verb").lower()
        is_file = verb_name == "ignore-file"
        codes: tuple[SuppressionCode, ...] = ()
        if verb.group("equals") is not None:
            codes = tuple(_codes(text, verb.end(), start, index, hadolint=False, suggestions=suggestions))
            if not codes:
                return Suppression(
                    "dflint",
                    "invalid",
                    span,
                    (),
                    None,
                    problem="a pragma with `=` needs at least one rule code or name",
                    whole_line=whole_line,
                )
        elif text[verb.end() :].strip() and not text[verb.end() - 1].isspace():
            return Suppression("dflint", "invalid", span, (), None, problem=f"cannot read '{text}'", whole_line=whole_line)
        if is_file:
            return Suppression("dflint", "file", span, codes, None, whole_line=whole_line)
        if verb_name == "ignore-stage":
            return Suppression("dflint", "stage", span, codes, _stage_scope(dockerfile, line), whole_line=whole_line)
        return Suppression("dflint", "line", span, codes, _next_scope(dockerfile, line), whole_line=whole_line)
    noqa = _NOQA.match(text)
    if noqa is not None:
        if whole_line:
            return None
        kept = tuple(
            code
            for code in _codes(text, noqa.end(), start, index, hadolint=False, suggestions=suggestions)
            if code.code is not None or code.token.upper().startswith("DF")
        )
        return Suppression("dflint", "line", span, kept, _next_scope(dockerfile, line), whole_line=False) if kept else None
    match = _HADOLINT.match(text)
    if match is None or not whole_line:
        return None
    codes = tuple(_codes(text, match.end(), start, index, hadolint=True, suggestions=suggestions))
    where = (match.group("where") or "").lower()
    if where == "global":
        return Suppression("hadolint", "file", span, codes, None)
    if where == "stage":
        return Suppression("hadolint", "stage", span, codes, _stage_scope(dockerfile, line))
    return Suppression("hadolint", "line", span, codes, _next_scope(dockerfile, line))


def _codes(
    text: str, position: int, start: int, index: LineIndex, *, hadolint: bool, suggestions: list[int]
) -> Iterable[SuppressionCode]:
    """Comma-separated tokens from `position`. After plain whitespace (no comma), a token that is not
    code-shaped starts the free-form reason and ends the list."""
    after_comma = True
    while True:
        token = _TOKEN.match(text, position)
        if token is None:
            return
        word = token.group()
        if not after_comma and not _CODE_SHAPE.fullmatch(word):
            return
        yield _resolve(word, index.span(start + token.start(), start + token.end()), hadolint, suggestions)
        end = token.end()
        position = _skip_blanks(text, end)  # positions, not slices: a pragma of 10,000 codes stays linear
        if text.startswith(",", position):
            after_comma = True
            position = _skip_blanks(text, position + 1)
        elif position == end or position == len(text):
            return
        else:
            after_comma = False


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _resolve(token: str, span: Span, hadolint: bool, suggestions: list[int]) -> SuppressionCode:
    if hadolint:
        from dflint.hadolint import equivalents

        codes = equivalents(token)
        return SuppressionCode(token, ",".join(codes) if codes else None, span)
    from dflint.registry import find

    rule = find(token)
    if rule is not None:
        return SuppressionCode(token, rule.meta.code, span)
    if suggestions[0] <= 0:
        return SuppressionCode(token, None, span)
    suggestions[0] -= 1
    return SuppressionCode(token, None, span, _suggest(token))


@lru_cache(maxsize=1024)
def _suggest(token: str) -> str | None:
    import difflib

    lowered = _known_keys()
    if token.lower().replace("o", "0") in lowered:  # DF3O1: a letter O for a zero
        return lowered[token.lower().replace("o", "0")]
    close = difflib.get_close_matches(token.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None


@cache
def _known_keys() -> dict[str, str]:
    """Every rule code and name, lower-cased → as written."""
    from dflint.registry import all_rules

    return {key.lower(): key for rule in all_rules() for key in (rule.meta.code, rule.meta.name)}


def _next_scope(dockerfile: Dockerfile, line: int) -> tuple[int, int] | None:
    """The lines a pragma on `line` covers: the next instruction, or inside a RUN continuation the
    command on the next line. Found by bisection: a file with thousands of pragmas stays linear."""
    instructions = dockerfile.instructions
    if ("instruction lines", None) not in dockerfile.memo:
        dockerfile.memo[("instruction lines", None)] = [instruction.span.line for instruction in instructions]
    starts = cast("list[int]", dockerfile.memo[("instruction lines", None)])
    inside = bisect.bisect_left(starts, line) - 1  # the last instruction starting above the pragma
    if inside >= 0 and line <= instructions[inside].span.end_line:
        for command in instructions[inside].commands:
            if command.span.line > line:
                return command.span.line, command.span.end_line
        return None
    after = bisect.bisect_right(starts, line)
    if after < len(instructions):
        return instructions[after].span.line, instructions[after].span.end_line
    return None


def _stage_scope(dockerfile: Dockerfile, line: int) -> tuple[int, int] | None:
    """hadolint's `stage ignore`: the stage whose FROM follows the pragma, to its last instruction."""
    for stage in dockerfile.stages:
        start = stage.from_instruction.span.line
        if start > line:
            last = stage.instructions[-1].span.end_line if stage.instructions else stage.from_instruction.span.end_line
            return start, last
    return None


def _codes_of(suppression: Suppression) -> set[str] | None:
    """The dflint codes a pragma covers: None for every rule; hadolint tokens may map to several."""
    if not suppression.codes:
        return None
    return {code for item in suppression.codes if item.code for code in item.code.split(",")}


def covers(suppression: Suppression, finding: Finding) -> bool:
    if suppression.scope == "invalid":
        return False
    codes = _codes_of(suppression)
    if codes is not None and finding.code not in codes:
        return False
    if suppression.scope == "file":
        return True
    return suppression.lines is not None and suppression.lines[0] <= finding.span.line <= suppression.lines[1]


class _Pragmas:
    """The pragmas of a file, indexed by the lines they cover, so that each finding is checked
    against the few that may cover it rather than all of them."""

    _NARROW = 64  # a scope of at most this many lines is indexed line by line

    def __init__(self, suppressions: Sequence[Suppression]) -> None:
        self.everywhere: list[int] = []  # file pragmas, and scopes too wide to index by line
        self.by_line: dict[int, list[int]] = {}
        self.codes = [_codes_of(suppression) for suppression in suppressions]
        self.suppressions = suppressions
        for position, suppression in enumerate(suppressions):
            if suppression.scope == "invalid":
                continue
            lines = suppression.lines
            if suppression.scope == "file" or lines is None or lines[1] - lines[0] > self._NARROW:
                self.everywhere.append(position)
                continue
            for line in range(lines[0], lines[1] + 1):
                self.by_line.setdefault(line, []).append(position)

    def covering(self, finding: Finding) -> Iterator[int]:
        """Positions of the pragmas that cover `finding`, in order."""
        candidates = sorted(self.everywhere + self.by_line.get(finding.span.line, []))
        for position in candidates:
            codes = self.codes[position]
            if codes is not None and finding.code not in codes:
                continue
            if self.suppressions[position].scope == "file" or _within(self.suppressions[position], finding):
                yield position


def _within(suppression: Suppression, finding: Finding) -> bool:
    return suppression.lines is not None and suppression.lines[0] <= finding.span.line <= suppression.lines[1]


def apply_pragmas(suppressions: Sequence[Suppression], findings: Iterable[Finding]) -> list[Finding]:
    """The findings no pragma covers."""
    if not suppressions:
        return list(findings)
    pragmas = _Pragmas(suppressions)
    return [finding for finding in findings if next(pragmas.covering(finding), None) is None]


def mark_used(suppressions: Sequence[Suppression], findings: Iterable[Finding]) -> tuple[Suppression, ...]:
    """Each pragma with `used`: the codes of the findings it covers."""
    pragmas = _Pragmas(suppressions)
    used: list[set[str]] = [set() for _ in suppressions]
    for finding in findings:
        for position in pragmas.covering(finding):
            used[position].add(finding.code)
    return tuple(dataclasses.replace(suppression, used=frozenset(codes)) for suppression, codes in zip(suppressions, used))


def named_codes(suppressions: Sequence[Suppression]) -> set[str] | None:
    """Every code the dflint pragmas name (None when one names no code, i.e. covers every rule)."""
    named: set[str] = set()
    for suppression in suppressions:
        if suppression.source != "dflint" or suppression.scope == "invalid":
            continue
        codes = _codes_of(suppression)
        if codes is None:
            return None
        named |= codes
    return named
