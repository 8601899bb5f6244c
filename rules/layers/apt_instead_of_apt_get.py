"""## What it does
Flags `apt` run in a RUN script (heredoc bodies and `sh -c` scripts included).

One finding per RUN: `RUN apt update && apt install -y curl` is one decision, reported once at the
first `apt`, with one fix for both. `apt upgrade`, `apt list` and the `apt-cache` subcommands get
their own finding, since their advice differs.

## Why is this bad?
`apt` is the command-line tool for people at a terminal; its own manual says its interface may change
between versions and that scripts should use `apt-get` and `apt-cache`, whose behaviour is kept
stable. In a build it also prints "WARNING: apt does not have a stable CLI interface. Use with
caution in scripts." and a progress bar into the build log. `apt upgrade` also differs from
`apt-get upgrade`: it installs new packages when an upgrade needs them.

This is hadolint's DL3027 and Checkov's CKV_DOCKER_9.

Opt-in (`--extend-select DF307`): in a build, `apt update`, `install`, `remove`, `autoremove` and
`clean` do what the `apt-get` commands do; the difference is a warning line in the build log. On the
shared corpus of 776 real Dockerfiles it gave 49 default findings; in eight random samples of 50
default findings, independent reviewers reading each file judged all 18 DF307 findings right and 1
worth telling the file's author (a script that parses `apt list` output, which `apt` warns against).
Turn it on to keep scripts on the stable `apt-get` and `apt-cache` interfaces, as hadolint's DL3027
does.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt update && apt install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Fix safety
Safe for `install`, `remove`, `purge`, `autoremove`, `update`, `clean` and `autoclean`, which mean the
same in both tools. Other subcommands get no fix: `apt upgrade` and `apt full-upgrade` behave like
`apt-get upgrade --with-new-pkgs` and `apt-get dist-upgrade`, and `apt list`, `search` and `show`
belong to `apt-cache` or `dpkg-query`.

## References
- [apt(8): Script usage and differences from other APT tools](https://manpages.debian.org/bookworm/apt/apt.8.en.html)
- [hadolint DL3027](https://github.com/hadolint/hadolint/wiki/DL3027)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import all_runs, operands, text_at
from dflint.model import Dockerfile, Stage, Word
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF307",
    name="apt-instead-of-apt-get",
    severity=Severity.WARNING,
    summary="`apt` in a script: its interface is not stable, use `apt-get`",
    fixable=True,
    default_enabled=False,
    skip_images_nobody_deploys=True,
    needs=("apt",),
)

_SAME_IN_APT_GET = frozenset({"install", "remove", "purge", "autoremove", "update", "clean", "autoclean"})
_APT_CACHE = frozenset({"search", "show", "showsrc", "policy", "depends", "rdepends"})
_VALUE_OPTIONS = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file", "-a", "--host-architecture"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        plain: list[tuple[Word, str, Edit | None]] = []  # `apt` where `apt-get` is the advice: one finding per RUN
        for command in instruction.commands:
            if command.name != "apt":
                continue
            program = command.argv[0]
            rest = operands(command.argv, _VALUE_OPTIONS)
            verb = rest[0].value if rest else None
            shown = f"apt {verb}" if verb else "apt"
            edit = None
            if verb in _SAME_IN_APT_GET and program.value == "apt" and text_at(dockerfile, program.span) == "apt":
                edit = Edit.replace(program.span, "apt-get")
            if verb in _APT_CACHE:
                advice = f"use `apt-cache {verb}`"
            elif verb == "list":
                advice = "use `dpkg-query -W` or `apt-cache policy`"
            elif verb in ("upgrade", "full-upgrade"):
                advice = "use `apt-get upgrade` or `apt-get dist-upgrade`"
            else:
                plain.append((program, shown, edit))
                continue
            yield Finding(
                META,
                program.span,
                f"`{shown}` in {stage.label}: `apt` is meant for terminals and its CLI may change; {advice}",
                stage=stage.name,
            )
        if plain:
            yield _plain_finding(stage, plain)


def _plain_finding(stage: Stage, plain: list[tuple[Word, str, Edit | None]]) -> Finding:
    """One finding for every `apt` of a RUN that `apt-get` replaces, at the first one, with one fix
    for all of them (when each has one)."""
    edits = [edit for _, _, edit in plain if edit is not None]
    fix = None
    if len(edits) == len(plain):
        title = "Replace `apt` with `apt-get`" if len(edits) == 1 else f"Replace `apt` with `apt-get` ({len(edits)} commands)"
        fix = Fix.safe(title, *edits)
    shown = list(dict.fromkeys(f"`{text}`" for _, text, _ in plain))
    named = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"
    return Finding(
        META,
        plain[0][0].span,
        f"{named} in {stage.label}: `apt` is meant for terminals and its CLI may change; use `apt-get`",
        fix=fix,
        stage=stage.name,
    )
