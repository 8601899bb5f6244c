"""The filesystem view of a build: what each instruction writes, what later removes it (in the
same RUN, in a later RUN, or never), and whether it reaches the shipped image, in which layer.

Writes. COPY and ADD write their destination (`Instruction.copy`), one write per source: a file at
the destination (or under it by its base name), a directory, glob or unpacked archive as a tree
(`Write.source` names the source). A RUN command writes the files its output redirections name
(`> /tmp/r.txt`), `tee` files, `touch` files, a `cp`/`mv`/`install` destination, `curl -o`/`wget
-O` outputs, `git clone` checkouts (`clone_repository` names the repository),
`pip-compile`/`uv pip compile`/`poetry export` outputs and what `tar -x`/`unzip` unpack (a whole
directory); a package install writes its prefix (`install_write`: a virtual environment,
`--target`, a conda prefix, the system interpreter's site-packages). Relative paths are taken from
the command's working directory; a path that depends on an unknown value is left out.

Removals. `removed_paths`/`removes` read `rm` and `find … -delete`; a caller that knows other ways
a path goes away (`pip cache purge`, `apt-get purge NAME`) passes them as `cleans`, a function of a
command and its RUN that answers True, None (maybe: an unknown path, a clean-up script of the
image's own) or False.

The one question: `fate(dockerfile, stage, instruction, path, …)` answers where the path written
by `instruction` ends: `removed` is the first command after the write that removes it (or may),
`same_run` telling a removal that keeps the bytes out of every layer from one that only hides them;
`reach` says whether it gets into the shipped image and in which layer (the writer's own layer in a
stage whose layers ship, or the `COPY --from` that carries it out of a build stage, as of the end
of that stage: a removal there in a later RUN keeps it out). `dflint.shipping` decides which stages'
layers ship and what each `COPY --from` takes.

Leftovers. What a RUN leaves in its layer without naming a path a rule asks about (a package
manager's cache, the apt lists: a `Leftover` the caller describes, with how a command removes it)
is followed the same way: `cleaned_in_own_run` says whether the writer's own RUN removes it, and
`late_cleanups` which command of a later RUN of the layer chain removes what earlier RUNs kept,
too late for the image to shrink. Which RUN removes an installed package is
`dflint.build_deps`' answer (`removed_in_same_run`, `late_removals`).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from dflint.data import load
from dflint.model import BASE_WORKDIR, Dockerfile, Instruction, PackageOp, ShellCommand, Stage
from dflint.packages import normalise_name
from dflint.shipping import Reach, after, chains, reaches

_GLOB = re.compile(r"[*?\[]")
_HOME = re.compile(r"^(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)(?=/|$)")

# How a command removes what was written: True, None (maybe) or False.
Cleans = Callable[[ShellCommand, Instruction], "bool | None"]


@dataclass(frozen=True, slots=True)
class Write:
    """A path written by an instruction: `tree` when everything under it may be written (a
    checkout, an unpacked archive, a copied directory); `command` is None for COPY/ADD."""

    path: str
    instruction: Instruction
    command: ShellCommand | None
    tree: bool = False
    source: str | None = None  # the COPY/ADD source word's value it comes from (None: a RUN, or unknown)

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


def resolved(path: str | None, cwd: str | None) -> str | None:
    """The normalised absolute path a command writes, from the directory it runs in; None when that
    depends on something unknown (a variable, an unknown working directory)."""
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


def clone_repository(command: ShellCommand) -> str | None:
    """The repository a `git clone` command names, as written (None when unknown or not a clone)."""
    values = [value or "" for value in command.args]
    if command.name != "git" or "clone" not in values:
        return None
    operands = _clone_operands(command.args[values.index("clone") + 1 :])
    return operands[0] if operands else None


def _url_name(url: str) -> str:
    return posixpath.basename(url.split("?", 1)[0].rstrip("/")) or "index.html"


def instruction_writes(instruction: Instruction) -> Iterator[Write]:
    """What one instruction writes, in order: a COPY/ADD one write per source (a file lands at the
    destination, or under it by its base name when the destination is a directory; a directory, a
    glob, an unknown source or an archive ADD unpacks writes a tree at the destination)."""
    spec = instruction.copy
    if spec is not None:
        if spec.destination is None or "$" in spec.destination:
            return
        destination = posixpath.normpath(spec.destination)
        into_directory = spec.destination.endswith("/") or len(spec.sources) != 1
        for source in spec.sources or (None,):
            yield _copy_write(instruction, source, destination, into_directory)
        return
    for command in instruction.commands:
        for path, tree in command_writes(command):
            absolute = resolved(path, command.cwd)
            if absolute is not None and absolute != "/dev/null":
                yield Write(absolute, instruction, command, tree)


_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


def _copy_write(instruction: Instruction, source: str | None, destination: str, into_directory: bool) -> Write:
    if source is None or "$" in source or not _looks_like_file(source):
        return Write(destination, instruction, None, True, source)
    remote = "://" in source or source.startswith("git@")
    if instruction.keyword == "ADD" and not remote and source.lower().endswith(_ARCHIVES):
        return Write(destination, instruction, None, True, source)  # ADD unpacks a local archive
    if remote and (source.startswith("git@") or source.split("#", 1)[0].rstrip("/").endswith(".git")):
        return Write(destination, instruction, None, True, source)  # ADD of a git repository: a checkout
    name = _url_name(source) if remote else posixpath.basename(source)
    if not remote and "." not in name.lstrip("."):  # `COPY app /srv/app`: maybe a directory
        return Write(posixpath.join(destination, name) if into_directory else destination, instruction, None, True, source)
    if into_directory:
        return Write(posixpath.join(destination, name), instruction, None, False, source)
    return Write(destination, instruction, None, False, source)


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


# -- removals: rm, find -delete -------------------------------------------------------------------


def normalise(path: str) -> str:
    """`/var/lib/apt/lists/*` → `/var/lib/apt/lists`: what a removal or mount stands for."""
    path = re.sub(r"/+", "/", path.strip())
    while True:
        stripped = re.sub(r"(?:/\*+|/\.|/)$", "", path)
        if stripped == path or not stripped:
            break
        path = stripped
    return path or "/"


def _home_relative(path: str) -> str | None:
    """`~/.cache/pip`, `/root/.cache/pip`, `/home/app/.cache/pip` → `.cache/pip`."""
    match = _HOME.match(path)
    if not match:
        return None
    return path[match.end() :].lstrip("/")


def covers(outer: str, inner: str, any_home: bool = True) -> bool:
    """True when removing (or mounting over, or copying) `outer` takes in all of `inner`. A glob
    in `outer` (`/root/.cache/pip*`) matches `inner` or a directory above it. With `any_home`, a
    home directory on either side (`~`, `$HOME`, `/root`, `/home/NAME`) matches any other, since
    dflint does not follow USER; without it, `~` is root's home."""
    o, i = normalise(outer), normalise(inner)
    if not any_home:
        o, i = _root_home(o), _root_home(i)
    if _matches(o, i):
        return True
    if not any_home:
        return False
    home_o, home_i = _home_relative(o), _home_relative(i)
    if home_o is None or home_i is None:
        return False
    return home_o == "" or _matches("~/" + home_o, "~/" + home_i)


def _matches(outer: str, inner: str) -> bool:
    if outer == "/" or outer == inner or inner.startswith(outer + "/"):
        return True
    if not _GLOB.search(outer):
        return False
    parts = inner.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:end]), outer) for end in range(2, len(parts) + 1))


def _root_home(path: str) -> str:
    return re.sub(r"^(?:~|\$HOME|\$\{HOME\})(?=/|$)", "/root", path)


def _clears_contents(removed: str, directory: str) -> bool:
    """`rm -rf /var/lib/apt/lists/*.lz4` inside the directory, with a glob: a cleanup of it."""
    r, d = normalise(removed), normalise(directory)
    home_r, home_d = _home_relative(r), _home_relative(d)
    if home_r is not None and home_d is not None:
        r, d = "~/" + home_r, "~/" + home_d
    return r.startswith(d + "/") and bool(_GLOB.search(r[len(d) :]))


def absolute(path: str, cwd: str | None) -> str | None:
    if path.startswith(("/", "~", "$HOME", "${HOME}")):
        return path
    if cwd is None or cwd.startswith("/<"):
        return posixpath.join(_UNKNOWN_DIR, path)  # under a directory dflint does not know
    return posixpath.join(cwd, path)


_UNKNOWN_DIR = "/<unknown-directory>"


def _may_reach(path: str, directory: str) -> bool:
    """Whether `path` (relative to an unknown directory) can be `directory` or one above it:
    `cache` can be /var/cache, `./miniforge3.sh` cannot be anything under /var/cache."""
    relative = posixpath.normpath(path[len(_UNKNOWN_DIR) + 1 :])
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if not parts or ".." in parts or _GLOB.search(relative):
        return True
    target = [part for part in normalise(directory).split("/") if part]
    return any(target[start : start + len(parts)] == parts for start in range(len(target)))


def removed_paths(command: ShellCommand) -> list[str | None] | None:
    """The paths an `rm …` or `find PATH … -delete` removes (None for an unknown word), or None
    when the command removes nothing."""
    name = command.name
    args = command.args
    if name == "rm":
        paths: list[str | None] = []
        for word in command.argv[1:]:
            value = word.value
            if value is not None and value.startswith("-"):
                continue
            if value is None or word.text[:1] in ("'", '"'):
                paths.append(None if value is None else absolute(value, command.cwd))
                continue
            words = expand_braces(value) if command.braces else [value]  # dash keeps `{a,b}` as written
            paths.extend(absolute(expanded, command.cwd) for expanded in words)
        return paths
    if name == "find" and ("-delete" in args or ("-exec" in args and "rm" in args)):
        paths = []
        for value in args:
            if value is None:
                paths.append(None)
                continue
            if value.startswith(("-", "(", "!")):
                break
            paths.append(absolute(value, command.cwd))
        return paths
    return None


def expand_braces(text: str, limit: int = 64) -> list[str]:
    """The shell's brace expansion: `/var/lib/{apt,dpkg}` → `/var/lib/apt`, `/var/lib/dpkg`."""
    match = re.search(r"\{([^{}]*,[^{}]*)\}", text)
    if not match:
        return [text]
    results: list[str] = []
    for choice in match.group(1).split(","):
        for rest in expand_braces(text[: match.start()] + choice + text[match.end() :], limit):
            results.append(rest)
            if len(results) >= limit:
                return results
    return results


def _cleanup_script(command: ShellCommand) -> bool:
    """A script of the image's own whose name says it cleans up (`clean-layer.sh`, `cleanup`):
    what it removes cannot be seen."""
    name = (command.name or "").lower()
    return "clean" in name and name not in _MANAGER_PROGRAMS


_MANAGER_PROGRAMS = frozenset(
    {
        "apt-get",
        "apt",
        "aptitude",
        "apk",
        "yum",
        "dnf",
        "microdnf",
        "conda",
        "mamba",
        "micromamba",
        "pip",
        "pip3",
        "npm",
        "uv",
        "poetry",
        "pipenv",
    }
)


def removes(command: ShellCommand, directories: tuple[str, ...]) -> bool | None:
    """True when the command removes one of `directories` (or their contents), None when it
    removes something unknown (`rm -rf $X`, a `clean-layer.sh` of the image's own), False otherwise."""
    if _cleanup_script(command):
        return None
    paths = removed_paths(command)
    if paths is None:
        return False
    unknown = False
    for path in paths:
        if path is None:
            unknown = True
            continue
        if path.startswith(_UNKNOWN_DIR + "/"):
            unknown = unknown or any(_may_reach(path, directory) for directory in directories)
            continue
        for directory in directories:
            if covers(path, directory) or _clears_contents(path, directory):
                return True
    return None if unknown else False


def mounted(instruction: Instruction, directories: tuple[str, ...]) -> bool:
    """A `--mount=type=cache` (or tmpfs) over one of the directories: nothing lands in the layer."""
    for options in instruction.mounts():
        if options.get("type") not in ("cache", "tmpfs"):
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        if target and any(covers(target, directory) for directory in directories):
            return True
    return False


# -- what installs write ---------------------------------------------------------------------------

_SYSTEM_BIN = frozenset({"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"})
# Where the system interpreter's packages go when dflint cannot tell the prefix: its site-packages,
# or any site-packages / dist-packages a copy takes from inside.
SYSTEM_SITE_PACKAGES = ("/usr/local/lib/python*", "/usr/lib/python*", "/**/site-packages", "/**/dist-packages")
# `pip install --user`: the user's home is not followed (root's, or any under /home).
USER_SITE = ("/root/.local", "/home/*/.local", "/**/.local")


# `install_prefix` with `from_path=False` when only PATH would say where the packages go
UNKNOWN_PREFIX = "\0unknown"


def install_write(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp, *, from_path: bool = True
) -> tuple[str, ...]:
    """The trees a pip/uv/pipenv/conda install writes its packages into (`install_prefix`), as
    absolute paths or patterns for `shipping.overlaps`; empty for other managers (pipx keeps its
    own environments). With `from_path=False`, a prefix only PATH suggests (a `bin` directory first
    on it, taken for a virtual environment's) is not trusted, and the trees are unknown (empty)."""
    if op.manager not in ("pip", "uv", "pipenv", "conda"):
        return ()
    prefix = install_prefix(op, instruction, raw_path(dockerfile, stage, instruction), from_path=from_path)
    if prefix == UNKNOWN_PREFIX:
        return ()
    if prefix is None:
        return SYSTEM_SITE_PACKAGES
    if prefix == "~/.local":
        return USER_SITE
    if "$" in prefix:
        return ()
    if not prefix.startswith("/"):
        cwd = op.command.cwd
        if cwd is None or cwd.startswith("/<"):
            return ()
        prefix = posixpath.join(cwd, prefix)
    return (posixpath.normpath(prefix),)


def install_prefix(op: PackageOp, instruction: Instruction, raw_path: str | None = None, *, from_path: bool = True) -> str | None:
    """Where a pip/uv/conda install puts its files: a venv's `bin/pip` or `bin/python`,
    `VIRTUAL_ENV` or a venv first on `PATH`, `pip install --prefix/--target/--root`, `--user`
    (`~/.local`), a conda prefix (`-p`, `-n NAME`, the conda root); None for the system interpreter
    or unknown. `raw_path` is the PATH as written by the last ENV (its value is unknown when it
    appends `$PATH`)."""
    argv = op.command.argv
    if op.manager == "conda":
        explicit = _argv_option(op, "-p") or _argv_option(op, "--prefix")
        if explicit is not None:
            return explicit
        root = _conda_root(op, instruction, raw_path if from_path else None, from_path=from_path)
        if root == UNKNOWN_PREFIX:
            return root
        name = _argv_option(op, "-n") or _argv_option(op, "--name")
        return f"{root}/envs/{name}" if name else root
    for option in ("--target", "-t", "--prefix", "--root"):
        value = _argv_option(op, option)
        if value is not None:
            return value
    if op.has_flag("--user"):
        return "~/.local"
    program = argv[0].value if argv else None
    if program and program.startswith("/") and "/bin/" in program:
        if posixpath.dirname(program) in _SYSTEM_BIN:
            return None  # the system interpreter, named explicitly
        return posixpath.dirname(posixpath.dirname(program))
    if op.manager == "uv" and op.has_flag("--system"):
        return None  # `uv pip install --system`: the system interpreter, whatever venv is active
    python = _argv_option(op, "--python") if op.manager == "uv" else None
    if python and python.startswith("/") and "/bin/" in python:
        return posixpath.dirname(posixpath.dirname(python))
    env = instruction.env
    if env.get("VIRTUAL_ENV"):
        return env["VIRTUAL_ENV"]
    found = _first_private_bin(env.get("PATH") or raw_path)
    return found if from_path or found is None else UNKNOWN_PREFIX


def _conda_root(op: PackageOp, instruction: Instruction, raw_path: str | None, *, from_path: bool = True) -> str:
    program = op.command.argv[0].value if op.command.argv else None
    if program and program.startswith("/") and "/bin/" in program:
        return posixpath.dirname(posixpath.dirname(program))
    env = instruction.env
    for name in ("CONDA_DIR", "CONDA_PREFIX", "MAMBA_ROOT_PREFIX", "CONDA_HOME"):
        if env.get(name):
            return str(env[name])
    if not from_path:
        return UNKNOWN_PREFIX
    return _first_private_bin(env.get("PATH") or raw_path) or "/opt/conda"


_ENV_PATH = re.compile(r"""(?:^|\s)PATH(?:=|\s+)["']?([^"'\s]+)""")


def raw_path(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str | None:
    """The PATH the last ENV before `instruction` wrote, as written (`/opt/venv/bin:$PATH`)."""
    found = None
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for candidate in ancestor.instructions:
            if candidate.index >= instruction.index:
                break
            if candidate.keyword == "ENV":
                match = _ENV_PATH.search(candidate.arguments)
                if match:
                    found = match.group(1)
    return found


# `bin` folders put first on PATH that hold a toolkit's programs, not a Python environment's:
# CUDA's and NVIDIA's (`ENV PATH=/usr/local/cuda/bin:$PATH`, Roboflow Inference's Jetson images),
# ROCm's, Go's, Rust's, Java's and Node's
_TOOLKIT_BIN = re.compile(
    r"/usr/local/cuda[^/]*/bin|/usr/local/nvidia/bin|/opt/rocm[^/]*/bin|/opt/rocm[^/]*/[^/]+/bin|/usr/local/go/bin"
    r"|/root/go/bin|/go/bin|/(?:root|usr/local)/\.?cargo/bin|/usr/lib/jvm/[^/]+/bin|/opt/java/[^/]+/bin"
    r"|/usr/local/node[^/]*/bin|/opt/node[^/]*/bin"
    # a user's `~/.local/bin`, where uv's installer and pipx put programs: a pip without `--user`
    # does not install there
    r"|/root/\.local/bin|/home/[^/]+/\.local/bin"
)


def _first_private_bin(path: str | None) -> str | None:
    """The environment whose `bin` comes first on PATH, before the system's: a venv or conda prefix
    (`/opt/venv/bin`); a toolkit's `bin` (`/usr/local/cuda/bin`) is passed over."""
    for entry in (path or "").split(":"):
        entry = entry.rstrip("/")
        if entry in _SYSTEM_BIN or not entry.startswith("/"):
            break
        if "$" in entry:
            break
        if _TOOLKIT_BIN.fullmatch(entry):
            continue
        if entry.endswith("/bin"):
            return posixpath.dirname(entry)
    return None


def _argv_option(op: PackageOp, option: str) -> str | None:
    words = op.command.argv
    for position, word in enumerate(words):
        value = word.value or ""
        if value == option and position + 1 < len(words):
            return words[position + 1].value
        if option.startswith("--") and value.startswith(option + "="):
            return value.split("=", 1)[1]
    return None


# -- the fate of a written path --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Removal:
    """A command that removes a path written earlier: in the writer's own RUN (`same_run`: the bytes
    never reach a layer) or in a later RUN (they stay in the writer's layer, only hidden).
    `certain` is False for a command that may remove it (an unknown path)."""

    instruction: Instruction
    command: ShellCommand
    same_run: bool
    certain: bool = True


@dataclass(frozen=True, slots=True)
class Fate:
    """What becomes of a path written by an instruction: the first command after the write that
    removes it (None: nothing does), and how it reaches the shipped image (None: it does not)."""

    removed: Removal | None
    reach: Reach | None

    @property
    def in_layer(self) -> bool:
        """Does the write's own layer keep it (no removal in the same RUN)?"""
        return self.removed is None or not self.removed.same_run

    @property
    def ships(self) -> bool:
        return self.reach is not None

    @property
    def layer(self) -> Instruction | None:
        """The instruction whose layer holds it in the shipped image."""
        return self.reach.layer if self.reach is not None else None


def path_cleans(paths: tuple[str, ...]) -> Cleans:
    """The plain way a path goes away: `rm` or `find … -delete` of it, a directory above it, or
    its contents."""

    def cleans(command: ShellCommand, instruction: Instruction) -> bool | None:
        return removes(command, paths)

    return cleans


def removals(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    cleans: Cleans,
    command: ShellCommand | None = None,
    later_runs: bool = True,
) -> Iterator[Removal]:
    """Every command after a write that removes (or may remove) what it wrote, in order: the
    commands after `command` in the writer's RUN (all of them for a COPY/ADD: none), then with
    `later_runs` the RUNs after it up to the end of `stage` (its FROM chain)."""
    if command is not None:
        started = False
        for candidate in instruction.commands:
            if started:
                verdict = cleans(candidate, instruction)
                if verdict is not False:
                    yield Removal(instruction, candidate, True, verdict is True)
            elif candidate is command:
                started = True
    if not later_runs:
        return
    for later in after(dockerfile, stage, instruction):
        if later.keyword != "RUN":
            continue
        for candidate in later.commands:
            verdict = cleans(candidate, later)
            if verdict is not False:
                yield Removal(later, candidate, False, verdict is True)


def removed_by(cleans: Cleans) -> Callable[[Instruction], bool | None]:
    """Does a later instruction remove it (True), maybe (None), or not (False)?"""

    def verdict(later: Instruction) -> bool | None:
        if later.keyword != "RUN":
            return False
        result: bool | None = False
        for command in later.commands:
            found = cleans(command, later)
            if found:
                return True
            if found is None:
                result = None
        return result

    return verdict


def removal_after_each(instruction: Instruction, cleans: Cleans) -> list[bool | None]:
    """For each command position of a RUN, whether the commands from there to the RUN's end remove
    the path (True, None: maybe, False), and one more entry for the end; judged once from the last
    command back, so asking it for every writer of a long RUN stays linear."""
    commands = instruction.commands
    suffix: list[bool | None] = [False] * (len(commands) + 1)
    for position in range(len(commands) - 1, -1, -1):
        verdict = cleans(commands[position], instruction)
        later = suffix[position + 1]
        suffix[position] = True if verdict or later is True else None if verdict is None or later is None else False
    return suffix


# -- what a RUN leaves in its layer, and the later RUN that removes it -----------------------------


class Leftover(Protocol):
    """Something a command of a RUN leaves in the RUN's layer (a package manager's cache, the apt
    lists): its RUN, the command's place in it, and how a command removes it. Leftovers of one
    `group` are removed by exactly the same commands."""

    @property
    def instruction(self) -> Instruction: ...

    @property
    def position(self) -> int: ...

    @property
    def group(self) -> Hashable: ...

    def cleans(self, command: ShellCommand, instruction: Instruction) -> bool | None: ...


L = TypeVar("L", bound=Leftover)


def cleaned_in_own_run(leftovers: Sequence[L], instruction: Instruction) -> list[bool | None]:
    """For each leftover of one RUN, whether a later command of that RUN removes it (True, None:
    maybe, False: it stays in the layer). The RUN's commands are judged once per group, from the
    last command back (`removal_after_each`), so a RUN of 500 `pip install`s stays linear."""
    after: dict[Hashable, list[bool | None]] = {}
    verdicts: list[bool | None] = []
    for leftover in leftovers:
        group = leftover.group
        if group not in after:
            after[group] = removal_after_each(instruction, leftover.cleans)
        verdicts.append(after[group][leftover.position + 1])
    return verdicts


@dataclass(frozen=True, slots=True)
class LateCleanup(Generic[L]):
    """A command of a RUN that removes what earlier RUNs of its FROM chain left in their layers:
    the bytes stay in those layers, only hidden. `removed` is in the order it was written."""

    stage: Stage
    instruction: Instruction
    command: ShellCommand
    removed: tuple[L, ...]


def late_cleanups(chain: Sequence[Stage], leftovers: Callable[[Instruction], Sequence[L]]) -> Iterator[LateCleanup[L]]:
    """Every command of a layer chain's RUNs (`shipping.layer_chains`, root first) that certainly
    removes what an earlier RUN left in its layer (`leftovers(run)`, less what that RUN itself
    removes: `cleaned_in_own_run`). A command that also removes a leftover its own RUN wrote before
    it cleans up its own RUN and is not counted. What is left is kept by group, so each command is
    judged once per group, not once per RUN that left something: a long chain stays linear."""
    kept: dict[Hashable, list[tuple[int, L]]] = {}
    count = 0
    for stage in chain:
        for run in stage.instructions_of("RUN"):
            own = leftovers(run)
            for position, command in enumerate(run.commands if kept else ()):
                places: list[tuple[int, L]] = []
                cleans_own: bool | None = None  # worked out when first needed
                for group in kept.values():
                    if group[0][1].cleans(command, run) is not True:
                        continue
                    if cleans_own is None:
                        cleans_own = any(w.position < position and w.cleans(command, run) is True for w in own)
                    if not cleans_own:
                        places.extend(group)
                if places:
                    places.sort(key=lambda place: place[0])
                    yield LateCleanup(stage, run, command, tuple(leftover for _, leftover in places))
            for leftover, verdict in zip(own, cleaned_in_own_run(own, run)):
                if verdict is False:
                    kept.setdefault(leftover.group, []).append((count, leftover))
                    count += 1


def fate(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    path: str,
    command: ShellCommand | None = None,
    cleans: Cleans | None = None,
    tree: bool = False,
) -> Fate:
    """Where `path`, written by `instruction` of `stage` (by `command` of a RUN), ends: the first
    removal after it (same RUN, later RUN of the stage's chain, or None) and whether, in which
    layer, it reaches the shipped image. A removal that may happen counts as one, so an unknown
    never makes a path ship; with no `cleans`, `rm`/`find -delete` of the path are read."""
    cleans = cleans or path_cleans((path,))
    removal = next(removals(dockerfile, stage, instruction, cleans, command), None)
    if removal is not None and removal.same_run:
        return Fate(removal, None)
    return Fate(removal, reaches(dockerfile, stage, instruction, path, removed_by(cleans), tree=tree))


def ships(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    paths: tuple[str, ...],
    cleans: Cleans | None = None,
    tree: bool = False,
) -> Reach | None:
    """How the first of `paths` that reaches the shipped image gets there (what `fate(…).reach`
    answers, without looking for removals in the writer's own RUN: the caller has)."""
    for path in paths:
        reach = reaches(dockerfile, stage, instruction, path, removed_by(cleans or path_cleans((path,))), tree=tree)
        if reach is not None:
            return reach
    return None


# what is worth a layer: archives, packages and installers, wheels, model weights, binaries
BULKY_SUFFIXES = tuple(
    ".tar .tar.gz .tgz .tar.bz2 .tbz2 .tar.xz .txz .tar.zst .zip .7z .gz .xz .bz2 .zst .whl .deb .rpm .apk .run .sh.run"
    " .bin .so .a .jar .war .gguf .ggml .onnx .pt .pth .ckpt .safetensors .h5 .pb .tflite .engine .plan .nemo .npz .pkl"
    " .msgpack .iso .img .AppImage .exe .msi".lower().split()
)
# a copied directory whose name says it holds such things
BULKY_DIRECTORY = re.compile(
    r"(?i)^(models?|weights|checkpoints?|ckpts?|wheels?|wheelhouse|dist|packages|pkgs|debs|rpms|data|datasets?"
    r"|artifacts?|vendor|installers?|downloads?|archives?|tarballs?|blobs|cache)$"
)


def bulky(write: Write) -> bool:
    """Is what the write brought in likely to weigh something? A directory copied from another
    stage (build results), an unpacked archive, a file whose name says archive, package, wheel,
    weights or binary, a context directory named for them (`models/`, `wheels/`, `dist/`)."""
    spec = write.instruction.copy
    source = (write.source or "").rstrip("/")
    if write.tree:
        if spec is not None and spec.source_stage is not None:
            return True
        if source.lower().endswith(BULKY_SUFFIXES):
            return True  # ADD unpacked an archive
        return bool(BULKY_DIRECTORY.match(posixpath.basename(posixpath.normpath(source or "."))))
    name = posixpath.basename(write.path).lower()
    if name.endswith(".whl"):  # one wheel: only a heavy framework's (a project's own wheel is small)
        return normalise_name(name.split("-", 1)[0]) in {key.split("[", 1)[0] for key in load("heavy_frameworks")["pip"]}
    return name.endswith(BULKY_SUFFIXES)


def context_path(write: Write, path: str) -> str | None:
    """Where `path`, which `write` put in place, is in the build context (`inference/parallel/entrypoint.py`);
    None when the write does not copy it from the context or its source is not a literal."""
    source = write.source
    if not write.from_context or source is None or "$" in source or any(char in source for char in "*?["):
        return None
    source = posixpath.normpath(source.strip("/") or ".")
    if not write.tree:
        return None if source == "." else source  # a file copied to its destination
    relative = posixpath.relpath(path, write.path)
    if relative.startswith(".."):
        return None
    return relative if source == "." else posixpath.normpath(posixpath.join(source, relative))
