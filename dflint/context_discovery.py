"""Which build context a Dockerfile is built with, when `--context` does not say.

In this order, nothing executed, everything read statically:

1. a compose file in the repository whose service builds this Dockerfile: its `context`;
2. a CI workflow, Makefile or shell script in the repository that builds it (`docker build -f F CTX`,
   `docker buildx build`, `podman build`, `docker/build-push-action`'s `context` and `file`), or a
   workflow's data that pairs it with a context (a build matrix's `dockerfile` and `context`, in a
   workflow or a YAML file beside them in `.github/`), or a build command in the Dockerfile's own
   comments (`#   docker build -f docker/Dockerfile_patch .`, read from the repository root or its folder);
3. the nearest directory, from the Dockerfile's folder up to the repository root, in which every
   source the Dockerfile's COPY/ADD instructions and `RUN --mount=type=bind` mounts take from the
   context exists;
4. the Dockerfile's own folder. It is only a fallback (`ContextChoice.unknown`) when the named
   sources are not there, or when the Dockerfile copies the whole context (`COPY . .`) and the
   folder holds nothing but Dockerfiles: such a folder (`.devops/`, `docker/`) is not what the
   image is built from.

The repository root is the nearest directory up from the Dockerfile that holds `.git`; the search
never goes above it. Where there is none, it goes up at most `LEVELS_WITHOUT_REPOSITORY` levels.
Only small regular files with known names are read (`MAX_BUILD_FILE_BYTES`), YAML with the safe
loader; the chosen context is where every later read happens.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dflint import safe_yaml
from dflint.compose import COMPOSE_PATTERNS
from dflint.model import ContextChoice, split_image

LEVELS_WITHOUT_REPOSITORY = 3
MAX_REPOSITORY_LEVELS = 12
MAX_BUILD_FILE_BYTES = 256 * 1024
MAX_FILES_PER_DIRECTORY = 64
SCRIPT_DIRECTORIES = ("scripts", "script", "hack", "build", "ci", "tools", "docker")
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile", "*.mk")
_SCRIPTS = ("*.sh", "*.bash")
_BUILD = re.compile(r"(?:^|[\s;&|(`])(?:docker\s+(?:buildx\s+)?build|docker\s+image\s+build|podman\s+build|buildah\s+bud)\s")
_BOOLEAN_FLAGS = frozenset(
    "--push --load --pull --no-cache --rm --force-rm --squash --quiet -q --compress --disable-content-trust "
    "--check --help --debug --no-cache-filter".split()
)
_CD_ROOT = re.compile(r'cd\s+"?\$\(\s*dirname\s+"?\$(?:\{?0\}?|\{BASH_SOURCE\[0\]\}|BASH_SOURCE)"?\s*\)"?/\.\.(?:[/\s"&;]|$)')
_VARIABLE = re.compile(r"\$[({]?\w")
_DOCKERFILE_NAME = re.compile(r"(?:[Dd]ockerfile|Containerfile)(?:[._-].*)?|.+\.[Dd]ockerfile")


def choose(dockerfile_path: str, text: str) -> ContextChoice:
    """The build context for the Dockerfile at `dockerfile_path` whose text is `text`."""
    dockerfile = os.path.realpath(dockerfile_path)
    folder = os.path.dirname(dockerfile)
    root, in_repository = repository_root(folder)
    for source, finder in (("compose", _from_compose), ("build-command", _from_build_files)):
        found = finder(dockerfile, folder, root)
        if found is not None:
            directory, where = found
            return ContextChoice(directory, source, where)
    own = _from_own_comments(dockerfile, folder, root, text)
    if own is not None:
        return ContextChoice(own[0], "build-command", own[1])
    sources = copy_sources(text)
    if sources:
        for directory in _upwards(folder, root):
            if all(_exists(directory, source) for source in sources):
                if directory == folder:
                    return ContextChoice(
                        folder, "dockerfile-directory", "the COPY/ADD and bind-mount sources are next to the Dockerfile"
                    )
                return ContextChoice(
                    directory,
                    "copy-sources",
                    f"the nearest directory up from the Dockerfile holding every COPY/ADD and bind-mount source ({', '.join(sources[:3])}"
                    f"{', …' if len(sources) > 3 else ''})",
                )
        scope = "the repository root" if in_repository else f"{LEVELS_WITHOUT_REPOSITORY} levels up"
        return ContextChoice(
            folder,
            "dockerfile-directory",
            f"no directory up to {scope} holds every COPY/ADD and bind-mount source; the Dockerfile's own folder",
            unknown=True,
        )
    if copies_context_root(text) and _only_dockerfiles(folder):
        return ContextChoice(
            folder,
            "dockerfile-directory",
            "nothing builds it, it copies the whole context, and its own folder holds nothing but Dockerfiles (it is built"
            " from elsewhere); the Dockerfile's own folder",
            unknown=True,
        )
    return ContextChoice(folder, "dockerfile-directory", "nothing builds it and it copies nothing named from a context")


@functools.lru_cache(maxsize=256)
def repository_root(folder: str) -> tuple[str, bool]:
    """(the nearest directory up from `folder` holding `.git`, True), or (the top of the bounded search, False)."""
    current = folder
    for _ in range(MAX_REPOSITORY_LEVELS):
        if os.path.lexists(os.path.join(current, ".git")):
            return current, True
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    top = folder
    for _ in range(LEVELS_WITHOUT_REPOSITORY):
        parent = os.path.dirname(top)
        if parent == top:
            break
        top = parent
    return top, False


def _upwards(folder: str, root: str) -> Iterator[str]:
    current = folder
    while True:
        yield current
        if current == root:
            return
        parent = os.path.dirname(current)
        if parent == current or not (current + os.sep).startswith(root.rstrip(os.sep) + os.sep):
            return
        current = parent


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# One scan per directory: the files a directory holds that may build a Dockerfile (compose files,
# workflows, Makefiles, scripts), kept with the directory's `_stamp` (its modification time changes
# when an entry is added, removed or renamed). Every Dockerfile of a repository walks up through the
# same few directories, so each is listed and matched once per process, and a long-running process
# (the language server) still sees a new or deleted build file. What a file says is cached by its
# path and `_stamp` in `_compose_services` and `_builds_in`.
_SCANS: dict[str, tuple[tuple[int, int, int, int], tuple[str, ...], dict[tuple[str, ...], tuple[str, ...]]]] = {}
MAX_SCANS = 4096


def _scan(directory: str) -> tuple[tuple[str, ...], dict[tuple[str, ...], tuple[str, ...]]]:
    """The directory's sorted names (empty when it cannot be listed) and its matches so far."""
    stamp = _stamp(directory)
    if stamp is None:
        return (), {}
    cached = _SCANS.get(directory)
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    try:
        names = tuple(sorted(os.listdir(directory)))
    except OSError:
        return (), {}
    if len(_SCANS) >= MAX_SCANS:
        _SCANS.clear()
    matches: dict[tuple[str, ...], tuple[str, ...]] = {}
    _SCANS[directory] = (stamp, names, matches)
    return names, matches


@functools.cache
def _names_matching(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One test for "does a name match any of these patterns" (`fnmatch.fnmatchcase` for each, as one
    regular expression: a directory's every name is tested against each pattern tuple)."""
    known = _KNOWN_SETS.get(patterns)
    if known is not None:
        return known
    return re.compile(_alternation(patterns)).match if patterns else _no_match


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(fnmatch.translate(pattern) for pattern in patterns)


def _no_match(name: str) -> None:
    return None


_WORKFLOWS = ("*.yml", "*.yaml")
_GITLAB = (".gitlab-ci.yml",)
# The sets every discovery asks for, compiled at the module's top level, where the command line's
# compiled-regex cache (`dflint.regexcode`) keeps their programs from one run to the next.
_KNOWN_SETS: dict[tuple[str, ...], Callable[[str], re.Match[str] | None]] = {}
for _set in (COMPOSE_PATTERNS, _WORKFLOWS, _GITLAB, _MAKEFILES, _SCRIPTS):
    _KNOWN_SETS[_set] = re.compile(_alternation(_set)).match
del _set


def _listing(directory: str, patterns: Sequence[str]) -> list[str]:
    names, matches = _scan(directory)
    key = tuple(patterns)
    found = matches.get(key)
    if found is None:
        matching = _names_matching(key)
        chosen = [name for name in names if matching(name)]
        found = matches[key] = tuple(os.path.join(directory, name) for name in chosen[:MAX_FILES_PER_DIRECTORY])
    return list(found)


MAX_SCRIPT_SUBDIRECTORIES = 16


def _subdirectories(directory: str) -> list[str]:
    """The first `MAX_SCRIPT_SUBDIRECTORIES` folders in a directory (by name; not through a link)."""
    names, _ = _scan(directory)
    found: list[str] = []
    for name in names:
        path = os.path.join(directory, name)
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                found.append(path)
        except OSError:
            continue
        if len(found) >= MAX_SCRIPT_SUBDIRECTORIES:
            break
    return found


def _read_small(path: str) -> str | None:
    """A small regular file's text, or None (special files, large files, unreadable, not UTF-8)."""
    from dflint.reading import ReadError, read_file

    try:
        return read_file(path, limit=MAX_BUILD_FILE_BYTES).data.decode("utf-8-sig")
    except (ReadError, UnicodeDecodeError):
        return None


def _shown(path: str, root: str) -> str:
    return os.path.relpath(path, os.path.dirname(root)) if _inside(path, root) else path


# -- compose --------------------------------------------------------------------------------------
def _from_compose(dockerfile: str, folder: str, root: str) -> tuple[str, str] | None:
    for directory in _upwards(folder, root):
        for compose_file in _listing(directory, COMPOSE_PATTERNS):
            for service_name, context in _compose_builds(compose_file, dockerfile):
                if _inside(context, root) and os.path.isdir(context):
                    return context, f"service '{service_name}' in {_shown(compose_file, root)} builds it with this context"
    return None


def _stamp(path: str) -> tuple[int, int, int, int] | None:
    """What changes when a file is edited or replaced (modification and change times, size, inode):
    part of the key of every cache of what a file says, so a process that lints for a long time (an
    editor integration) reads it again after an edit. None when it cannot be read."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


@dataclass(frozen=True, slots=True)
class ComposeBuild:
    """A compose service that builds an image locally, as a repository's compose file says: its
    name, the real Dockerfile path and context, the file it is in (as shown), its `user:` and
    `image:` with their variables filled in as Compose fills them (None when not set or not known),
    whether it runs an interactive shell (`_shell_session`) and whether it runs privileged or with
    the Docker socket (`_needs_root`)."""

    service: str
    dockerfile: str
    context: str
    compose_file: str
    user: str | None = None
    image: str | None = None
    shell_session: bool = False
    drives_host: bool = False
    mounts_context: str | None = None  # the volume that bind mounts the build context itself (`.:/app`)
    attached: bool = False  # `tty: true` and `stdin_open: true`: run with a terminal attached (`docker run -it`)


def _compose_services(compose_file: str) -> tuple[ComposeBuild, ...]:
    """Each local build of a compose file. Unlike linting a compose file, a context above the compose
    file's folder is kept (`context: ..`): the caller keeps it only inside the repository."""
    return _compose_services_as_of(compose_file, _stamp(compose_file))


@functools.lru_cache(maxsize=64)
def _compose_services_as_of(compose_file: str, stamp: tuple[int, int, int, int] | None) -> tuple[ComposeBuild, ...]:
    import yaml

    from dflint.compose import interpolate

    text = _read_small(compose_file)
    if text is None:
        return ()
    try:
        data, _root = safe_yaml.parse(text)
    except yaml.YAMLError:
        return ()
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return ()
    project = os.path.dirname(compose_file)
    found = []
    for name, service in services.items():
        build = service.get("build") if isinstance(service, dict) else None
        spec = {"context": build} if isinstance(build, str) else build if isinstance(build, dict) else None
        if spec is None or "dockerfile_inline" in spec:
            continue
        context = interpolate(str(spec.get("context", ".")), os.environ)
        dockerfile = interpolate(str(spec.get("dockerfile", "Dockerfile")), os.environ)
        if context is None or dockerfile is None or "://" in context or context.startswith("git@"):
            continue
        directory = os.path.realpath(os.path.join(project, context))
        written = service.get("user")
        user = interpolate(str(written), os.environ) if isinstance(written, (str, int)) else None
        image = interpolate(str(service["image"]), os.environ) if isinstance(service.get("image"), str) else None
        found.append(
            ComposeBuild(
                str(name),
                os.path.realpath(os.path.join(directory, dockerfile)),
                directory,
                compose_file,
                user,
                image,
                _shell_session(service),
                _needs_root(service),
                _mounts_context(service, project, directory),
                service.get("tty") is True and service.get("stdin_open") is True,
            )
        )
    return tuple(found)


def _mounts_context(service: dict[Any, Any], project: str, context: str) -> str | None:
    """The volume, as written, that bind mounts the service's build context itself into the container
    (`.:/app`, `./ingest:/workspace` where the context is `./ingest`): the image's source is edited
    on the host and run from there, a development setup. A mount of part of the context (a config
    file, a data folder) is not one."""
    from dflint.compose import interpolate

    volumes = service.get("volumes")
    for volume in volumes if isinstance(volumes, list) else ():
        if isinstance(volume, dict):
            if volume.get("type", "bind") != "bind":
                continue
            source, target = volume.get("source"), volume.get("target")
            written = f"{source}:{target}"
        else:
            written = str(volume)
            source, _, rest = written.partition(":")
            target = rest.split(":", 1)[0] if rest else None
        if not isinstance(source, str) or not isinstance(target, str) or not source.startswith((".", "/", "$")):
            continue  # a named volume (`models:/models`)
        filled = interpolate(source, os.environ)
        if filled is not None and os.path.realpath(os.path.join(project, filled)) == context:
            return written
    return None


_SHELLS = frozenset(("bash", "sh", "zsh", "ash", "dash", "fish"))


def _needs_root(service: dict[Any, Any]) -> bool:
    """The service runs with `privileged: true` or mounts the Docker daemon's socket
    (`/var/run/docker.sock`, root:docker 0660): it drives the host, as root by design."""
    if service.get("privileged") is True:
        return True
    volumes = service.get("volumes")
    for volume in volumes if isinstance(volumes, list) else ():
        source = volume.get("source") if isinstance(volume, dict) else str(volume).split(":", 1)[0]
        if isinstance(source, str) and source.rstrip("/").endswith("/docker.sock"):
            return True
    return False


def _shell_session(service: dict[Any, Any]) -> bool:
    """The service runs an interactive shell (`command: bash` with `tty: true` or `stdin_open:
    true`): a workbench its user works in, not a service."""
    command = service.get("command")
    first = (
        command.split()[0]
        if isinstance(command, str) and command.split()
        else command[0]
        if isinstance(command, list) and command
        else None
    )
    program = os.path.basename(str(first)) if first is not None else None
    return program in _SHELLS and (service.get("tty") is True or service.get("stdin_open") is True)


def _compose_builds(compose_file: str, dockerfile: str) -> Iterator[tuple[str, str]]:
    for build in _compose_services(compose_file):
        if build.dockerfile == dockerfile:
            yield build.service, build.context


def compose_services_building(dockerfile_path: str) -> tuple[ComposeBuild, ...]:
    """Every compose service in the repository (from the Dockerfile's folder up to the repository
    root, as for the context) that builds this Dockerfile, its compose file shown from the
    repository's parent."""
    dockerfile = os.path.realpath(dockerfile_path)
    folder = os.path.dirname(dockerfile)
    root, _ = repository_root(folder)
    return tuple(
        dataclasses.replace(build, compose_file=_shown(compose_file, root))
        for directory in _upwards(folder, root)
        for compose_file in _listing(directory, COMPOSE_PATTERNS)
        for build in _compose_services(compose_file)
        if build.dockerfile == dockerfile
    )


# -- CI workflows, Makefiles, scripts -------------------------------------------------------------
def _build_files(folder: str, root: str) -> Iterator[tuple[str, str]]:
    """(file, kind) for every file that may build a Dockerfile: workflows, Makefiles, scripts."""
    seen: set[str] = set()
    for directory in _upwards(folder, root):
        candidates = [(path, "workflow") for path in _listing(os.path.join(directory, ".github", "workflows"), _WORKFLOWS)]
        # data a workflow reads: a build matrix kept beside the workflows (`.github/backend-matrix.yml`)
        candidates += [(path, "workflow") for path in _listing(os.path.join(directory, ".github"), _WORKFLOWS)]
        candidates += [(path, "workflow") for path in _listing(directory, _GITLAB)]
        candidates += [(path, "make") for path in _listing(directory, _MAKEFILES)]
        candidates += [(path, "script") for path in _listing(directory, _SCRIPTS)]
        if directory == root:
            for sub in SCRIPT_DIRECTORIES:
                # the folder and its own folders (Katib's `scripts/v1beta1/build.sh`)
                for scripts in (os.path.join(directory, sub), *_subdirectories(os.path.join(directory, sub))):
                    candidates += [(path, "script") for path in _listing(scripts, _SCRIPTS)]
                    candidates += [(path, "make") for path in _listing(scripts, _MAKEFILES)]
        for path, kind in candidates:
            if path not in seen:
                seen.add(path)
                yield path, kind


_KIND_WORDS = {"workflow": "CI workflow", "make": "Makefile", "script": "script"}


def _builds_of(dockerfile: str, folder: str, root: str) -> Iterator[tuple[str, str, _Build]]:
    """(build file, its kind, the build) for every build of `dockerfile` (a real path) that the
    repository's workflows, Makefiles and scripts run."""
    for path, kind in _build_files(folder, root):
        for build in _builds_in(path, kind, root):
            if build[1][1] == dockerfile:
                yield path, kind, build


def _from_build_files(dockerfile: str, folder: str, root: str) -> tuple[str, str] | None:
    for path, kind, (line, (directory, _built), _tags, _platforms) in _builds_of(dockerfile, folder, root):
        if _inside(directory, root) and os.path.isdir(directory):
            return directory, f"the {_KIND_WORDS[kind]} {_shown(path, root)}:{line} builds it with this context"
    return None


def image_names_built(dockerfile_path: str) -> tuple[str, ...]:
    """The image names (`-t`/`--tag` without the tag, `${REGISTRY}/katib-ui` kept as written when a
    part is unknown) that the repository's workflows, Makefiles and scripts build this Dockerfile as,
    and the `image:` of the compose services that build it."""
    dockerfile = os.path.realpath(dockerfile_path)
    folder = os.path.dirname(dockerfile)
    root, _ = repository_root(folder)
    names = [tag for _path, _kind, build in _builds_of(dockerfile, folder, root) for tag in build[2]]
    for directory in _upwards(folder, root):
        for compose_file in _listing(directory, COMPOSE_PATTERNS):
            for build in _compose_services(compose_file):
                if build.dockerfile == dockerfile and build.image:
                    names.append(build.image)
    return tuple(dict.fromkeys(split_image(name)[0] for name in names))


_Build = tuple[int, tuple[str, str], tuple[str, ...], tuple[str, ...]]


def _builds_in(path: str, kind: str, root: str) -> tuple[_Build, ...]:
    """(line, (real context, real Dockerfile), tags, platforms) for every build a file runs that can be
    read statically; `platforms` is empty when the build names none (or one that is not a literal)."""
    return _builds_in_as_of(path, kind, root, _stamp(path))


@functools.lru_cache(maxsize=256)
def _builds_in_as_of(path: str, kind: str, root: str, stamp: tuple[int, int, int, int] | None) -> tuple[_Build, ...]:
    text = _read_small(path)
    if text is None:
        return ()
    directory = os.path.dirname(path)
    bases = [directory]
    if kind == "workflow":
        bases = [_workflow_root(path, root)]
    elif kind == "script" and (directory != root or _CD_ROOT.search(text)):
        bases = [os.path.dirname(directory), directory, root] if _CD_ROOT.search(text) else [directory, root]
    found: list[_Build] = []
    variables = _make_variables(text) if kind == "make" else _script_variables(text) if kind == "script" else {}
    for line, command in _logical_lines(text):
        if variables:
            command = _expand(command, variables)
        for match in _BUILD.finditer(command):
            arguments = command[match.end() :]
            parsed = parse_build_command(arguments)
            if parsed is not None:
                tags = build_tags(arguments)
                platforms = build_platforms(arguments) or (_runner_platform(text, line) if kind == "workflow" else ())
                moved = _cd_before(command[: match.start()]) if kind == "make" else None
                for base in [os.path.normpath(os.path.join(directory, moved))] if moved is not None else bases:
                    found.append((line, _resolved(base, *parsed), tags, platforms))
    if kind == "workflow":
        steps: set[tuple[str, str]] = set()
        for line, context, file, platforms in _build_push_steps(text):
            steps.add(_resolved(bases[0], context, file))
            found.append((line, _resolved(bases[0], context, file), (), platforms))
        for line, context, file in _matrix_entries(text):
            resolved = _resolved(bases[0], context, file)
            if resolved not in steps:  # the step's own `with:` is no second build
                found.append((line, resolved, (), ()))
    return tuple(found)


_MAKE_ASSIGNMENT = re.compile(r"^(?:override\s+|export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(\?=|:=|::=|=)\s*(.*?)\s*$")
_MAKE_REFERENCE = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_.-]*)[)}]")
_CD_PREFIX = re.compile(r"(?:^|[;&|]\s*|\s)cd\s+([^\s;&|$`]+)\s*&&\s*$")


def _make_variables(text: str) -> dict[str, str]:
    """A Makefile's simple variables: `IMG ?= ghcr.io/org/app`, `DOCKERFILE := jupyter/Dockerfile`,
    each with a value that needs no shell and no other variable once the earlier ones are filled in
    (`TAG ?= $(shell git describe)` is left unknown). The first assignment of a `?=` wins, as make
    does when the environment does not set it; a recipe line (a tab first) assigns nothing."""
    variables: dict[str, str] = {}
    for _line, logical in _logical_lines(text):
        if logical.startswith("\t"):
            continue
        match = _MAKE_ASSIGNMENT.match(logical)
        if match is None:
            continue
        name, operator, value = match.groups()
        if operator == "?=" and name in variables:
            continue
        value = _expand(value.split(" #", 1)[0].strip(), variables)
        if "$" not in value:
            variables[name] = value
        else:
            variables.pop(name, None)
    return variables


def _expand(text: str, variables: dict[str, str]) -> str:
    """`${IMG}` / `$(IMG)` (and a shell script's `$IMG`) replaced by the value where it is known."""
    text = _MAKE_REFERENCE.sub(lambda match: variables.get(match.group(1), match.group(0)), text)
    return _SHELL_REFERENCE.sub(lambda match: variables.get(match.group(1), match.group(0)), text)


_SHELL_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"$`]*\"|'[^']*'|[^\s\"'$`;&|()]*)\s*(?:#.*)?$"
)
_SHELL_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\b")


def _script_variables(text: str) -> dict[str, str]:
    """A shell script's variables set once to a literal (`VERSION="v1beta1"`, `CMD_PREFIX=cmd`), as
    Katib's build script sets the parts of its Dockerfiles' paths; one set twice, or to anything but
    a literal (`REGISTRY=$1`), is unknown."""
    variables: dict[str, str] = {}
    unknown: set[str] = set()
    for _line, logical in _logical_lines(text):
        match = _SHELL_ASSIGNMENT.match(logical)
        if match is None:
            assigned = re.match(r"^\s*(?:export\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=", logical)
            if assigned is not None:
                unknown.add(assigned.group(1))
            continue
        name, value = match.group(1), match.group(2).strip("\"'")
        if name in variables and variables[name] != value:
            unknown.add(name)
        variables[name] = value
    return {name: value for name, value in variables.items() if name not in unknown}


def _cd_before(prefix: str) -> str | None:
    """The directory a recipe moves to right before its build: `cd ../ && docker build …`."""
    match = _CD_PREFIX.search(prefix)
    return match.group(1).strip("\"'") if match is not None else None


def _from_own_comments(dockerfile: str, folder: str, root: str, text: str) -> tuple[str, str] | None:
    """The build command the Dockerfile's own comments give (`# Build (from repository root):` then
    `#   docker build -f docker/Dockerfile_patch … .`, lmdeploy's patch image; gpustack's `--file=pack/Dockerfile`),
    read from the repository root or the Dockerfile's folder, whichever makes it build this file and
    holds its COPY/ADD sources (a comment is weaker evidence than a build file, and may be stale)."""
    if "build" not in text:
        return None
    comment_lines = [
        (number, line.lstrip()[1:].strip()) for number, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("#")
    ]
    if not comment_lines:
        return None
    first_numbers = {index: number for index, (number, _) in enumerate(comment_lines)}
    joined = "\n".join(body for _, body in comment_lines)
    sources = copy_sources(text)  # a comment is weaker evidence than a build file: its context must hold them
    for index, command in _logical_lines(joined):
        for match in _BUILD.finditer(" " + command):
            parsed = parse_build_command((" " + command)[match.end() :])
            if parsed is None:
                continue
            for base in (root, folder):
                directory, built = _resolved(base, *parsed)
                if (
                    built == dockerfile
                    and _inside(directory, root)
                    and os.path.isdir(directory)
                    and all(_exists(directory, source) for source in sources)
                ):
                    line = first_numbers.get(index - 1, 0)
                    return directory, f"the Dockerfile's own comment (line {line}) builds it with this context"
    return None


def _workflow_root(path: str, root: str) -> str:
    """A workflow's commands run at the repository's root: two levels above `.github/workflows`."""
    parent = os.path.dirname(path)
    if os.path.basename(parent) == "workflows" and os.path.basename(os.path.dirname(parent)) == ".github":
        return os.path.dirname(os.path.dirname(parent))
    if os.path.basename(parent) == ".github":
        return os.path.dirname(parent)
    return parent


def _resolved(base: str, context: str, file: str | None) -> tuple[str, str]:
    directory = os.path.realpath(os.path.join(base, context))
    built = os.path.realpath(os.path.join(base, file)) if file is not None else os.path.join(directory, "Dockerfile")
    return directory, built


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash continuations joined, with the number of the first line."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            first = number
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(line)
        yield first, " ".join(pending)
        pending = []
    if pending:
        yield first, " ".join(pending)


def parse_build_command(arguments: str) -> tuple[str, str | None] | None:
    """The words after `docker build` → (context, Dockerfile or None), or None when either cannot be
    known statically (a variable, a remote or stdin context)."""
    words = _command_words(arguments)
    if words is None:
        return None
    context: str | None = None
    file: str | None = None
    position = 0
    while position < len(words):
        word = words[position]
        if word in ("-f", "--file"):
            if position + 1 >= len(words):
                return None
            file = words[position + 1]
            position += 2
            continue
        if word.startswith("--file="):
            file = word.split("=", 1)[1]
        elif word.startswith("-f") and len(word) > 2 and not word.startswith("--"):
            file = word[2:]
        elif word.startswith("-") and word != "-":
            if "=" not in word and word not in _BOOLEAN_FLAGS and not (len(word) > 2 and not word.startswith("--")):
                position += 1  # the option's value
        elif context is None:
            context = word
        position += 1
    if context is None or context == "-" or "://" in context or context.startswith("git@"):
        return None
    if _VARIABLE.search(context) or (file is not None and (_VARIABLE.search(file) or file == "-")):
        return None
    return context, file


def _command_words(arguments: str) -> list[str] | None:
    """The words of a build command up to the end of the command (`&&`, `;`, a pipe), or None when
    they do not split (an unterminated quote)."""
    import shlex  # only for a build command found in a script or CI file (0.3 ms of every run otherwise)

    end = re.search(r"\s(?:&&|\|\||;|\|)|[;|]\s|\)\s*$", arguments)
    try:
        return shlex.split(arguments[: end.start()] if end else arguments, comments=True)
    except ValueError:
        return None


def build_tags(arguments: str) -> tuple[str, ...]:
    """The `-t`/`--tag` values of a build command's words (what follows `docker build`)."""
    words = _command_words(arguments) or []
    tags: list[str] = []
    for position, word in enumerate(words):
        if word in ("-t", "--tag") and position + 1 < len(words):
            tags.append(words[position + 1])
        elif word.startswith("--tag="):
            tags.append(word.split("=", 1)[1])
        elif word.startswith("-t") and len(word) > 2 and not word.startswith("--"):
            tags.append(word[2:])
    return tuple(tag for tag in tags if tag)


def build_platforms(arguments: str) -> tuple[str, ...]:
    """The platforms a build command's `--platform` names (`linux/arm64`, or a list:
    `linux/amd64,linux/arm64`); empty when it names none or a value that is not a literal."""
    words = _command_words(arguments) or []
    values = [
        words[position + 1] if word == "--platform" and position + 1 < len(words) else word.split("=", 1)[1]
        for position, word in enumerate(words)
        if word == "--platform" or word.startswith("--platform=")
    ]
    return _platform_list(values[-1]) if values else ()


def _platform_list(value: str) -> tuple[str, ...]:
    if _VARIABLE.search(value) or "${{" in value:
        return ()
    return tuple(dict.fromkeys(part for part in re.split(r"[,\s]+", value) if part))


_RUNS_ON = re.compile(r"(?m)^\s*runs-on:\s*(.+?)\s*$")
# GitHub's arm64 runners (`ubuntu-24.04-arm`, `ubuntu-22.04-arm`) and the `ARM64` label every
# self-hosted arm64 runner carries; a build with no `--platform` builds for the runner's own platform
_ARM_RUNNER = re.compile(r"(?i)(?:^|[\s\[,'\"])(?:ubuntu-[\d.]+-arm|[\w.-]+-arm64|arm64|aarch64)(?=$|[\s\],'\"])")


def _runner_platform(text: str, line: int) -> tuple[str, ...]:
    """The platform of the runner a workflow's build command runs on: the `runs-on` of its job (the
    last one before the command's line), when it names an arm64 runner; else empty (the default)."""
    offset = sum(len(each) + 1 for each in text.split("\n")[: line - 1])
    runs_on = None
    for match in _RUNS_ON.finditer(text, 0, offset):
        runs_on = match.group(1)
    return ("linux/arm64",) if runs_on is not None and _ARM_RUNNER.search(runs_on) else ()


def build_platform(dockerfile_path: str) -> tuple[str, str] | None:
    """The one platform every build of the Dockerfile that the repository's workflows, Makefiles and
    scripts run names with `--platform` (or `platforms:` of a build-push-action step; a workflow's
    build with neither builds for its job's runner: `runs-on: ubuntu-22.04-arm`), when it is not the
    default (`linux/amd64`), and where it is said: lmdeploy's CI builds its Ascend A3 image with
    `--platform linux/arm64`, and tests it on an arm64 runner. None when a build names none, several,
    or the default."""
    from dflint.platform import DEFAULT_PLATFORM

    dockerfile = os.path.realpath(dockerfile_path)
    folder = os.path.dirname(dockerfile)
    root, _ = repository_root(folder)
    named: set[str] = set()
    where = ""
    for path, kind, (line, _paths, _tags, platforms) in _builds_of(dockerfile, folder, root):
        if not platforms:
            return None  # a build for the default platform, or one dflint cannot read
        named.update(platforms)
        where = where or f"the {_KIND_WORDS[kind]} {_shown(path, root)}:{line} builds it for {', '.join(platforms)}"
    if len(named) != 1 or DEFAULT_PLATFORM in named:
        return None
    return next(iter(named)), where


_BUILD_PUSH_ACTIONS = ("docker/build-push-action", "depot/build-push-action")  # the same inputs (`context`, `file`)
_MATRIX_VALUE = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
MAX_MATRIX_COMBINATIONS = 256


def _build_push_steps(text: str) -> Iterator[tuple[int, str, str | None, tuple[str, ...]]]:
    """`docker/build-push-action` (or depot's, which takes the same inputs) steps of a workflow:
    (line, context, file, platforms), once per combination of the job's matrix when the inputs name
    matrix values (`file: ./inference_models/dockerfiles/${{ matrix.dockerfile }}`, Roboflow
    Inference); inputs with any other expression are not guessed."""
    if "build-push-action" not in text:
        return
    import yaml

    try:
        _data, root = safe_yaml.parse(text)
    except yaml.YAMLError:
        return
    combinations = _matrix_combinations(root)
    for node in _mappings(root):
        uses = _value(node, "uses")
        if not isinstance(uses, yaml.ScalarNode) or not str(uses.value).startswith(_BUILD_PUSH_ACTIONS):
            continue
        inputs = _value(node, "with")
        values = {
            key: str(found.value)
            for key in ("context", "file", "platforms")
            for found in [_value(inputs, key) if isinstance(inputs, yaml.MappingNode) else None]
            if isinstance(found, yaml.ScalarNode)
        }
        seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
        for combination in combinations.get(id(node), ({},)):
            expanded = {key: _with_matrix(value, combination) for key, value in values.items()}
            context, file = expanded.get("context", "."), expanded.get("file")
            platforms = _platform_list(expanded["platforms"]) if "platforms" in expanded else ()
            if "${{" in context or (file is not None and "${{" in file) or "://" in context:
                continue
            if (context, file, platforms) not in seen:
                seen.add((context, file, platforms))
                yield int(node.start_mark.line) + 1, context, file, platforms


def _with_matrix(value: str, combination: dict[str, str]) -> str:
    """`${{ matrix.NAME }}` replaced by the combination's value (left as written when it has none)."""
    return _MATRIX_VALUE.sub(lambda match: combination.get(match.group(1), match.group(0)), value)


def _matrix_combinations(root: Any) -> dict[int, tuple[dict[str, str], ...]]:
    """For each step of a job with a matrix (`id` of the step's node): the matrix's combinations of
    literal values, its axes' product and its `include` items (bounded)."""
    import itertools

    import yaml

    found: dict[int, tuple[dict[str, str], ...]] = {}
    jobs = _value(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return found
    for _, job in jobs.value:
        matrix = _value(_value(job, "strategy"), "matrix")
        steps = _value(job, "steps")
        if not isinstance(matrix, yaml.MappingNode) or not isinstance(steps, yaml.SequenceNode):
            continue
        axes: list[tuple[str, list[str]]] = []
        included: list[dict[str, str]] = []
        for key_node, value_node in matrix.value:
            key = str(key_node.value)
            if key == "include" and isinstance(value_node, yaml.SequenceNode):
                for item in value_node.value:
                    if isinstance(item, yaml.MappingNode):
                        included.append({str(k.value): str(v.value) for k, v in item.value if isinstance(v, yaml.ScalarNode)})
            elif key != "exclude" and isinstance(value_node, yaml.SequenceNode):
                axes.append((key, [str(v.value) for v in value_node.value if isinstance(v, yaml.ScalarNode)]))
        product = [dict(zip((key for key, _ in axes), values)) for values in itertools.product(*(v for _, v in axes))]
        combinations = tuple((([c for c in product if c] or []) + included)[:MAX_MATRIX_COMBINATIONS]) or ({},)
        for step in steps.value:
            found[id(step)] = combinations
    return found


_MATRIX_LINE = re.compile(r"^( *)(- +)?([\w-]+): *(.*?)\s*$")
_FILE_KEYS = ("dockerfile", "dockerfile-path", "dockerfile_path", "file")


def _matrix_entries(text: str) -> Iterator[tuple[int, str, str | None]]:
    """Entries that pair a Dockerfile with its context in a workflow's data: a build matrix's
    `include` items or a reusable workflow's inputs (`dockerfile: ./backend/Dockerfile.ds4` beside
    `context: ./`, what a `docker/build-push-action` step of the called workflow then receives as
    `${{ inputs.context }}`): (line, context, file). Both values are literal; paths are relative to
    the repository's root, where workflows run. Read line by line, as block-style YAML mappings (a
    YAML parse of a matrix of thousands of entries costs a third of a second): keys of one mapping
    share an indentation, and a list item (`- key: …`) or a shallower line starts another."""
    if "context:" not in text:
        return
    blocks: dict[int, tuple[int, dict[str, str]]] = {}  # indentation → (first line, keys of the open mapping)
    found: list[tuple[int, str, str | None]] = []

    def close(deeper_than: int) -> None:
        for indent in [indent for indent in blocks if indent > deeper_than]:
            first, keys = blocks.pop(indent)
            context = keys.get("context")
            file = next((keys[key] for key in _FILE_KEYS if key in keys), None)
            if context and file and "uses" not in keys and "${{" not in context + file and "://" not in context:
                found.append((first, context, file))

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _MATRIX_LINE.match(line)
        indent = len(line) - len(line.lstrip(" -")) if match is None else len(match.group(1)) + len(match.group(2) or "")
        close(indent if match is not None and not match.group(2) else indent - 1)
        if match is None:
            continue
        value = re.sub(r"\s+#.*$", "", match.group(4)).strip().strip("'\"")
        first, keys = blocks.setdefault(indent, (number, {}))
        keys[match.group(3)] = value
    close(-1)
    yield from sorted(found)


def _mappings(node: Any) -> Iterator[Any]:
    import yaml

    stack = [node]
    seen = 0
    while stack and seen < 100_000:
        current = stack.pop()
        seen += 1
        if isinstance(current, yaml.MappingNode):
            yield current
            stack.extend(value for _, value in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _value(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


# -- COPY/ADD sources -----------------------------------------------------------------------------
def copy_sources(text: str) -> list[str]:
    """The context sources the Dockerfile's COPY/ADD name literally (no variables, URLs, `--from`, heredocs),
    and those its `RUN --mount=type=bind,source=…` mounts from the context (a bind mount without `from=`
    reads the build context, as a COPY does)."""
    sources: list[str] = []
    for normal in (*_copy_words(text), *_bind_mount_words(text)):
        if normal != "." and not normal.startswith("..") and normal not in sources:
            sources.append(normal)
    return sources


def copies_context_root(text: str) -> bool:
    """A COPY/ADD takes the whole context (`COPY . .`, `ADD ./ /app`)."""
    return any(normal == "." for normal in _copy_words(text))


def _only_dockerfiles(folder: str) -> bool:
    """The folder holds nothing but Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`…),
    directly or in subfolders that hold nothing else either: no sources, no `.dockerignore`. A
    whole-context copy from it would copy only Dockerfiles, so the image is built with another
    context (a `.devops/` or `docker/` folder built from the repository root, or a repository's
    Dockerfiles gathered without the rest), which nothing here names. At most `_ONLY_DOCKERFILES_ENTRIES`
    entries and `_ONLY_DOCKERFILES_DEPTH` levels are looked at (`lstat`, no link followed); past
    that the answer is no."""
    if not _names(folder):
        return False
    pending = [(folder, _ONLY_DOCKERFILES_DEPTH)]
    seen = 0
    while pending:
        current, depth = pending.pop()
        for name in _names(current):
            seen += 1
            if seen > _ONLY_DOCKERFILES_ENTRIES:
                return False
            path = os.path.join(current, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                return False
            if stat.S_ISDIR(mode) and depth > 0:
                pending.append((path, depth - 1))
            elif not stat.S_ISREG(mode) or _DOCKERFILE_NAME.fullmatch(name) is None:
                return False
    return True


_ONLY_DOCKERFILES_ENTRIES = 256
_ONLY_DOCKERFILES_DEPTH = 4


def _copy_words(text: str) -> Iterator[str]:
    """Each literal source word of a COPY/ADD from the context, normalised (`.` for the context root)."""
    from dflint.parse import json_arguments, lex, split_flags
    from dflint.positions import line_index
    from dflint.wordsplit import unquote, whitespace_words

    index = line_index(text)
    for raw in lex(text, index).raws:
        keyword = raw.keyword_text.upper()
        if keyword not in ("COPY", "ADD") or raw.heredocs:
            continue
        flags, start = split_flags(raw, raw.keyword_text, index)
        if any(flag.name == "from" for flag in flags):
            continue
        arguments = raw.logical[start:]
        words = json_arguments(arguments)
        if words is None:
            cut = (unquote(arguments[start:end]) for start, end in whitespace_words(arguments))
            words = tuple(word for word in cut if word is not None)
        for word in words[:-1]:
            if "$" in word or "://" in word or word.startswith("git@") or word.startswith("<<"):
                continue
            yield os.path.normpath(word.lstrip("/")) if word.strip("/.") else "."


def _bind_mount_words(text: str) -> Iterator[str]:
    """Each literal `source` of a `RUN --mount` that binds from the build context (`type=bind`, the
    default type, with no `from=`), normalised; a mount of the whole context names nothing."""
    from dflint.parse import lex, split_flags
    from dflint.positions import line_index

    index = line_index(text)
    for raw in lex(text, index).raws:
        if raw.keyword_text.upper() != "RUN":
            continue
        flags, _ = split_flags(raw, raw.keyword_text, index)
        for flag in flags:
            if flag.name != "mount":
                continue
            options = flag.options()
            source = options.get("source", options.get("src", ""))
            if options.get("type", "bind") != "bind" or "from" in options or not source.strip("/."):
                continue
            if "$" in source:
                continue
            yield os.path.normpath(source.lstrip("/"))


def _exists(directory: str, source: str) -> bool:
    if any(char in source for char in "*?["):
        parent, pattern = os.path.split(source)
        return any(fnmatch.fnmatchcase(name, pattern) for name in _names(os.path.join(directory, parent)))
    return os.path.lexists(os.path.join(directory, source))


def _names(directory: str) -> tuple[str, ...]:
    return _scan(directory)[0]


def directory_names(directory: str) -> tuple[str, ...]:
    """The sorted names a directory holds (empty when it cannot be listed), listed once per process
    while the directory is unchanged."""
    return _scan(directory)[0]
