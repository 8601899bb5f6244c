"""The fix-safety documentation convention.

A fixable rule's `## Fix safety` section says "safe" or "unsafe" for every safety level its fixes
actually have on its examples and fixtures, and why (usually it opens with `Safe:` or `Unsafe:`;
a rule whose fixes differ by case says which case gets which). Its `## Example` is fixable, so that
the generated page (`docs/rules/<CODE>.md`) shows the fix as a diff. A rule that is not fixable
offers no fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dflint.engine import Settings, lint_source
from dflint.registry import Rule, all_rules
from dflint.rule import Applicability
from dflint.ruledocs import dockerfile_blocks, fix_preview, sections
from dflint.testing import lint_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RULES = all_rules()
FIXABLE = [rule for rule in RULES if rule.meta.fixable]


def _applicabilities(rule: Rule) -> set[Applicability]:
    code = rule.meta.code
    found: set[Applicability] = set()
    for block in dockerfile_blocks(sections(rule.doc).get("Example", "")):
        for finding in lint_source(block, "Dockerfile", Settings(select=(code,)), [rule], None).findings:
            if finding.fix is not None:
                found.add(finding.fix.applicability)
    cases = [*sorted((FIXTURES / code).glob("*.Dockerfile")), *sorted(p.parent for p in (FIXTURES / code).glob("*/Dockerfile"))]
    for case in cases:
        for finding in lint_fixture(case, code).findings:
            if finding.fix is not None and finding.code == code:
                found.add(finding.fix.applicability)
    return found


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.meta.code)
def test_fix_safety_names_the_safety_of_every_fix(rule: Rule) -> None:
    text = sections(rule.doc)["Fix safety"]
    found = _applicabilities(rule)
    assert found, f"{rule.meta.code} is fixable but neither its Example nor its fixtures get a fix"
    if Applicability.UNSAFE in found:
        assert re.search(r"\bunsafe\b", text, re.IGNORECASE), f"{rule.meta.code} offers unsafe fixes; say when and why"
    if Applicability.SAFE in found:
        assert re.search(r"\bsafe\b", text, re.IGNORECASE), f"{rule.meta.code} offers safe fixes; say why they are safe"


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda r: r.meta.code)
def test_the_example_shows_the_fix(rule: Rule) -> None:
    preview = fix_preview(rule, sections(rule.doc)["Example"])
    assert "```diff\n@@" in preview, f"{rule.meta.code}: no fix applies to the Example, so its page cannot show one"


@pytest.mark.parametrize("rule", [rule for rule in RULES if not rule.meta.fixable], ids=lambda r: r.meta.code)
def test_a_rule_that_is_not_fixable_offers_no_fix(rule: Rule) -> None:
    for block in dockerfile_blocks(sections(rule.doc).get("Example", "")):
        for finding in lint_source(block, "Dockerfile", Settings(select=(rule.meta.code,)), [rule], None).findings:
            assert finding.fix is None, f"{rule.meta.code} offers a fix but META says fixable=False"
