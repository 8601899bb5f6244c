"""Shared helpers for the pinning rules: one finding per command, covering its unpinned package words."""

from __future__ import annotations

from collections.abc import Sequence

from dflint.rules.layers._shell import covering

from dflint.model import Span, Word


def words_span(words: Sequence[Word | Span]) -> Span:
    spans = [word.span if isinstance(word, Word) else word for word in words]
    return covering(spans[0], spans[-1])


def listing(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    if len(names) > limit:
        shown += f" and {len(names) - limit} more"
    return shown
