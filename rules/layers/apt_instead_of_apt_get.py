"""## What it does
Flags `apt` run in a RUN script (heredoc bodies and `sh -c` scripts included).

## Why is this bad?
`apt` is the command-line tool for people at a terminal; its own manual says its interface may change
between versions and that scripts should use `apt-get` and `apt-cache`, whose behaviour is kept
stable. In a build it also prints "WARNING: apt does not have a stable CLI interface. Use with
caution in scripts." and a progress bar into the build log. `apt upgrade` also differs from
`apt-get upgrade`: it installs new packages when an upgrade needs them.

This is hadolint's DL3027 and Checkov's CKV_DOCKER_9.

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
from dflint.model import Dockerfile
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF307",
    name="apt-instead-of-apt-get",
    severity=Severity.WARNING,
    summary="`apt` in a script: its interface is not stable, use `apt-get`",
    fixable=True,
    skip_images_nobody_deploys=True,
    needs=("apt",),
)

_SAME_IN_APT_GET = frozenset({"install", "remove", "purge", "autoremove", "update", "clean", "autoclean"})
_APT_CACHE = frozenset({"search", "show", "showsrc", "policy", "depends", "rdepends"})
_VALUE_OPTIONS = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file", "-a", "--host-architecture"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for command in instruction.commands:
            if command.name != "apt":
                continue
            program = command.argv[0]
            rest = operands(command.argv, _VALUE_OPTIONS)
            verb = rest[0].value if rest else None
            if verb in _APT_CACHE:
                advice = f"use `apt-cache {verb}`"
            elif verb == "list":
                advice = "use `dpkg-query -W` or `apt-cache policy`"
            elif verb in ("upgrade", "full-upgrade"):
                advice = "use `apt-get upgrade` or `apt-get dist-upgrade`"
            else:
                advice = "use `apt-get`"
            fix = None
            if verb in _SAME_IN_APT_GET and program.value == "apt" and text_at(dockerfile, program.span) == "apt":
                fix = Fix.safe("Replace `apt` with `apt-get`", Edit.replace(program.span, "apt-get"))
            shown = f"apt {verb}" if verb else "apt"
            yield Finding(
                META,
                program.span,
                f"`{shown}` in {stage.label}: `apt` is meant for terminals and its CLI may change; {advice}",
                fix=fix,
                stage=stage.name,
            )
