"""The versioned JSON contract (docs/json-output.md, docs/json-output.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dflint import __version__
from dflint.engine import FileResult
from dflint.rule import Finding

VERSION = 1


def finding_object(finding: Finding) -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "title": finding.fix.title,
            "applicability": str(finding.fix.applicability),
            "edits": [{"start": edit.start, "end": edit.end, "replacement": edit.replacement} for edit in finding.fix.edits],
        }
    return {
        "file": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "code": finding.code,
        "name": finding.rule.name,
        "severity": str(finding.effective_severity),
        "message": finding.message,
        "savings_mb": finding.savings.mb if finding.savings is not None else None,
        "savings_source": finding.savings.source if finding.savings is not None else None,
        "fix": fix,
    }


def document(results: Sequence[FileResult]) -> dict[str, Any]:
    return {
        "version": VERSION,
        "tool": {"name": "dflint", "version": __version__},
        "findings": [finding_object(finding) for result in results for finding in result.findings],
        "errors": [{"file": error.path, "line": error.line, "message": error.message} for result in results for error in result.errors],
    }


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    return json.dumps(document(results), indent=2) + "\n"
