"""## What it does
Flags a `# dflint:` pragma that dflint cannot read (`# dflint: ignroe=DF301`, `# dflint: ignore=`)
and every rule code or name in a pragma that no rule has (`# dflint: ignore=DF3O1`), suggesting the
nearest known code or name.

## Why is this bad?
A pragma with a typo suppresses nothing, so the finding it was meant to silence is reported anyway,
or, worse, the author believes a rule is silenced when a different one is. Reporting the pragma
itself points at the real problem instead of failing the run with a configuration error.

## Example
```dockerfile
FROM python:3.11-slim
# dflint: ignore=pip-cahce
RUN pip install torch==2.4.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
# dflint: ignore=pip-cache
RUN pip install torch==2.4.0
```

## References
- [ruff: invalid-rule-code (RUF102)](https://docs.astral.sh/ruff/rules/invalid-rule-code/)
- [dflint: suppressions](https://github.com/dflint/dflint/blob/main/docs/configuration.md#inline-pragmas)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF691",
    name="invalid-suppression",
    severity=Severity.WARNING,
    summary="A dflint pragma names an unknown rule or cannot be read",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for suppression in dockerfile.suppressions:
        if suppression.source != "dflint":
            continue
        if suppression.scope == "invalid":
            yield Finding(META, suppression.span, f"{suppression.problem}; this pragma suppresses nothing")
            continue
        for item in suppression.codes:
            if item.code is not None:
                continue
            hint = f"; did you mean `{item.suggestion}`?" if item.suggestion else " (see `dflint rules`)"
            yield Finding(META, item.span, f"unknown rule `{item.token}` in a dflint pragma{hint}")
