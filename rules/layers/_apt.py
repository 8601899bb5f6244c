"""Shared helpers for apt rules: reading apt-get's options, and APT configuration written earlier in
the stage (`echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes`)."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import run_instructions
from dflint.model import Dockerfile, Instruction, PackageOp, Stage

APT_VALUE_OPTIONS = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file", "-a", "--host-architecture"})
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def apt_option(op: PackageOp, key: str) -> str | None:
    """The value given with `-o Key=value` (case-insensitive key), or None."""
    words = op.command.argv
    for index, word in enumerate(words):
        value = word.value
        if value is None:
            continue
        setting = None
        if value in ("-o", "--option") and index + 1 < len(words):
            setting = words[index + 1].value
        elif value.startswith("-o") and len(value) > 2 and value[2] != "-":
            setting = value[2:]
        elif value.startswith("--option="):
            setting = value[len("--option=") :]
        if setting is None:
            continue
        name, _, given = setting.partition("=")
        if name.strip().lower() == key.lower():
            return given.strip().strip("\"'")
    return None


def is_true(value: str | None) -> bool:
    return value is not None and value.lower() in _TRUE


def is_false(value: str | None) -> bool:
    return value is not None and value.lower() in _FALSE


def earlier_runs(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> Iterator[Instruction]:
    """RUN instructions that ran before `instruction` in its stage and in the stages it is built FROM."""
    for ancestor in dockerfile.ancestry(stage):
        for run in run_instructions(ancestor):
            if ancestor.index != stage.index or run.index < instruction.index:
                yield run


def configured(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    key: str,
    managers: tuple[str, ...] = ("apt-get", "apt", "aptitude"),
) -> bool:
    """True when an earlier RUN (or a command of this RUN) writes the package-manager setting `key`:
    a word of a command other than the package manager itself mentions it, as in
    `echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/…` or `echo assumeyes=1 >> /etc/dnf/dnf.conf`."""
    memo_key = ("package-manager setting written", f"{stage.index}:{key}:{','.join(managers)}")
    if memo_key not in dockerfile.memo:
        dockerfile.memo[memo_key] = _first_setting(dockerfile, stage, key.lower(), managers)
    first = dockerfile.memo[memo_key]  # the earliest instruction index that writes it, -1 in a base stage
    return isinstance(first, int) and first <= instruction.index


def _first_setting(dockerfile: Dockerfile, stage: Stage, needle: str, managers: tuple[str, ...]) -> int | None:
    """Where the setting is first written for `stage`: -1 when a stage it is built FROM writes it, the
    index of the first RUN that mentions it (or the one after a COPY heredoc that does), or None.
    Worked out once per stage, so that asking it of each of a thousand installs stays linear."""

    def mentions(run: Instruction) -> bool:
        return any(
            command.name not in managers and any(word.value is not None and needle in word.value.lower() for word in command.argv)
            for command in run.commands
        )

    for ancestor in dockerfile.ancestry(stage)[1:]:
        if any(mentions(run) for run in run_instructions(ancestor)):
            return -1
    firsts = [run.index for run in run_instructions(stage) if mentions(run)]
    firsts += [
        candidate.index + 1
        for candidate in stage.instructions
        if candidate.keyword in ("COPY", "ADD") and any(needle in heredoc.body.lower() for heredoc in candidate.heredocs)
    ]
    return min(firsts, default=None)
