"""Code actions: each finding's fix as a quick fix, and `source.fixAll.dflint` for the safe fixes."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types as lsp

from dflint.fix import FixOutcome, adapt_newlines, newline_of
from dflint.positions import EncodedText
from dflint.rule import Applicability, Edit
from dflint.server.diagnostics import Placed

FIX_ALL = "source.fixAll.dflint"
KINDS: list[lsp.CodeActionKind | str] = [lsp.CodeActionKind.QuickFix, FIX_ALL]


def wants(only: Sequence[str] | None, kind: str) -> bool:
    """Whether a request's `only` filter admits this kind (`source.fixAll` admits `source.fixAll.dflint`)."""
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a


def _text_edit(text: EncodedText, edit: Edit, newline: str) -> lsp.TextEdit:
    start = text.offset_position(edit.start)
    end = text.offset_position(edit.end)
    return lsp.TextEdit(lsp.Range(lsp.Position(*start), lsp.Position(*end)), adapt_newlines(edit.replacement, newline))


def _workspace_edit(uri: str, version: int | None, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
    return lsp.WorkspaceEdit(
        document_changes=[
            lsp.TextDocumentEdit(lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), list(edits))
        ]
    )


def quick_fixes(
    uri: str, version: int | None, source: str, placed: Sequence[Placed], where: lsp.Range, encoding: str
) -> list[lsp.CodeAction]:
    """One quick fix per fixable finding whose range meets `where`; unsafe ones say so and are never preferred."""
    text = EncodedText(source, encoding)
    newline = newline_of(source)
    actions: list[lsp.CodeAction] = []
    for item in placed:
        finding = item.finding
        if finding is None or finding.fix is None or not item.local or not _overlaps(item.diagnostic.range, where):
            continue
        fix = finding.fix
        unsafe = fix.applicability is Applicability.UNSAFE
        actions.append(
            lsp.CodeAction(
                f"{finding.code}: {fix.title}" + (" (unsafe fix)" if unsafe else ""),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[item.diagnostic],
                is_preferred=not unsafe,
                edit=_workspace_edit(uri, version, [_text_edit(text, edit, newline) for edit in fix.edits]),
            )
        )
    return actions


def whole_change(before: str, after: str, encoding: str) -> lsp.TextEdit:
    """One edit from `before` to `after`: the differing middle, between their common start and end."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[len(before) - 1 - end] == after[len(after) - 1 - end]:
        end += 1
    text = EncodedText(before, encoding)
    return lsp.TextEdit(
        lsp.Range(lsp.Position(*text.offset_position(start)), lsp.Position(*text.offset_position(len(before) - end))),
        after[start : len(after) - end],
    )


def fix_all(uri: str, version: int | None, outcome: FixOutcome | None, encoding: str) -> list[lsp.CodeAction]:
    """`source.fixAll.dflint`: every safe fix, as `dflint --fix` applies them; nothing when none applies."""
    if outcome is None or not outcome.changed:
        return []
    count = len(outcome.applied)
    return [
        lsp.CodeAction(
            f"dflint: apply {count} safe fix{'es' if count != 1 else ''}",
            kind=FIX_ALL,
            edit=_workspace_edit(uri, version, [whole_change(outcome.original, outcome.fixed, encoding)]),
        )
    ]
