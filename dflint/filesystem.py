"""What instructions write into a stage's filesystem, and which one wrote a path last.

COPY and ADD write their destination (`Instruction.copy`). A RUN command writes the files its output
redirections name (`> /tmp/r.txt`), `tee` files, `touch` files, a `cp`/`mv`/`install` destination,
`curl -o`/`wget -O` outputs, `git clone` checkouts, `pip-compile`/`uv pip compile`/`poetry export`
outputs and what `tar -x`/`unzip` unpack (a whole directory). Relative paths are taken from the
command's working directory; a path that depends on an unknown value is left out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.model import BASE_WORKDIR, Dockerfile, Instruction, ShellCommand, Stage
from dflint.shipping import chains


@dataclass(frozen=True, slots=True)
class Write:
    """A path written by an instruction: `tree` when everything under it may be written (a
    checkout, an unpacked archive, a copied directory); `command` is None for COPY/ADD."""

    path: str
    instruction: Instruction
    command: ShellCommand | None
    tree: bool = False

    def covers(self, path: str) -> bool:
        """Does the write put `path` there? A path under the base image's unknown WORKDIR may be
        the same path under `/` (the base may set none)."""
        candidates = [path]
        if path.startswith(BASE_WORKDIR + "/"):
            candidates.append(path[len(BASE_WORKDIR) :])
        return any(c == self.path or (self.tree and c.startswith(self.path.rstrip("/") + "/")) for c in candidates)

    @property
    def from_context(self) -> bool:
        """A COPY/ADD that reads the build context (no `--from`, URL or heredoc)."""
        spec = self.instruction.copy
        if self.command is not None or spec is None or self.instruction.flag("from") is not None or self.instruction.heredocs:
            return False
        return not any(source is not None and ("://" in source or source.startswith("git@")) for source in spec.sources)


def _absolute(path: str | None, cwd: str | None) -> str | None:
    if not path or "$" in path:
        return None
    if path.startswith("/"):
        return posixpath.normpath(path)
    if cwd is None:
        return None
    return posixpath.normpath(posixpath.join(cwd, path))


def _operands(command: ShellCommand) -> list[str | None]:
    return [value for value in command.args if value is None or not value.startswith("-")]


def _option(command: ShellCommand, *names: str) -> str | None:
    words = command.args
    for position, value in enumerate(words):
        if value is None:
            continue
        if value in names and position + 1 < len(words):
            return words[position + 1]
        for name in names:
            if name.startswith("--") and value.startswith(name + "="):
                return value[len(name) + 1 :]
            if not name.startswith("--") and value.startswith(name) and len(value) > len(name):
                return value[len(name) :]
    return None


def command_writes(command: ShellCommand) -> Iterator[tuple[str | None, bool]]:
    """(path as written, tree) for what one command writes."""
    for word in command.redirects:
        yield word.value, False
    name = command.name or ""
    args = command.args
    values = [value or "" for value in args]
    operands = _operands(command)
    if name == "tee" or name == "touch":
        yield from ((operand, False) for operand in operands)
    elif name in ("cp", "mv", "install", "ln") and len(operands) >= 2:
        yield operands[-1], True
    elif name == "curl":
        output = _option(command, "-o", "--output")
        if output is not None:
            yield output, False
        elif "-O" in values or "--remote-name" in values:
            yield from ((_url_name(operand), False) for operand in operands if operand and "://" in operand)
    elif name == "wget":
        output = _option(command, "-O", "--output-document")
        if output is not None:
            yield output, False
        else:
            directory = _option(command, "-P", "--directory-prefix") or "."
            for operand in operands:
                if operand and "://" in operand:
                    yield posixpath.join(directory, _url_name(operand)), False
    elif name == "git" and "clone" in values:
        rest = _clone_operands(args[values.index("clone") + 1 :])
        if len(rest) >= 2:
            yield rest[1], True
        elif rest and rest[0]:
            yield posixpath.basename(rest[0].rstrip("/")).removesuffix(".git"), True
        elif rest:  # an unknown repository: its checkout may be any directory here
            yield ".", True
    elif name in ("pip-compile", "poetry", "pdm", "uv") or (name == "pip" and "compile" in values):
        output = _option(command, "-o", "--output-file", "--output")
        if output is not None:
            yield output, False
        elif name == "pip-compile":
            source = next((operand for operand in operands if operand), "requirements.in")
            yield posixpath.splitext(source)[0] + ".txt", False
    elif name == "tar" and any(value.startswith("-") and "x" in value or value == "x" for value in values[:1] + values):
        yield _option(command, "-C", "--directory") or ".", True
    elif name == "unzip":
        yield _option(command, "-d") or ".", True


_CLONE_VALUE_OPTIONS = frozenset(
    "-b --branch -o --origin -c --config -j --jobs -u --upload-pack --depth --reference --reference-if-able"
    " --separate-git-dir --filter --template --shallow-since --shallow-exclude --server-option --bundle-uri".split()
)


def _clone_operands(words: tuple[str | None, ...]) -> list[str | None]:
    """`git clone`'s repository and directory, skipping options and their values."""
    operands: list[str | None] = []
    skip = False
    for value in words:
        if skip:
            skip = False
        elif value is not None and value.startswith("-"):
            skip = value in _CLONE_VALUE_OPTIONS
        else:
            operands.append(value)
    return operands


def _url_name(url: str) -> str:
    return posixpath.basename(url.split("?", 1)[0].rstrip("/")) or "index.html"


def instruction_writes(instruction: Instruction) -> Iterator[Write]:
    """What one instruction writes, in order."""
    spec = instruction.copy
    if spec is not None and spec.destination is not None and "$" not in spec.destination:
        destination = posixpath.normpath(spec.destination)
        tree = spec.destination.endswith("/") or len(spec.sources) != 1 or not _looks_like_file(spec.sources[0])
        yield Write(destination, instruction, None, tree)
        return
    for command in instruction.commands:
        for path, tree in command_writes(command):
            absolute = _absolute(path, command.cwd)
            if absolute is not None and absolute != "/dev/null":
                yield Write(absolute, instruction, command, tree)


def _looks_like_file(source: str | None) -> bool:
    """`requirements.txt`, `src/app.py`: a file; `.`, `src/`, `*.whl`, unknown: maybe a directory or many."""
    if source is None or source.endswith(("/", "/.")) or source in (".", "..") or any(char in source for char in "*?["):
        return False
    return True


def last_write(dockerfile: Dockerfile, stage: Stage, path: str, before: ShellCommand | Instruction) -> Write | None:
    """The last instruction (or command of a RUN) of the stage's FROM chain that wrote `path`
    before `before` (a command of a RUN: the commands before it in that RUN count)."""
    found: Write | None = None
    for ancestor in reversed(chains(dockerfile, stage)[0]):
        for instruction in ancestor.instructions:
            if instruction is before:
                return found
            holds = isinstance(before, ShellCommand) and any(command is before for command in instruction.commands)
            for write in instruction_writes(instruction):
                if holds and write.command is not None and write.command.span.offset >= before.span.offset:
                    continue
                if write.covers(path):
                    found = write
            if holds:
                return found
    return found
