"""Whether a Dockerfile is an earlier release kept beside a later one, decided once from the
directories around it.

Projects that publish one image per release often keep every release's Dockerfile, each in a
directory named for it: huggingface/Google-Cloud-Containers has `containers/tgi/gpu/2.0.0/Dockerfile`
beside `containers/tgi/gpu/3.0.1/Dockerfile`. The earlier one records what was released; nobody
rebuilds or deploys it, and its maintainers make a change in the newest release's directory. dflint
takes a Dockerfile for such an earlier release when:

- the nearest directory above it whose name is an exact release, three numbers (`2.0.0`, `v1.4.2`),
  is below the repository root. A name with anything after the numbers (`1.10.0-cuda11.3-ubuntu20.04`,
  `2.0.0-rc1`) names a variant or a pre-release, not a release; a two-number name (`3.11/`, `2.20/`, as
  docker-library's python or AWS's Deep Learning Containers use) names a release line, and several
  lines are maintained at once;
- and the directory holding it holds another directory named for a later release (the numbers
  compared as numbers: `2.10.0` is later than `2.9.1`) with a regular file at the same path below it
  (`3.0.1/Dockerfile` for `2.0.0/Dockerfile`, `4.44.0/py311/Dockerfile` for `4.41.1/py311/Dockerfile`).
  The latest such release is the one named.
- When the nearest release is the latest of its own, the next enclosing one is asked the same, a
  release's name below it standing for any release there: Google-Cloud-Containers' latest
  `pytorch/inference/gpu/2.2.2/transformers/4.44.0/py311/Dockerfile` is superseded by
  `pytorch/inference/gpu/2.3.1/transformers/4.48.0/py311/Dockerfile` (a later PyTorch release built
  with a later Transformers release).

Only directory names and a candidate file's type are read, never a file's contents. Nothing is read
above the repository root (the nearest directory up holding `.git`; without one, at most
`context_discovery.LEVELS_WITHOUT_REPOSITORY` levels above the Dockerfile's folder), a later
release's directory that leads out of it through a symbolic link is not looked into, and a special
file (a FIFO, a socket) is never opened: its type comes from `lstat`.

What it changes: the engine runs no rule on an earlier release's Dockerfile unless the rule is
selected by its own code or name, or the setting `include-superseded` (`--include-superseded`) is on;
the text output (`--verbose`, and a count in the summary) and JSON (`files[].superseded_by`) say so.
"""

from __future__ import annotations

import os
import re
import stat

from dflint.model import Superseded

_RELEASE = re.compile(r"[vV]?(\d+)\.(\d+)\.(\d+)")


def release(name: str) -> tuple[int, int, int] | None:
    """The release a directory's name is exactly (`2.0.0`, `v1.4.2`), or None."""
    match = _RELEASE.fullmatch(name)
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch)


def detect(path: str) -> Superseded | None:
    """The later release that supersedes the Dockerfile at `path` (as the user named it), or None."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    if not os.path.isabs(real):
        return None
    from dflint.context_discovery import repository_root

    folder = os.path.dirname(real)
    root, _ = repository_root(folder)
    found = _nearest_release(folder, root)
    while found is not None:
        directory, number = found
        below = os.path.relpath(real, directory).split(os.sep)  # [Dockerfile], [transformers, 4.44.0, py311, Dockerfile]
        later = _latest_later(os.path.dirname(directory), number, below, root)
        if later is not None:
            name, path_below = later
            return Superseded(os.path.basename(directory), name, _shown(path, len(below), [name, *path_below], real))
        found = _nearest_release(os.path.dirname(directory), root)
    return None


def _nearest_release(folder: str, root: str) -> tuple[str, tuple[int, int, int]] | None:
    """The nearest directory from `folder` up, strictly below `root`, named for an exact release."""
    current = folder
    while current != root and _inside(current, root):
        number = release(os.path.basename(current))
        if number is not None:
            return current, number
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return None


def _latest_later(parent: str, number: tuple[int, int, int], below: list[str], root: str) -> tuple[str, list[str]] | None:
    """The name of the latest directory in `parent` named for a release later than `number` that
    holds the same file at `below` (a release's name in it may be another release's), and that
    file's path below it; or None."""
    from dflint.context_discovery import directory_names

    for later, name in _releases(directory_names(parent)):
        if later <= number:
            break
        found = _same_file(os.path.join(parent, name), below, root)
        if found is not None:
            return name, found
    return None


def _same_file(directory: str, below: list[str], root: str) -> list[str] | None:
    """The path below `directory` of a regular file at `below`, where a release's name in `below`
    stands for the latest release directory there that holds the rest; None when there is none.
    A directory that leads out of `root` (a symbolic link) is not looked into."""
    from dflint.context_discovery import directory_names

    try:
        real = os.path.realpath(directory)
    except (OSError, ValueError):
        return None
    if not _inside(real, root):
        return None
    names = directory_names(real)
    first, rest = below[0], below[1:]
    if not rest:
        if first not in names:
            return None
        try:
            mode = os.lstat(os.path.join(real, first)).st_mode
        except OSError:
            return None
        return [first] if stat.S_ISREG(mode) else None
    candidates = [name for _, name in _releases(names)] if release(first) is not None else [first] if first in names else []
    for candidate in candidates:
        found = _same_file(os.path.join(real, candidate), rest, root)
        if found is not None:
            return [candidate, *found]
    return None


def _shown(path: str, depth: int, later: list[str], real: str) -> str:
    """The later release's Dockerfile as the user named this one: the last `depth` + 1 parts of
    `path` (this release's directory and the path below it) replaced by `later`
    (`containers/tgi/gpu/3.0.1/Dockerfile`), else its absolute path."""
    parts = path.replace("\\", "/").split("/")
    levels = real.split(os.sep)
    if len(parts) > depth and parts[-depth - 1 :] == levels[-depth - 1 :]:
        return "/".join(parts[: -depth - 1] + later)
    return os.sep.join(levels[: -depth - 1] + later)


def _releases(names: tuple[str, ...]) -> list[tuple[tuple[int, int, int], str]]:
    """The names that are releases, with their numbers, latest first."""
    found = [(number, name) for name in names for number in (release(name),) if number is not None]
    return sorted(found, reverse=True)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
