"""A repository's hadolint configuration: the rules its `ignored:` list turns off.

A repository that lints its Dockerfiles with hadolint has already said which checks it does not
want. When no dflint configuration applies to a Dockerfile (`config.Resolver`), dflint reads the
hadolint configuration the repository keeps for it and does not run the dflint rules that stand for
its `ignored:` codes (`dflint/data/hadolint_map.json`, as `dflint migrate-hadolint` converts them).
Only `ignored:` is read; `override`, `failure-threshold` and the other settings are left to a
migration.

Where (the first file found is used, alone, as hadolint uses one file):

1. `.hadolint.yaml`, then `.hadolint.yml`, in the Dockerfile's directory and each directory above it
   up to the search root: the nearest wins (hadolint reads the one in the directory it runs in,
   usually the repository root; editors run it beside the file);
2. `.github/linters/.hadolint.yaml`, then `.hadolint.yml`, at the search root (super-linter's
   `LINTER_RULES_PATH` and `DOCKERFILE_HADOLINT_FILE_NAME` defaults).

The search root is the repository root (the nearest directory up holding `.git`); nothing above it
is read. Outside a repository it is the current directory when the Dockerfile is below it, else the
Dockerfile's own directory. hadolint's per-user files (`~/.config/hadolint.yaml` …) are never read:
they are not the repository's.

The file is read through `reading.read_file` (a regular file inside the search root, never a FIFO or
a device, at most `MAX_BYTES`) and parsed with the bounded safe loader (`safe_yaml`). A file that
cannot be read or is not a hadolint configuration is a `HadolintConfigError`, reported once as
`path:line: message` (an input error: exit code 2); the Dockerfiles it would apply to are linted
without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NAMES = (".hadolint.yaml", ".hadolint.yml")
SUPER_LINTER = (".github", "linters")
MAX_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class HadolintIgnores:
    """What a hadolint configuration turned off for a file."""

    path: str  # the configuration file, absolute
    ignored: tuple[str, ...]  # its `ignored:` codes that have a dflint rule (DL3013 …)
    codes: tuple[str, ...]  # the dflint rules standing for them (DF401 …), not run


class HadolintConfigError(Exception):
    """A hadolint configuration dflint cannot use: `line` and a one-line `message`."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


def search_root(directory: str) -> str:
    """Where the search for `directory` stops (absolute): the repository root, else the current
    directory when `directory` is below it, else `directory` itself."""
    from dflint.context_discovery import repository_root
    from dflint.reading import inside

    directory = os.path.abspath(directory)
    root, in_repository = repository_root(directory)
    if in_repository:
        return root
    current = os.getcwd()
    return current if inside(directory, current) else directory


def candidates(directory: str, root: str) -> Iterator[str]:
    """The paths a hadolint configuration for files in `directory` may have, in the order looked at."""
    from dflint.reading import inside

    current = os.path.abspath(directory)
    while inside(current, root):
        for name in NAMES:
            yield os.path.join(current, name)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for name in NAMES:
        yield os.path.join(root, *SUPER_LINTER, name)


def find(directory: str) -> tuple[str, str] | None:
    """(the hadolint configuration for files in `directory`, its search root), or None. A
    directory of that name is not a configuration; anything else that exists is (a FIFO, a
    symlink out of the repository …), so that `load` reports it instead of passing over it."""
    root = search_root(directory)
    for candidate in candidates(directory, root):
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return candidate, root
    return None


def load(path: str, root: str) -> HadolintIgnores:
    """The rules a hadolint configuration ignores; raises HadolintConfigError."""
    from dflint import safe_yaml
    from dflint.hadolint import equivalents
    from dflint.reading import ReadError, read_file

    try:
        raw = read_file(path, limit=MAX_BYTES, boundary=root, what="the hadolint configuration").data
    except ReadError as error:
        raise HadolintConfigError(path, 1, error.reason) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HadolintConfigError(path, 1, "the hadolint configuration is not UTF-8 text") from None
    import yaml

    from dflint.config import yaml_problem

    try:
        data, node = safe_yaml.parse(text)
    except yaml.YAMLError as error:
        line, problem = yaml_problem(error)
        raise HadolintConfigError(path, line, f"invalid YAML: {problem}") from None
    if data is None:
        return HadolintIgnores(path, (), ())
    if not isinstance(data, dict):
        raise HadolintConfigError(path, _line(node), "a hadolint configuration is a mapping of keys (ignored, override, …)")
    listed = data.get("ignored")
    if listed is None:
        return HadolintIgnores(path, (), ())
    value_line = _line(_value_node(node, "ignored"))
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise HadolintConfigError(path, value_line, "'ignored' must be a list of rule codes (DL3008, SC2086 …)")
    ignored: list[str] = []
    codes: list[str] = []
    for item in listed:
        found = equivalents(item)
        if found:
            ignored.append(item.strip().upper())
            codes.extend(code for code in found if code not in codes)
    return HadolintIgnores(path, tuple(dict.fromkeys(ignored)), tuple(codes))


def _value_node(node: Any, key: str) -> Any:
    for key_node, value_node in getattr(node, "value", ()):
        if getattr(key_node, "value", None) == key:
            return value_node
    return node


def _line(node: Any) -> int:
    mark = getattr(node, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 1
