"""Output formats, one module each, imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol

from dflint.engine import FileResult


class Formatter(Protocol):
    def __call__(self, results: Sequence[FileResult], *, color: bool = False) -> str: ...


FORMATS = {
    "text": "dflint.formats.text",
    "json": "dflint.formats.json_format",
    "sarif": "dflint.formats.sarif",
    "github": "dflint.formats.github",
    "gitlab": "dflint.formats.gitlab",
    "checkstyle": "dflint.formats.checkstyle",
}


def renderer(name: str) -> Formatter:
    module = importlib.import_module(FORMATS[name])
    render: Formatter = module.render
    return render
