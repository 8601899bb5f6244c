"""Which files to lint: explicit files as given, directories searched for Dockerfile names."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence

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


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PATTERNS)


def excluded(path: str, exclude: Sequence[str]) -> bool:
    normal = path.replace(os.sep, "/")
    parts = normal.split("/")
    for pattern in exclude:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(normal, pattern) or any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[tuple[str, bool]]:
    """Yield (path, found_in_directory). A directory with no Dockerfile yields (directory, False)
    so that the caller can report it; a missing path is yielded as given (reading reports it)."""
    for path in paths:
        if os.path.isdir(path):
            found = False
            for root, directories, files in os.walk(path):
                directories[:] = sorted(
                    d for d in directories if d not in SKIP_DIRECTORIES and not excluded(os.path.join(root, d), exclude)
                )
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if is_dockerfile_name(name) and not excluded(full, exclude) and not os.path.isdir(full):
                        found = True
                        yield full, True
            if not found:
                yield path, False
        else:
            yield path, False
