"""Shared helpers for apt rules: reading apt-get's options, and APT configuration written earlier in
the stage (`echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes`)."""

from __future__ import annotations

from collections.abc import Iterator

from dflint.rules.layers._shell import run_instructions

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
    needle = key.lower()
    for run in (*earlier_runs(dockerfile, stage, instruction), instruction):
        for command in run.commands:
            if command.name in managers:
                continue
            if any(word.value is not None and needle in word.value.lower() for word in command.argv):
                return True
    for candidate in stage.instructions:
        copies = candidate.keyword in ("COPY", "ADD") and candidate.index < instruction.index
        if copies and any(needle in heredoc.body.lower() for heredoc in candidate.heredocs):
            return True
    return False
