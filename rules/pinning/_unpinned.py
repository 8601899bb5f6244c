"""Shared helpers for the pinning rules: one finding per command, covering its unpinned package words."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from dflint.commands import all_runs, covering
from dflint.model import Dockerfile, ShellCommand, Span, Stage, Word
from dflint.rule import Finding, RuleMeta


def words_span(words: Sequence[Word | Span]) -> Span:
    spans = [word.span if isinstance(word, Word) else word for word in words]
    return covering(spans[0], spans[-1])


def listing(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:limit])
    if len(names) > limit:
        shown += f" and {len(names) - limit} more"
    return shown


def command_findings(
    dockerfile: Dockerfile,
    meta: RuleMeta,
    unpinned: Callable[[ShellCommand], list[Word]],
    message: Callable[[Stage, ShellCommand, list[str]], str],
) -> Iterator[Finding]:
    """One finding per RUN command whose package words `unpinned` picks out, in every stage."""
    for stage, instruction in all_runs(dockerfile):
        for command in instruction.commands:
            loose = unpinned(command)
            if loose:
                names = [word.value or "" for word in loose]
                yield Finding(meta, words_span(loose), message(stage, command, names), stage=stage.name)
