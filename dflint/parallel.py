"""Linting many files: in this process, or in worker processes (`--jobs N`).

Each file is linted on its own (parse once, run the rules), so files spread over processes with
nothing shared but the settings. Results come back in the order the files were given, whatever
the number of workers, so output never depends on `--jobs`.

In this process a result carries the model the rules read (`FileResult.dockerfile`, the same
frozen object) unless the caller says it will not read it (`keep_models=False`: the command line,
whose formats read only the text, so that memory stays flat over thousands of files). A worker
sends back findings, input errors and the file's text, never the model: it is large and holds
mapping proxies, which do not pickle. That is the one place a result has no model although the
file was parsed; it is never replaced by a partial copy.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from types import MappingProxyType

from dflint.engine import FileResult, Settings, lint_file
from dflint.registry import Rule, all_rules


def _proxy(items: dict[object, object]) -> MappingProxyType[object, object]:
    return MappingProxyType(items)


def _reduce_proxy(
    proxy: MappingProxyType[object, object],
) -> tuple[Callable[[dict[object, object]], MappingProxyType[object, object]], tuple[dict[object, object]]]:
    return _proxy, (dict(proxy),)


# Settings and rule options hold mapping proxies, which do not pickle: spawned workers (macOS,
# Windows) receive them as dicts turned back into proxies.
copyreg.pickle(MappingProxyType, _reduce_proxy)

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


def lint_files(
    paths: Sequence[str], settings: Settings, rules: Sequence[Rule], jobs: int | None = None, *, keep_models: bool = True
) -> list[FileResult]:
    """Lint `paths` with `jobs` processes (None or 0: `default_jobs`); results in the order given.
    In one process each result keeps its model unless `keep_models` is False; from workers none
    does (see the module's doc)."""
    workers = default_jobs(len(paths)) if not jobs else jobs
    workers = min(workers, len(paths))
    if workers > 1:
        try:
            return _in_workers(paths, settings, rules, workers)
        except _PoolUnavailable:
            pass
    if keep_models:
        return [lint_file(path, settings, rules) for path in paths]
    return [without_model(lint_file(path, settings, rules)) for path in paths]


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
    initargs = (settings, tuple(rule.meta.code for rule in rules))
    try:
        executor = ProcessPoolExecutor(workers, multiprocessing.get_context(method), initializer=_start_worker, initargs=initargs)
    except (OSError, ImportError, NotImplementedError, ValueError) as error:
        raise _PoolUnavailable from error
    interrupted = False
    try:
        with _ctrl_c_held():  # the first submission forks the workers
            results = executor.map(_lint_in_worker, paths, chunksize=chunksize)
        return list(results)
    except KeyboardInterrupt:  # Ctrl-C: stop the workers (they ignore SIGINT) rather than lint the queued files first
        interrupted = True
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        raise
    except (BrokenProcessPool, OSError) as error:
        raise _PoolUnavailable from error
    finally:
        executor.shutdown(wait=not interrupted, cancel_futures=interrupted)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold SIGINT while the pool forks its workers: a Ctrl-C there would interrupt the fork's own
    handlers (logging's, multiprocessing's), which print it as an ignored exception and go on. Held,
    it arrives once they are done, as a KeyboardInterrupt the caller handles (the workers, which
    inherit the mask, ignore SIGINT anyway)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# -- in the worker --------------------------------------------------------------------------------

_WORKER: tuple[Settings, list[Rule]] | None = None


def _start_worker(settings: Settings, codes: tuple[str, ...]) -> None:
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback from each worker
    by_code = {rule.meta.code: rule for rule in all_rules()}
    _WORKER = (settings, [by_code[code] for code in codes])


def _lint_in_worker(path: str) -> FileResult:
    assert _WORKER is not None, "worker not initialised"
    settings, rules = _WORKER
    return without_model(lint_file(path, settings, rules))


def without_model(result: FileResult) -> FileResult:
    """The result without its model, as it crosses a process boundary; the text stays when there
    are findings (formats place fix edits, quote lines and fingerprint findings with it)."""
    if result.dockerfile is None and (result.findings or result.text is None):
        return result
    return dataclasses.replace(result, dockerfile=None, text=result.text if result.findings else None)


__all__ = ["available_cpus", "default_jobs", "lint_files", "without_model"]
