"""Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, SonarQube importers and many CI plugins.

`<checkstyle version="4.3"><file name="PATH"><error line= column= severity= message= source=/>`;
severities map to checkstyle's `error`, `warning` and `info`; `source` is `dflint.CODE.name`.
Input errors are `error` entries with source `dflint.input-error`.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from dflint.engine import FileResult
from dflint.formats._common import report_path
from dflint.rule import Severity

SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info", Severity.STYLE: "info"}


def _attributes(values: dict[str, object]) -> str:
    return " ".join(f"{key}={quoteattr(_clean(str(value)))}" for key, value in values.items())


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(char if char in "\t\n\r" or ord(char) >= 0x20 else "\ufffd" for char in text)


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    files: dict[str, list[str]] = {}
    for result in results:
        for finding in result.findings:
            path = report_path(finding.path or result.path)
            entry = {
                "line": finding.span.line,
                "column": finding.span.column,
                "severity": SEVERITIES[finding.effective_severity],
                "message": finding.message,
                "source": f"dflint.{finding.code}.{finding.rule.name}",
            }
            files.setdefault(path, []).append(f"    <error {_attributes(entry)}/>")
        for error in result.errors:
            path = report_path(error.path)
            entry = {"line": max(error.line, 1), "severity": "error", "message": error.message, "source": "dflint.input-error"}
            files.setdefault(path, []).append(f"    <error {_attributes(entry)}/>")
        if not result.findings and not result.errors:
            files.setdefault(report_path(result.path), [])
    for path, entries in files.items():
        lines.append(f"  <file name={quoteattr(_clean(path))}>")
        lines.extend(entries)
        lines.append("  </file>")
    lines.append("</checkstyle>")
    return "\n".join(lines) + "\n"
