"""Linting is a pure function of the file: a second file in the same process, even one equal to the
first, gets exactly the findings it gets alone. Caches keyed by a model object's value must never
hand one file's facts (identities, positions) to another."""

from __future__ import annotations

from pathlib import Path

from dflint.engine import Settings, lint_file, selected_rules

# apk's virtual group removed in the same RUN: the headers and compilers never ship.
VIRTUAL_GROUP = """\
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc musl-dev linux-headers openssl-dev \\
 && make \\
 && apk del --no-network .build-deps
CMD ["app"]
"""


def _findings(path: Path) -> list[tuple[str, int, int, str]]:
    settings = Settings(context_dir=str(path.parent))
    result = lint_file(str(path), settings, selected_rules(settings))
    assert not result.errors
    return [(f.code, f.span.line, f.span.column, f.message) for f in result.findings]


def test_an_equal_file_linted_second_gets_the_same_findings(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "Dockerfile", tmp_path / "b" / "Dockerfile"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(VIRTUAL_GROUP, encoding="utf-8")
    alone = _findings(first)
    assert not [finding for finding in alone if finding[0] in {"DF201", "DF202"}]
    assert _findings(second) == alone
    assert _findings(first) == alone
