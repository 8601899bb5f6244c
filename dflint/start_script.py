"""The script the shipped image runs when it starts, read from the build context.

A Dockerfile often ends with `COPY entrypoint.sh /` and `ENTRYPOINT ["/entrypoint.sh"]`: what the
container does before it serves is in that script, not in the Dockerfile. Two facts the rules need
live there: whether it installs packages when it starts (an `apt-get install` of packages a user
names, as dask's image does, needs root; a `pip install -r` of the model's requirements builds
packages without wheels with the compilers the image ships), and nothing else is asked of it.

The script is the file the final stage's ENTRYPOINT (or, without one, its CMD) runs, directly or
through a shell (`["bash", "/start.sh"]`) or an init (`tini --`), when the last COPY/ADD that put it
there reads it from the build context. It is read only through `context.BuildContext` (inside the
context, a regular file, bounded), parsed with the same shell reader as a RUN, and never run.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import cast

from dflint.model import Dockerfile, Instruction, PackageOp, RequirementsFile, ShellCommand, Span, Stage

# a shell given the script file runs it (`["bash", "/start.sh"]`)
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
# programs that build code (a start script that runs one compiles when the container starts)
_BUILDERS = frozenset({"make", "gmake", "cmake", "ninja", "gcc", "g++", "cc", "c++", "clang", "clang++", "nvcc"})
# package managers that install into the system's directories (root-owned unless chowned)
_SYSTEM_MANAGERS = frozenset({"apt", "apk", "dnf", "yum", "microdnf"})


@dataclass(frozen=True, slots=True)
class StartScript:
    """The start script: where the image runs it, the context file it comes from, and what it runs."""

    path: str  # in the image: `/usr/bin/prepare.sh`
    source: str  # in the build context: `prepare.sh`
    commands: tuple[ShellCommand, ...]
    packages: tuple[PackageOp, ...]
    text: str = ""  # the script as read, for what the shell model keeps no command of (`X="$(cmd …)"`)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    def system_install(self) -> PackageOp | None:
        """The first install with the system's package manager (`apt-get install`, `apk add` …)."""
        return next((op for op in self.packages if op.manager in _SYSTEM_MANAGERS and op.verb == "install"), None)

    def runs(self, program: str) -> bool:
        """Does the script run `program`: as a command, or in a command substitution
        (`JEMALLOC_PATH="$(pkg-config --variable=libdir jemalloc)/libjemalloc.so"`, ragflow's
        entrypoint), outside comments?"""
        if any(command.name == program for command in self.commands):
            return True
        called = re.compile(r"(?:\$\(|`)\s*" + re.escape(program) + r"(?=\s|\)|`)")
        return any(called.search(line.split("#", 1)[0]) for line in self.text.splitlines())

    def builds(self) -> ShellCommand | None:
        """The first command that builds code when the container starts: make, CMake, ninja, a C/C++
        compiler, `cargo build`, `go build`, `python setup.py` (llama-cpp-python's images run `make
        build`, a `pip install -e .` that compiles llama.cpp for the host), or None."""
        for command in self.commands:
            name, args = command.name, [arg for arg in command.args if arg is not None]
            if name in _BUILDERS or (name in ("cargo", "go") and args[:1] == ["build"]):
                return command
            if name is not None and name.startswith("python") and args[:1] == ["setup.py"]:
                return command
        return None

    def python_install(self) -> PackageOp | None:
        """The first install of Python packages (`pip install -r …`, `uv pip install`, `conda install`)."""
        return next((op for op in self.packages if op.manager in ("pip", "uv", "conda") and op.verb in ("install", "sync")), None)


def start_script(dockerfile: Dockerfile) -> StartScript | None:
    """The script the shipped image runs when it starts, read from the build context; None when the
    image runs none, or it does not come from the context, or it cannot be read. Read once per file."""
    key = ("start script", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _start_script(dockerfile)
    return cast("StartScript | None", dockerfile.memo[key])


def _start_script(dockerfile: Dockerfile) -> StartScript | None:
    if dockerfile.context_dir is None:
        return None
    final = dockerfile.final_stage()
    if final is None:
        return None
    chain = dockerfile.ancestry(final)
    command = _command(chain)
    if command is None:
        return None
    path = _script_path(command)
    if path is None:
        return None
    return _read(dockerfile, final, command, path)


def unread_start_script(dockerfile: Dockerfile) -> str | None:
    """The build-context file the image's start script is copied from when the context does not
    hold it readably (a Dockerfile linted away from its repository): what the container does when it
    starts is then unknown. Only a shell script counts (`*.sh`, or named as an entrypoint): a program
    binary copied in runs itself. None when the script was read, or the image runs none from the context."""
    key = ("unread start script", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _unread_start_script(dockerfile)
    return cast("str | None", dockerfile.memo[key])


def _unread_start_script(dockerfile: Dockerfile) -> str | None:
    if dockerfile.context_dir is None or start_script(dockerfile) is not None:
        return None
    final = dockerfile.final_stage()
    if final is None:
        return None
    command = _command(dockerfile.ancestry(final))
    if command is None:
        return None
    path = _script_path(command)
    name = posixpath.basename(path or "")
    if path is None or not (name.endswith(".sh") or "entrypoint" in name):
        return None  # a program copied in (`/usr/bin/determined-master`), not a script that sets up
    return _context_source(dockerfile, final, command, path)


def script_run_by(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, program: str) -> StartScript | None:
    """The shell script `program` (`./start.sh`, `/opt/run.sh`) names when a CMD or ENTRYPOINT of
    `stage` runs it, read from the build context as the start script is; None when it is no script
    file, or it does not come from the context, or it cannot be read."""
    if dockerfile.context_dir is None or "$" in program or not (program.endswith(".sh") or "/" in program):
        return None
    if program.startswith("/"):
        path = posixpath.normpath(program)
    elif instruction.workdir is not None and instruction.workdir.startswith("/"):
        path = posixpath.normpath(posixpath.join(instruction.workdir, program))
    else:
        return None
    return _read(dockerfile, stage, instruction, path)


def _read(dockerfile: Dockerfile, stage: Stage, command: Instruction, path: str) -> StartScript | None:
    assert dockerfile.context_dir is not None
    source = _context_source(dockerfile, stage, command, path)
    if source is None:
        return None
    from dflint.context import BuildContext, ContextError

    try:
        text = BuildContext.at(dockerfile.context_dir).read_text(source)
    except (ContextError, ValueError):
        return None
    commands = _parse(text, command)
    if commands is None:
        return None
    from dflint.packages import extract

    packages = tuple(op for each in commands for op in extract(each, _unread))
    return StartScript(path, source, commands, packages, text)


def _command(chain: tuple[Stage, ...]) -> Instruction | None:
    """The ENTRYPOINT in force, else the CMD: the program the container starts with."""
    from dflint.purpose import last_along

    return last_along(chain, "ENTRYPOINT") or last_along(chain, "CMD")


def _script_path(instruction: Instruction) -> str | None:
    """The absolute path of the script the command runs (`/entrypoint.sh`, `start.sh` under the
    WORKDIR), past an init and a shell given the file; None when it runs no script file."""
    from dflint.purpose import command_words

    words = command_words(instruction)
    if words and posixpath.basename(words[0]) in _SHELLS:
        words = words[1:]
        if not words or words[0].startswith("-"):
            return None  # `bash -c "…"` or a bare shell: no script file
    if not words or "$" in words[0]:
        return None
    program = words[0]
    if not (program.endswith(".sh") or "/" in program):
        return None  # a program on PATH (`uvicorn`), not a file the image copied in
    if program.startswith("/"):
        return posixpath.normpath(program)
    workdir = instruction.workdir
    if workdir is None or not workdir.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(workdir, program))


def _context_source(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, path: str) -> str | None:
    """The build-context file the last write of `path` copied there, or None when something else
    (a RUN, another stage, a URL, an unknown source) put it there last."""
    from dflint.filesystem import last_write

    write = last_write(dockerfile, stage, path, instruction)
    if write is None or not write.from_context or write.source is None or "$" in write.source:
        return None
    source = write.source
    if any(char in source for char in "*?["):
        # `COPY docker/entrypoint*.sh ./` then `./entrypoint.sh` (ragflow): the glob's folder holds a
        # file of the script's name when the glob, in its last part only, matches that name
        import fnmatch

        folder, pattern = posixpath.split(source)
        name = posixpath.basename(path)
        if any(char in folder for char in "*?[") or not fnmatch.fnmatchcase(name, pattern):
            return None
        return posixpath.normpath(posixpath.join(folder, name).lstrip("/"))
    if write.tree and path != write.path:
        source = posixpath.join(source, path[len(write.path.rstrip("/")) + 1 :])
    source = posixpath.normpath(source.lstrip("/"))
    if source.startswith("..") or source == ".":
        return None
    return source


def _parse(text: str, instruction: Instruction) -> tuple[ShellCommand, ...] | None:
    """The script's commands. Their spans all point at the ENTRYPOINT/CMD that runs it: they are
    facts about the image, not places in the Dockerfile."""
    from dflint.shell import ScriptReader

    span: Span = instruction.span

    def file_span(start: int, end: int) -> Span:
        return span

    try:
        return tuple(ScriptReader(text, 0, file_span, {}, instruction.workdir, fixed=span).read())
    except (RecursionError, ValueError):
        return None


def _unread(path: str, constraint: bool) -> RequirementsFile:
    """A requirements file the start script names: read when the container starts, not at build time."""
    return RequirementsFile(path, None, "unresolved", "read by the start script when the container starts", constraint)
