"""Inline pragmas: `# dflint: ignore=DF301,pip-cache` before an instruction (or on a comment line
inside a RUN continuation, for the command that follows), `# dflint: ignore-file[=…]` anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dflint.model import Dockerfile, ParseError
from dflint.rule import Finding

PRAGMA = re.compile(r"#\s*dflint\s*:\s*(ignore-file|ignore)\b\s*(?:=\s*([A-Za-z0-9_,\s-]*))?", re.IGNORECASE)


def _codes(text: str | None, line: int, errors: list[ParseError]) -> set[str] | None:
    """Rule codes named in a pragma; None means every rule."""
    if text is None or not text.strip():
        return None
    from dflint.registry import find

    codes: set[str] = set()
    for token in re.split(r"[,\s]+", text.strip()):
        if not token:
            continue
        rule = find(token)
        if rule is None:
            errors.append(ParseError(line, f"unknown rule '{token}' in a dflint pragma"))
            continue
        codes.add(rule.meta.code)
    return codes


def apply_pragmas(dockerfile: Dockerfile, findings: Iterable[Finding]) -> tuple[list[Finding], list[ParseError]]:
    findings = list(findings)
    errors: list[ParseError] = []
    file_codes: set[str] = set()
    file_all = False
    line_rules: list[tuple[int, int, set[str] | None]] = []  # (first line, last line, codes)
    for line, text in dockerfile.comments:
        match = PRAGMA.search(text)
        if not match:
            continue
        codes = _codes(match.group(2), line, errors)
        if match.group(1).lower() == "ignore-file":
            if codes is None:
                file_all = True
            else:
                file_codes |= codes
            continue
        scope = _scope(dockerfile, line)
        if scope is not None:
            line_rules.append((scope[0], scope[1], codes))
    if file_all:
        return [], errors
    kept: list[Finding] = []
    for finding in findings:
        if finding.code in file_codes:
            continue
        if any(first <= finding.span.line <= last and (codes is None or finding.code in codes) for first, last, codes in line_rules):
            continue
        kept.append(finding)
    return kept, errors


def _scope(dockerfile: Dockerfile, line: int) -> tuple[int, int] | None:
    """The lines a pragma on `line` covers: the next instruction, or inside a RUN continuation the
    command on the next line."""
    for instruction in dockerfile.instructions:
        span = instruction.span
        if span.line < line <= span.end_line:
            for command in instruction.commands:
                if command.span.line > line:
                    return command.span.line, command.span.end_line
            return None
        if span.line > line:
            return span.line, span.end_line
    return None
