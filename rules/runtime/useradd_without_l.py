"""## What it does
Flags `useradd` with a high UID (above 65535 by default) and without `-l` / `--no-log-init`.

## Why is this bad?
`useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files indexed by UID
(one fixed-size record per possible UID up to the new one). On a host they are sparse files that
take almost no disk; image layers do not keep holes, so the layer stores every zero byte. With a
UID in the millions, common in platforms that map users into high ranges, that is hundreds of
megabytes or gigabytes of zeros, and builds have been reported to hang or run out of disk on it
(moby/moby#5419). `-l` skips both files; a container never needs them.

This is hadolint's DL3046.

## Example
```dockerfile
FROM python:3.11-slim
RUN useradd --uid 1000001 --create-home app
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd -l --uid 1000001 --create-home app
```

## Fix safety
Safe: `-l` only leaves the user out of the lastlog and faillog databases.

## Options
- `max-uid` (default `65535`): UIDs above this need `-l`.

## References
- [useradd(8): -l, --no-log-init](https://man7.org/linux/man-pages/man8/useradd.8.html)
- [moby/moby#5419: useradd with a large UID fills the disk](https://github.com/moby/moby/issues/5419)
- [hadolint DL3046](https://github.com/hadolint/hadolint/wiki/DL3046)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.commands import all_runs, short_options, text_at
from dflint.model import Dockerfile, ShellCommand
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF625",
    name="useradd-without-l",
    severity=Severity.WARNING,
    summary="`useradd` with a high UID and no `-l` writes a huge lastlog into the layer",
    fixable=True,
    skip_images_nobody_deploys=True,
    needs=("useradd",),
)

_VALUE_OPTIONS = frozenset(
    {
        "-u",
        "--uid",
        "-c",
        "--comment",
        "-d",
        "--home-dir",
        "-e",
        "--expiredate",
        "-f",
        "--inactive",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "-k",
        "--skel",
        "-K",
        "--key",
        "-p",
        "--password",
        "-s",
        "--shell",
        "-b",
        "--base-dir",
        "-Z",
        "--selinux-user",
        "-R",
        "--root",
        "-P",
        "--prefix",
    }
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the largest user id `useradd` may create without `-l`."""

    max_uid: int = 65535


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    for stage, instruction in all_runs(dockerfile):
        for command in instruction.commands:
            if command.name != "useradd":
                continue
            uid, no_log_init = _read(command)
            if no_log_init or uid is None or uid <= options.max_uid:
                continue
            program = command.argv[0]
            fix = None
            if program.value is not None and text_at(dockerfile, program.span) == program.value:
                fix = Fix.safe("Add `-l`", Edit.insert(program.span.end_offset, " -l"))
            yield Finding(
                META,
                command.span,
                f"`useradd` with UID {uid} in {stage.label} bloats /var/log/lastlog; add `-l` (`--no-log-init`)",
                fix=fix,
                stage=stage.name,
                detail=f"`useradd` with UID {uid} in {stage.label} without `-l` fills /var/log/lastlog and faillog up to"
                " that UID, stored in full in the layer; add `-l` (`--no-log-init`)",
            )


def _read(command: ShellCommand) -> tuple[int | None, bool]:
    uid: int | None = None
    no_log_init = False
    for name, _word, value in short_options(command.argv, _VALUE_OPTIONS):
        if name in ("-l", "--no-log-init"):
            no_log_init = True
        elif name in ("-u", "--uid") and value is not None and value.isdigit():
            uid = int(value)
    return uid, no_log_init
