"""## What it does
Flags `sudo` in a RUN script (heredoc bodies and `sh -c` scripts included).

Silent when another user is in force for the step: a `USER` before it, or a base image that runs
as another user (`rayproject/ray` runs as `ray`, with passwordless sudo: `dflint/data/image_users.json`).
Then sudo is how the step gets root, and "RUN already runs as root" would be wrong.

## Why is this bad?
A Dockerfile already says which user each step runs as: RUN runs as root unless a `USER` instruction
changed it. `sudo` adds a package (and its setuid binary, and a sudoers policy) to the image only to
do what `USER root` does, and it behaves differently from a plain command: it resets the
environment (`PATH`, proxy variables) and may ask for a password or a TTY, which makes the build
depend on the sudoers configuration of the base image.

Switch users with `USER` around the steps that need it. To run one command as another user while
root, use `runuser -u app -- cmd`, `setpriv`, or `gosu` (as the official images do).

This is hadolint's DL3004, Trivy's DS-0010 and Checkov's CKV2_DOCKER_1.

## Example
```dockerfile
FROM ubuntu:24.04
RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Fix safety
Unsafe, and only offered for a plain `sudo command` when no `USER` other than root is in force: the
command then runs as root either way, but without sudo it keeps the environment that sudo would
have reset.

## References
- [Docker: Dockerfile best practices, USER](https://docs.docker.com/build/building/best-practices/#user)
- [hadolint DL3004](https://github.com/hadolint/hadolint/wiki/DL3004)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from dflint.commands import SHELLS, all_runs
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage, split_image
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF622",
    name="sudo-in-run",
    severity=Severity.WARNING,
    summary="`sudo` in a RUN: use USER to change users",
    fixable=True,
    skip_images_nobody_deploys=True,
    needs=("sudo",),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for command in instruction.commands:
            if not _uses_sudo(command) or not _runs_as_root(dockerfile, stage, instruction):
                continue  # with another user in force (a USER, or a base that runs as one), sudo is how the step gets root
            program = command.name or "a command"
            yield Finding(
                META,
                command.span,
                f"`sudo {clip(program)}` in {stage.label}: RUN already runs as root; drop `sudo`",
                fix=_fix(dockerfile, stage, instruction, command),
                stage=stage.name,
                detail=f"`sudo {program}` in {stage.label}: RUN already runs as root unless USER changed it; drop `sudo`,"
                " or switch with `USER` (or `runuser -u <user> --`) around the step",
            )


def _uses_sudo(command: ShellCommand) -> bool:
    """`sudo` wraps this command itself (not a shell that runs it), or is the command."""
    if command.name == "sudo":
        return True
    wrappers = command.wrappers
    if "sudo" not in wrappers:
        return False
    last = len(wrappers) - 1 - wrappers[::-1].index("sudo")
    return not any(wrapper in SHELLS for wrapper in wrappers[last + 1 :])


def _fix(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, command: ShellCommand) -> Fix | None:
    if (
        command.wrappers != ("sudo",)
        or command.assignments
        or not command.argv
        or not _runs_as_root(dockerfile, stage, instruction)
    ):
        return None
    start = command.span.offset
    end = command.argv[0].span.offset
    text = dockerfile.text[start:end]
    if not text.startswith("sudo") or text[4:].strip(" \t") != "" or len(text) == 4:
        return None
    return Fix.unsafe("Remove `sudo`", Edit(start, end, ""))


def _runs_as_root(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> bool:
    for ancestor in dockerfile.ancestry(stage):
        users = [
            user for user in ancestor.instructions_of("USER") if ancestor.index != stage.index or user.index < instruction.index
        ]
        if users:
            value = users[-1].expand(users[-1].arguments.strip())
            return value is not None and value.split(":", 1)[0] in ("root", "0")
    root = dockerfile.root_image(stage)
    return root is None or split_image(root)[0].lower() not in _non_root_images()


@cache
def _non_root_images() -> frozenset[str]:
    """Base images that run as another user than root when no USER is given (`data/image_users.json`)."""
    from dflint.data import load

    groups = load("image_users")["non_root"]
    names = {image for group in groups.values() for image in group["images"]}
    return frozenset(names | {f"docker.io/{image}" for image in names})
