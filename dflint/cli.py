"""The command line: `dflint [OPTIONS] [PATHS]...`, `dflint rules`, `dflint explain CODE`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import click

from dflint import __version__

if TYPE_CHECKING:
    from dflint.rule import Severity  # imported where used: `--version` and `--help` never load the model

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_CHOICES = ("text", "json")


class DefaultGroup(click.Group):
    """A group whose default command is `check`, so `dflint Dockerfile` lints."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


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
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "style"]), default=None, help="Lowest severity that makes the exit code 1 [default: warning].")
@click.option("--select", multiple=True, help="Rules to run (codes, names or prefixes such as DF3; comma-separated or repeated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, names or prefixes).")
@click.option("--target", default=None, help="The build target: the stage that ships (default: the last stage).")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="A build argument, as for `docker build`.")
@click.option("--context", "context_dir", type=click.Path(file_okay=False), default=None, help="Build context directory (default: each Dockerfile's own directory).")
@click.option("--stdin-filename", default=None, help="The path to report (and resolve context from) when reading `-`.")
@click.option("--exclude", multiple=True, help="Glob of files or directories to skip when searching directories.")
@click.option("--max-file-size", type=int, default=10_000_000, show_default=True, help="Largest Dockerfile read, in bytes (0: no limit).")
@click.option("--no-color", is_flag=True, help="Never colour the output (also: NO_COLOR).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes to the files (with `-`: print the fixed text on stdout).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff and write nothing; exit 1 when something would change.")
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
    apply_fixes: bool = False,
    unsafe_fixes: bool = False,
    show_diff: bool = False,
) -> None:
    """Lint Dockerfiles (files, directories searched recursively, or - for stdin)."""
    from dflint.engine import SelectionError, Settings, selected_rules
    from dflint.registry import RuleLoadError
    from dflint.rule import Severity

    settings = Settings(
        select=_split_codes(select),
        ignore=_split_codes(ignore),
        fail_on=Severity.parse(fail_on or "warning"),
        target=target,
        build_args=MappingProxyType(_parse_build_args(build_args)),
        context_dir=context_dir,
        max_bytes=max_file_size,
    )
    try:
        rules = selected_rules(settings)
    except (SelectionError, RuleLoadError) as error:
        click.echo(f"dflint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    if show_diff:
        sys.exit(_diff(paths or (".",), settings, rules, stdin_filename, exclude, unsafe_fixes))
    outcomes = _fix(paths or (".",), settings, rules, stdin_filename, exclude, unsafe_fixes) if apply_fixes else None
    if outcomes is not None:
        results = [outcome.result for outcome in outcomes]
    else:
        results = _lint(paths or (".",), settings, rules, stdin_filename, exclude)
    report_to_stderr = outcomes is not None and "-" in paths  # stdout carries the fixed text
    color = not no_color and output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    from dflint.formats import renderer

    output = renderer(output_format)(results, color=color and not report_to_stderr)
    (sys.stderr if report_to_stderr else sys.stdout).write(output)
    if output_format != "json":
        for result in results:
            for error in result.errors:
                click.echo(str(error), err=True)
    if outcomes is not None:
        click.echo(_fix_summary(outcomes, unsafe_fixes), err=report_to_stderr or output_format != "text")
    sys.exit(exit_code(results, settings.fail_on))


def _lint(paths: Sequence[str], settings: Any, rules: Any, stdin_filename: str | None, exclude: Sequence[str]) -> list[Any]:
    from dflint.discover import discover
    from dflint.engine import FileResult, lint_bytes, lint_file
    from dflint.source import InputError

    results: list[FileResult] = []
    for path, from_directory in discover(paths, exclude):
        if path == "-":
            shown = stdin_filename or "-"
            context = settings.context_dir or (os.path.dirname(os.path.abspath(stdin_filename)) if stdin_filename else os.getcwd())
            results.append(lint_bytes(sys.stdin.buffer.read(), shown, settings, rules, context))
        elif os.path.isdir(path) and not from_directory:
            results.append(FileResult(path, (), (InputError(path, 1, "directory has no Dockerfile (looked for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile)"),)))
        else:
            results.append(lint_file(path, settings, rules))
    return results


def _fix_inputs(paths: Sequence[str], settings: Any, rules: Any, stdin_filename: str | None, exclude: Sequence[str], unsafe: bool, write: bool) -> list[Any]:
    """Fix every input in memory (and, with `write`, on disk); stdin's fixed text goes to stdout when writing."""
    from dflint.discover import discover
    from dflint.engine import FileResult
    from dflint.fix import FixOutcome, fix_bytes, fix_file
    from dflint.source import InputError

    outcomes: list[FixOutcome] = []
    for path, from_directory in discover(paths, exclude):
        if path == "-":
            shown = stdin_filename or "-"
            context = settings.context_dir or (os.path.dirname(os.path.abspath(stdin_filename)) if stdin_filename else os.getcwd())
            data = sys.stdin.buffer.read()
            outcome = fix_bytes(data, shown, settings, rules, context, unsafe=unsafe)
            if write:
                sys.stdout.buffer.write(outcome.fixed_bytes() if outcome.changed else data)
                sys.stdout.flush()
            outcomes.append(outcome)
        elif os.path.isdir(path) and not from_directory:
            error = InputError(path, 1, "directory has no Dockerfile (looked for Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile)")
            outcomes.append(FixOutcome(path, "", "", (), FileResult(path, (), (error,))))
        else:
            outcomes.append(fix_file(path, settings, rules, unsafe=unsafe, write=write))
    return outcomes


def _fix(paths: Sequence[str], settings: Any, rules: Any, stdin_filename: str | None, exclude: Sequence[str], unsafe: bool) -> list[Any]:
    return _fix_inputs(paths, settings, rules, stdin_filename, exclude, unsafe, write=True)


def _diff(paths: Sequence[str], settings: Any, rules: Any, stdin_filename: str | None, exclude: Sequence[str], unsafe: bool) -> int:
    """`--diff`: print what the fixes would change; write nothing. Exit 1 when something would change."""
    from dflint.fix import unified_diff

    outcomes = _fix_inputs(paths, settings, rules, stdin_filename, exclude, unsafe, write=False)
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


def _fix_summary(outcomes: Sequence[Any], unsafe: bool, *, dry_run: bool = False) -> str:
    """`Applied 3 fixes in 2 files; 1 finding remains.` (or `Would apply …` for --diff)."""
    from dflint.fix import wanted

    applied = sum(len(outcome.applied) for outcome in outcomes)
    files = sum(1 for outcome in outcomes if outcome.changed)
    remaining = [finding for outcome in outcomes for finding in outcome.result.findings]
    verb = "Would apply" if dry_run else "Applied"
    remain = "would remain" if dry_run else ("remains" if len(remaining) == 1 else "remain")
    done = f"{verb} {_plural(applied, 'fix')} in {_plural(files, 'file')}" if applied else ("No fix would apply" if dry_run else "No fixes applied")
    summary = f"{done}; {_plural(len(remaining), 'finding')} {remain}"
    hidden = 0 if unsafe else sum(1 for finding in remaining if wanted(finding.fix, True) and not wanted(finding.fix, False))
    if hidden:
        summary += f" ({hidden} fixable with --unsafe-fixes)"
    return summary + "."


def exit_code(results: Sequence[Any], fail_on: Severity) -> int:
    if any(result.errors for result in results):
        return EXIT_ERROR
    if any(finding.effective_severity >= fail_on for result in results for finding in result.findings):
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
            {"code": r.meta.code, "name": r.meta.name, "severity": str(r.meta.severity), "summary": r.meta.summary, "fixable": r.meta.fixable}
            for r in rules
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    from tabulate import tabulate

    rows = [(r.meta.code, r.meta.name, str(r.meta.severity), ("[*] " if r.meta.fixable else "") + r.meta.summary) for r in rules]
    click.echo(tabulate(rows, headers=["code", "name", "severity", "summary"], tablefmt="simple"))
    click.echo(f"\n{len(rules)} rules; [*] fixable with --fix.")


@main.command("explain")
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's documentation (by code or name)."""
    from dflint.registry import find

    found = find(rule)
    if found is None:
        click.echo(f"dflint: error: unknown rule '{rule}' (see `dflint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    meta = found.meta
    click.echo(f"# {meta.code} {meta.name}\n")
    click.echo(f"Severity: {meta.severity}. {meta.summary}\n")
    click.echo(found.doc)
