"""Linting many files: in this process, or in worker processes (`--jobs N`).

Each file is linted on its own (parse once, run the rules), so files spread over processes with
nothing shared but the settings. Results come back in the order the files were given, whatever
the number of workers, so output never depends on `--jobs`.

A worker sends back findings and input errors. The full model stays in the worker: it is large
and holds mapping proxies, which do not pickle. What formats read from it is the file's text (to
place fix edits, to quote a line, to fingerprint a finding for a baseline), so a result with
findings brings the text back in a model with no instructions; a clean result has no model. One
process does the same, so that the output never depends on `--jobs` and memory stays flat over
thousands of files (`--fix` keeps its own full models: it re-parses what it edits).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from dflint.engine import FileResult, Settings, lint_file
from dflint.model import Dockerfile
from dflint.registry import Rule, all_rules

# Below this many files one process is faster: starting workers costs more than it saves.
MIN_FILES_FOR_WORKERS = 8
# Each worker should get at least this many files.
MIN_FILES_PER_WORKER = 4


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask, not just the machine's count)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_jobs(files: int) -> int:
    """One process for a handful of files; for many, one per CPU (at most one per few files)."""
    if files < MIN_FILES_FOR_WORKERS:
        return 1
    return max(1, min(available_cpus(), files // MIN_FILES_PER_WORKER))


def lint_files(paths: Sequence[str], settings: Settings, rules: Sequence[Rule], jobs: int | None = None) -> list[FileResult]:
    """Lint `paths` with `jobs` processes (None or 0: `default_jobs`); results in the order given."""
    workers = default_jobs(len(paths)) if not jobs else jobs
    workers = min(workers, len(paths))
    if workers <= 1:
        return [portable_result(lint_file(path, settings, rules)) for path in paths]
    try:
        return _in_workers(paths, settings, rules, workers)
    except _PoolUnavailable:
        return [portable_result(lint_file(path, settings, rules)) for path in paths]


class _PoolUnavailable(Exception):
    """Worker processes cannot be started here (no semaphores, no fork …): lint in this process."""


def _in_workers(paths: Sequence[str], settings: Settings, rules: Sequence[Rule], workers: int) -> list[FileResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers inherit the loaded rules, so each starts in a few milliseconds. Elsewhere (and
    # on macOS, where fork is unsafe) the platform's default method re-imports dflint per worker.
    method = "fork" if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() else None
    chunksize = max(1, min(64, len(paths) // (workers * 4)))
    initargs = (_portable(settings), tuple(rule.meta.code for rule in rules))
    try:
        executor = ProcessPoolExecutor(workers, multiprocessing.get_context(method), initializer=_start_worker, initargs=initargs)
    except (OSError, ImportError, NotImplementedError, ValueError) as error:
        raise _PoolUnavailable from error
    interrupted = False
    try:
        return list(executor.map(_lint_in_worker, paths, chunksize=chunksize))
    except KeyboardInterrupt:  # Ctrl-C: stop the workers (they ignore SIGINT) rather than lint the queued files first
        interrupted = True
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        raise
    except (BrokenProcessPool, OSError) as error:
        raise _PoolUnavailable from error
    finally:
        executor.shutdown(wait=not interrupted, cancel_futures=interrupted)


# -- in the worker --------------------------------------------------------------------------------

_WORKER: tuple[Settings, list[Rule]] | None = None


def _start_worker(settings: tuple[dict[str, Any], frozenset[str]], codes: tuple[str, ...]) -> None:
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback from each worker
    by_code = {rule.meta.code: rule for rule in all_rules()}
    _WORKER = (_restore(settings), [by_code[code] for code in codes])


def _lint_in_worker(path: str) -> FileResult:
    assert _WORKER is not None, "worker not initialised"
    settings, rules = _WORKER
    return portable_result(lint_file(path, settings, rules))


def portable_result(result: FileResult) -> FileResult:
    """The result without the model; with the text alone when there are findings (see module doc)."""
    dockerfile = result.dockerfile
    if dockerfile is None:
        return result
    if not result.findings:
        return dataclasses.replace(result, dockerfile=None)
    hollow = Dockerfile(dockerfile.path, dockerfile.text, (), (), (), (), ())
    return dataclasses.replace(result, dockerfile=hollow)


# -- settings across the process boundary ---------------------------------------------------------


def _portable(settings: Settings) -> tuple[dict[str, Any], frozenset[str]]:
    """Settings as plain data, and which fields were mapping proxies: those do not pickle (spawned
    workers need pickling)."""
    state: dict[str, Any] = {}
    proxies: set[str] = set()
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if isinstance(value, MappingProxyType):
            value = dict(value)
            proxies.add(field.name)
        state[field.name] = value
    return state, frozenset(proxies)


def _restore(portable: tuple[dict[str, Any], frozenset[str]]) -> Settings:
    state, proxies = portable
    restored: dict[str, Any] = {name: MappingProxyType(value) if name in proxies else value for name, value in state.items()}
    return Settings(**restored)


__all__ = ["available_cpus", "default_jobs", "lint_files", "portable_result"]
