"""One finding for one decision written in several places.

Some problems are one decision however many times they are written: the five `pip install`s of a
stage that keep pip's cache are fixed by `--no-cache-dir` on each (or `PIP_NO_CACHE_DIR` once), the
same `--trusted-host` in three RUNs is one choice of mirror. A rule reports each place on its own and
names the decision (`Finding.group`); after the pragmas are applied, the engine makes the places of
one decision one finding, on the first of them: its message says how many more there are, its
detail names their lines, its fix makes every edit (places whose fixes differ in safety, or that
have none, are separate findings, so `--fix` still fixes what it fixed place by place), its estimate
counts each part once, and
`Finding.also` keeps the other places (JSON `also`, SARIF related locations, the language server's
related information). A pragma on one place removes that place only, since pragmas are applied
first; each place is a place a pragma is used at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dflint.rule import Finding, Fix, Savings, approx_mb

if TYPE_CHECKING:
    from dflint.engine import FileResult

_SHOWN_LINES = 5


def merge_groups(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with the findings of each group (same file, rule and `group`) made one."""
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    result: list[Finding] = []
    for finding in findings:
        if finding.group is None:
            result.append(finding)
            continue
        # places with a fix of one safety and places without one stay apart: a merged fix edits every
        # place, and `--fix` (safe fixes only) must still fix what it fixed place by place
        safety = str(finding.fix.applicability) if finding.fix is not None else ""
        key = (finding.path, finding.code, f"{finding.group.key}\0{safety}")
        if key not in grouped:
            grouped[key] = []
        grouped[key].append(finding)
    for members in grouped.values():
        result.append(members[0] if len(members) == 1 else _merged(sorted(members, key=Finding.sort_key)))
    return result


def _merged(members: list[Finding]) -> Finding:
    first, others = members[0], members[1:]
    assert first.group is not None
    where = first.group.where
    unit = f" {_plural(first.group.unit) if len(others) > 1 else first.group.unit}" if first.group.unit else ""
    savings = _merged_savings(members)
    # the places together save more than the first says: the message gives the whole, as the
    # biggest-wins summary does, so that its numbers and the estimate agree
    unknown = any(member.savings is None for member in members)  # then the whole is a lower bound
    total = (
        (f", at least {savings.mb:.0f} MB" if unknown else f", {approx_mb(savings.mb)} in all")
        if savings is not None and (first.savings is None or round(savings.mb) > round(first.savings.mb))
        else ""
    )
    # with the whole given, the scope is left to the head ("… in stage 0") and the detail, to keep it short
    count = f" (and {len(others)} more{unit}{total})" if total else f" (and {len(others)} more{unit} in {where})"
    head, separator, action = first.message.partition("; ")
    message = f"{head}{count}{separator}{action}"
    numbers = list(dict.fromkeys(other.span.line for other in others))
    shown = ", ".join(str(number) for number in numbers[:_SHOWN_LINES]) + (", …" if len(numbers) > _SHOWN_LINES else "")
    same = f"the same holds on {'line' if len(numbers) == 1 else 'lines'} {shown} in {where}"
    if total or first.group.named:  # what the other places hold, which the first one's text does not say
        heads = list(dict.fromkeys(other.message.partition("; ")[0] for other in others))
        same += f": {'; '.join(heads[:_SHOWN_LINES])}{'; …' if len(heads) > _SHOWN_LINES else ''}{total}"
    detail = f"{first.detail or first.message}; {same}"
    return dataclasses.replace(
        first,
        message=message,
        detail=detail,
        fix=_merged_fix(members),
        savings=savings,
        also=tuple(other.span for other in others),
    )


def _plural(noun: str) -> str:
    """`install` → `installs`, `copy` → `copies`."""
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def _merged_fix(members: list[Finding]) -> Fix | None:
    """Every place's edits, as one fix. The places of a group share their fixes' safety, or have none
    (`merge_groups` keys them so)."""
    first = members[0].fix
    if first is None:
        return None
    edits = tuple(sorted({edit for member in members if member.fix for edit in member.fix.edits}))
    merges = tuple(sorted({index for member in members if member.fix for index in member.fix.merges}))
    return Fix(first.title, edits, first.applicability, merges)


def _merged_savings(members: list[Finding]) -> Savings | None:
    """The places' estimates, each part counted once (two installs of one wheel keep one copy), and
    of the closures, which share dependencies, only the largest."""
    parts: dict[tuple[float, str], Savings] = {}
    for member in members:
        if member.savings is None:
            continue
        for part in member.savings.parts or (member.savings,):
            parts.setdefault((part.mb, part.source), part)
    if not parts:
        return None
    closures = [part for part in parts.values() if part.overlaps]
    # closures share dependencies: the largest stands for all of them (a floor), as within one place
    values = tuple(
        ([max(closures, key=lambda part: part.mb)] if closures else []) + [p for p in parts.values() if not p.overlaps]
    )
    if len(values) == 1:
        return values[0]
    return Savings(round(sum(part.mb for part in values), 1), "; ".join(part.source for part in values), values)


def merge_shared(results: Sequence[FileResult]) -> list[FileResult]:
    """A run's results with each decision about a shared file told once: the findings of one rule that
    ask the same edit of the same file outside the Dockerfiles (`Finding.shared_file`: the context's
    `.dockerignore`, which LocalAI's ten backend Dockerfiles share) are kept on the first Dockerfile
    that gives one, whose detail names the others; the others drop them. A run over one Dockerfile
    keeps its findings."""
    first: dict[tuple[str, str, str], tuple[int, int]] = {}  # decision → (result, finding) that tells it
    others: dict[tuple[int, int], list[str]] = {}
    dropped: set[tuple[int, int]] = set()
    for position, result in enumerate(results):
        for index, finding in enumerate(result.findings):
            if finding.shared_file is None or finding.group is None:
                continue
            key = (finding.code, finding.shared_file, finding.group.key)
            if key not in first:
                first[key] = (position, index)
            elif first[key][0] != position:
                others.setdefault(first[key], []).append(result.path)
                dropped.add((position, index))
    if not dropped:
        return list(results)
    merged: list[FileResult] = []
    for position, result in enumerate(results):
        findings = []
        for index, finding in enumerate(result.findings):
            if (position, index) in dropped:
                continue
            paths = list(dict.fromkeys(others.get((position, index), ())))
            if paths:
                shown = ", ".join(paths[:_SHOWN_LINES]) + (", …" if len(paths) > _SHOWN_LINES else "")
                count = f"{len(paths)} more Dockerfile{'s' if len(paths) > 1 else ''}"
                finding = dataclasses.replace(
                    finding,
                    detail=f"{finding.detail or finding.message}; the same holds for {count} of this run: {shown}",
                )
            findings.append(finding)
        merged.append(dataclasses.replace(result, findings=tuple(findings)))
    return merged
