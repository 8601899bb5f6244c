"""Rule data shipped with dflint: facts with sources, stored as JSON next to this module.

Use ``load("build_tools")`` etc. Results are cached and shared between callers, so treat them as read-only.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from dflint.datacode import load_json

__all__ = ["NAMES", "load"]

NAMES: tuple[str, ...] = (
    "apt_recommends",
    "base_images",
    "build_args",
    "build_tools",
    "caches",
    "dev_packages",
    "dev_tools",
    "hadolint_map",
    "heavy_frameworks",
    "image_purposes",
    "image_users",
    "package_indexes",
    "pinning",
    "training_images",
)


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed contents of ``<name>.json`` from this package."""
    if not name.isidentifier():
        raise ValueError(f"invalid data file name: {name!r}")
    path = os.path.join(os.path.dirname(__file__), f"{name}.json")
    if os.path.isfile(path):  # the usual install; importlib.resources costs ~5 ms of imports on every run
        data = load_json(path)  # parsed once, like a `.pyc` file, on the command line (`dflint.datacode`)
    else:  # a zipped or otherwise virtual package
        import json
        from importlib import resources

        data = json.loads(resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"{name}.json must hold a JSON object")
    return data
