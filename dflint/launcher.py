"""The `dflint` console script and `python -m dflint`: `dflint --version` is answered before the
command-line library (click, about 15 ms) is imported; everything else goes to `dflint.cli`, with
dflint's modules, dataclass methods and regular expressions taken from their compiled caches
(`dflint.modulecode`, `dflint.classcode`, `dflint.regexcode`)."""

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
    from dflint.modulecode import cached_module_code

    # dflint's modules, their dataclass methods and regular expressions, compiled once (like .pyc files).
    with cached_module_code():
        from dflint.classcode import cached_class_code
        from dflint.regexcode import cached_regex_code

        with cached_class_code(), cached_regex_code():
            try:
                from dflint.cli import main as cli
                from dflint.registry import indexed_rules
            finally:
                gc.freeze()
                gc.enable()
            with indexed_rules():  # the rules a file cannot trigger stay unloaded
                cli(prog_name=prog_name)
