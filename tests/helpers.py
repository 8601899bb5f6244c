"""Small helpers shared by the core tests."""

from __future__ import annotations

from dflint.model import Dockerfile, Span
from dflint.parse import Options, parse


def model(text: str, **options: object) -> Dockerfile:
    return parse(text, "Dockerfile", Options(**options))  # type: ignore[arg-type]


def at(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def source(dockerfile: Dockerfile, span: Span) -> str:
    return dockerfile.text[span.offset : span.end_offset]
