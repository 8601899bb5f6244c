"""## What it does
Flags `chmod` (and `mkdir -m`, `install -m`) giving write permission to every user: octal modes
whose last digit includes write (`777`, `666`, `-R 0777`, `757`) and symbolic modes that add write
for others or all (`a+rwx`, `o+w`, `ugo=rwx`, `+w` is not flagged, since it follows the umask). A mode
with the sticky bit (`1777`, `+t`), as used for `/tmp`, is fine.

Development containers, CI or test images and toolchains (`dflint/purpose.py`), which open tool directories on purpose, are not checked.

Opt-in (`--extend-select DF624`): on hand-checked random samples of default findings from real
repositories, none of 3 DF624 findings was worth telling the author. Each was deliberate and
explained (a data folder for volumes mounted by `docker run -u $(id -u)`, whose uid is not known
when the image is built) or in an image whose processes all run as root, where a world-writable
mode changes nothing.

## Why is this bad?
A world-writable file or directory can be changed by any process in the container, whatever user
it runs as: a compromised dependency running as an unprivileged user can then replace model files,
Python packages or scripts that a privileged process loads. `chmod -R 777` is usually a quick fix
for a permission error that has a precise answer.

Give the files to the user that needs them (`COPY --chown=app`, `chown -R app /models` in the RUN that
creates them) and keep modes like `755` / `644`. For platforms that run images under an arbitrary
UID with group 0 (OpenShift), use `chgrp -R 0 /models && chmod -R g=u /models`.

This matches Checkov's and Semgrep's world-writable checks.

## Example
```dockerfile
FROM python:3.11-slim
RUN mkdir -p /models && chmod -R 777 /models
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd --uid 10001 app && mkdir -p /models && chown -R app /models
USER app
```

## References
- [chmod(1)](https://man7.org/linux/man-pages/man1/chmod.1.html)
- [Red Hat OpenShift: support arbitrary user ids](https://docs.redhat.com/en/documentation/openshift_container_platform/4.14/html/images/creating-images#use-uid_create-images)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.commands import all_runs
from dflint.model import Dockerfile, ShellCommand, Word
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF624",
    name="world-writable",
    severity=Severity.WARNING,
    summary="A file or directory made writable by every user (`chmod 777`)",
    default_enabled=False,
)

_OCTAL = re.compile(r"[0-7]{3,4}")
_CLAUSE = re.compile(r"([ugoa]*)([-+=])([rwxXst]*)")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.for_development:
        return  # development, CI and toolchain images carry their tools on purpose
    for stage, instruction in all_runs(dockerfile):
        for command in instruction.commands:
            mode = _mode_word(command)
            if mode is None or mode.value is None or not _world_writable(mode.value):
                continue
            targets = _targets(command, mode)
            more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
            shown = f" on {', '.join(f'`{target}`' for target in targets[:3])}{more}" if targets else ""
            brief = f" on `{clip(targets[0])}`" + (f" and {len(targets) - 1} more" if len(targets) > 1 else "") if targets else ""
            flag = " -m" if command.name != "chmod" else ""
            yield Finding(
                META,
                mode.span,
                f"`{command.name}{flag} {mode.value}`{brief} in {stage.label} lets every user write; `chown` to the user instead",
                stage=stage.name,
                detail=f"`{command.name}{flag} {mode.value}`{shown} in {stage.label} lets every user write there; give the"
                " files to the user that needs them (`chown`, `COPY --chown`) and use 755/644",
            )


def _mode_word(command: ShellCommand) -> Word | None:
    name = command.name
    words = command.argv[1:]
    if name == "chmod":
        for word in words:
            value = word.value
            if value is None:
                return None
            if value.startswith("--reference"):
                return None
            if value.startswith("-") and not _CLAUSE.fullmatch(value):
                continue
            return word
        return None
    if name in ("mkdir", "install"):
        for index, word in enumerate(words):
            value = word.value or ""
            if value in ("-m", "--mode") and index + 1 < len(words):
                return words[index + 1]
            if value.startswith("--mode="):
                return Word(word.text, value.partition("=")[2], word.span)
            if value.startswith("-m") and len(value) > 2:
                return Word(word.text, value[2:], word.span)
    return None


def _world_writable(mode: str) -> bool:
    if _OCTAL.fullmatch(mode):
        digits = mode.zfill(4)
        sticky = int(digits[0]) & 1
        return bool(int(digits[-1]) & 2) and not sticky
    writable = False
    for clause in mode.split(","):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return False
        who, operator, permissions = match.groups()
        if "t" in permissions and operator != "-":
            return False
        if operator in "+=" and "w" in permissions and who and ("o" in who or "a" in who):
            writable = True
    return writable


def _targets(command: ShellCommand, mode: Word) -> list[str]:
    found = False
    targets: list[str] = []
    for word in command.argv[1:]:
        if word is mode or (word.span == mode.span):
            found = True
            continue
        if found and word.value is not None and not word.value.startswith("-"):
            targets.append(word.value)
    return targets
