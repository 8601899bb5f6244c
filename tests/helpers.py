"""Small helpers shared by the core tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dflint.model import Dockerfile, Span
from dflint.parse import Options, parse


def model(text: str, **options: object) -> Dockerfile:
    return parse(text, "Dockerfile", Options(**options))  # type: ignore[arg-type]


def at(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def source(dockerfile: Dockerfile, span: Span) -> str:
    return dockerfile.text[span.offset : span.end_offset]


def imported_modules(*args: str, cwd: Path, codes: tuple[int, ...] = (0, 1)) -> set[str]:
    """Every module `python -X importtime -m dflint ARGS` imports."""
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dflint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode in codes, completed.stderr[-2000:]
    names = set()
    for line in completed.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    assert "dflint" in names, "no -X importtime output"
    return names
