"""What a RUN leaves in its layer: package-manager caches, apt lists and packages, and how they
are cleaned up. Shared by the layer rules (DF301 pip-cache, DF302 apt-lists-not-removed,
DF303 package-cache, DF304 cleanup-in-later-layer).

A *writer* is a command that leaves something in the layer (a cache directory, the apt lists); a
*cleanup* is a later command that removes it. Layer semantics: only a cleanup in the same RUN
reclaims the bytes; one in a later RUN hides them and the image does not shrink. Which command
removes a writer's leftovers, in its own RUN or a later one, is the filesystem view's answer
(`dflint.filesystem.cleaned_in_own_run`, `late_cleanups`); this module says what a command writes
and what removes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from dflint.data import load
from dflint.filesystem import cleaned_in_own_run, mounted, removes, ships
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, ShellCommand, Stage
from dflint.platform import machine
from dflint.releases import distribution
from dflint.rule import Edit, Savings
from dflint.wheels import download_mb, pinned_elsewhere

_FALSY = frozenset({"0", "false", "no", "off", "n", "f"})
APT_LISTS = "/var/lib/apt/lists"


# -- data ---------------------------------------------------------------------------------------


@cache
def cache_data(manager: str) -> Mapping[str, object]:
    managers = load("caches")["managers"]
    entry = managers.get(manager, {})
    assert isinstance(entry, dict)
    return entry


def uv_links_note() -> str:
    """What uv's cache costs in a layer (`caches.json` uv `links_from_cache`): its installs link the
    files from the cache, so the cost depends on the builder's filesystem."""
    entry = cache_data("uv").get("links_from_cache", {})
    assert isinstance(entry, dict)
    return str(entry.get("detail", ""))


def data_dirs(manager: str, env: Mapping[str, str | None]) -> tuple[str, ...]:
    """The cache directories caches.json names for a manager, `$VARS` expanded from `env`
    (a variable that is not set drops its entry)."""
    result: list[str] = []
    dirs = cache_data(manager).get("dirs", [])
    assert isinstance(dirs, list)
    for entry in dirs:
        text = str(entry)
        if text.startswith("<"):
            continue
        match = re.match(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(.*)", text)
        if match:
            value = env.get(match.group(1))
            if not value:
                continue
            text = value + match.group(2)
        result.append(text)
    return tuple(result)


def apt_lists_savings(base: str | None) -> Savings | None:
    """The measured size of the apt lists, for a stage whose base image (`Dockerfile.root_image`) names
    the release they were measured on; on any other release, or one the tag does not name, the size is
    not known."""
    measured = cache_data("apt").get("measured")
    if not isinstance(measured, dict) or not isinstance(measured.get("size_mb"), (int, float)):
        return None
    if distribution(base) != measured.get("release"):
        return None
    return Savings(float(measured["size_mb"]), f"dflint/data/caches.json (apt lists): {measured.get('source', '')}")


# -- heavy wheels (what a pip cache holds a second copy of) -----------------------------------


@dataclass(frozen=True, slots=True)
class Heavy:
    """A heavy framework a requirement downloads, with its wheel size and source."""

    name: str
    wheel_mb: float
    source: str


_PYPI = re.compile(r"https?://(?:pypi\.org|pypi\.python\.org)/simple/?$")


def heavy_wheel(requirement: Requirement, op: PackageOp | None = None) -> Heavy | None:
    """The heavy framework a requirement downloads from an index, with its wheel size from
    heavy_frameworks.json (the build the data lists for an index the install uses, such as
    torch's CPU index, when there is one). Local files and URLs are not counted, nor installs for
    a platform other than x86_64 Linux, for which the data measured no sizes, nor installs that read
    another index the data has no build for (PyTorch's nightly or CUDA indexes): the size is unknown."""
    if requirement.name is None or requirement.kind != "name":
        return None
    if op is not None and op.platform is not None and machine(op.platform) != "x86_64":
        return None
    index_urls = tuple(index.url for index in op.indexes if index.url) if op is not None else ()
    for key, entry in _heavy_entries():
        base, _, extra = key.partition("[")
        extra = extra.rstrip("]")
        names = [key] + [str(alias) for alias in entry.get("aliases", [])]
        patterns = [str(pattern) for pattern in entry.get("patterns", [])]
        hit = False
        for candidate in names:
            cand_base, _, cand_extra = candidate.partition("[")
            cand_extra = cand_extra.rstrip("]")
            if cand_base == requirement.name and (not cand_extra or cand_extra in requirement.extras):
                hit = True
        if not hit and any(re.fullmatch(pattern, requirement.name) for pattern in patterns):
            hit = True
        if not hit:
            continue
        if pinned_elsewhere(entry, requirement.spec) is not None:
            return None  # sizes were measured for another version
        size = download_mb(entry)
        label = key if not extra else f"{base}[{extra}]"
        source = str(entry.get("source", "dflint/data/heavy_frameworks.json"))
        matched = False
        for alternative in entry.get("alternatives", []):
            index = str(alternative.get("index_url", "")).rstrip("/") if isinstance(alternative, dict) else ""
            if index and alternative.get("name") == base and any(url.rstrip("/").startswith(index) for url in index_urls):
                size = download_mb(alternative)
                label = f"{label} {alternative.get('version', '')}".strip()
                source = str(alternative.get("source", source))
                matched = True
        if not matched and any(not _PYPI.match(url) for url in index_urls):
            return None  # another index (nightly or CUDA builds): the wheel measured on PyPI says nothing of its size
        if not isinstance(size, (int, float)):
            return None
        return Heavy(label, float(size), source)
    return None


@cache
def _heavy_entries() -> tuple[tuple[str, dict[str, Any]], ...]:
    pip = load("heavy_frameworks").get("pip", {})
    # keys with an extra first, so `transformers[torch]` is not taken for a plain `transformers`
    return tuple(sorted(((str(k), v) for k, v in pip.items() if isinstance(v, dict)), key=lambda item: "[" not in item[0]))


def heavy_savings(requirements: list[Requirement], op: PackageOp | None = None) -> tuple[Savings | None, list[Heavy]]:
    found: dict[str, Heavy] = {}
    for requirement in requirements:
        heavy = heavy_wheel(requirement, op)
        if heavy is not None:
            found.setdefault(heavy.name, heavy)
    if not found:
        return None, []
    heavies = list(found.values())
    total = round(sum(h.wheel_mb for h in heavies), 1)
    source = "dflint/data/heavy_frameworks.json wheel sizes: " + ", ".join(
        f"{h.name} {h.wheel_mb:g} MB ({h.source})" for h in heavies
    )
    return Savings(total, source), heavies


# -- which stages put a path into the image ---------------------------------------------------


def writer_ships(dockerfile: Dockerfile, stage: Stage, writer: Writer) -> bool:
    """Does what `writer` leaves in its layer reach the shipped image? The filesystem view answers:
    through the stage's own layers, or through a `COPY --from` of a tree holding it, when no later
    RUN of the copied stage removes it (the copy takes the stage's final state)."""
    directories = writer.directories or ((APT_LISTS,) if writer.kind == "lists" else ())
    absolute_dirs = tuple(re.sub(r"^(~|\$HOME|\$\{HOME\})(?=/|$)", "/root", directory) for directory in directories)
    if ships(dockerfile, stage, writer.instruction, tuple(d for d in absolute_dirs if d.startswith("/")), writer.cleans):
        return True
    return any(not d.startswith("/") for d in absolute_dirs) and dockerfile.shipping().ships_layers(stage)


def chain_instructions(dockerfile: Dockerfile, stage: Stage) -> Iterator[Instruction]:
    """Every instruction whose layer a stage carries: its ancestors' first, then its own."""
    for ancestor in reversed(dockerfile.ancestry(stage)):
        yield from ancestor.instructions


# -- writers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Writer:
    """Something a command leaves in the layer: `kind` is `cache` (a manager's cache, `key` names
    the manager family) or `lists` (apt lists). A `dflint.filesystem.Leftover`: the filesystem view
    answers which later command of its RUN, or which later RUN, removes it."""

    kind: str
    key: str
    label: str  # what it is, for messages: "pip's cache", "the apt lists", "gcc"
    command: ShellCommand
    instruction: Instruction
    position: int  # index of the command in instruction.commands
    directories: tuple[str, ...] = ()
    op: PackageOp | None = None

    @property
    def group(self) -> tuple[str, str, tuple[str, ...]]:
        """What `cleans` reads of a writer: writers of one group are removed by the same commands."""
        return (self.kind, self.key, self.directories)

    def cleans(self, command: ShellCommand, instruction: Instruction) -> bool | None:
        """Does `command` (of `instruction`) remove what this writer left? None: maybe."""
        if self.kind == "lists":
            return cleans_lists(command, instruction)
        return cleans_cache(command, ops_of(instruction, command), self)


_RPM = ("yum", "dnf", "microdnf")
_CONDA_CLEAN = frozenset({"-a", "--all", "-t", "--tarballs", "-f", "--force-pkgs-dirs"})


def env_of(instruction: Instruction, command: ShellCommand) -> dict[str, str | None]:
    env = dict(instruction.env)
    env.update(command.exports)
    env.update((name, word.value) for name, word in command.assignments)
    return env


def _set(env: Mapping[str, str | None], name: str) -> bool | None:
    """Whether a boolean switch variable is on: None when unknown."""
    if name not in env:
        return False
    value = env[name]
    if value is None:
        return None
    return value.strip().lower() not in _FALSY and value.strip() != ""


def _option_value(command: ShellCommand, *names: str) -> str | None:
    argv = command.argv
    for position, word in enumerate(argv):
        value = word.value or ""
        for name in names:
            if value == name and position + 1 < len(argv):
                return argv[position + 1].value
            if value.startswith(name + "="):
                return value[len(name) + 1 :]
    return None


def pip_cache_dirs(op: PackageOp, env: Mapping[str, str | None]) -> tuple[str, ...]:
    manager = "uv" if op.manager == "uv" else "pip"
    chosen = _option_value(op.command, "--cache-dir")
    if chosen:
        return (chosen,)
    variable = "UV_CACHE_DIR" if manager == "uv" else "PIP_CACHE_DIR"
    if env.get(variable):
        return (str(env[variable]),)
    if env.get("XDG_CACHE_HOME"):
        return (f"{env['XDG_CACHE_HOME']}/{manager}",)
    return data_dirs(manager, env)


def pip_cache_state(op: PackageOp, instruction: Instruction, config_disabled: bool) -> bool | None:
    """Does this pip / uv pip install write its cache? None when it cannot be told."""
    env = env_of(instruction, op.command)
    if op.manager == "uv":
        if op.has_flag("--no-cache", "--no-cache-dir", "-n"):
            return False
        on = _set(env, "UV_NO_CACHE")
        if on is None:
            return None
        if on:
            return False
        return not mounted(instruction, pip_cache_dirs(op, env))
    if op.has_flag("--no-cache-dir", "--no-cache") or config_disabled:
        return False
    if "PIP_NO_CACHE_DIR" in env:
        value = env["PIP_NO_CACHE_DIR"]
        if value is None:
            return None
        if value.strip() != "":
            return False  # pip disables the cache for any valid boolean, "false" included
    if _option_value(op.command, "--cache-dir") in ("/dev/null",):
        return False
    return not mounted(instruction, pip_cache_dirs(op, env))


def pip_config_disables(command: ShellCommand) -> bool:
    """`pip config set global.no-cache-dir …` (any section, any value) turns the cache off for good."""
    if command.name is None:
        return False
    values = [value or "" for value in command.args]
    try:
        at = values.index("config")
    except ValueError:
        return False
    if not (command.name.startswith("pip") or "pip" in values[:at]):
        return False
    rest = values[at + 1 :]
    return "set" in rest and any(value.endswith(".no-cache-dir") for value in rest)


def downloads_nothing(op: PackageOp) -> bool:
    """An install of local wheels only (`pip install /wheels/*.whl`, a wheelhouse built in another
    stage), or of local files with `--no-deps` / `--no-index`: nothing is downloaded, so nothing
    lands in the cache. A local project or source archive (`dist/app-1.0.tar.gz`) without
    `--no-deps` still downloads its dependencies, and building it fetches its build requirements."""
    if not op.packages or op.files or any(r.kind != "path" for r in op.packages):
        return False
    if op.has_flag("--no-deps", "--no-index", "--offline"):
        return True
    return all((r.raw or "").lower().endswith(".whl") for r in op.packages)


def _is_pip_install(op: PackageOp) -> bool:
    return op.verb == "install" and (op.manager == "pip" or (op.manager == "uv" and op.program == "uv pip"))


def cache_writer(op: PackageOp, instruction: Instruction, position: int, config_disabled: bool = False) -> Writer | None | bool:
    """The cache an operation leaves in the layer: a Writer, False when it leaves none, or None
    when it cannot be told (an unknown variable)."""
    command = op.command
    env = env_of(instruction, command)

    def writer(key: str, label: str, directories: tuple[str, ...]) -> Writer | bool:
        if mounted(instruction, directories):
            return False
        return Writer("cache", key, label, command, instruction, position, directories, op)

    if _is_pip_install(op):
        if downloads_nothing(op):
            return False
        state = pip_cache_state(op, instruction, config_disabled)
        if state is None:
            return None
        if not state:
            return False
        key = "uv" if op.manager == "uv" else "pip"
        return Writer(
            "cache",
            key,
            "uv's cache" if key == "uv" else "pip's cache",
            command,
            instruction,
            position,
            pip_cache_dirs(op, env),
            op,
        )
    manager, verb = op.manager, op.verb
    if manager == "apk" and verb in ("install", "update", "upgrade"):
        if op.has_flag("--no-cache", "--no-network"):
            return False  # `--no-network` fetches nothing, so no index lands in /var/cache/apk
        return writer("apk", "apk's index cache (/var/cache/apk)", data_dirs("apk", env))
    if manager in _RPM and verb in ("install", "upgrade", "update"):
        dirs = data_dirs("yum", env) + data_dirs("dnf", env) + data_dirs("tdnf", env)
        return writer("rpm", f"{op.program}'s cache ({_rpm_cache(op.program, env)})", dirs)
    if manager == "conda" and verb in ("install", "upgrade"):
        return writer("conda", f"{op.program}'s package cache (pkgs/)", _conda_dirs(command, env))
    if manager == "npm" and verb == "install":
        extra = tuple(str(env[name]) for name in ("npm_config_cache", "NPM_CONFIG_CACHE") if env.get(name))
        return writer("npm", "npm's cache (~/.npm)", extra + data_dirs("npm", env))
    if manager == "poetry" and verb in ("install", "sync", "upgrade"):
        if op.has_flag("--no-cache"):
            return False
        return writer("poetry", "poetry's cache (~/.cache/pypoetry)", data_dirs("poetry", env))
    if manager == "pipenv" and verb in ("install", "sync", "upgrade"):
        return writer("pipenv", "pipenv's cache (~/.cache/pipenv)", data_dirs("pipenv", env))
    if manager == "uv" and op.program in ("uv sync", "uv add", "uv tool") and verb in ("install", "sync"):
        if op.has_flag("--no-cache", "--no-cache-dir", "-n"):
            return False
        on = _set(env, "UV_NO_CACHE")
        if on is None:
            return None
        if on:
            return False
        return writer("uv", "uv's cache (~/.cache/uv)", pip_cache_dirs(op, env))
    return False


def _conda_dirs(command: ShellCommand, env: Mapping[str, str | None]) -> tuple[str, ...]:
    dirs: list[str] = []
    if env.get("CONDA_PKGS_DIRS"):
        dirs.extend(str(env["CONDA_PKGS_DIRS"]).split(","))
    program = command.argv[0].value or ""
    if program.startswith("/") and "/bin/" in program:
        dirs.append(program.rsplit("/bin/", 1)[0] + "/pkgs")
    for name in ("MAMBA_ROOT_PREFIX", "CONDA_DIR", "CONDA_PREFIX"):
        if env.get(name):
            dirs.append(f"{env[name]}/pkgs")
    dirs.extend(data_dirs("conda", env))
    return tuple(dict.fromkeys(dirs))


def _rpm_cache(program: str, env: Mapping[str, str | None]) -> str:
    """The cache directory an rpm front end names (caches.json): dnf5's is libdnf5's, under dnf."""
    dirs = data_dirs("dnf", env) if program == "dnf5" else data_dirs(program, env)
    if program == "dnf5":
        dirs = tuple(directory for directory in dirs if "libdnf5" in directory)
    return dirs[0].rstrip("/") if dirs else "/var/cache"


def cleans_cache(command: ShellCommand, ops: tuple[PackageOp, ...], writer: Writer) -> bool | None:
    """Does this command clean up what `writer` left? None when it removes something unknown."""
    removal = removes(command, writer.directories)
    if removal:
        return True
    key = writer.key
    name = command.name
    values = [value or "" for value in command.args]
    for op in ops:
        if op.manager == "pip" and key == "pip" and op.verb == "clean" and "purge" in values:
            return True
        if op.manager in _RPM and key == "rpm" and op.verb == "clean" and "all" in values:
            return True
        if op.manager == "conda" and key == "conda" and op.verb == "clean" and op.flags & _CONDA_CLEAN:
            return True
        if op.manager == "npm" and key == "npm" and op.verb == "clean" and "clean" in values:
            return True
        if op.manager == "apk" and key == "apk" and op.verb == "clean":
            return True
        if op.manager == "poetry" and key == "poetry" and "cache" in values and "clear" in values:
            return True
    if key == "uv" and name == "uv" and "cache" in values and any(v in values for v in ("clean", "prune")):
        return True
    return removal


def updates_lists(command: ShellCommand, instruction: Instruction) -> bool:
    """`apt-get update` (or `add-apt-repository`, which updates too) writes /var/lib/apt/lists."""
    if any(op.manager == "apt" and op.verb == "update" for op in instruction.ops_of(command)):
        return True
    return command.name == "add-apt-repository" and not any(v in ("-n", "--no-update") for v in command.args)


def lists_writer(command: ShellCommand, instruction: Instruction, position: int) -> Writer | None:
    if not updates_lists(command, instruction) or mounted(instruction, (APT_LISTS,)):
        return None
    return Writer("lists", "apt-lists", "the apt lists (/var/lib/apt/lists)", command, instruction, position, (APT_LISTS,))


def cleans_lists(command: ShellCommand, instruction: Instruction) -> bool | None:
    if any(op.manager == "apt" and (op.verb_word and op.verb_word.value) == "dist-clean" for op in instruction.ops_of(command)):
        return True
    return removes(command, (APT_LISTS,))


def command_label(command: ShellCommand, limit: int = 80) -> str:
    """A command's first line, for messages: `dnf install -y gcc` (no trailing `\\`)."""
    text = command.text.split("\n", 1)[0].rstrip().rstrip("\\").rstrip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ops_of(instruction: Instruction, command: ShellCommand) -> tuple[PackageOp, ...]:
    return instruction.ops_of(command)


# -- one RUN ------------------------------------------------------------------------------------


def writers_in(instruction: Instruction, config_disabled: bool = False) -> list[Writer]:
    """Every cache or apt-lists writer in one RUN, in order (cache writers that cannot be told,
    because of an unknown variable, are left out)."""
    writers: list[Writer] = []
    for position, command in enumerate(instruction.commands):
        if pip_config_disables(command):
            config_disabled = True
        lists = lists_writer(command, instruction, position)
        if lists is not None:
            writers.append(lists)
        for op in ops_of(instruction, command):
            found = cache_writer(op, instruction, position, config_disabled)
            if isinstance(found, Writer):
                writers.append(found)
    return writers


def kept_in_layer(instruction: Instruction, config_disabled: bool = False) -> list[Writer]:
    """Writers in one RUN whose output that RUN does not clean up (an unknown removal such as
    `rm -rf $DIR` after a writer counts as a cleanup: unknown never produces a finding)."""
    writers = writers_in(instruction, config_disabled)
    return [w for w, verdict in zip(writers, cleaned_in_own_run(writers, instruction)) if verdict is False]


def reported_where_written(dockerfile: Dockerfile, stage: Stage, writer: Writer, config_disabled: bool) -> bool:
    """Is `writer` a package manager's cache, or the apt lists, that its own RUN keeps in a layer of
    the image? The question DF301 (pip, `uv pip`), DF303 (every other manager) and DF302 (the apt
    lists) ask of each RUN: kept in the
    layer (`kept_in_layer`; `config_disabled`: an earlier `pip config set` turned pip's cache off,
    `config_disabled_before`) and reaching the
    shipped image (`writer_ships`). A later cleanup of such a cache has the same fix as the finding
    at its RUN."""
    if writer.kind not in ("cache", "lists") or (writer.kind == "cache" and writer.op is None):
        return False
    kept = kept_in_layer(writer.instruction, config_disabled)
    if not any(other.position == writer.position and other.group == writer.group for other in kept):
        return False
    return writer_ships(dockerfile, stage, writer)


def config_disabled_before(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> bool:
    """A `pip config set global.no-cache-dir …` in an earlier RUN of the stage's chain."""
    for earlier in chain_instructions(dockerfile, stage):
        if earlier is instruction:
            return False
        if any(pip_config_disables(command) for command in earlier.commands):
            return True
    return False


# -- fixes --------------------------------------------------------------------------------------


def append_to_run(dockerfile: Dockerfile, instruction: Instruction, addition: str) -> Edit | None:
    """An edit that appends `&& addition` to a shell-form RUN, keeping its continuation style:
    a one-line RUN gets ` && addition`; a RUN continued with ` \\` gets a new line
    `<indent>&& addition` indented like its last line. None when the end is not a plain command."""
    if instruction.is_exec_form or instruction.heredocs or not instruction.commands:
        return None
    if (dockerfile.directive("escape") or "\\") != "\\":
        return None
    text = dockerfile.text
    end = max(command.span.end_offset for command in instruction.commands)
    if end <= instruction.span.offset or text[end : instruction.span.end_offset].strip():
        return None
    if instruction.onbuild is not None or instruction.keyword != "RUN":
        return None
    line_start = text.rfind("\n", 0, end) + 1
    if line_start <= instruction.span.offset:
        return Edit.insert(end, f" && {addition}")
    last_line = text[line_start:end]
    indent = last_line[: len(last_line) - len(last_line.lstrip(" \t"))]
    previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start]
    if not previous.rstrip("\r\n").rstrip(" \t").endswith("\\"):
        return None
    newline = "\r\n" if previous.endswith("\r\n") else "\n"
    return Edit.insert(end, f" \\{newline}{indent}&& {addition}")


def lists_needed_after(dockerfile: Dockerfile, stage: Stage, after: int) -> Instruction | None:
    """The first RUN after instruction `after` (in this stage or one built FROM it)
    that uses the apt lists (`apt-get install` or `apt-cache` without its own `apt-get update`),
    or None when nothing does: a later `apt-get update` rewrites the lists."""
    for later in stage.instructions_of("RUN"):
        if later.index <= after:
            continue
        for command in later.commands:
            if updates_lists(command, later):
                if mounted(later, (APT_LISTS,)):
                    break  # this RUN reads a cache mount, not the layer's lists
                return None
            if command.name == "apt-cache" or any(
                op.manager == "apt" and op.verb in ("install", "upgrade", "other") for op in ops_of(later, command)
            ):
                return later
    for child in dockerfile.stages:
        if child.base_stage == stage.index:
            found = lists_needed_after(dockerfile, child, -1)
            if found is not None:
                return found
    return None
