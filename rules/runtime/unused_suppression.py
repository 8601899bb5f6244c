"""## What it does
Flags a `# dflint: ignore=…` or `# dflint: ignore-file=…` pragma, or one of the rules it names,
that suppresses nothing: no finding of that rule starts where the pragma reaches. This rule is
**opt-in**: it runs only when selected by its code or name (`--select DF690`,
`extend-select: [unused-suppression]`), like ruff's `unused-noqa`.

A pragma is judged on what it would suppress whatever the selection: the rules it names run for
the judgement even when they are not selected or are ignored in the configuration. hadolint
pragmas (`# hadolint ignore=…`) are never reported, since hadolint may still read them.

## Why is this bad?
A pragma outlives the problem it silenced: once the Dockerfile changes, it hides nothing today but
will hide the next, unrelated finding of that rule on that instruction. Stale pragmas also tell
readers that something is wrong where nothing is.

## Example
```dockerfile
FROM python:3.11-slim
# dflint: ignore=pip-cache
RUN pip install --no-cache-dir torch==2.4.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0
```

## Fix safety
Safe: the fix deletes the pragma, or only the unused rules from its list, and a pragma that
suppresses nothing changes no result. It is offered only when the pragma's text is exactly what
was read.

## References
- [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
- [dflint: suppressions](https://github.com/dflint/dflint/blob/main/docs/configuration.md#inline-pragmas)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Span, Suppression
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF690",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A dflint pragma suppresses nothing",
    fixable=True,
    default_enabled=False,
    after_suppressions=True,
)
_PRAGMA_RULES = frozenset({"DF690", "DF691"})  # pragmas about pragmas are judged by hand


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for suppression in dockerfile.suppressions:
        if suppression.source != "dflint" or suppression.scope == "invalid" or suppression.used is None:
            continue
        where = f"line {suppression.span.line}"
        if not suppression.codes:
            if suppression.used:
                continue
            kind = "`ignore-file`" if suppression.scope == "file" else "`ignore`"
            yield Finding(
                META,
                suppression.span,
                f"the bare {kind} pragma on {where} suppresses nothing: no rule reports a finding {_reach(suppression)}",
                fix=_delete(dockerfile, suppression),
            )
            continue
        known = [item for item in suppression.codes if item.code is not None]
        unused = [item for item in known if item.code not in suppression.used and item.code not in _PRAGMA_RULES]
        if not unused:
            continue
        names = ", ".join(f"`{item.token}`" for item in unused)
        fix: Fix | None
        if len(unused) == len(suppression.codes):
            fix = _delete(dockerfile, suppression)
            message = f"the pragma on {where} suppresses nothing: {names} {'reports' if len(unused) == 1 else 'report'} no finding {_reach(suppression)}; remove the pragma"
        else:
            kept = [item.token for item in suppression.codes if item not in unused]
            fix = _keep(dockerfile, suppression, kept)
            message = f"{names} in the pragma on {where} {'suppresses' if len(unused) == 1 else 'suppress'} nothing: no such finding {_reach(suppression)}; remove {'it' if len(unused) == 1 else 'them'} from the list"
        span = (
            unused[0].span
            if len(unused) == 1
            else Span(
                unused[0].span.line,
                unused[0].span.column,
                unused[-1].span.end_line,
                unused[-1].span.end_column,
                unused[0].span.offset,
                unused[-1].span.end_offset,
            )
        )
        yield Finding(META, span, message, fix=fix)


def _reach(suppression: Suppression) -> str:
    if suppression.scope == "file":
        return "in this file"
    if suppression.lines is None:
        return "after it (no instruction follows)"
    first, last = suppression.lines
    return f"on line {first}" if first == last else f"on lines {first}-{last}"


def _delete(dockerfile: Dockerfile, suppression: Suppression) -> Fix | None:
    text = dockerfile.text
    start, end = suppression.span.offset, suppression.span.end_offset
    if not text[start:end].lstrip().startswith("#"):
        return None
    if suppression.whole_line:
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip():
            return None
        line_end = text.find("\n", end)
        return Fix.safe("Remove the unused pragma", Edit(line_start, line_end + 1 if line_end != -1 else len(text), ""))
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return Fix.safe("Remove the unused pragma", Edit(start, end, ""))


def _keep(dockerfile: Dockerfile, suppression: Suppression, kept: list[str]) -> Fix | None:
    first, last = suppression.codes[0].span, suppression.codes[-1].span
    if dockerfile.text[first.offset : first.end_offset] != suppression.codes[0].token:
        return None
    return Fix.safe("Remove the unused rules from the pragma", Edit(first.offset, last.end_offset, ",".join(kept)))
