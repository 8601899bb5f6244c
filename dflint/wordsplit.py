"""Docker's word splitting and `KEY=value` extraction (ENV, ARG, COPY), from dockerfile-parse.

Only `dockerfile_parse.util` is needed (it depends on nothing but `io`), so it is loaded without the
package's `__init__`, which imports the whole parser and `logging` (see `dflint.submodule`).
"""

from __future__ import annotations

from dflint.submodule import load_submodule

_UTIL = load_submodule("dockerfile_parse", "util", required=("WordSplitter", "extract_key_values"))
WordSplitter = _UTIL.WordSplitter
extract_key_values = _UTIL.extract_key_values

__all__ = ["WordSplitter", "extract_key_values"]
