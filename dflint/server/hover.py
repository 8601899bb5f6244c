"""Hover: the documentation of the rules whose findings cover a position."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lsprotocol import types as lsp

from dflint.server.diagnostics import Placed


@cache
def rule_markdown(code: str) -> str:
    """A rule's page, as `docs/rules/<CODE>.md` and `dflint explain` give it (built once per rule)."""
    from dflint.registry import find
    from dflint.ruledocs import rule_page

    rule = find(code)
    if rule is None:
        return f"# {code}\n\nunknown rule"
    return rule_page(rule)


def _contains(where: lsp.Range, position: lsp.Position) -> bool:
    start, end = (where.start.line, where.start.character), (where.end.line, where.end.character)
    return start <= (position.line, position.character) <= end


def hover(placed: Sequence[Placed], position: lsp.Position) -> lsp.Hover | None:
    """The message and rule page of each finding under the cursor (one page per rule)."""
    under = [item for item in placed if item.finding is not None and _contains(item.diagnostic.range, position)]
    if not under:
        return None
    parts: list[str] = []
    shown: set[str] = set()
    for item in under:
        diagnostic = item.diagnostic
        code = str(diagnostic.code)
        detail = item.finding.detail if item.finding is not None else None
        parts.append(f"**{code}** {diagnostic.message}" + (f"\n\n{detail}" if detail else ""))
        if code not in shown:
            shown.add(code)
            parts.append(rule_markdown(code))
    first = under[0].diagnostic.range
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, "\n\n---\n\n".join(parts)), range=first)
