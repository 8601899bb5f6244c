"""Every rule documents itself, its examples behave as documented, and docs/ is up to date."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from dflint.engine import Settings, lint_source
from dflint.registry import all_rules
from dflint.ruledocs import REQUIRED, SECTIONS, dockerfile_blocks, expected_files, sections

ROOT = Path(__file__).resolve().parents[1]
RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.code)
def test_metadata(rule) -> None:  # type: ignore[no-untyped-def]
    meta = rule.meta
    assert re.fullmatch(r"DF\d{3}", meta.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta.name)
    assert meta.summary and not meta.summary.endswith(".")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.code)
def test_sections(rule) -> None:  # type: ignore[no-untyped-def]
    found = sections(rule.doc)
    for title in REQUIRED:
        assert found.get(title), f"{rule.meta.code} lacks '## {title}'"
    assert list(found) == [title for title in SECTIONS if title in found], "sections out of order or unknown"
    assert ("Fix safety" in found) == rule.meta.fixable
    assert "http" in found["References"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.code)
def test_examples_behave_as_documented(rule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = sections(rule.doc)
    # A rule that is silent until configured names the options its examples assume in EXAMPLE_OPTIONS.
    example_options = getattr(importlib.import_module(rule.module), "EXAMPLE_OPTIONS", None)
    rule_options = {rule.meta.code: example_options} if example_options is not None else {}
    settings = Settings(select=(rule.meta.code,), rule_options=rule_options)
    examples = dockerfile_blocks(found["Example"])
    fixes = dockerfile_blocks(found["Use instead"])
    assert examples and fixes
    _build_context(tmp_path, found["Example"])
    for example in examples:
        result = lint_source(example, "Dockerfile", settings, [rule], str(tmp_path))
        assert any(f.code == rule.meta.code for f in result.findings), f"Example does not trigger {rule.meta.code}:\n{example}"
    _build_context(tmp_path, found["Use instead"])
    for fixed in fixes:
        result = lint_source(fixed, "Dockerfile", settings, [rule], str(tmp_path))
        assert not result.findings, f"'Use instead' triggers {rule.meta.code}:\n{fixed}"


def _build_context(directory: Path, section: str) -> None:
    """A section's ```dockerignore block, if it has one, is the .dockerignore of its examples' context."""
    ignore = directory / ".dockerignore"
    blocks = re.findall(r"```dockerignore\n(.*?)```", section, re.DOTALL)
    if blocks:
        ignore.write_text(blocks[0], encoding="utf-8")
    elif ignore.exists():
        ignore.unlink()


def test_generated_docs_are_current() -> None:
    for path, text in expected_files(ROOT).items():
        assert path.exists() and path.read_text(encoding="utf-8") == text, f"{path} is stale: run `python -m dflint.ruledocs`"
