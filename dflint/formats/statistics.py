"""`--statistics`: how many findings each rule produced, most frequent first (like ruff's)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from dflint.engine import FileResult
from dflint.rule import RuleMeta


def counts(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    tally: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    metas: dict[str, RuleMeta] = {}
    for result in results:
        for finding in result.findings:
            tally[finding.code] += 1
            fixable[finding.code] += finding.fix is not None
            metas[finding.code] = finding.rule
    order = sorted(tally, key=lambda code: (-tally[code], code))
    return [
        {
            "code": code,
            "name": metas[code].name,
            "count": tally[code],
            "fixable": fixable[code],
            "severity": str(metas[code].severity),
        }
        for code in order
    ]


def render_text(results: Sequence[FileResult]) -> str:
    rows = counts(results)
    if not rows:
        return ""
    width = max(len(str(row["count"])) for row in rows)
    lines = [f"{row['count']:>{width}}  {row['code']}  {'[*]' if row['fixable'] else '   '} {row['name']}" for row in rows]
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[FileResult]) -> str:
    return json.dumps(counts(results), indent=2) + "\n"
