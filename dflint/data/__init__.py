"""Rule data shipped with dflint: facts with sources, stored as JSON next to this module.

Use ``load("build_tools")`` etc. Results are cached and shared between callers, so treat them as read-only.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["NAMES", "load"]

NAMES: tuple[str, ...] = ("base_images", "build_tools", "caches", "dev_packages", "dev_tools", "heavy_frameworks")


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed contents of ``<name>.json`` from this package."""
    if not name.isidentifier():
        raise ValueError(f"invalid data file name: {name!r}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError(f"{name}.json must hold a JSON object")
    return data
