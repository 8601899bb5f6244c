"""Before/after fixtures: `fixtures/<CODE>/<case>.Dockerfile` + `<case>.Dockerfile.fixed` (or
`<case>/Dockerfile` + `<case>/Dockerfile.fixed`). `--fix --unsafe-fixes` restricted to CODE must
turn the first into exactly the bytes of the second, and fixing the result again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.engine import lint_source
from dflint.fix import fix_source
from dflint.registry import all_rules, find
from dflint.source import decode
from dflint.testing import fix_fixture, fixed_fixture, fixture_dockerfile, lint_fixture, settings_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(
    [p for p in FIXTURES.glob("DF*/*.Dockerfile")]
    + [p.parent for p in FIXTURES.glob("DF*/*/Dockerfile") if p.parent.parent.parent == FIXTURES]
)
PAIRS = [case for case in CASES if fixed_fixture(case).is_file()]


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", PAIRS, ids=_id)
def test_fix_gives_the_expected_file(path: Path) -> None:
    code = path.parent.name
    outcome = fix_fixture(path, code)
    assert not outcome.result.errors, [str(e) for e in outcome.result.errors]
    expected = fixed_fixture(path).read_bytes()
    assert outcome.applied, f"{_id(path)}: no fix applies, so a .fixed file is pointless"
    assert outcome.fixed_bytes().decode("utf-8") == expected.decode("utf-8")  # readable diff on failure
    assert outcome.fixed_bytes() == expected  # and byte for byte: BOM, CRLF, final newline


@pytest.mark.parametrize("path", PAIRS, ids=_id)
def test_fixing_the_fixed_file_changes_nothing(path: Path) -> None:
    code = path.parent.name
    settings = settings_for(path, code)
    rule = find(code)
    assert rule is not None
    text = decode(str(fixed_fixture(path)), fixed_fixture(path).read_bytes())
    context = str(fixture_dockerfile(path).parent)
    again = fix_source(text, str(fixed_fixture(path)), settings, [rule], context, unsafe=True)
    assert not again.applied and again.fixed == text
    before = lint_fixture(path, code).findings
    after = lint_source(text, "Dockerfile", settings, [rule], context).findings
    # A fix's finding counts once: a merge fix and the cleanup appended to the merged RUN in the next
    # pass fix the same finding (same place), so count distinct positions among the findings before.
    fixed_here = {(f.code, f.span) for f in fix_fixture(path, code).applied} & {(f.code, f.span) for f in before}
    assert len(after) <= len(before) - len(fixed_here)


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_only_fixable_rules_offer_fixes(path: Path) -> None:
    for finding in lint_fixture(path, path.parent.name).findings:
        assert finding.fix is None or finding.rule.fixable, f"{finding.code} offers a fix but its META says fixable=False"
        if finding.fix is not None:
            assert finding.fix.edits and finding.fix.title and not finding.fix.title.endswith(".")


def test_every_fixable_rule_has_a_before_after_fixture() -> None:
    missing = [
        rule.meta.code for rule in all_rules() if rule.meta.fixable and not any(p.parent.name == rule.meta.code for p in PAIRS)
    ]
    assert not missing, f"fixable rules without a fixtures/<CODE>/<case>.Dockerfile.fixed: {', '.join(missing)}"


def test_every_fixed_file_has_its_fixture() -> None:
    orphans = [
        p for p in FIXTURES.glob("DF*/**/*.fixed") if not fixture_dockerfile(p.with_name(p.name[: -len(".fixed")])).is_file()
    ]
    assert not orphans, orphans
