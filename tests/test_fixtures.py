"""Every fixture under fixtures/<CODE>/ produces exactly the findings its `# expect:` markers name."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.testing import expected, found, lint_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    [p for p in FIXTURES.glob("DF*/*.Dockerfile")]
    + [p for p in FIXTURES.glob("DF*/*/Dockerfile") if p.parent.parent.parent == FIXTURES],
)
CASES = [p.parent if p.name == "Dockerfile" else p for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    code = path.parent.name
    result = lint_fixture(path, code)
    assert not result.errors, [str(e) for e in result.errors]
    assert found(result) == expected(path)


def test_every_rule_has_trigger_and_silent_fixtures() -> None:
    from dflint.registry import all_rules

    for rule in all_rules():
        cases = [p for p in CASES if p.parent.name == rule.meta.code]
        assert cases, f"{rule.meta.code} has no fixtures"
        assert any(expected(p) for p in cases), f"{rule.meta.code} has no fixture that triggers it"
        silent = [p for p in cases if _has_silent_instruction(p)]
        assert silent, f"{rule.meta.code} has no fixture with a case where it must stay silent"


def _has_silent_instruction(path: Path) -> bool:
    """A fixture counts as silent coverage when it is clean or holds instructions with no expectation."""
    from dflint.testing import fixture_dockerfile

    lines = fixture_dockerfile(path).read_text(encoding="utf-8").splitlines()
    marked = {line for (_, line, _) in expected(path)}
    instructions = [
        n
        for n, text in enumerate(lines, start=1)
        if text and not text.startswith(("#", " ", "\t")) and not text.upper().startswith("FROM")
    ]
    return any(n not in marked for n in instructions)
