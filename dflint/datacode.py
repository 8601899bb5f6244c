"""dflint's JSON files (rule data, the configuration schema) parsed once and kept like `.pyc` files.

A one-file run reads about ten of them (some 180 KB): importing `json` and parsing them took about
2 ms of every run. While `cached_json_data()` is active, `load_json(path)` answers from
`__pycache__/json-data.<tag>.marshal`, which holds each file's parsed value with the modification
time in nanoseconds and the size of the file it was parsed from (one `stat` checks both); marshal
stores what JSON holds (dicts in their order, lists, strings, numbers, booleans, None) exactly. A
file the table does not hold, or holds from another version of it, is parsed with `json` as
without the cache, and the table is written again at the end of the run (atomically, unless writing
byte code is off or the directory is read-only). The table is read on the first `load_json`, so a
command that reads no JSON file does not read it. The command line uses it (`dflint.launcher`);
importing dflint as a library parses the files with `json`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_NAME = "json-data"

# path → (modification time in ns, size, the parsed value)
Entry = tuple[int, int, object]

_active: JsonDataCache | None = None


def parse_json(path: str) -> object:
    """The file's JSON value, as `json.loads` gives it (ValueError if it is not JSON)."""
    import json

    with open(path, encoding="utf-8") as handle:
        return json.loads(handle.read())


def load_json(path: str) -> object:
    """The JSON value of the file at `path`: from the table while `cached_json_data()` is active and
    the file is unchanged, else parsed."""
    cache = _active
    return cache.load(path) if cache is not None else parse_json(path)


class JsonDataCache:
    """One activation: the stored table (read on first use), `hits`, and `misses` parsed anew."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.table: dict[str, Entry] | None = None
        self.used: dict[str, Entry] = {}
        self.hits = 0
        self.misses = 0

    def load(self, path: str) -> object:
        if self.table is None:
            self.table = _read_uncollected(self.path)
        status = os.stat(path)  # before reading: a file changed after it is parsed again next time
        entry = self.table.get(path)
        if entry is not None and entry[0] == status.st_mtime_ns and entry[1] == status.st_size:
            self.hits += 1
            return entry[2]
        value = parse_json(path)
        self.misses += 1
        self.used[path] = (status.st_mtime_ns, status.st_size, value)
        return value

    def save(self) -> None:
        """Write the table again when this run parsed a file it did not hold (or held stale)."""
        if self.path is None or not self.misses:
            return
        from dflint.pycache import write_table

        # What other runs parsed stays while its file is unchanged; this run's files are added.
        table = {name: entry for name, entry in (self.table or {}).items() if _unchanged(name, entry)}
        table.update(self.used)
        write_table(self.path, _header(), table)


def _read_uncollected(path: str | None) -> dict[str, Entry]:
    """`read`, with the collector paused, then freezing what exists (as rule modules load in the middle
    of a lint, `dflint.registry`): the table's values live as long as the process, and a collection
    while they are made would only walk them."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return read(path)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _unchanged(path: str, entry: Entry) -> bool:
    try:
        status = os.stat(path)
    except OSError:
        return False
    return status.st_mtime_ns == entry[0] and status.st_size == entry[1]


def _header() -> bytes:
    from dflint.pycache import MAGIC_NUMBER

    return MAGIC_NUMBER + b"json-data1"


def cache_path() -> str | None:
    """Where the table lives: dflint's `__pycache__` (or under `sys.pycache_prefix`), per interpreter."""
    from dflint.pycache import table_path

    return table_path(_NAME)


def read(path: str | None) -> dict[str, Entry]:
    """The stored table, or an empty one when the file is missing, foreign or damaged."""
    from dflint.pycache import read_table

    table = read_table(path, _header()) or {}
    return {
        name: entry
        for name, entry in table.items()
        if isinstance(name, str)
        and isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[0], int)
        and isinstance(entry[1], int)
    }


@contextmanager
def cached_json_data(path: str | None = None) -> Iterator[JsonDataCache | None]:
    """Answer `load_json` inside the `with` block from the stored table when the file is unchanged."""
    global _active
    if _active is not None:
        yield None  # already active (nested use)
        return
    cache = JsonDataCache(path if path is not None else cache_path())
    _active = cache
    try:
        yield cache
    finally:
        _active = None
        cache.save()


__all__ = ["JsonDataCache", "cache_path", "cached_json_data", "load_json", "parse_json", "read"]
