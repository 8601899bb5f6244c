"""Which files to lint: explicit files as given, directories searched for Dockerfile names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence

PATTERNS = (
    "Dockerfile",
    "Dockerfile.*",
    "Dockerfile-*",
    "Dockerfile_*",
    "dockerfile",
    "dockerfile.*",
    "dockerfile-*",
    "*.Dockerfile",
    "*.dockerfile",
    "Containerfile",
    "Containerfile.*",
)
SKIP_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})

Skip = Callable[[str, bool], bool]  # (path, is_directory) → leave it out


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PATTERNS)


def _nothing(path: str, directory: bool) -> bool:
    return False


def discover(
    paths: Sequence[str], skip: Skip = _nothing, *, wanted: Callable[[str], bool] = is_dockerfile_name
) -> Iterator[tuple[str, str | None]]:
    """Yield (path, the scanned directory it was found in, or None). A directory where no file has a
    Dockerfile name yields (directory, None) so that the caller can report it (one whose Dockerfiles
    are all excluded yields nothing); a missing path is yielded as given (reading reports it).
    Directory symlinks are not followed; a file symlink is yielded, and reading it with the scanned
    directory as its boundary refuses it when it resolves outside."""
    for path in paths:
        if os.path.isdir(path):
            seen = False
            for root, directories, files in walk(path):
                directories[:] = sorted(
                    d for d in directories if d not in SKIP_DIRECTORIES and not skip(os.path.join(root, d), True)
                )
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if not wanted(name) or os.path.isdir(full):
                        continue
                    seen = True
                    if not skip(full, False):
                        yield full, path
            if not seen and not skip(path, True):
                yield path, None
        else:
            yield path, None


def walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)` (top-down, symlinked directories listed but not entered, unreadable ones
    skipped) with an explicit stack: Python 3.11's `os.walk` recurses once per level, and a tree
    990 directories deep is a RecursionError there. Pruning `directories` in place works as with
    `os.walk`."""
    stack = [top]
    while stack:
        root = stack.pop()
        directories: list[str] = []
        files: list[str] = []
        entered: dict[str, bool] = {}
        try:
            with os.scandir(root) as entries:
                for entry in entries:
                    try:
                        is_directory = entry.is_dir()
                    except OSError:
                        is_directory = False
                    if is_directory:
                        directories.append(entry.name)
                        entered[entry.name] = not entry.is_symlink()
                    else:
                        files.append(entry.name)
        except OSError:
            continue
        yield root, directories, files
        stack.extend(os.path.join(root, name) for name in reversed(directories) if entered.get(name, False))
