"""The dev tools an image's workload needs: the tools its own command runs (`CMD ["pytest"]`), and
everything a notebook needs when the model decided the image is a notebook or workbench, or a
training image people also work in (`Dockerfile.purpose`). Dev tooling that is the workload is not a finding."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from dflint.data import load
from dflint.model import Dockerfile
from dflint.rule import Severity

NOTEBOOK_WORKLOAD = ("notebook", "repl", "plotting", "exploration")


@cache
def _tools() -> dict[str, Any]:
    data: dict[str, Any] = load("dev_tools")
    return data


def classify(name: str) -> tuple[str, Severity] | None:
    """The category of a dev tool (dflint/data/dev_tools.json) and the severity to report it at."""
    data = _tools()
    if name in data["warning"]:
        return data["warning"][name], Severity.WARNING
    if name in data["info"]:
        return data["info"][name], Severity.INFO
    for pattern in data.get("patterns", ()):
        if re.fullmatch(pattern["regex"], name):
            return pattern["category"], Severity.INFO if pattern["level"] == "info" else Severity.WARNING
    return None


def closure_mb(name: str) -> float | None:
    """The measured size of a dev tool with everything it pulls in (`dev_tools.json` `sizes`: the
    unpacked wheels of its dependency closure, an upper bound on what uninstalling it saves), or None."""
    entry = _tools().get("sizes", {}).get("packages", {}).get(name)
    value = entry.get("closure_unpacked_mb") if isinstance(entry, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def workload_categories(dockerfile: Dockerfile, training: bool = True) -> set[str]:
    """Categories of dev tools the image itself runs: everything a notebook needs when the model
    decided the image is a notebook or workbench or a training image, and the tools its own command runs."""
    categories: set[str] = set()
    final = dockerfile.final_stage()
    if final is None:
        return categories
    if dockerfile.purpose is not None and dockerfile.purpose.kind in (("notebook", "training") if training else ("notebook",)):
        categories.update(NOTEBOOK_WORKLOAD)  # a training image is worked in too: notebooks, plots, TensorBoard
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("CMD", "ENTRYPOINT"):
            for base in _command_words(instruction.json_args, instruction.arguments):
                found = classify(base)
                if found is not None:
                    categories.add(found[0])
    return categories


def serves_notebooks(dockerfile: Dockerfile) -> bool:
    """A notebook or workbench image, or one whose command runs a notebook server (a training image's
    notebook tooling does not make it one)."""
    return "notebook" in workload_categories(dockerfile, training=False)


def _command_words(json_args: tuple[str, ...] | None, arguments: str) -> Iterator[str]:
    words = json_args if json_args is not None else tuple(arguments.split())
    for word in words:
        yield word.strip("\"'").rsplit("/", 1)[-1].lower()
