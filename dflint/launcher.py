"""The `dflint` console script and `python -m dflint`: `dflint --version` is answered before the
command-line library (click, about 15 ms) is imported, and so is the commonest line, `dflint PATH...`
(paths, and flags such as pre-commit's `--force-exclude`, every other option at its default:
`dflint.checkrun.run_paths`, the call click would make of it); everything else goes to `dflint.cli`.
Either way dflint's modules, dataclass methods and regular expressions come from their compiled
caches (`dflint.modulecode`, `dflint.classcode`, `dflint.regexcode`), and its JSON files from theirs
(`dflint.datacode`). Once the command is done and its output flushed, the process leaves without
tearing the interpreter down (`_leave`)."""

from __future__ import annotations

import sys

from dflint import __version__


def main(prog_name: str | None = None) -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"dflint {__version__}\n")  # the same line click's version option prints
        sys.exit(0)
    import gc

    # Reading the compiled caches and importing allocate long-lived objects only: a collection now finds
    # nothing to free (a one-file run spent some 25 of them walking the tables it had just read). Once
    # the command line is loaded, what exists is frozen, so later collections skip it.
    gc.disable()
    plain = _plain_line(sys.argv[1:])
    if plain is not None:
        _defer_inspect()
    from dflint.modulecode import cached_module_code

    status: object = 0
    # dflint's modules, their dataclass methods and regular expressions, compiled once (like .pyc files),
    # and its JSON files, parsed once.
    with cached_module_code():
        from dflint.classcode import cached_class_code
        from dflint.datacode import cached_json_data
        from dflint.regexcode import cached_regex_code

        with cached_class_code(), cached_regex_code(), cached_json_data():
            try:
                if plain is None:
                    from dflint.cli import main as cli
                else:  # `dflint [FLAG...] PATH...`: what click would make of it, without click (`dflint.checkrun`)
                    from dflint.checkrun import run_paths
                from dflint.registry import indexed_rules
            finally:
                gc.freeze()
                gc.enable()
            with indexed_rules():  # the rules a file cannot trigger stay unloaded
                try:
                    if plain is None:
                        cli(prog_name=prog_name)
                    else:
                        run_paths(*plain)
                except SystemExit as leaving:
                    status = leaving.code
    _leave(status)


# `dflint.cli.main`'s commands: a first argument naming one is that command, not a path to lint.
COMMANDS = ("check", "explain", "migrate-hadolint", "rules", "server")


# The `check` options that take no value and only turn one setting on (`checkrun.run`'s keyword),
# among them what the pre-commit hooks pass (`--force-exclude`, `--via-compose`).
FLAGS = {
    "--force-exclude": "force_exclude",
    "--via-compose": "via_compose",
    "--no-color": "no_color",
    "--quiet": "quiet",
    "-q": "quiet",
    "--verbose": "verbose",
    "-v": "verbose",
    "--exit-zero": "exit_zero",
    "--isolated": "isolated",
}


def _plain_line(arguments: list[str]) -> tuple[list[str], dict[str, bool]] | None:
    """The paths and flags of `dflint [FLAG...] PATH...` when that is the whole command line, else None
    (click parses it).

    Only where click's parse is plain: every argument a path (it does not start with `-`, so it is
    neither an option, `--` nor stdin's `-`) or one of `FLAGS`, written out whole; the first not a
    command's name; on a POSIX system (on Windows click expands wildcards in the arguments); and no
    shell-completion request in the environment (click answers `_DFLINT_COMPLETE=…` instead of running
    the command). Click makes of such a line `check` with those paths, those settings on and every other
    option at its default: `checkrun.run_paths` is that call."""
    import os

    if not arguments or arguments[0] in COMMANDS or os.name != "posix":
        return None
    paths: list[str] = []
    flags: dict[str, bool] = {}
    for argument in arguments:
        if argument in FLAGS:
            flags[FLAGS[argument]] = True
        elif argument and argument[0] != "-":
            paths.append(argument)
        else:
            return None
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    return paths, flags


def _defer_inspect() -> None:
    """Import `inspect` now and run its code when one of its names is first used.

    `dataclasses` imports it at its top for one use, `inspect.signature` to write the docstring of a
    class without one (every dflint dataclass has one), and nothing else a plain lint runs uses it;
    running it (with `ast`, `dis`, `tokenize`, `linecache`, which it imports) cost about 2.5 ms of a
    one-file run. The module in `sys.modules` is the one `import inspect` makes (its spec found by the
    same finders, created by `module_from_spec`); until a name is asked of it, its class answers
    `__spec__` (which `import` reads to see whether a module is still initialising) and, asked for any
    other attribute, becomes the plain module type and runs the module's code, as `LazyLoader` does.
    Only for the plain lint line, which starts no thread that could ask for a name at the same time."""
    if "inspect" in sys.modules:
        return
    from importlib._bootstrap import module_from_spec  # what `importlib.util` re-exports, without it

    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec("inspect", None) if find_spec is not None else None
        if spec is not None:
            break
    else:
        return
    if spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    module = module_from_spec(spec)
    module.__class__ = _Deferred
    sys.modules["inspect"] = module


class _Deferred(type(sys)):  # type: ignore[misc]
    """A module whose code runs when an attribute other than `__spec__` is first asked of it."""

    def __getattribute__(self, name: str) -> object:
        if name == "__spec__":
            return object.__getattribute__(self, name)
        self.__class__ = type(sys)  # type: ignore[assignment]
        spec = object.__getattribute__(self, "__spec__")
        spec.loader.exec_module(self)
        return getattr(self, name)


def _leave(status: object) -> None:  # never returns (`typing` is not imported for `--version`)
    """Exit with `status` as `sys.exit` would. When nothing is left for the interpreter's shutdown to
    do but free memory — no `atexit` callback, no other thread, no worker pool — and the output is
    flushed, the process ends at once (`os._exit`): tearing down some 300 modules and every object
    they hold took about 5 ms of a one-file run. Otherwise (a string status, a handler registered, a
    flush that fails) the ordinary exit runs, with its own reporting."""
    import atexit
    import os

    if status is None:
        status = 0
    if isinstance(status, int) and not isinstance(status, bool) and _nothing_left_at_exit(atexit):
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None and not stream.closed:
                    stream.flush()
        except (OSError, ValueError):
            pass  # the ordinary exit reports it
        else:
            os._exit(status & 0xFF)
    raise SystemExit(status)


def _nothing_left_at_exit(atexit: object) -> bool:
    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks():
        return False
    threading = sys.modules.get("threading")
    if threading is not None and (threading.active_count() > 1 or getattr(threading, "_threading_atexits", True)):
        return False
    return "multiprocessing" not in sys.modules
