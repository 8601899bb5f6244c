"""Download sizes of the heavy Python packages in `dflint/data/heavy_frameworks.json`, read one way
for every rule.

An entry (or an alternative) gives `wheel_mb` for its own wheel and, for an install that pulls
several wheels of its own project (`jax[cuda12]`: jax, jaxlib and the CUDA plugin wheels),
`wheels_mb` per wheel: the download is their sum. Sizes were measured for one `version`; a
requirement pinned to another version gets no size (None: unknown), never the measured one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_EXACT = re.compile(r"^\s*===?\s*([A-Za-z0-9.+!_-]+)\s*$")


def download_mb(facts: Mapping[str, Any]) -> float | None:
    """What installing the entry downloads: the sum of `wheels_mb` when listed, else `wheel_mb`."""
    wheels = facts.get("wheels_mb")
    if isinstance(wheels, Mapping) and wheels and all(isinstance(size, (int, float)) for size in wheels.values()):
        return round(float(sum(wheels.values())), 1)
    size = facts.get("wheel_mb")
    return float(size) if isinstance(size, (int, float)) and not isinstance(size, bool) else None


def pinned_elsewhere(facts: Mapping[str, Any], spec: str) -> str | None:
    """The version a requirement pins exactly (`==4.10.0.84`) when it is not the one the sizes were
    measured for; None when it pins nothing, pins that version, or no version is recorded."""
    match = _EXACT.match(spec or "")
    measured = facts.get("version")
    if match is None or not isinstance(measured, str):
        return None
    pinned = match.group(1)
    return None if pinned == measured or pinned.split("+", 1)[0] == measured.split("+", 1)[0] else pinned
