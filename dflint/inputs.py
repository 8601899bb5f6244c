"""What a run lints: paths, directories, stdin and compose files turned into inputs, each with the
settings and rules of the configuration that applies to it.

- A directory is searched for Dockerfiles; `--exclude` (or, without it, the configuration's
  `exclude`), `extend-exclude` from both, and what git ignores (`.gitignore`, `.git/info/exclude`;
  off with `--no-respect-gitignore`) skip files and directories found there, all with one matcher
  (`pathmatch.py`). A file named on the command line is linted even when excluded, unless
  `--force-exclude` (what pre-commit wants: it passes every staged file by name); git's ignores
  apply only to the directory search.
- `-` reads stdin; `--stdin-filename` is the path reported, and configuration, context and
  per-file ignores resolve from it.
- A compose file (`compose.yaml`, `docker-compose.yml`, …) yields one input per service with a local
  build, with the service's context, Dockerfile, target and build args; its findings name the service.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from dflint.compose import Service, is_compose_file
from dflint.config import Resolver
from dflint.discover import Skip, discover
from dflint.engine import FileResult, Settings, lint_bytes, lint_file, lint_source
from dflint.model import ContextChoice, Span
from dflint.pathmatch import GitIgnore, PathMatcher, matcher
from dflint.reading import ReadError, default_boundary
from dflint.registry import Rule
from dflint.source import InputError, escape_path

NO_DOCKERFILE = "directory has no Dockerfile (looked for Dockerfile, Dockerfile.*, Dockerfile-*, Dockerfile_*, *.Dockerfile, *.dockerfile, Containerfile)"


@dataclass(frozen=True, slots=True)
class Input:
    """One thing to lint: a file, stdin or a compose service's Dockerfile, with its settings and rules."""

    path: str  # the file to read: a Dockerfile, `-` for stdin, or the compose file for an inline Dockerfile
    shown: str  # the path reported
    settings: Settings = field(default_factory=Settings)  # an input in error: the defaults (its exit code is 2)
    rules: Sequence[Rule] = ()
    error: InputError | None = None
    service: Service | None = None
    boundary: str | None = None  # the directory the file may be read in (see `reading`); None: its default
    # stdin named by `--stdin-filename` with no `--context`: its build context is discovered, once its
    # text is read, as for the file of that name (`stdin_context`)
    discover_from: str | None = None


class Exclusion:
    """Which paths the run leaves out: the command line's patterns (relative to the current
    directory), the configuration's (relative to its file), and git's ignores."""

    def __init__(
        self,
        resolver: Resolver,
        exclude: Sequence[str] | None = None,
        extend_exclude: Sequence[str] = (),
        respect_gitignore: bool = True,
    ) -> None:
        self.resolver = resolver
        self.exclude: PathMatcher | None = matcher(exclude, os.getcwd()) if exclude else None
        self.extend: PathMatcher = matcher(extend_exclude, os.getcwd())
        self.gitignore = GitIgnore() if respect_gitignore else None

    def excluded(self, path: str, directory: bool = False) -> bool:
        """By `--exclude` (which replaces the configuration's `exclude`) or the configuration,
        or by an `extend-exclude`."""
        if self.exclude is not None:
            if self.exclude.matches(path, directory):
                return True
        elif self.resolver.excluded(path, directory, extend=False):
            return True
        return self.extend.matches(path, directory) or self.resolver.excluded(path, directory, exclude=False)

    def skipped(self, path: str, directory: bool) -> bool:
        """Left out of a directory search: excluded, or ignored by git."""
        if self.excluded(path, directory):
            return True
        return self.gitignore is not None and self.gitignore.ignored(path, directory)


def plan(
    paths: Sequence[str],
    resolver: Resolver,
    *,
    exclude: Sequence[str] | None = None,
    extend_exclude: Sequence[str] = (),
    stdin_filename: str | None = None,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    via_compose: bool = False,
) -> Iterator[Input]:
    """Inputs in command-line order. Raises ConfigError / SelectionError for a bad configuration
    and PatternError for a pattern that cannot be read. With `via_compose`, paths that are not
    compose files stand for the compose files (found below the current directory) whose services
    build them (or whose `.env` they are)."""
    for item in _plan(paths, resolver, exclude, extend_exclude, stdin_filename, force_exclude, respect_gitignore, via_compose):
        yield from _problems(resolver)
        yield item
    yield from _problems(resolver)


def _problems(resolver: Resolver) -> Iterator[Input]:
    """An unusable hadolint configuration, once, as an input in error (the files it would apply to
    are linted without it)."""
    while resolver.problems:
        problem = resolver.problems.pop(0)
        yield Input(problem.path, escape_path(problem.path), error=problem)


def _plan(
    paths: Sequence[str],
    resolver: Resolver,
    exclude: Sequence[str] | None,
    extend_exclude: Sequence[str],
    stdin_filename: str | None,
    force_exclude: bool,
    respect_gitignore: bool,
    via_compose: bool,
) -> Iterator[Input]:
    exclusion = Exclusion(resolver, exclude, extend_exclude, respect_gitignore)
    if via_compose:
        paths = compose_files_for(paths, exclusion.skipped)
    for path, scanned in discover(paths, exclusion.skipped):
        shown = escape_path(path)
        if path == "-":
            name = stdin_filename or "-"
            if force_exclude and stdin_filename and exclusion.excluded(stdin_filename):
                continue
            settings, rules = resolver.settings_for(stdin_filename or "-")
            if settings.context_dir:
                yield Input("-", escape_path(name), settings, rules)
            elif stdin_filename:
                yield Input("-", escape_path(name), settings, rules, discover_from=os.path.abspath(stdin_filename))
            else:
                reason = "the working directory (standard input without --stdin-filename)"
                settings = dataclasses.replace(settings, context_dir=os.getcwd(), context_source="stdin", context_reason=reason)
                yield Input("-", escape_path(name), settings, rules)
        elif scanned is not None:
            yield Input(path, shown, *resolver.settings_for(path), boundary=os.path.abspath(scanned))
        elif os.path.isdir(path):
            yield Input(path, shown, error=InputError(path, 1, NO_DOCKERFILE))
        elif force_exclude and exclusion.excluded(path):
            continue
        elif is_compose_file(path) and os.path.isfile(path):
            yield from _compose(path, resolver)
        else:
            yield Input(path, shown, *resolver.settings_for(path), boundary=default_boundary(path))


def compose_files_for(paths: Sequence[str], skip: Skip) -> list[str]:
    """The compose files named in `paths`, then those below the current directory that build a
    Dockerfile named in `paths` or sit beside a `.env` named there (pre-commit's staged files)."""
    from dflint.compose import services

    chosen = [path for path in paths if is_compose_file(path)]
    others = {os.path.realpath(path) for path in paths if not is_compose_file(path)}
    if others:
        for found, scanned in discover(["."], skip, wanted=is_compose_file):
            if scanned is None:
                continue
            env_file = os.path.realpath(os.path.join(os.path.dirname(found), ".env"))
            built = {
                os.path.realpath(item.dockerfile)
                for item in services(found)
                if isinstance(item, Service) and item.dockerfile is not None
            }
            if env_file in others or built & others:
                chosen.append(found)
    unique: dict[str, str] = {}
    for path in chosen:
        unique.setdefault(os.path.realpath(path), os.path.normpath(path))
    return list(unique.values())


def plan_document(path: str, resolver: Resolver, text: str) -> list[Input]:
    """Inputs for a file whose current text is in memory (an editor's buffer): a Dockerfile as the
    command line lints `-` with `--stdin-filename path`, a compose file as one input per service,
    read from `text`. Raises ConfigError / SelectionError for a bad configuration."""
    if is_compose_file(path):
        return list(_compose(path, resolver, text))
    return list(plan(("-",), resolver, stdin_filename=path))


def _compose(path: str, resolver: Resolver, text: str | None = None) -> Iterator[Input]:
    from dflint.compose import services

    project = os.path.dirname(os.path.abspath(path))
    shown_project = os.path.dirname(path)
    for item in services(path, text=text, env_files=resolver.cli.env_files or None):
        if isinstance(item, InputError):
            yield Input(path, escape_path(path), error=item)
            continue
        if item.dockerfile is not None:
            shown = escape_path(os.path.normpath(os.path.join(shown_project, os.path.relpath(item.dockerfile, project))))
            settings, rules = resolver.settings_for(item.dockerfile, target=item.target, build_args=item.build_args)
            yield Input(
                item.dockerfile, shown, _with_service_context(settings, item, path), rules, service=item, boundary=project
            )
        else:
            settings, rules = resolver.settings_for(path, target=item.target, build_args=item.build_args)
            yield Input(path, escape_path(path), _with_service_context(settings, item, path), rules, service=item)


def _with_service_context(settings: Settings, service: Service, compose_path: str) -> Settings:
    if settings.context_dir:
        return settings
    reason = f"service '{service.name}' in {compose_path} builds it with this context"
    return dataclasses.replace(settings, context_dir=service.context, context_source="compose", context_reason=reason)


Batch = Callable[[Sequence[str], Settings, Sequence[Rule]], list[FileResult]]


def one_by_one(paths: Sequence[str], settings: Settings, rules: Sequence[Rule]) -> list[FileResult]:
    return [lint_file(path, settings, rules) for path in paths]


def lint(
    inputs: Sequence[Input], read_stdin: Callable[[int], bytes] | None = None, batch: Batch | None = None
) -> list[FileResult]:
    """Lint every input; files that share settings go to `batch` together (which may lint them in
    worker processes), one by one in this process by default. `read_stdin(limit)` returns standard
    input's bytes or raises `reading.ReadError`."""
    batch = batch or one_by_one
    results: list[FileResult | None] = [None] * len(inputs)
    groups: dict[tuple[int, int, str | None], list[int]] = {}
    for position, item in enumerate(inputs):
        if item.error is not None:
            results[position] = FileResult(item.shown, (), (item.error,))
        elif item.path == "-":
            try:
                data = read_stdin(item.settings.max_bytes) if read_stdin is not None else b""
            except ReadError as error:
                results[position] = FileResult(item.shown, (), (InputError(item.shown, 1, stdin_reason(error)),))
                continue
            choice = stdin_context(item, data)
            context = choice.directory if choice is not None else item.settings.context_dir
            results[position] = lint_bytes(data, item.shown, item.settings, item.rules, context, choice)
        elif item.service is not None and item.service.inline_text is not None:
            results[position] = lint_source(
                item.service.inline_text, item.shown, item.settings, item.rules, item.settings.context_dir
            )
        else:
            groups.setdefault((id(item.settings), id(item.rules), item.boundary), []).append(position)
    for positions in groups.values():
        first = inputs[positions[0]]
        settings = first.settings if first.boundary is None else dataclasses.replace(first.settings, boundary=first.boundary)
        linted = batch([inputs[p].path for p in positions], settings, first.rules)
        for position, result in zip(positions, linted):
            shown = inputs[position].shown
            results[position] = result if result.path == shown else _renamed(result, shown)
    final: list[FileResult] = []
    for item, outcome in zip(inputs, results):
        assert outcome is not None
        final.append(for_service(outcome, item.service) if item.service is not None else outcome)
    from dflint.grouping import merge_shared

    return merge_shared(final)


def stdin_context(item: Input, data: bytes) -> ContextChoice | None:
    """The build context of standard input named by `--stdin-filename` (and no `--context`): chosen
    as for the file of that name (compose, build commands, COPY sources), from the text read."""
    if item.discover_from is None:
        return None
    from dflint.context_discovery import choose

    return choose(item.discover_from, data.decode("utf-8", "replace"))


def stdin_reason(error: ReadError) -> str:
    """A standard-input read error as an input error's message (the limit names its option)."""
    return error.reason.replace("; not read", " (see --max-file-size)") if error.status == "too-large" else error.reason


def _renamed(result: FileResult, shown: str) -> FileResult:
    findings = tuple(dataclasses.replace(finding, path=shown) for finding in result.findings)
    errors = tuple(InputError(shown, error.line, error.message) for error in result.errors)
    warnings = tuple(InputError(shown, warning.line, warning.message) for warning in result.warnings)
    return dataclasses.replace(result, path=shown, findings=findings, errors=errors, warnings=warnings)


def for_service(result: FileResult, service: Service) -> FileResult:
    """Name the service in every finding and error; an inline Dockerfile's positions are moved onto
    the compose file (its fixes are dropped: their offsets are into the inline text)."""
    prefix = f"service '{service.name}': "
    findings = []
    for finding in result.findings:
        if service.inline is not None:
            finding = dataclasses.replace(finding, span=_moved(finding.span, service), fix=None)
        findings.append(dataclasses.replace(finding, message=prefix + finding.message))
    errors = []
    for error in result.errors:
        line = (
            _moved(Span(max(error.line, 1), 1, max(error.line, 1), 1), service).line if service.inline is not None else error.line
        )
        errors.append(InputError(error.path, line, prefix + error.message))
    return dataclasses.replace(result, findings=tuple(findings), errors=tuple(errors))


def _moved(span: Span, service: Service) -> Span:
    inline = service.inline
    assert inline is not None
    if not inline.exact:
        return Span(inline.line, inline.indent + 1, inline.line, inline.indent + 1, span.offset, span.end_offset)
    return Span(
        inline.line + span.line - 1,
        span.column + inline.indent,
        inline.line + span.end_line - 1,
        span.end_column + inline.indent,
        span.offset,
        span.end_offset,
    )
