"""The command line: `dflint [OPTIONS] [PATHS]...`, `dflint rules`, `dflint explain CODE`."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import IO, TYPE_CHECKING

import click

from dflint import __version__

if TYPE_CHECKING:  # imported where used: `--version` and `--help` never load the model
    from dflint.engine import FileResult
    from dflint.fix import FixOutcome
    from dflint.inputs import Input
    from dflint.registry import Rule
    from dflint.rule import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Killed by a signal, the shell's way (128 + the signal's number): never 1, which means "findings".
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141  # SIGINT (Ctrl-C), SIGPIPE (the reader of stdout went away)
FORMAT_CHOICES = ("text", "json", "sarif", "github", "gitlab", "checkstyle")


class DefaultGroup(click.Group):
    """A group whose default command is `check`, so `dflint Dockerfile` lints."""

    def invoke(self, ctx: click.Context) -> object:
        """Ctrl-C exits 130 and a closed pipe on stdout (`dflint . | head -1`) exits 141, quietly;
        click would print "Aborted!" and exit 1, the code for findings."""
        try:
            try:
                return super().invoke(ctx)
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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`dflint --help` lists the lint options too: `check` is what `dflint PATHS` runs."""
        super().format_options(ctx, formatter)
        command = self.commands["check"]
        sub = click.Context(command, info_name="check", parent=ctx)
        records = [
            record
            for param in command.get_params(sub)
            if isinstance(param, click.Option) and (record := param.get_help_record(sub)) is not None and param.name != "help"
        ]
        with formatter.section("Lint options (dflint [OPTIONS] [PATHS]..., the same as dflint check)"):
            formatter.write_dl(records)


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


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dflint", message="%(prog)s %(version)s")
def main() -> None:
    """dflint: lint Dockerfiles for small, fast, safe machine-learning inference images.

    Run `dflint [OPTIONS] [PATHS]...` to lint (the `check` command is the default),
    `dflint rules` to list the rules, `dflint explain CODE` for one rule's documentation.
    """


def _parse_build_args(values: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for value in values:
        name, equals, setting = value.partition("=")
        if not name or not equals:
            raise click.BadParameter(f"'{value}' is not NAME=VALUE", param_hint="--build-arg")
        result[name] = setting
    return result


def _split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # an unreadable file is that file's input error
@click.option(
    "--format", "output_format", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True, help="Output format."
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "style", "none"]),
    default=None,
    help="Lowest severity that makes the exit code 1; none: findings never do (hadolint's --failure-threshold) [default: warning].",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when findings are reported (as ruff's --exit-zero, hadolint's --no-fail); input errors still exit 2.",
)
@click.option("--select", multiple=True, help="Rules to run (codes, names or prefixes such as DF3; comma-separated or repeated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, names or prefixes).")
@click.option("--target", default=None, help="The build target: the stage that ships (default: the last stage).")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="A build argument, as for `docker build`.")
@click.option(
    "--context",
    "context_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Build context directory (default: found per Dockerfile from compose files, CI workflows, Makefiles and scripts that build it, else where its COPY sources are; see --verbose).",
)
@click.option("--stdin-filename", default=None, help="The path to report (and resolve context from) when reading `-`.")
@click.option(
    "--exclude",
    multiple=True,
    help="Pattern (.gitignore syntax, relative to the current directory) of files or directories to skip when searching"
    " directories; replaces the configuration's `exclude`.",
)
@click.option(
    "--extend-exclude", multiple=True, help="Pattern to skip in addition to `exclude` (the configuration's or --exclude's)."
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    show_default=True,
    help="Skip what git ignores (.gitignore, .git/info/exclude) when searching directories.",
)
@click.option(
    "--include-superseded",
    is_flag=True,
    help="Lint a Dockerfile kept as an earlier release beside a later one (2.0.0/Dockerfile beside 3.0.1/Dockerfile)"
    " like any other; by default no rule runs on it unless selected by its code or name (see --verbose).",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=0),
    default=10_000_000,
    show_default=True,
    help="Largest Dockerfile read, in bytes (0: no limit).",
)
@click.option(
    "--no-color", is_flag=True, help="Never colour the output (also: a non-empty NO_COLOR; a non-empty FORCE_COLOR forces it)."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Worker processes (0: one per CPU) [default: one per CPU for many files, 1 for a few].",
)
@click.option(
    "--fix", "apply_fixes", is_flag=True, help="Apply safe fixes to the files (with `-`: print the fixed text on stdout)."
)
@click.option(
    "--show-fixes", is_flag=True, help="With --fix, list the fixes applied, per file and rule (as ruff's --show-fixes)."
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the fixes as a unified diff and write nothing; exit 1 when something would change.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file for every input (.dflint.yaml or pyproject.toml) instead of the one found upward from each file.",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option(
    "--extend-select",
    multiple=True,
    help="Rules to run in addition to the selection (how opt-in rules such as DF690 are enabled).",
)
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="For compose files: read these variables instead of the project's .env, as `docker compose --env-file`.",
)
@click.option(
    "--via-compose",
    is_flag=True,
    help="Lint Dockerfiles (and .env files) named on the command line through the compose files below the current"
    " directory whose services build them (the dflint-compose pre-commit hook).",
)
@click.option("--force-exclude", is_flag=True, help="Apply exclusions to files named on the command line too (for pre-commit).")
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--statistics", is_flag=True, help="Print how many findings each rule produced instead of the findings (text or json)."
)
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary, no notes.")
@click.option(
    "--sort",
    "sort_by",
    type=click.Choice(["position", "impact"]),
    default="position",
    show_default=True,
    help="Order of the text output: by file and line, or the largest estimated savings first (then severity).",
)
@click.option("--verbose", "-v", is_flag=True, help="Also say which build context each Dockerfile was linted with, and why.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report only findings that are not in this baseline file.",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record every current finding in this baseline file and exit 0 (unless an input error).",
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    target: str | None,
    build_args: tuple[str, ...],
    context_dir: str | None,
    stdin_filename: str | None,
    exclude: tuple[str, ...],
    max_file_size: int,
    no_color: bool,
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
) -> None:
    """Lint Dockerfiles (files, directories searched recursively, or - for stdin)."""
    from dflint.config import ConfigError, Overrides, Resolver, parse_fail_on
    from dflint.engine import SelectionError, Settings, selected_rules
    from dflint.inputs import plan
    from dflint.pathmatch import PatternError
    from dflint.registry import RuleLoadError

    if statistics and output_format not in ("text", "json"):
        raise click.UsageError("--statistics works with --format text or json")
    if sys.stdout is None and not output_file:  # started with descriptor 1 closed (`>&-`)
        click.echo("dflint: error: standard output is closed; nothing to report to (use --output-file FILE)", err=True)
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
        click.echo(f"dflint: error: invalid pattern: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_ERROR)
    except (SelectionError, RuleLoadError) as error:
        click.echo(f"dflint: error: {error}", err=True)
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
            click.echo(f"dflint: error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        if not quiet:
            click.echo(
                f"dflint: wrote {count} finding{'s' if count != 1 else ''} to the baseline {write_baseline_file}", err=True
            )
    elif baseline_file:
        from dflint import baseline

        try:
            accepted = baseline.load(baseline_file)
        except baseline.BaselineError as error:
            click.echo(f"dflint: error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        results, matched, stale = baseline.apply(accepted, results)
        if not quiet and (matched or stale):
            note = f"dflint: {matched} finding{'s' if matched != 1 else ''} in the baseline {baseline_file} not reported"
            if stale:
                note += (
                    f"; {stale} stale baseline entr{'ies' if stale != 1 else 'y'} (no longer found; refresh the baseline"
                    " with --write-baseline)"
                )
            click.echo(note, err=True)
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
            click.echo(str(warning), err=True)
        if output_format != "json":
            for problem in result.errors:
                click.echo(str(problem), err=True)
    if outcomes is not None and not quiet:
        to_stderr = report_to_stderr or output_format != "text" or bool(output_file)
        click.echo(_fix_summary(outcomes, unsafe_fixes), err=to_stderr)
        if show_fixes:
            click.echo(_fixes_listing(outcomes), err=to_stderr, nl=False)
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
        click.echo(f"dflint: error: cannot write {escape_path(path)}: {error.reason}", err=True)
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
            click.echo(str(error), err=True)
    click.echo(_fix_summary(outcomes, unsafe, dry_run=True), err=True)
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


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, severity, summary."""
    from dflint.registry import all_rules

    rules = all_rules()
    if output_format == "json":
        import json

        payload = [
            {
                "code": r.meta.code,
                "name": r.meta.name,
                "severity": str(r.meta.severity),
                "summary": r.meta.summary,
                "fixable": r.meta.fixable,
                "default_enabled": r.meta.default_enabled,
            }
            for r in rules
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    from tabulate import tabulate

    rows = [
        (
            r.meta.code,
            r.meta.name,
            str(r.meta.severity),
            ("[*] " if r.meta.fixable else "") + ("(opt-in) " if not r.meta.default_enabled else "") + r.meta.summary,
        )
        for r in rules
    ]
    click.echo(tabulate(rows, headers=["code", "name", "severity", "summary"], tablefmt="simple"))
    click.echo(f"\n{len(rules)} rules; [*] fixable with --fix; (opt-in) runs only when selected by code or name.")


@main.command("migrate-hadolint")
@click.argument("path", default=".hadolint.yaml", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the configuration to this file (never over an existing one) instead of stdout.",
)
def migrate_hadolint(path: str, output: str | None) -> None:
    """Turn a .hadolint.yaml into dflint configuration; what has no counterpart is listed on stderr."""
    import yaml

    from dflint import safe_yaml
    from dflint.config import MAX_CONFIG_BYTES, yaml_problem
    from dflint.migrate import convert, render
    from dflint.reading import ReadError, read_file
    from dflint.source import escape_path

    shown = escape_path(path)
    try:
        text = read_file(path, limit=MAX_CONFIG_BYTES, what="the hadolint configuration").data.decode("utf-8-sig")
        data, _ = safe_yaml.parse(text)
    except ReadError as error:
        click.echo(f"{shown}:1: {'no such file' if error.status == 'missing' else error.reason}", err=True)
        sys.exit(EXIT_ERROR)
    except UnicodeDecodeError:
        click.echo(f"{shown}:1: not UTF-8 text", err=True)
        sys.exit(EXIT_ERROR)
    except yaml.YAMLError as error:
        line, problem = yaml_problem(error)
        click.echo(f"{shown}:{line}: invalid YAML: {problem}", err=True)
        sys.exit(EXIT_ERROR)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        click.echo(f"{shown}:1: a hadolint configuration is a mapping of settings", err=True)
        sys.exit(EXIT_ERROR)
    migration = convert(data)
    document = render(migration, os.path.basename(path))
    for note in migration.notes:
        click.echo(f"dflint: note: {note}", err=True)
    if output is None:
        click.echo(document, nl=False)
        return
    try:
        with open(output, "x", encoding="utf-8") as handle:
            handle.write(document)
    except FileExistsError:
        click.echo(
            f"dflint: error: {escape_path(output)} exists; not overwritten (merge the printed configuration by hand)", err=True
        )
        sys.exit(EXIT_ERROR)
    except OSError as error:
        click.echo(f"dflint: error: cannot write {escape_path(output)}: {error.strerror or error}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"dflint: wrote {escape_path(output)}", err=True)


@main.command("explain")
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's documentation (by code or name; a hadolint code DLnnnn shows its dflint equivalents)."""
    from dflint.registry import find

    if rule.strip().upper().startswith("DL") and find(rule) is None:
        sys.exit(_explain_hadolint(rule.strip().upper()))
    found = find(rule)
    if found is None:
        click.echo(f"dflint: error: unknown rule '{rule}' (see `dflint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    _print_rule(found)


def _print_rule(found: Rule) -> None:
    meta = found.meta
    click.echo(f"# {meta.code} {meta.name}\n")
    click.echo(f"Severity: {meta.severity}. {meta.summary}\n")
    if meta.skip_images_nobody_deploys:
        from dflint.ruledocs import NOT_ON_UNSHIPPED

        click.echo(f"{NOT_ON_UNSHIPPED}\n")
    if meta.judges_form:
        from dflint.ruledocs import NOT_ON_GENERATED

        click.echo(f"{NOT_ON_GENERATED}\n")
    click.echo(found.doc)


def _explain_hadolint(code: str) -> int:
    """`dflint explain DL3042`: the dflint rules that stand for a hadolint rule, or why there is none."""
    from dflint.hadolint import equivalents, why_unported
    from dflint.registry import find

    codes = equivalents(code)
    if codes:
        rules = [rule for rule in (find(c) for c in codes) if rule is not None]
        names = ", ".join(f"{rule.meta.code} ({rule.meta.name})" for rule in rules)
        click.echo(
            f"hadolint {code} is dflint {names}; `# hadolint ignore={code}` suppresses {'it' if len(rules) == 1 else 'them'}.\n"
        )
        for rule in rules:
            _print_rule(rule)
        return EXIT_CLEAN
    reason = why_unported(code)
    if reason is not None:
        click.echo(f"hadolint {code} has no dflint equivalent. {reason}")
        return EXIT_CLEAN
    click.echo(f"dflint: error: unknown rule '{code}': not a hadolint rule dflint knows (see docs/peers.md)", err=True)
    return EXIT_ERROR


@main.command("server")
def server_command() -> None:
    """Run the language server on stdin and stdout (for editors; needs the `server` extra)."""
    from dflint import server

    if not server.available():
        click.echo(f"dflint: error: {server.MISSING}", err=True)
        sys.exit(EXIT_ERROR)
    server.main()
