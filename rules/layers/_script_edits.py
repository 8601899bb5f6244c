"""Fix edits that add to a RUN's script where `append_to_run` cannot: the end of a heredoc script,
and the merge of a RUN into the one before it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction
from dflint.rule import Edit

_SHELLS = r"(?:/usr)?(?:/bin/)?(?:ba|da)?sh"
_HEREDOC_SCRIPT = re.compile(
    rf"^(?:(?P<shell>{_SHELLS})(?P<flags>(?:\s+-[A-Za-z]+)*)\s+)?<<-?\s*(['\"]?)(?P<marker>[^\s'\"]+)\3$"
)
_SHEBANG_SHELL = re.compile(rf"^#!\s*(?:/usr/bin/env\s+)?{_SHELLS}(?P<flags>(?:\s+-[A-Za-z]+)*)\s*$")
_SET_ERREXIT = re.compile(r"^\s*set\s+(?:-[A-Za-z]*e[A-Za-z]*\b|-o\s+errexit\b)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ScriptAppend:
    """An edit appending a line to a heredoc script, and whether the script stops at the first failure."""

    edit: Edit
    errexit: bool  # the script stops at the first failing command, so what is appended cannot hide one


def append_to_heredoc(dockerfile: Dockerfile, instruction: Instruction, line: str) -> ScriptAppend | None:
    """An edit that adds `line` as the last line of a RUN whose whole script is one heredoc
    (`RUN <<EOF`, `RUN bash <<'EOF'`), or None. `errexit` says whether the script runs with
    `set -e` (a `set -e…` line, `bash -e <<EOF`, or a `#!/bin/sh -e` line): without it, the RUN's
    exit status becomes that of the appended line."""
    if instruction.keyword != "RUN" or instruction.onbuild is not None or len(instruction.heredocs) != 1:
        return None
    heredoc = instruction.heredocs[0]
    head = _HEREDOC_SCRIPT.match(instruction.arguments.strip())
    if head is None or head.group("marker") != heredoc.marker or not heredoc.body.endswith("\n"):
        return None
    flags = head.group("flags") or ""
    first = heredoc.body.split("\n", 1)[0]
    if first.startswith("#!"):
        shebang = _SHEBANG_SHELL.match(first)
        if shebang is None:  # a python (or other) script: not shell
            return None
        flags += shebang.group("flags") or ""
    errexit = bool(re.search(r"-[A-Za-z]*e", flags)) or bool(_SET_ERREXIT.search(heredoc.body))
    indent = "\t" if heredoc.strip_tabs and heredoc.body.startswith("\t") else ""
    newline = "\r\n" if dockerfile.text[heredoc.body_span.end_offset - 2 : heredoc.body_span.end_offset] == "\r\n" else "\n"
    return ScriptAppend(Edit.insert(heredoc.body_span.end_offset, f"{indent}{line}{newline}"), errexit)


def _and_list(dockerfile: Dockerfile, instruction: Instruction) -> bool:
    """The RUN's shell script is commands joined by `&&` only (so `first && this` fails when any fails)."""
    text = dockerfile.text
    commands = sorted(instruction.commands, key=lambda command: command.span.offset)
    if not commands:
        return False
    start = instruction.arguments_span.offset
    gaps = [text[start : commands[0].span.offset]]
    gaps += [text[a.span.end_offset : b.span.offset] for a, b in zip(commands, commands[1:])]
    gaps.append(text[commands[-1].span.end_offset : instruction.span.end_offset])
    for position, gap in enumerate(gaps):
        words = gap.replace("\\\r\n", " ").replace("\\\n", " ").split()
        if position in (0, len(gaps) - 1):
            if words:
                return False
        elif words != ["&&"]:
            return False
    return all(command.span.offset >= instruction.arguments_span.offset for command in commands)


def merge_with_previous_run(dockerfile: Dockerfile, first: Instruction, second: Instruction) -> Edit | None:
    """An edit that turns `RUN a` + `RUN b` (adjacent, same stage) into `RUN a && b`, with `b`
    on a continuation line indented by four spaces; None unless both are shell-form RUNs without
    heredocs, flags or ONBUILD, separated by nothing but line breaks, each an `&&` list of
    commands (so the merged RUN fails whenever one of the two would have), with `\\` as the
    escape character."""
    if (dockerfile.directive("escape") or "\\") != "\\":
        return None
    for instruction in (first, second):
        if (
            instruction.keyword != "RUN"
            or instruction.onbuild is not None
            or instruction.is_exec_form
            or instruction.heredocs
            or instruction.flags
            or not _and_list(dockerfile, instruction)
        ):
            return None
    if first.stage_index is None or first.stage_index != second.stage_index or second.index != first.index + 1:
        return None
    text = dockerfile.text
    between = text[first.span.end_offset : second.span.offset]
    if between.strip():  # a comment line: keep the two RUNs
        return None
    newline = "\r\n" if "\r\n" in between else "\n"
    end = max(command.span.end_offset for command in first.commands)
    start = min(command.span.offset for command in second.commands)
    return Edit(end, start, f" \\{newline}    && ")
