"""`dflint server`: a Language Server over stdio (pygls and lsprotocol, the `server` extra).

Nothing outside this package imports it: the command line loads it only for `dflint server`.
The linting itself is the command line's, in process: a buffer is linted as `dflint -
--stdin-filename PATH` would lint it (`inputs.plan_document`), fixed by `fix.fix_source`.
"""

from __future__ import annotations

MISSING = "the language server needs pygls and lsprotocol: pip install 'dflint[server]'"


def available() -> bool:
    """Whether pygls (and so lsprotocol) can be imported, without importing them."""
    from importlib.util import find_spec

    return find_spec("pygls") is not None and find_spec("lsprotocol") is not None


def main() -> None:
    """Serve over stdin and stdout until the client says exit."""
    from dflint.server.app import build

    build().start_io()
