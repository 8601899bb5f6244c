"""Every rule fixture's whole findings, pinned with syrupy: code, start and end, severity, message,
detail, savings and fix edits. A change to any of them shows up as a diff of
`tests/__snapshots__/test_snapshots.ambr` in review.

After an intended change (a reworded message, a new finding), regenerate the snapshots with one
command and review the diff:

    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from dflint.rule import Finding
from dflint.testing import lint_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    [p for p in FIXTURES.glob("DF*/*.Dockerfile")] + [p.parent for p in FIXTURES.glob("DF*/*/Dockerfile")],
)


def _pinned(finding: Finding, text: str) -> dict[str, Any]:
    span = finding.span
    pinned: dict[str, Any] = {
        "code": finding.code,
        "start": f"{span.line}:{span.column}",
        "end": f"{span.end_line}:{span.end_column}",
        "severity": str(finding.effective_severity),
        "message": finding.message,
        "detail": finding.detail,
    }
    if finding.savings is not None:
        pinned["savings_mb"] = finding.savings.mb
    if finding.fix is not None:
        pinned["fix"] = {
            "title": finding.fix.title,
            "applicability": str(finding.fix.applicability),
            "edits": [{"replace": text[edit.start : edit.end], "with": edit.replacement} for edit in finding.fix.edits],
        }
    return pinned


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings(path: Path, snapshot: SnapshotAssertion) -> None:
    result = lint_fixture(path, path.parent.name)
    assert not result.errors, [str(error) for error in result.errors]
    assert result.dockerfile is not None
    text = result.dockerfile.text  # the decoded file (BOM dropped, line endings kept): what edit offsets count in
    assert [_pinned(finding, text) for finding in result.findings] == snapshot


def test_every_rule_has_a_snapshot() -> None:
    from dflint.registry import all_rules

    covered = {path.parent.name for path in CASES}
    assert {rule.meta.code for rule in all_rules()} <= covered
