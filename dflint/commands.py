"""RUN instructions and their shell commands as rules read them: every RUN of a stage or a file, the
pipelines of a script, short options and operands of a command, the text at a span, and the fix
that adds an option after a package manager's verb. Shared by the rule groups (a documented, typed
module for rule authors); it reads only the model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dflint.model import Dockerfile, Instruction, PackageOp, ShellCommand, Span, Stage, Word
from dflint.rule import Edit, Fix

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})


def run_instructions(stage: Stage) -> Iterator[Instruction]:
    """The stage's RUN instructions (the engine shows every rule the RUN an `ONBUILD RUN` wraps)."""
    return stage.instructions_of("RUN")


def all_runs(dockerfile: Dockerfile, stages: Iterable[Stage] | None = None) -> Iterator[tuple[Stage, Instruction]]:
    for stage in dockerfile.stages if stages is None else stages:
        for instruction in run_instructions(stage):
            yield stage, instruction


def pipelines(commands: Iterable[ShellCommand]) -> Iterator[tuple[ShellCommand, ...]]:
    """Groups of commands joined by `|` (or `|&`), in order; single commands are not yielded."""
    current: list[ShellCommand] = []
    for command in commands:
        if command.in_pipeline and command.operator in ("|", "|&") and current:
            current.append(command)
            continue
        if len(current) > 1:
            yield tuple(current)
        current = [command] if command.in_pipeline else []
    if len(current) > 1:
        yield tuple(current)


def covering(first: Span, last: Span) -> Span:
    """One span from the start of `first` to the end of `last`."""
    return Span(first.line, first.column, last.end_line, last.end_column, first.offset, last.end_offset)


def short_options(argv: tuple[Word, ...], value_options: frozenset[str] = frozenset()) -> Iterator[tuple[str, Word, str | None]]:
    """Options of a command as (name, word, value): `-fsSLk` gives `-f`, `-s`, `-S`, `-L`, `-k`; a short
    option that takes a value ends the bundle (`-ofile` is `-o` with "file"); `--name=value` splits;
    `--name value` takes the next word when the name is in `value_options`. Stops at `--`."""
    words = argv[1:]
    position = 0
    while position < len(words):
        word = words[position]
        value = word.value
        position += 1
        if value is None or not value.startswith("-") or value == "-":
            continue
        if value == "--":
            return
        if value.startswith("--"):
            name, equals, attached = value.partition("=")
            if equals:
                yield name, word, attached
            elif name in value_options and position < len(words):
                yield name, word, words[position].value
                position += 1
            else:
                yield name, word, None
            continue
        letters = value[1:]
        for index, letter in enumerate(letters):
            name = f"-{letter}"
            if name in value_options:
                rest = letters[index + 1 :]
                if rest:
                    yield name, word, rest
                elif position < len(words):
                    yield name, word, words[position].value
                    position += 1
                else:
                    yield name, word, None
                break
            yield name, word, None


def operands(argv: tuple[Word, ...], value_options: frozenset[str] = frozenset()) -> list[Word]:
    """The non-option arguments of a command (after skipping option values)."""
    result: list[Word] = []
    words = argv[1:]
    position = 0
    only = False
    while position < len(words):
        word = words[position]
        value = word.value
        position += 1
        if only or value is None or not value.startswith("-") or value == "-":
            result.append(word)
            continue
        if value == "--":
            only = True
            continue
        if value.startswith("--"):
            if "=" not in value and value in value_options:
                position += 1
            continue
        letters = value[1:]
        for index, letter in enumerate(letters):
            if f"-{letter}" in value_options:
                if not letters[index + 1 :]:
                    position += 1
                break
    return result


def text_at(dockerfile: Dockerfile, span: Span) -> str:
    return dockerfile.text[span.offset : span.end_offset]


def add_option_after_verb(dockerfile: Dockerfile, op: PackageOp, option: str) -> Fix | None:
    """A safe fix inserting ` option` after the verb (`apt-get install` → `apt-get install -y`), offered
    only when the verb stands in the file exactly as it was read (not built from a variable or quotes)."""
    verb = op.verb_word
    if verb is None or verb.value is None or text_at(dockerfile, verb.span) != verb.value:
        return None
    return Fix.safe(f"Add `{option}`", Edit.insert(verb.span.end_offset, f" {option}"))
