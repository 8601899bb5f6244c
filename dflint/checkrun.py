"""The `check` command's work (`dflint [OPTIONS] [PATHS]...`), without the command-line library.

`dflint.cli` parses the command line with click and calls `run`; the launcher calls `run_paths`
for `dflint [FLAG...] PATH...` (paths, and flags that only turn a setting on, every other option at
its default), which click would parse into the very same call, so a plain lint never imports click (about 10 ms of a one-file run). What needs
click here (a usage error, `click.echo`'s handling of stderr) imports it where it is used."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

if TYPE_CHECKING:  # imported where used: `--help` never loads the model
    from dflint.engine import FileResult
    from dflint.fix import FixOutcome
    from dflint.inputs import Input
    from dflint.rule import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Killed by a signal, the shell's way (128 + the signal's number): never 1, which means "findings".
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # SIGINT (Ctrl-C), SIGPIPE (the reader of stdout went away)

_T = TypeVar("_T")


def _echo(message: str, err: bool = False, nl: bool = True) -> None:
    """`click.echo`, imported when a message is printed (it styles, encodes and flushes as click does)."""
    import click

    click.echo(message, err=err, nl=nl)


def guarded(command: Callable[[], _T]) -> _T:
    """Run the command: Ctrl-C exits 130 and a closed pipe on stdout (`dflint . | head -1`) exits 141,
    quietly; click would print "Aborted!" and exit 1, the code for findings."""
    import contextlib

    try:
        try:
            return command()
        finally:
            if sys.stdout is not None and not sys.stdout.closed:  # `dflint server` closes it on exit
                sys.stdout.flush()  # a broken pipe shows here, not at interpreter exit
    except KeyboardInterrupt:
        # At once: no waiting at exit for worker threads and processes (`--jobs`) that were stopped.
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)


def run_paths(paths: Sequence[str], flags: Mapping[str, bool]) -> NoReturn:
    """`dflint [FLAG...] PATH...` as click runs it: `run` with those flags on (`launcher.FLAGS`) and every
    other option at its default, guarded as `dflint.cli.DefaultGroup` guards it, and what escapes the
    command handled as click's standalone mode handles it (none of it can come from `run` with such
    options: no value to misuse)."""
    settings: dict[str, Any] = dict(flags)  # `run`'s keywords (an unknown one is a TypeError)
    try:
        guarded(lambda: run(tuple(paths), **settings))
    except EOFError:
        from gettext import gettext

        import click

        click.echo(file=sys.stderr)
        click.echo(gettext("Aborted!"), file=sys.stderr)
        sys.exit(1)
    except Exception as error:
        click_module = sys.modules.get("click")
        if click_module is None or not isinstance(error, click_module.ClickException):
            raise
        error.show()
        sys.exit(error.exit_code)
    raise AssertionError("run returned")  # it always exits


def _emit(stream: IO[str], text: str) -> None:
    """Write the report; characters the stream's encoding lacks (`PYTHONIOENCODING=ascii`) are
    escaped rather than losing every result to an encoding error."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _parse_build_args(values: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for value in values:
        name, equals, setting = value.partition("=")
        if not name or not equals:
            import click

            raise click.BadParameter(f"'{value}' is not NAME=VALUE", param_hint="--build-arg")
        result[name] = setting
    return result


def _split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def run(
    paths: tuple[str, ...],
    *,
    output_format: str = "text",
    fail_on: str | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    target: str | None = None,
    build_args: tuple[str, ...] = (),
    context_dir: str | None = None,
    stdin_filename: str | None = None,
    exclude: tuple[str, ...] = (),
    max_file_size: int = 10_000_000,
    no_color: bool = False,
    extend_exclude: tuple[str, ...] = (),
    respect_gitignore: bool = True,
    exit_zero: bool = False,
    jobs: int | None = None,
    apply_fixes: bool = False,
    unsafe_fixes: bool = False,
    show_diff: bool = False,
    config_file: str | None = None,
    isolated: bool = False,
    extend_select: tuple[str, ...] = (),
    force_exclude: bool = False,
    output_file: str | None = None,
    statistics: bool = False,
    quiet: bool = False,
    verbose: bool = False,
    sort_by: str = "position",
    baseline_file: str | None = None,
    write_baseline_file: str | None = None,
    show_fixes: bool = False,
    via_compose: bool = False,
    env_files: tuple[str, ...] = (),
    include_superseded: bool = False,
) -> NoReturn:
    """Lint Dockerfiles (files, directories searched recursively, or - for stdin) and exit."""
    from dflint.config import ConfigError, Overrides, Resolver, parse_fail_on
    from dflint.engine import SelectionError, Settings, selected_rules
    from dflint.inputs import plan
    from dflint.pathmatch import PatternError
    from dflint.registry import RuleLoadError

    if statistics and output_format not in ("text", "json"):
        import click

        raise click.UsageError("--statistics works with --format text or json")
    if sys.stdout is None and not output_file:  # started with descriptor 1 closed (`>&-`)
        _echo("dflint: error: standard output is closed; nothing to report to (use --output-file FILE)", err=True)
        sys.exit(EXIT_ERROR)
    overrides = Overrides(
        select=_split_codes(select) or None,
        extend_select=_split_codes(extend_select),
        ignore=_split_codes(ignore),
        fail_on=parse_fail_on(fail_on) if fail_on else None,
        target=target,
        build_args=MappingProxyType(_parse_build_args(build_args)),
        context_dir=context_dir,
        max_bytes=max_file_size,
        config=config_file,
        isolated=isolated,
        env_files=env_files,
        include_superseded=include_superseded,
    )
    try:
        selected_rules(Settings(select=overrides.select or (), extend_select=overrides.extend_select, ignore=overrides.ignore))
        inputs = list(
            plan(
                paths or (() if via_compose else (".",)),
                Resolver(overrides),
                exclude=exclude or None,
                extend_exclude=extend_exclude,
                stdin_filename=stdin_filename,
                force_exclude=force_exclude,
                respect_gitignore=respect_gitignore,
                via_compose=via_compose,
            )
        )
    except PatternError as error:
        _echo(f"dflint: error: invalid pattern: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except ConfigError as error:
        _echo(str(error), err=True)
        sys.exit(EXIT_ERROR)
    except (SelectionError, RuleLoadError) as error:
        _echo(f"dflint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    if show_diff:
        sys.exit(_diff(inputs, unsafe_fixes))
    outcomes = _fix(inputs, unsafe_fixes) if apply_fixes else None
    if outcomes is not None:
        results = [outcome.result for outcome in outcomes]
    else:
        results = _lint(inputs, jobs)
    fail_levels: list[Severity | None] = [item.settings.fail_on for item in inputs]
    if write_baseline_file:
        from dflint import baseline

        try:
            count = baseline.write(write_baseline_file, results)
        except baseline.BaselineError as error:
            _echo(f"dflint: error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        if not quiet:
            _echo(f"dflint: wrote {count} finding{'s' if count != 1 else ''} to the baseline {write_baseline_file}", err=True)
    elif baseline_file:
        from dflint import baseline

        try:
            accepted = baseline.load(baseline_file)
        except baseline.BaselineError as error:
            _echo(f"dflint: error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        results, matched, stale = baseline.apply(accepted, results)
        if not quiet and (matched or stale):
            note = f"dflint: {matched} finding{'s' if matched != 1 else ''} in the baseline {baseline_file} not reported"
            if stale:
                note += (
                    f"; {stale} stale baseline entr{'ies' if stale != 1 else 'y'} (no longer found; refresh the baseline"
                    " with --write-baseline)"
                )
            _echo(note, err=True)
    report_to_stderr = outcomes is not None and "-" in paths and not output_file  # stdout carries the fixed text
    color = not output_file and output_format == "text" and use_color(no_color, sys.stdout.isatty(), os.environ)
    if statistics:
        from dflint.formats import statistics as statistics_format

        output = statistics_format.render_json(results) if output_format == "json" else statistics_format.render_text(results)
    else:
        from dflint.formats import renderer

        extra: dict[str, bool | str] = {"quiet": True} if quiet and output_format == "text" else {}
        if verbose and output_format == "text":
            extra["verbose"] = True
        if sort_by != "position" and output_format == "text":
            extra["sort"] = sort_by
        output = renderer(output_format)(results, color=color and not report_to_stderr, **extra)
    if output_file:
        _write_report(output_file, output)
    else:
        _emit(sys.stderr if report_to_stderr else sys.stdout, output)
    for result in results:
        for warning in result.warnings:
            _echo(str(warning), err=True)
        if output_format != "json":
            for problem in result.errors:
                _echo(str(problem), err=True)
    if outcomes is not None and not quiet:
        to_stderr = report_to_stderr or output_format != "text" or bool(output_file)
        _echo(_fix_summary(outcomes, unsafe_fixes), err=to_stderr)
        if show_fixes:
            _echo(_fixes_listing(outcomes), err=to_stderr, nl=False)
    code = exit_code(results, fail_levels)
    if code == EXIT_FINDINGS and (write_baseline_file or exit_zero):  # a new baseline accepts every finding
        code = EXIT_CLEAN
    sys.exit(code)


def use_color(no_color: bool, tty: bool, environ: Mapping[str, str]) -> bool:
    """`--no-color` and a non-empty NO_COLOR (no-color.org) turn colour off; otherwise a non-empty
    FORCE_COLOR (force-color.org) turns it on where stdout is not a terminal (a CI log)."""
    if no_color or environ.get("NO_COLOR", ""):
        return False
    return tty or bool(environ.get("FORCE_COLOR", ""))


def _write_report(path: str, output: str) -> None:
    """`-o FILE`: a new file renamed over the old report, so a full disk or any failure leaves the
    previous report whole and nothing else behind (`writing.write_file`)."""
    from dflint.source import escape_path
    from dflint.writing import WriteError, write_file

    try:
        write_file(path, output.encode("utf-8", "backslashreplace"), make_parents=True)
    except WriteError as error:
        _echo(f"dflint: error: cannot write {escape_path(path)}: {error.reason}", err=True)
        sys.exit(EXIT_ERROR)


def _lint(inputs: Sequence[Input], jobs: int | None = None) -> list[FileResult]:
    from dflint.inputs import lint
    from dflint.parallel import lint_files
    from dflint.reading import read_stdin

    # The formats read each result's text, never its model: models are not kept (flat memory).
    return lint(
        inputs,
        read_stdin=read_stdin,
        batch=lambda paths, settings, rules: lint_files(paths, settings, rules, jobs, keep_models=False),
    )


def _fix_inputs(inputs: Sequence[Input], unsafe: bool, write: bool) -> list[FixOutcome]:
    """Fix every input in memory (and, with `write`, on disk); stdin's fixed text goes to stdout when writing."""
    from dflint.engine import FileResult
    from dflint.fix import FixOutcome, fix_bytes, fix_file
    from dflint.inputs import for_service, lint, stdin_context, stdin_reason
    from dflint.reading import ReadError, read_stdin
    from dflint.source import InputError

    outcomes: list[FixOutcome] = []
    for item in inputs:
        if item.path == "-":
            try:
                data = read_stdin(item.settings.max_bytes)
            except ReadError as error:
                problem = InputError(item.shown, 1, stdin_reason(error))
                outcomes.append(FixOutcome(item.shown, "", "", (), FileResult(item.shown, (), (problem,))))
                continue
            choice = stdin_context(item, data)
            context = choice.directory if choice is not None else item.settings.context_dir
            outcome = fix_bytes(data, item.shown, item.settings, item.rules, context, unsafe=unsafe, choice=choice)
            if write:
                sys.stdout.buffer.write(outcome.fixed_bytes() if outcome.changed else data)
                sys.stdout.flush()
            outcomes.append(outcome)
        elif item.error is not None:
            outcomes.append(FixOutcome(item.shown, "", "", (), FileResult(item.shown, (), (item.error,))))
        elif item.service is not None and item.service.inline_text is not None:
            outcomes.append(FixOutcome(item.shown, "", "", (), lint([item])[0]))  # an inline Dockerfile is not rewritten
        else:
            outcome = fix_file(
                item.path, item.settings, item.rules, unsafe=unsafe, write=write, display_path=item.shown, boundary=item.boundary
            )
            if item.service is not None:
                import dataclasses

                outcome = dataclasses.replace(outcome, result=for_service(outcome.result, item.service))
            outcomes.append(outcome)
    return outcomes


def _fix(inputs: Sequence[Input], unsafe: bool) -> list[FixOutcome]:
    return _fix_inputs(inputs, unsafe, write=True)


def _diff(inputs: Sequence[Input], unsafe: bool) -> int:
    """`--diff`: print what the fixes would change; write nothing. Exit 1 when something would change."""
    from dflint.fix import unified_diff

    outcomes = _fix_inputs(inputs, unsafe, write=False)
    for outcome in outcomes:
        sys.stdout.write(unified_diff(outcome))
        for error in outcome.result.errors:
            _echo(str(error), err=True)
    _echo(_fix_summary(outcomes, unsafe, dry_run=True), err=True)
    if any(outcome.result.errors for outcome in outcomes):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(outcome.changed for outcome in outcomes) else EXIT_CLEAN


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('x') else 's'}"


def _fix_summary(outcomes: Sequence[FixOutcome], unsafe: bool, *, dry_run: bool = False) -> str:
    """`Applied 3 fixes in 2 files; 1 finding remains.` (or `Would apply …` for --diff)."""
    from dflint.fix import wanted

    applied = sum(len(outcome.applied) for outcome in outcomes)
    files = sum(1 for outcome in outcomes if outcome.changed)
    remaining = [finding for outcome in outcomes for finding in outcome.result.findings]
    verb = "Would apply" if dry_run else "Applied"
    remain = "would remain" if dry_run else ("remains" if len(remaining) == 1 else "remain")
    done = (
        f"{verb} {_plural(applied, 'fix')} in {_plural(files, 'file')}"
        if applied
        else ("No fix would apply" if dry_run else "No fixes applied")
    )
    summary = f"{done}; {_plural(len(remaining), 'finding')} {remain}"
    hidden = 0 if unsafe else sum(1 for finding in remaining if wanted(finding.fix, True) and not wanted(finding.fix, False))
    if hidden:
        summary += f" ({hidden} fixable with --unsafe-fixes)"
    return summary + "."


def _fixes_listing(outcomes: Sequence[FixOutcome]) -> str:
    """`--show-fixes`: each file's applied fixes, counted per rule."""
    lines: list[str] = []
    for outcome in outcomes:
        if not outcome.applied:
            continue
        lines.append(f"- {outcome.path}:")
        names = {finding.code: finding.rule.name for finding in outcome.applied}
        for code, count in sorted(outcome.fixed_counts.items()):
            lines.append(f"    {count} × {code} ({names[code]})")
    return "".join(line + "\n" for line in lines)


def exit_code(results: Sequence[FileResult], fail_on: Severity | None | Sequence[Severity | None]) -> int:
    """2 for an input error, 1 for a finding at or above its file's `fail_on` (None: never), else 0."""
    if any(result.errors for result in results):
        return EXIT_ERROR
    levels = list(fail_on) if isinstance(fail_on, Sequence) else [fail_on] * len(results)
    if any(
        level is not None and finding.effective_severity >= level
        for result, level in zip(results, levels)
        for finding in result.findings
    ):
        return EXIT_FINDINGS
    return EXIT_CLEAN
