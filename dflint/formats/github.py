"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

`::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE (name)::message`, with
`warning` for warnings and `notice` for info and style findings. Input errors are `::error`
annotations titled `dflint input error`.
"""

from __future__ import annotations

from collections.abc import Sequence

from dflint.engine import FileResult
from dflint.formats._common import report_path
from dflint.rule import Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.STYLE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: dict[str, object], message: str) -> str:
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {rendered}::{escape_data(message)}"


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    lines: list[str] = []
    for result in results:
        for finding in result.findings:
            span = finding.span
            properties: dict[str, object] = {
                "file": report_path(finding.path or result.path),
                "line": span.line,
                "col": span.column,
            }
            properties["endLine"] = span.end_line
            if span.end_line == span.line:
                properties["endColumn"] = max(span.end_column, span.column)
            properties["title"] = f"{finding.code} ({finding.rule.name})"
            lines.append(_command(COMMANDS[finding.effective_severity], properties, finding.message))
        for error in result.errors:
            properties = {"file": report_path(error.path), "line": max(error.line, 1), "title": "dflint input error"}
            lines.append(_command("error", properties, error.message))
    return "".join(line + "\n" for line in lines)
