"""## What it does
Flags `yum` and `dnf` (also `dnf5` and `tdnf`) commands that install, remove or upgrade packages
without `-y` / `--assumeyes` (or `--setopt=assumeyes=1`, or `assumeyes=1` written to `yum.conf` /
`dnf.conf` earlier in the stage). `microdnf` is not checked: it never asks.

## Why is this bad?
Without `-y`, yum and dnf ask "Is this ok [y/N]:" before changing anything. A build has no terminal,
so the answer is "no": the command prints "Operation aborted." and the build fails.

This is hadolint's DL3030 (yum) and DL3038 (dnf); dflint also checks `remove` and `upgrade`, which
ask the same question, and sees heredoc bodies and `sh -c` scripts.

## Example
```dockerfile
FROM rockylinux:9
RUN dnf install python3.11 && dnf clean all
```

## Use instead
```dockerfile
FROM rockylinux:9
RUN dnf install -y python3.11 && dnf clean all
```

## Fix safety
Safe: `-y` only answers the confirmation prompt that would otherwise abort the build.

## References
- [dnf(8): -y, --assumeyes](https://dnf.readthedocs.io/en/latest/command_ref.html)
- [yum(8)](https://man7.org/linux/man-pages/man8/yum.8.html)
- [hadolint DL3030](https://github.com/hadolint/hadolint/wiki/DL3030), [DL3038](https://github.com/hadolint/hadolint/wiki/DL3038)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import add_option_after_verb, all_runs
from dflint.model import Dockerfile, PackageOp
from dflint.rule import Finding, RuleMeta, Severity

from ._apt import configured, is_true

META = RuleMeta(
    code="DF309",
    name="rpm-missing-yes",
    severity=Severity.WARNING,
    summary="`yum install` / `dnf install` without `-y` aborts at the confirmation prompt",
    fixable=True,
    needs=("yum", "dnf"),
)

_VERBS = ("install", "remove", "upgrade")
_PROGRAMS = ("yum", "dnf", "dnf5", "tdnf")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for op in instruction.packages:
            if op.manager not in ("yum", "dnf") or op.verb not in _VERBS or op.verb_word is None:
                continue
            if _answers_yes(op) or configured(dockerfile, stage, instruction, "assumeyes", _PROGRAMS):
                continue
            verb = op.verb_word
            fix = add_option_after_verb(dockerfile, op, "-y")
            yield Finding(
                META,
                op.command.span,
                f'`{op.program} {verb.value}` in {stage.label} has no `-y`: it asks "Is this ok [y/N]", reads no'
                " answer and aborts the build",
                fix=fix,
                stage=stage.name,
            )


def _answers_yes(op: PackageOp) -> bool:
    if op.has_flag("-y", "--assumeyes", "--assumeno"):
        return True
    for word in op.command.argv[1:]:
        value = word.value or ""
        setting = value.partition("=")[2].lower() if value.startswith("--setopt=") else ""
        if setting.startswith("assumeyes=") and is_true(value.rpartition("=")[2]):
            return True
    return False
