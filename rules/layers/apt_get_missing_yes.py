"""## What it does
Flags `apt-get` (also `apt` and `aptitude`) commands that install, remove or upgrade packages without
answering apt's confirmation prompt: no `-y` / `--yes` / `--assume-yes` (bundled forms such as `-yq`
count), no quiet level 2 (`-qq`, which implies `-y`), no `-o APT::Get::Assume-Yes=true`, no
`yes |` in front, and no `APT::Get::Assume-Yes` written to the APT configuration earlier in the stage.

## Why is this bad?
A build has no terminal: when apt wants to install more than the packages named (dependencies,
recommends) or remove something, it asks "Do you want to continue? [Y/n]", reads end-of-file and
aborts, and the build fails. Whether it asks depends on what the base image already holds, so a
Dockerfile that builds today can fail after a base-image update. `DEBIAN_FRONTEND=noninteractive`
does not answer this prompt; it only silences debconf questions.

An `autoremove` with no `remove` or `purge` of named packages before it (in its stage or one it is
built FROM) is left alone: nothing has become auto-removable, so apt has nothing to ask (reviewers
found the finding latent in the cleanup RUNs of Hugging Face's CI images).

This is hadolint's DL3014 and Trivy's DS-0021; unlike them, dflint also checks `remove`, `purge` and
`upgrade`, which prompt the same way, and sees heredoc bodies and `sh -c` scripts.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Fix safety
Safe: `-y` only answers the confirmation prompt that would otherwise abort the build.

## References
- [apt-get(8): -y, --yes, --assume-yes](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
- [Docker: Dockerfile best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [hadolint DL3014](https://github.com/hadolint/hadolint/wiki/DL3014)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import add_option_after_verb, all_runs
from dflint.model import Dockerfile, Instruction, PackageOp, Stage
from dflint.rule import Finding, RuleMeta, Severity

from ._apt import apt_option, configured, is_true

META = RuleMeta(
    code="DF305",
    name="apt-get-missing-yes",
    severity=Severity.WARNING,
    summary="`apt-get install` without `-y` aborts at the confirmation prompt",
    fixable=True,
    needs=("apt",),
)

_VERBS = ("install", "remove", "upgrade")
_SIMULATE = frozenset({"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "--print-uris"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for op in instruction.packages:
            if op.manager != "apt" or op.verb not in _VERBS or op.verb_word is None:
                continue
            if _answers_yes(op) or _fed_by_yes(instruction, op):
                continue
            if configured(dockerfile, stage, instruction, "Assume-Yes"):
                continue
            if op.verb_word.value == "autoremove" and not _removed_before(dockerfile, stage, op):
                continue  # nothing made a package auto-removable: autoremove has nothing to ask about
            yield _finding(dockerfile, stage, op)


def _removed_before(dockerfile: Dockerfile, stage: Stage, autoremove: PackageOp) -> bool:
    """An apt `remove` or `purge` of named packages runs before the `autoremove`, in its stage or one
    it is built FROM: the dependencies those packages pulled in become auto-removable."""
    for ancestor in dockerfile.ancestry(stage):
        for instruction in ancestor.instructions_of("RUN"):
            for op in instruction.packages:
                if op is autoremove:
                    return False
                word = op.verb_word.value if op.verb_word is not None else None
                if op.manager == "apt" and word in ("remove", "purge") and op.packages:
                    return True
    return False


def _answers_yes(op: PackageOp) -> bool:
    if op.has_flag("-y", "--yes", "--assume-yes", *_SIMULATE):
        return True
    if is_true(apt_option(op, "APT::Get::Assume-Yes")):
        return True
    return _quiet_level(op) >= 2


def _quiet_level(op: PackageOp) -> int:
    level = 0
    for word in op.command.argv[1:]:
        value = word.value
        if value is None:
            continue
        if value in ("--quiet", "-q"):
            level += 1
        elif value.startswith(("--quiet=", "-q=")):
            amount = value.partition("=")[2]
            level = max(level, int(amount)) if amount.isdigit() else level
        elif value.startswith("-") and not value.startswith("--") and "=" not in value and value[1:2] != "o":
            level += value.count("q")
    return level


def _fed_by_yes(instruction: Instruction, op: PackageOp) -> bool:
    """`yes | apt-get install …`: the command right before it in the pipeline is `yes`."""
    commands = instruction.commands
    for index, command in enumerate(commands):
        if command is op.command:
            return command.in_pipeline and command.operator == "|" and index > 0 and commands[index - 1].name == "yes"
    return False


def _finding(dockerfile: Dockerfile, stage: Stage, op: PackageOp) -> Finding:
    verb = op.verb_word
    assert verb is not None
    fix = add_option_after_verb(dockerfile, op, "-y")
    return Finding(
        META,
        op.command.span,
        f"`{op.program} {verb.value}` in {stage.label} has no `-y`: apt stops at its confirmation prompt and"
        " the build fails whenever it needs to ask",
        fix=fix,
        stage=stage.name,
    )
