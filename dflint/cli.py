"""The command line: `dflint [OPTIONS] [PATHS]...`, `dflint rules`, `dflint explain CODE`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from dflint import __version__
from dflint.checkrun import (
    EXIT_BROKEN_PIPE,
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    exit_code,
    guarded,
    run,
    use_color,
)

if TYPE_CHECKING:  # imported where used: `--version` and `--help` never load the model
    from dflint.registry import Rule

FORMAT_CHOICES = ("text", "json", "sarif", "github", "gitlab", "checkstyle")


class DefaultGroup(click.Group):
    """A group whose default command is `check`, so `dflint Dockerfile` lints."""

    def invoke(self, ctx: click.Context) -> object:
        """Ctrl-C exits 130 and a closed pipe on stdout exits 141, quietly (`checkrun.guarded`)."""
        return guarded(lambda: click.Group.invoke(self, ctx))

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


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dflint", message="%(prog)s %(version)s")
def main() -> None:
    """dflint: lint Dockerfiles for small, fast, safe machine-learning inference images.

    Run `dflint [OPTIONS] [PATHS]...` to lint (the `check` command is the default),
    `dflint rules` to list the rules, `dflint explain CODE` for one rule's documentation.
    """


# The `check` command is `checkrun.run` itself, with these parameters (each one named as one of its
# keywords): the launcher calls `run` without click on a plain line, and click calls it here.
_CHECK_PARAMETERS = (
    click.argument("paths", nargs=-1, type=click.Path(readable=False)),  # an unreadable file is that file's input error
    click.option(
        "--format", "output_format", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True, help="Output format."
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "info", "style", "none"]),
        default=None,
        help="Lowest severity that makes the exit code 1; none: findings never do (hadolint's --failure-threshold) [default: warning].",
    ),
    click.option(
        "--exit-zero",
        is_flag=True,
        help="Exit 0 even when findings are reported (as ruff's --exit-zero, hadolint's --no-fail); input errors still exit 2.",
    ),
    click.option(
        "--select", multiple=True, help="Rules to run (codes, names or prefixes such as DF3; comma-separated or repeated)."
    ),
    click.option("--ignore", multiple=True, help="Rules to skip (codes, names or prefixes)."),
    click.option("--target", default=None, help="The build target: the stage that ships (default: the last stage)."),
    click.option(
        "--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="A build argument, as for `docker build`."
    ),
    click.option(
        "--context",
        "context_dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Build context directory (default: found per Dockerfile from compose files, CI workflows, Makefiles and scripts that build it, else where its COPY sources are; see --verbose).",
    ),
    click.option("--stdin-filename", default=None, help="The path to report (and resolve context from) when reading `-`."),
    click.option(
        "--exclude",
        multiple=True,
        help="Pattern (.gitignore syntax, relative to the current directory) of files or directories to skip when searching"
        " directories; replaces the configuration's `exclude`.",
    ),
    click.option(
        "--extend-exclude", multiple=True, help="Pattern to skip in addition to `exclude` (the configuration's or --exclude's)."
    ),
    click.option(
        "--respect-gitignore/--no-respect-gitignore",
        default=True,
        show_default=True,
        help="Skip what git ignores (.gitignore, .git/info/exclude) when searching directories.",
    ),
    click.option(
        "--include-superseded",
        is_flag=True,
        help="Lint a Dockerfile kept as an earlier release beside a later one (2.0.0/Dockerfile beside 3.0.1/Dockerfile)"
        " like any other; by default no rule runs on it unless selected by its code or name (see --verbose).",
    ),
    click.option(
        "--max-file-size",
        type=click.IntRange(min=0),
        default=10_000_000,
        show_default=True,
        help="Largest Dockerfile read, in bytes (0: no limit).",
    ),
    click.option(
        "--no-color",
        is_flag=True,
        help="Never colour the output (also: a non-empty NO_COLOR; a non-empty FORCE_COLOR forces it).",
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Worker processes (0: one per CPU) [default: one per CPU for many files, 1 for a few].",
    ),
    click.option(
        "--fix", "apply_fixes", is_flag=True, help="Apply safe fixes to the files (with `-`: print the fixed text on stdout)."
    ),
    click.option(
        "--show-fixes", is_flag=True, help="With --fix, list the fixes applied, per file and rule (as ruff's --show-fixes)."
    ),
    click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too."),
    click.option(
        "--diff",
        "show_diff",
        is_flag=True,
        help="Print the fixes as a unified diff and write nothing; exit 1 when something would change.",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        default=None,
        help="Configuration file for every input (.dflint.yaml or pyproject.toml) instead of the one found upward from each file.",
    ),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    click.option(
        "--extend-select",
        multiple=True,
        help="Rules to run in addition to the selection (how opt-in rules such as DF690 are enabled).",
    ),
    click.option(
        "--env-file",
        "env_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="For compose files: read these variables instead of the project's .env, as `docker compose --env-file`.",
    ),
    click.option(
        "--via-compose",
        is_flag=True,
        help="Lint Dockerfiles (and .env files) named on the command line through the compose files below the current"
        " directory whose services build them (the dflint-compose pre-commit hook).",
    ),
    click.option(
        "--force-exclude", is_flag=True, help="Apply exclusions to files named on the command line too (for pre-commit)."
    ),
    click.option(
        "--output-file",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write the report to this file instead of stdout.",
    ),
    click.option(
        "--statistics", is_flag=True, help="Print how many findings each rule produced instead of the findings (text or json)."
    ),
    click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary, no notes."),
    click.option(
        "--sort",
        "sort_by",
        type=click.Choice(["position", "impact"]),
        default="position",
        show_default=True,
        help="Order of the text output: by file and line, or the largest estimated savings first (then severity).",
    ),
    click.option("--verbose", "-v", is_flag=True, help="Also say which build context each Dockerfile was linted with, and why."),
    click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(dir_okay=False),
        default=None,
        help="Report only findings that are not in this baseline file.",
    ),
    click.option(
        "--write-baseline",
        "write_baseline_file",
        type=click.Path(dir_okay=False),
        default=None,
        help="Record every current finding in this baseline file and exit 0 (unless an input error).",
    ),
)
check = run
for _parameter in reversed(_CHECK_PARAMETERS):
    check = _parameter(check)
check = main.command("check", help="Lint Dockerfiles (files, directories searched recursively, or - for stdin).")(check)


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


__all__ = [  # the exit codes and helpers live in `dflint.checkrun`, which a plain lint uses without click
    "EXIT_BROKEN_PIPE",
    "EXIT_CLEAN",
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_INTERRUPTED",
    "FORMAT_CHOICES",
    "exit_code",
    "main",
    "use_color",
]
