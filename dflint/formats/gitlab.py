"""GitLab Code Quality report (the Code Climate subset GitLab reads): a JSON array of issues with
`description`, `check_name`, `fingerprint` (unique, stable across unrelated edits), `severity` and
`location.path` / `location.positions`. Input errors become `blocker` issues titled `input-error`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from dflint.baseline import fingerprints
from dflint.engine import FileResult
from dflint.formats._common import group, report_path
from dflint.rule import Severity

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor", Severity.STYLE: "info"}
CATEGORIES = {
    "stages": "Performance",
    "contents": "Performance",
    "layers": "Performance",
    "pinning": "Bug Risk",
    "context": "Bug Risk",
    "runtime": "Bug Risk",
}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def issues(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    """Every finding and input error; fingerprints are unique in the report (GitLab merges equal
    ones): a repeated key (one Dockerfile built by two compose services, one input error on two
    lines) gets its ordinal."""
    out: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()

    def unique(*parts: str) -> str:
        key = _fingerprint(*parts)
        seen[key] += 1
        return key if seen[key] == 1 else _fingerprint(*parts, str(seen[key] - 1))

    for result in results:
        for finding, print_ in zip(result.findings, fingerprints(result)):
            path = report_path(finding.path or result.path)
            span = finding.span
            category = CATEGORIES.get(group(finding.code) or "", "Style")
            out.append(
                {
                    "type": "issue",
                    "check_name": f"{finding.code} {finding.rule.name}",
                    "description": f"{finding.code}: {finding.message}",
                    "content": {"body": f"{finding.rule.summary}. See {finding.rule.url}"},
                    "categories": [category],
                    "severity": SEVERITIES[finding.effective_severity],
                    "fingerprint": unique(path, print_, finding.message),
                    "location": {
                        "path": path,
                        "lines": {"begin": span.line, "end": span.end_line},
                        "positions": {
                            "begin": {"line": span.line, "column": span.column},
                            "end": {"line": span.end_line, "column": span.end_column},
                        },
                    },
                    "engine_name": "dflint",
                }
            )
        for error in result.errors:
            path = report_path(error.path)
            line = max(error.line, 1)
            out.append(
                {
                    "type": "issue",
                    "check_name": "input-error",
                    "description": error.message,
                    "categories": ["Bug Risk"],
                    "severity": "blocker",
                    "fingerprint": unique(path, "input-error", error.message, str(line)),
                    "location": {"path": path, "lines": {"begin": line, "end": line}},
                    "engine_name": "dflint",
                }
            )
    return out


def render(results: Sequence[FileResult], *, color: bool = False) -> str:
    return json.dumps(issues(results), indent=2) + "\n"
