"""Which findings matter most: estimated savings, counted once, largest first.

Two rules can price the same thing (DF201 reports `build-essential`, DF101 names it as the largest
build tool of a single-stage image; both carry the same estimate from the same data entry): an
estimate is counted once per file, keyed by its source and size. Estimates of different packages
can still share dependencies (`build-essential` pulls `g++`), so they are listed, never added up.
An estimate made of others (`Savings.parts`: one DF201 finding for the build tools of one install
command) counts as those parts: it is left out when every part was already counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dflint.rule import Finding

BIGGEST_WINS = 5


def biggest_wins(findings: Iterable[Finding], limit: int = BIGGEST_WINS) -> list[Finding]:
    """The findings with the largest savings, each estimate counted once per file, largest first."""
    seen: set[tuple[str, str, float]] = set()
    unique: list[Finding] = []
    for finding in sorted(findings, key=_by_impact):
        if finding.savings is None or finding.savings.mb < 1:  # below a megabyte is not a win worth listing
            continue
        keys = {(finding.path, part.source, part.mb) for part in finding.savings.parts or (finding.savings,)}
        if keys <= seen:
            continue
        seen |= keys
        unique.append(finding)
    return unique[:limit]


def by_impact(findings: Sequence[Finding]) -> list[Finding]:
    """Largest estimated savings first, then the most severe, then by position."""
    return sorted(findings, key=_by_impact)


def _by_impact(finding: Finding) -> tuple[float, int, str, int, int, str]:
    megabytes = finding.savings.mb if finding.savings is not None else 0.0
    return (-megabytes, -int(finding.effective_severity), finding.path, finding.span.line, finding.span.column, finding.code)
