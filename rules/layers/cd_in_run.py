"""## What it does
Flags a RUN whose script *starts* by changing directory (`RUN cd /app && pip install .`), ignoring a
leading `set -e`, when the directory is used for the rest of the script: it is not a temporary
directory (`/tmp`, `/var/tmp`), it is not removed later in the same RUN, and the script does not
change directory again.

A `cd` in the middle of a script (`… && cd src && make && cd ..`, or a download unpacked and built in
`/tmp`) is left alone on purpose: there the directory is scoped to one step, and a `WORKDIR` would
leak it into every later instruction. Only the stages that ship are checked: a build stage's
`RUN cd pkg && uv sync` builds one package of a tree, and a `WORKDIR pkg` would move the stage's
later COPYs too.

Left alone on a generated Dockerfile: how its scripts are written is the template's, and a WORKDIR
would have to be added there.

Opt-in (`--extend-select DF314`): on hand-checked random samples of default findings from real
repositories, none of 2 DF314 findings was worth telling the file's author: a `cd` that lasts one RUN
is often what the author wants, since a WORKDIR would carry the directory into the rest of the image.

## Why is this bad?
A `cd` lasts until the end of its RUN, so every following RUN has to repeat it, and a reader has to
find it to know where `COPY . .` or `CMD` will run. `WORKDIR` states the directory once, applies to
RUN, COPY, ADD, CMD and ENTRYPOINT alike, and creates it if needed.

This is hadolint's DL3003 and Trivy's DS-0013, narrowed to the case where WORKDIR is the better
tool.

## Example
```dockerfile
FROM python:3.11-slim
COPY . /app
RUN cd /app && pip install --no-cache-dir .
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
```

## References
- [Docker: Dockerfile best practices, WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
- [hadolint DL3003](https://github.com/hadolint/hadolint/wiki/DL3003)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.commands import all_runs, operands
from dflint.model import Dockerfile, ShellCommand
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF314",
    name="cd-in-run",
    severity=Severity.INFO,
    summary="A RUN that starts with `cd` instead of a WORKDIR instruction",
    skip_images_nobody_deploys=True,
    judges_form=True,
    default_enabled=False,
    needs=("cd",),
)

_TEMPORARY = ("/tmp", "/var/tmp", "/dev/shm")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile, dockerfile.shipped_stages()):
        commands = [command for command in instruction.commands if not command.wrappers]
        while commands and commands[0].name == "set":
            commands = commands[1:]
        if not commands or commands[0].name != "cd" or commands[0].in_pipeline or commands[0].conditional:
            continue
        cd = commands[0]
        targets = operands(cd.argv)
        if len(targets) != 1 or targets[0].value is None:
            continue
        directory = targets[0].value
        resolved = posixpath.normpath(posixpath.join(instruction.workdir or "/", directory))
        if resolved.startswith(_TEMPORARY) or directory in ("-", "~") or directory.startswith("~"):
            continue
        rest = commands[1:]
        if not rest or any(command.name in ("cd", "pushd", "popd") for command in rest):
            continue
        if _removed(rest, resolved, directory):
            continue
        yield Finding(
            META,
            cd.span,
            f"`cd {clip(directory)}` starts a RUN in {stage.label}; use `WORKDIR {clip(directory)}`",
            stage=stage.name,
            detail=f"RUN in {stage.label} starts with `cd {directory}`: use `WORKDIR {directory}` so the directory applies"
            " to the following instructions too",
        )


def _removed(rest: list[ShellCommand], resolved: str, directory: str) -> bool:
    for command in rest:
        if command.name != "rm":
            continue
        for value in command.args:
            if value is None or value.startswith("-"):
                continue
            path = value.rstrip("/")
            if path in (directory.rstrip("/"), resolved) or (path and resolved.startswith(path + "/")):
                return True
    return False
