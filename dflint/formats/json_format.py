"""The versioned JSON contract (docs/json-output.md, docs/json-output.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dflint import __version__
from dflint.engine import FileResult
from dflint.fix import adapt_newlines, newline_of
from dflint.positions import LineIndex, line_index
from dflint.rule import Edit, Finding

VERSION = 1


def edit_object(edit: Edit, index: LineIndex | None = None, newline: str = "\n") -> dict[str, Any]:
    """An edit: offsets and the exact text to insert (with the file's line endings); 1-based
    line/column positions (end exclusive) when the text is known."""
    obj: dict[str, Any] = {"start": edit.start, "end": edit.end, "replacement": adapt_newlines(edit.replacement, newline)}
    if index is not None and 0 <= edit.start <= edit.end <= index.length:
        span = index.span(edit.start, edit.end)
        obj.update(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column)
    return obj


def finding_object(finding: Finding, index: LineIndex | None = None, newline: str = "\n") -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "title": finding.fix.title,
            "applicability": str(finding.fix.applicability),
            "edits": [edit_object(edit, index, newline) for edit in finding.fix.edits],
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
        "detail": finding.detail,
        "savings_mb": finding.savings.mb if finding.savings is not None else None,
        "savings_source": finding.savings.source if finding.savings is not None else None,
        "fix": fix,
        "also": [
            {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}
            for span in finding.also
        ],
    }


def document(results: Sequence[FileResult]) -> dict[str, Any]:
    return {
        "version": VERSION,
        "tool": {"name": "dflint", "version": __version__},
        "findings": [
            finding_object(finding, *positions)
            for result, positions in ((result, _index(result)) for result in results)  # once per file, not per finding
            for finding in result.findings
        ],
        "errors": [
            {"file": error.path, "line": error.line, "message": error.message} for result in results for error in result.errors
        ],
        "files": [file_object(result) for result in results],
    }


def file_object(result: FileResult) -> dict[str, Any]:
    """A linted file, the build context it was linted with (`null` when none was chosen), what the
    image is for, which decides the rules that ran (`null` when the file was not linted), the
    header comment that says the file is generated (`null`: written by hand), and, only when the
    file is an earlier release kept beside a later one, the later release's Dockerfile."""
    context = result.context
    entry: dict[str, Any] = {
        "file": result.path,
        "context": context.directory if context is not None else None,
        "context_source": context.source if context is not None else None,
        "context_reason": context.reason if context is not None else None,
        "purpose": result.purpose.kind if result.purpose is not None else None,
        "purpose_evidence": result.purpose.evidence if result.purpose is not None else None,
        "generated": result.generated.evidence if result.generated is not None else None,
    }
    if context is not None and context.platform is not None:  # only where the repository builds it for another platform
        entry["target_platform"] = context.platform
        entry["target_platform_reason"] = context.platform_reason
    if result.superseded_by is not None:  # only for an earlier release's copy
        entry["superseded_by"] = result.superseded_by.later_path
        entry["release"] = result.superseded_by.release
        entry["superseded_release"] = result.superseded_by.later_release
        entry["superseded_included"] = result.superseded_included
    if result.purpose is not None and result.purpose.platform is not None:  # only where the file names one
        entry["platform"] = result.purpose.platform
        entry["platform_evidence"] = result.purpose.platform_evidence
    if result.hadolint is not None:  # only where a hadolint configuration turned rules off
        entry["hadolint_config"] = result.hadolint.path
        entry["hadolint_ignored"] = _hadolint_ignored(result)
    return entry


def _hadolint_ignored(result: FileResult) -> dict[str, list[str]]:
    """Each hadolint code the repository's hadolint configuration ignores → the dflint rules not run for it."""
    from dflint.hadolint import equivalents

    assert result.hadolint is not None

    return {code: list(equivalents(code)) for code in result.hadolint.ignored}


def _index(result: FileResult) -> tuple[LineIndex | None, str]:
    """Positions and line ending of a file's text, when one of its findings carries a fix."""
    if result.text is None or not any(finding.fix is not None for finding in result.findings):
        return None, "\n"
    return line_index(result.text), newline_of(result.text)


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    return json.dumps(document(results), indent=2) + "\n"
