"""Findings and input errors → LSP diagnostics, positioned in the negotiated encoding."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lsprotocol import types as lsp

from dflint.engine import FileResult
from dflint.positions import EncodedText
from dflint.rule import Finding, Severity
from dflint.server.documents import Linted

SOURCE = "dflint"
SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.STYLE: lsp.DiagnosticSeverity.Hint,
}


@dataclass(frozen=True, slots=True)
class Placed:
    """A diagnostic and the finding it reports (None for an input error); `local` when the finding
    is in this buffer's text (so its fix edits apply to it)."""

    diagnostic: lsp.Diagnostic
    finding: Finding | None
    local: bool = True


def uri_of(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(os.path.abspath(path)) or path


def span_range(text: EncodedText, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
    start = text.position(line, column)
    end = text.position(end_line, end_column)
    return lsp.Range(lsp.Position(*start), lsp.Position(*end))


def line_range(text: EncodedText, line: int) -> lsp.Range:
    """A whole line (an input error has a line only)."""
    line = max(line, 1)
    length = len(text.lines[line - 1]) if line <= len(text.lines) else 0
    return span_range(text, line, 1, line, length + 1)


def diagnostics(linted: Linted, encoding: str) -> list[Placed]:
    text = EncodedText(linted.text, encoding)
    placed: list[Placed] = []
    for result, service in zip(linted.results, linted.services):
        elsewhere = service is not None and service.dockerfile is not None  # a compose service with its own Dockerfile
        for finding in result.findings:
            if elsewhere:
                assert service is not None
                placed.append(Placed(_elsewhere(finding, result, text, service.line, encoding), finding, local=False))
            else:
                placed.append(Placed(_diagnostic(finding, result, text), finding))
        for error in result.errors:
            line = service.line if elsewhere and service is not None else error.line
            message = error.message if error.path in (linted.path, result.path) and not elsewhere else str(error)
            placed.append(
                Placed(
                    lsp.Diagnostic(line_range(text, line), message, severity=lsp.DiagnosticSeverity.Error, source=SOURCE),
                    None,
                )
            )
    return placed


def _base(finding: Finding, where: lsp.Range, message: str) -> lsp.Diagnostic:
    meta = finding.rule
    return lsp.Diagnostic(
        where,
        message,
        severity=SEVERITIES[finding.effective_severity],
        code=meta.code,
        code_description=lsp.CodeDescription(href=meta.url),
        source=SOURCE,
    )


def _stage(finding: Finding, result: FileResult) -> tuple[str | None, int | None]:
    """The stage a finding is in (its rule's word, else the stage its line falls in) and its FROM line."""
    dockerfile = result.dockerfile
    if dockerfile is None:
        return finding.stage, None
    stage = dockerfile.stage_by_key(finding.stage) if finding.stage else dockerfile.stage_at(finding.span.line)
    if stage is None:
        return finding.stage, None
    return stage.name or str(stage.index), stage.from_instruction.span.line


def _diagnostic(finding: Finding, result: FileResult, text: EncodedText) -> lsp.Diagnostic:
    span = finding.span
    diagnostic = _base(finding, span_range(text, span.line, span.column, span.end_line, span.end_column), finding.message)
    stage, from_line = _stage(finding, result)
    diagnostic.data = {"name": finding.rule.name, "stage": stage, "fix": _fix_kind(finding)}
    if stage is not None and from_line is not None and result.dockerfile is not None and result.dockerfile.path == result.path:
        diagnostic.related_information = [
            lsp.DiagnosticRelatedInformation(lsp.Location(uri_of(result.path), line_range(text, from_line)), f"in stage {stage}")
        ]
    if finding.also:  # the other places of the one decision it reports (`dflint.grouping`)
        diagnostic.related_information = [
            *(diagnostic.related_information or []),
            *(
                lsp.DiagnosticRelatedInformation(
                    lsp.Location(
                        uri_of(result.path), span_range(text, other.line, other.column, other.end_line, other.end_column)
                    ),
                    "the same here",
                )
                for other in finding.also
            ),
        ]
    return diagnostic


def _elsewhere(finding: Finding, result: FileResult, compose: EncodedText, line: int, encoding: str) -> lsp.Diagnostic:
    """A finding in a service's own Dockerfile, shown on the service in the compose file, with a
    link to where it is."""
    span = finding.span
    shown = os.path.basename(result.path)
    diagnostic = _base(finding, line_range(compose, line), f"{shown}:{span.line}: {finding.message}")
    stage, _ = _stage(finding, result)
    diagnostic.data = {"name": finding.rule.name, "stage": stage, "fix": None}
    if result.text is not None:
        there = EncodedText(result.text, encoding)
        diagnostic.related_information = [
            lsp.DiagnosticRelatedInformation(
                lsp.Location(uri_of(result.path), span_range(there, span.line, span.column, span.end_line, span.end_column)),
                f"{finding.code} here",
            )
        ]
    return diagnostic


def _fix_kind(finding: Finding) -> str | None:
    return str(finding.fix.applicability) if finding.fix is not None else None
