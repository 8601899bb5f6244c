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
    if found is None:
        return None
    directory, number = found
    below = os.path.relpath(real, directory)  # `Dockerfile`, `py311/Dockerfile`
    later = _latest_later(os.path.dirname(directory), number, below, root)
    if later is None:
        return None
    return Superseded(os.path.basename(directory), later, _shown(path, below, os.path.basename(directory), later, real))


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


def _latest_later(parent: str, number: tuple[int, int, int], below: str, root: str) -> str | None:
    """The name of the latest directory in `parent` named for a release later than `number` that
    holds a regular file at `below`, or None."""
    from dflint.context_discovery import directory_names

    best: tuple[tuple[int, int, int], str] | None = None
    for name in directory_names(parent):
        later = release(name)
        if later is None or later <= number or (best is not None and later <= best[0]):
            continue
        candidate = os.path.join(parent, name, below)
        try:
            folder = os.path.realpath(os.path.dirname(candidate))
        except (OSError, ValueError):
            continue
        if not _inside(folder, root):
            continue  # a symbolic link out of the repository
        if os.path.basename(candidate) not in directory_names(folder):
            continue
        try:
            mode = os.lstat(os.path.join(folder, os.path.basename(candidate))).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode):
            best = (later, name)
    return best[1] if best is not None else None


def _shown(path: str, below: str, earlier: str, later: str, real: str) -> str:
    """The later release's Dockerfile as the user named this one: the release's part of `path`
    replaced (`containers/tgi/gpu/3.0.1/Dockerfile`), else its absolute path."""
    parts = path.replace("\\", "/").split("/")
    depth = len(below.split(os.sep))
    if len(parts) > depth and parts[-depth - 1] == earlier:
        parts[-depth - 1] = later
        return "/".join(parts)
    levels = real.split(os.sep)
    levels[-depth - 1] = later
    return os.sep.join(levels)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
