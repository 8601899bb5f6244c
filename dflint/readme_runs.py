"""How a repository's README tells its reader to run the image a Dockerfile builds.

A quick-start in a README (`docker/README.md` of llama-cpp-python) builds a folder's Dockerfile
under a tag and runs that tag: the `docker run` line says how the image is meant to run, as a compose
service's settings do (`dflint.deployment`). Read from the code blocks (```` ``` ````) of the
`README.md` files in the Dockerfile's folder and the folders above it, up to the repository root
(at most `MAX_LEVELS`): inside a block, `cd DIR` moves the working directory (from the README's
folder), `docker build -t TAG [-f FILE] CONTEXT` (or `podman build`) builds `CONTEXT/Dockerfile` or
`FILE` under `TAG`, and a later `docker run … TAG` (or `podman run`) runs it. Only the flags that
say who runs the container are kept: `--cap-add`, `--privileged` and `--user`/`-u`.

Nothing is executed: the lines are split into words as a shell would (`shlex`), a `$ ` prompt is
dropped and a line ending in `\\` is joined to the next. A README is read only when it is a regular
file inside the repository (`dflint.reading.read_file`, not following a link out of it) and under
`MAX_BYTES`.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from dflint.model import Dockerfile

MAX_LEVELS = 3
MAX_BYTES = 256 * 1024
_README = re.compile(r"(?i)readme(\.md|\.markdown)?")
_FENCE = re.compile(r"^\s*(```|~~~)")
# `docker run` options that take a value (the rest of the dashed words are switches: `-d`, `-it`, `--rm`)
_VALUED = frozenset(
    "-e --env --env-file -v --volume -p --publish --name --gpus --cap-add --cap-drop -u --user --network --net"
    " --entrypoint -w --workdir --mount --device --shm-size --ipc --runtime --restart -l --label --ulimit"
    " --security-opt --group-add --platform -m --memory --cpus --hostname -h --add-host --dns --pid --log-driver"
    " --log-opt --tmpfs --pull --health-cmd --stop-signal --stop-timeout --cidfile --memory-swap --cpuset-cpus".split()
)
_BUILD_VALUED = frozenset("-t --tag -f --file --build-arg --target --platform --network --label --progress -o --output".split())


@dataclass(frozen=True, slots=True)
class ReadmeRun:
    """A `docker run` line of a README that runs the image built from the Dockerfile."""

    readme: str  # as shown: relative to the repository's parent
    line: int
    tag: str
    cap_add: tuple[str, ...] = ()
    privileged: bool = False
    user: str | None = None

    def describe(self) -> str:
        how = (
            "`--privileged`"
            if self.privileged
            else f"`--cap-add {', '.join(self.cap_add)}`"
            if self.cap_add
            else f"`--user {self.user}`"
            if self.user
            else "no user"
        )
        return f"{self.readme}:{self.line} runs `{self.tag}` with {how}"


def readme_runs(dockerfile: Dockerfile) -> tuple[ReadmeRun, ...]:
    """The `docker run` lines of the repository's READMEs that run what this Dockerfile builds."""
    key = ("readme runs", None)
    if key not in dockerfile.memo:
        found: tuple[ReadmeRun, ...] = ()
        if dockerfile.path not in ("", "-"):
            found = tuple(_runs(os.path.realpath(dockerfile.path)))
        dockerfile.memo[key] = found
    return cast("tuple[ReadmeRun, ...]", dockerfile.memo[key])


def _runs(dockerfile: str) -> Iterator[ReadmeRun]:
    from dflint.context_discovery import repository_root

    folder = os.path.dirname(dockerfile)
    root, _ = repository_root(folder)
    current = folder
    for _ in range(MAX_LEVELS + 1):
        for readme in _readmes(current):
            text = _read(readme, root)
            if text is not None and ("docker" in text or "podman" in text):
                shown = os.path.relpath(readme, os.path.dirname(root))
                yield from _block_runs(text, os.path.dirname(readme), dockerfile, shown)
        if current == root:
            return
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def _readmes(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, name) for name in names if _README.fullmatch(name)]


def _read(path: str, root: str) -> str | None:
    from dflint.reading import ReadError, read_file

    try:
        return read_file(path, limit=MAX_BYTES, boundary=root).data.decode("utf-8")
    except (ReadError, UnicodeDecodeError):
        return None


def _block_runs(text: str, directory: str, dockerfile: str, shown: str) -> Iterator[ReadmeRun]:
    inside = False
    cwd = directory
    tags: set[str] = set()
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if _FENCE.match(raw):
            inside, cwd, tags, pending = not inside, directory, set(), ""
            continue
        if not inside:
            continue
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        for command in re.split(r"\s*(?:&&|;)\s*", line):
            try:
                words = shlex.split(command, comments=True)
            except ValueError:
                continue
            if len(words) >= 2 and words[0] == "cd":
                cwd = os.path.normpath(os.path.join(cwd, words[1]))
            elif len(words) >= 3 and words[0] in ("docker", "podman") and words[1] in ("build", "buildx"):
                tag = _built_tag(words, cwd, dockerfile)
                if tag is not None:
                    tags.add(tag)
            elif len(words) >= 3 and words[0] in ("docker", "podman") and words[1] == "run":
                run = _run(words[2:], tags, shown, start)
                if run is not None:
                    yield run


def _built_tag(words: list[str], cwd: str, dockerfile: str) -> str | None:
    """The tag of a `docker build` of `dockerfile`, or None when it builds another file or names no tag."""
    args = words[3:] if words[1] == "buildx" else words[2:]
    tag = file = context = None
    position = 0
    while position < len(args):
        word = args[position]
        name, _, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _BUILD_VALUED:
            if not value and position + 1 < len(args):
                position += 1
                value = args[position]
            if name in ("-t", "--tag"):
                tag = tag or value
            elif name in ("-f", "--file"):
                file = value
        elif not word.startswith("-"):
            context = word
        position += 1
    if tag is None or context is None or "$" in context or "://" in context:
        return None
    base = os.path.normpath(os.path.join(cwd, context))
    built = os.path.normpath(os.path.join(cwd, file)) if file else os.path.join(base, "Dockerfile")
    return tag.split(":")[0] if built == dockerfile else None


def _run(args: list[str], tags: set[str], shown: str, line: int) -> ReadmeRun | None:
    caps: list[str] = []
    privileged = False
    user = None
    position = 0
    while position < len(args):
        word = args[position]
        if not word.startswith("-"):
            image = word.split(":")[0]
            if image not in tags:
                return None
            return ReadmeRun(shown, line, image, tuple(caps), privileged, user)
        name, equals, value = word.partition("=")
        if name in _VALUED:
            if not equals and position + 1 < len(args):
                position += 1
                value = args[position]
            if name == "--cap-add":
                caps.append(value.upper().removeprefix("CAP_"))
            elif name in ("-u", "--user"):
                user = value
        elif name == "--privileged":
            privileged = value.lower() != "false"
        position += 1
    return None
