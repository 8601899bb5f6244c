"""## What it does
Flags test, lint, formatting, type-checking and notebook tooling installed in a stage that ships:
`pytest` (and `pytest-*` plugins), `tox`, `nox`, `coverage`, `hypothesis`, `black`, `ruff`,
`flake8`, `pylint`, `isort`, `mypy`, `types-*` stubs, `ipython`, `jupyter`, `notebook`,
`jupyterlab`, `ipykernel` … (the list is `dflint/data/dev_tools.json`). Plotting and
data-exploration packages (`matplotlib`, `seaborn`, `plotly`, `ydata-profiling` …) are reported at
`info` severity, since a service may render charts. Inline installs by pip, uv, pipenv, pipx and
conda are checked, and so are requirements files read from the build context (the finding names
`file:line`).

It stays silent when the same RUN uninstalls the tool, in build-only stages, and for notebook or
test tooling when the image's own command runs it (`CMD ["jupyter", "lab"]`, a `jupyter/*` base
image, `EXPOSE 8888`, `ENTRYPOINT ["pytest"]`): there the tool is the workload, and in a notebook
image so are the plotting libraries.

## Why is this bad?
An inference image runs a model server; test runners, linters and notebook servers are never
called there. They add size (jupyterlab pulls a web application and dozens of dependencies),
start-up scanning and attack surface — a notebook server in a production image is a remote code
execution endpoint waiting for a misconfiguration. Keep them in a development stage or target.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir fastapi==0.115.0 pytest==8.3.2 jupyterlab==4.2.5
```

## Use instead
```dockerfile
FROM python:3.11-slim AS runtime
RUN pip install --no-cache-dir fastapi==0.115.0

FROM runtime AS dev
RUN pip install --no-cache-dir pytest==8.3.2 jupyterlab==4.2.5

FROM runtime
```

## References
- [Docker: Multi-stage builds (stop at a build stage)](https://docs.docker.com/build/building/multi-stage/#stop-at-a-specific-build-stage)
- [pip: Requirements files](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
- [Jupyter Server: security](https://jupyter-server.readthedocs.io/en/latest/operators/security.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from dflint.data import load
from dflint.model import Dockerfile, Stage
from dflint.rule import Finding, RuleMeta, Severity
from dflint.rules.contents._build_deps import removed_in_same_run, shipped_installs, where

META = RuleMeta(
    code="DF204",
    name="dev-tool-in-shipped-stage",
    severity=Severity.WARNING,
    summary="Test, lint or notebook tooling is installed in a stage that ships",
)

_CATEGORY_TEXT = {
    "test": "test tool",
    "lint": "linter",
    "format": "code formatter",
    "type-check": "type checker",
    "notebook": "notebook tool",
    "repl": "interactive shell",
    "plotting": "plotting library",
    "exploration": "data-exploration tool",
}
# Commands that show what an image is for: a notebook image serves notebooks, a test image runs tests.
_NOTEBOOK_COMMANDS = re.compile(r"(jupyter.*|start-notebook.*|start-singleuser.*|start\.sh|voila|ipython)")
_JUPYTER_PORT = "8888"  # Jupyter's default port: an image that exposes it serves notebooks
# In a notebook image the notebook server, its kernels and the plotting libraries are the workload.
_NOTEBOOK_WORKLOAD = ("notebook", "repl", "plotting", "exploration")


@cache
def _tools() -> dict[str, Any]:
    data: dict[str, Any] = load("dev_tools")
    return data


def classify(name: str) -> tuple[str, Severity] | None:
    """The category of a dev tool and the severity to report it at, or None."""
    data = _tools()
    if name in data["warning"]:
        return data["warning"][name], Severity.WARNING
    if name in data["info"]:
        return data["info"][name], Severity.INFO
    for pattern in data.get("patterns", ()):
        if re.fullmatch(pattern["regex"], name):
            return pattern["category"], Severity.INFO if pattern["level"] == "info" else Severity.WARNING
    return None


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    shipped = dockerfile.shipped_stages()
    workload = _workload_categories(dockerfile, shipped)
    for install in shipped_installs(dockerfile, managers=("pip", "uv", "pipenv", "pipx", "conda"), files=True):
        found = classify(install.name)
        if found is None or removed_in_same_run(install):
            continue
        category, severity = found
        if category in workload:
            continue
        origin = where(install)
        described = _CATEGORY_TEXT.get(category, category) + (f", from {origin}" if origin else "")
        subject = f"`{install.requirement.raw or install.name}` ({described}) installed by `{install.op.program}`"
        advice = (
            "keep it only if the service itself uses it"
            if severity is Severity.INFO
            else "install development tooling in a separate dev or test stage (`docker build --target`)"
        )
        yield Finding(
            META,
            install.op.command.span if origin or install.requirement.span is None else install.requirement.span,
            f"{subject} in {install.stage.label}{install.shipped_by or ' ships in the image'}; {advice}",
            severity=Severity.INFO if severity is Severity.INFO else None,
            stage=install.stage.name,
        )


def _workload_categories(dockerfile: Dockerfile, shipped: tuple[Stage, ...]) -> set[str]:
    """Categories of tools the image itself runs (its CMD/ENTRYPOINT, or a notebook base image)."""
    categories: set[str] = set()
    final = dockerfile.final_stage()
    if final is None:
        return categories
    root = dockerfile.root_image(final) or ""
    if "jupyter" in root.lower():
        categories.update(_NOTEBOOK_WORKLOAD)
    for stage in shipped:
        for instruction in stage.instructions_of("EXPOSE"):
            ports = instruction.expand(instruction.arguments) or ""
            if any(port.split("/")[0] == _JUPYTER_PORT for port in ports.split()):
                categories.update(_NOTEBOOK_WORKLOAD)
        for instruction in stage.instructions_of("CMD", "ENTRYPOINT"):
            words = instruction.json_args if instruction.json_args is not None else tuple(instruction.arguments.split())
            for word in words:
                base = word.strip("\"'").rsplit("/", 1)[-1].lower()
                if _NOTEBOOK_COMMANDS.fullmatch(base):
                    categories.update(_NOTEBOOK_WORKLOAD)
                found = classify(base)
                if found is not None:
                    categories.add(found[0])
    return categories
