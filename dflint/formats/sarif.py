"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (docs/ci.md).

One run; `tool.driver.rules` lists every installed rule (so `ruleIndex` values are stable across
runs) with its documentation as help text; results point at `%SRCROOT%`-relative URIs with a full
region, carry `partialFingerprints` that ignore line moves, and carry `fixes` where a rule has one.
Input errors are `toolExecutionNotifications` of the run's invocation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from dflint import HOMEPAGE, __version__
from dflint.baseline import fingerprints
from dflint.engine import FileResult
from dflint.formats._common import group, is_relative, report_path, uri
from dflint.rule import Finding, Severity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = HOMEPAGE
FINGERPRINT_KEY = "dflint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note"}


def _rules() -> list[dict[str, Any]]:
    from dflint.registry import all_rules
    from dflint.ruledocs import sections

    described = []
    for rule in all_rules():
        meta = rule.meta
        parts = sections(rule.doc)
        what = parts.get("What it does", meta.summary).split("\n\n", 1)[0].replace("\n", " ")
        tags = ["dockerfile"] + [tag for tag in (group(meta.code),) if tag]
        described.append(
            {
                "id": meta.code,
                "name": meta.name,
                "shortDescription": {"text": meta.summary},
                "fullDescription": {"text": what},
                "help": {"text": rule.doc or meta.summary, "markdown": rule.doc or meta.summary},
                "helpUri": meta.url,
                "defaultConfiguration": {"level": LEVELS[meta.severity], "enabled": meta.default_enabled},
                "properties": {"tags": tags, "dflint/severity": str(meta.severity), "dflint/fixable": meta.fixable},
            }
        )
    return described


def _location(path: str, region: dict[str, int] | None) -> dict[str, Any]:
    artifact: dict[str, Any] = {"uri": uri(path)}
    if is_relative(report_path(path)):
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    if (end_line, end_column) < (line, column):
        end_line, end_column = line, column
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _fixes(result: FileResult, finding: Finding) -> list[dict[str, Any]]:
    if finding.fix is None or result.text is None:
        return []
    from dflint.fix import adapt_newlines, newline_of
    from dflint.positions import line_index

    index = line_index(result.text)
    newline = newline_of(result.text)
    replacements = []
    for edit in finding.fix.edits:
        line, column = index.position(edit.start)
        end_line, end_column = index.position(edit.end)
        replacement: dict[str, Any] = {"deletedRegion": _region(line, column, end_line, end_column)}
        if edit.replacement:
            replacement["insertedContent"] = {"text": adapt_newlines(edit.replacement, newline)}  # CRLF files get CRLF
        replacements.append(replacement)
    artifact = _location(finding.path or result.path, None)["physicalLocation"]["artifactLocation"]
    return [
        {
            "description": {"text": f"{finding.fix.title} ({finding.fix.applicability})"},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
        }
    ]


def document(results: Sequence[FileResult]) -> dict[str, Any]:
    rules = _rules()
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        for finding, print_ in zip(result.findings, fingerprints(result)):
            span = finding.span
            item: dict[str, Any] = {
                "ruleId": finding.code,
                "level": LEVELS[finding.effective_severity],
                "message": {"text": finding.message},
                "locations": [
                    _location(finding.path or result.path, _region(span.line, span.column, span.end_line, span.end_column))
                ],
                "partialFingerprints": {FINGERPRINT_KEY: print_},
                "properties": {"severity": str(finding.effective_severity), "name": finding.rule.name},
            }
            if finding.also:  # the other places of the one decision it reports (`dflint.grouping`)
                item["relatedLocations"] = [
                    {
                        "id": number,
                        **_location(
                            finding.path or result.path, _region(other.line, other.column, other.end_line, other.end_column)
                        ),
                        "message": {"text": "the same decision"},
                    }
                    for number, other in enumerate(finding.also, start=1)
                ]
            if finding.code in index:
                item["ruleIndex"] = index[finding.code]
            if finding.savings is not None:
                item["properties"]["savings_mb"] = finding.savings.mb
                item["properties"]["savings_source"] = finding.savings.source
            fixes = _fixes(result, finding)
            if fixes:
                item["fixes"] = fixes
            sarif_results.append(item)
    notifications = []
    for result in results:
        for error in result.errors:
            notification: dict[str, Any] = {"level": "error", "message": {"text": error.message}}
            notification["locations"] = [_location(error.path, {"startLine": error.line} if error.line >= 1 else None)]
            notifications.append(notification)
    root = os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dflint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + quote(root if root.startswith("/") else "/" + root)}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    return json.dumps(document(results), indent=2) + "\n"
