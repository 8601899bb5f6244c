"""What the shipped image is for, as far as its Dockerfile shows: the tools its own command runs
(`CMD ["pytest"]`), and whether it serves notebooks (a Jupyter base image, a `jupyter`/
`start-notebook` command, `EXPOSE 8888`). Dev tooling that is the workload is not a finding, and a
notebook image is a workbench rather than an inference server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from dflint.data import load
from dflint.model import Dockerfile
from dflint.rule import Severity

NOTEBOOK_WORKLOAD = ("notebook", "repl", "plotting", "exploration")
_NOTEBOOK_COMMANDS = re.compile(r"(jupyter.*|start-notebook.*|start-singleuser.*|start\.sh|voila|ipython)")
_JUPYTER_PORT = "8888"  # Jupyter's default port: an image that exposes it serves notebooks


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


def workload_categories(dockerfile: Dockerfile) -> set[str]:
    """Categories of dev tools the image itself runs."""
    categories: set[str] = set()
    final = dockerfile.final_stage()
    if final is None:
        return categories
    if "jupyter" in (dockerfile.root_image(final) or "").lower():
        categories.update(NOTEBOOK_WORKLOAD)
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("EXPOSE"):
            ports = instruction.expand(instruction.arguments) or ""
            if any(port.split("/")[0] == _JUPYTER_PORT for port in ports.split()):
                categories.update(NOTEBOOK_WORKLOAD)
        for instruction in stage.instructions_of("CMD", "ENTRYPOINT"):
            for base in _command_words(instruction.json_args, instruction.arguments):
                if _NOTEBOOK_COMMANDS.fullmatch(base):
                    categories.update(NOTEBOOK_WORKLOAD)
                found = classify(base)
                if found is not None:
                    categories.add(found[0])
    return categories


def serves_notebooks(dockerfile: Dockerfile) -> bool:
    return "notebook" in workload_categories(dockerfile)


def _command_words(json_args: tuple[str, ...] | None, arguments: str) -> Iterator[str]:
    words = json_args if json_args is not None else tuple(arguments.split())
    for word in words:
        yield word.strip("\"'").rsplit("/", 1)[-1].lower()
