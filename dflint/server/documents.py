"""Linting and fixing an editor's buffer in process, the way the command line lints stdin.

A Dockerfile buffer is linted as `dflint - --stdin-filename PATH` (configuration, context and
per-file ignores resolve from PATH); a compose buffer as `dflint compose.yaml`, one result per
service, read from the buffer. Nothing here knows the protocol.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass

from dflint.compose import Service, is_compose_file
from dflint.config import Resolver
from dflint.discover import is_dockerfile_name
from dflint.engine import FileResult
from dflint.fix import FixOutcome, fix_source
from dflint.inputs import Input, lint, plan_document, stdin_context
from dflint.reading import read_stdin


def lintable(path: str, language_id: str | None = None) -> bool:
    """Whether a buffer is a Dockerfile (by language or name) or a compose file (by name)."""
    name = os.path.basename(path)
    return language_id in ("dockerfile", "containerfile") or is_dockerfile_name(name) or is_compose_file(name)


@dataclass(frozen=True, slots=True)
class Linted:
    """One lint of one buffer: its text and a result per input (one, or one per compose service)."""

    path: str
    text: str
    results: tuple[FileResult, ...]
    services: tuple[Service | None, ...]

    @property
    def compose(self) -> bool:
        return is_compose_file(self.path)


def lint_text(path: str, text: str, resolver: Resolver) -> Linted:
    """Raises ConfigError / SelectionError for a bad configuration, as the command line does."""
    if not text.strip():
        return Linted(path, text, (), ())  # a new, empty buffer: nothing to say yet
    inputs: Sequence[Input] = plan_document(path, resolver, text)
    data = text.encode("utf-8", "surrogatepass")
    results = lint(inputs, read_stdin=lambda limit: read_stdin(limit, io.BytesIO(data)))  # the size limit as for stdin
    return Linted(path, text, tuple(results), tuple(item.service for item in inputs))


def fix_text(path: str, text: str, resolver: Resolver, *, unsafe: bool = False) -> FixOutcome | None:
    """Every fix at this safety level applied to a Dockerfile buffer (in passes, structure checked,
    as `--fix` does); None for a compose file or a buffer that is not linted."""
    if is_compose_file(path) or not text.strip():
        return None
    inputs = plan_document(path, resolver, text)
    if len(inputs) != 1 or inputs[0].error is not None:
        return None
    item = inputs[0]
    choice = stdin_context(item, text.encode("utf-8", "surrogatepass"))
    context = choice.directory if choice is not None else item.settings.context_dir
    return fix_source(text, item.shown, item.settings, item.rules, context, unsafe=unsafe, choice=choice)
