"""The `dflint` console script and `python -m dflint`: `dflint --version` is answered before the
command-line library (click, about 15 ms) is imported; everything else goes to `dflint.cli`."""

from __future__ import annotations

import sys

from dflint import __version__


def main(prog_name: str | None = None) -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"dflint {__version__}\n")  # the same line click's version option prints
        sys.exit(0)
    from dflint.cli import main as cli

    cli(prog_name=prog_name)
