"""## What it does
Flags test, lint, formatting, type-checking and notebook tooling installed in a stage that ships:
`pytest` (and `pytest-*` plugins), `tox`, `nox`, `coverage`, `hypothesis`, `black`, `ruff`,
`flake8`, `pylint`, `isort`, `mypy`, `types-*` stubs, `ipython`, `jupyter`, `notebook`,
`jupyterlab`, `ipykernel` … (the list is `dflint/data/dev_tools.json`). Plotting and
data-exploration packages (`matplotlib`, `seaborn`, `plotly`, `ydata-profiling` …) are reported at
`info` severity, since a service may render charts. Inline installs by pip, uv, pipenv, pipx and
conda are checked, and so are requirements files read from the build context (the finding names
`file:line`).

Development containers, CI or test images, toolchains and notebook or workbench images (as the
model decides: `dflint/purpose.py`) are not checked: a workbench's users test, lint and format
their code in it, so `pytest` or `black` there is installed for them (on the test corpus, a
notebook image's `pytest` was judged not worth telling its author). A training image, which
people also work in, keeps its notebook tooling; test and lint tools are still reported there.

An install that upgrades (`pip install -U black`, or a command whose every package has only a
version floor, `pip install "aiohttp>=3.14.0" "black>=26.3.1"` under a `# patch CVEs` comment)
probably raises the version of a tool the base image already holds (not when the command also
names pip, setuptools, wheel or uv, `pip install --upgrade pip pytest`: the upgrade is for the
installer; reviewers found the hedge wrong on `python:3-slim`, which holds no pytest). A dev stage would not take it
out of the base's layers, so the finding says to uninstall it instead when the service does not
use it (or, when the tool is new there, to install it in a dev stage).

A tool whose measured size with everything it pulls in (`dflint/data/dev_tools.json` `sizes`: the
unpacked wheels of its dependency closure, from PyPI) is under 2 % of an image known to hold
gigabytes, or under 20 MB beside accelerator libraries, is not reported (`negligible_beside_image`,
as DF201 judges build tools): `pytest` (6.7 MB with its dependencies) on a CUDA devel image,
`black` or `matplotlib` in a Triton server image; reviewers judged those not worth the author's time.
Nor is a tool that comes to less than 20 MB with everything it pulls in, whatever the image
(measured: `pytest` 6.7 MB, `black` 8.6 MB, `flake8` 0.6 MB): in the reviewed samples of rounds M to
O, 16 of the 17 DF204 findings drawn were judged not worth telling, every one of them "too small to
matter" (a `pytest` of 6.7 MB beside a `build-essential` of 325 MB in the same stage). `jupyterlab`
(158.8 MB) or `mypy` (56.1 MB) is reported. The option `check-small-tools` reports the small ones too.

An install inside an `if` branch that the build being linted does not take (each test of the
condition compares a build argument or the target platform with a literal, and is false for this
build: `dflint/build_deps.py`, `skipped_branch`) is not reported.

A Python or conda environment built in a build-only stage ships when a chain of `COPY --from`
carries the tree it was installed into (a venv, a `--prefix`, a conda prefix) into the image, as
that stage is at its end: a tool a later RUN there uninstalls is not copied.

Notebook tooling (`jupyterlab`, `notebook`) is left alone in an image that ships notebooks to open: a
COPY/ADD of `.ipynb` files or of a `notebooks` folder into a stage that ships (Roboflow Inference's
server opens the `/notebooks` it ships in Jupyter when asked; three reviewers found the advice to
drop it would break that).

A tool its requirements file says the service needs is left alone: a comment on its line, or on the
lines right above it, saying something requires, needs, depends on or imports it, and not that it is
for tests or development (`dflint/build_deps.py`, `stated_need`). Roboflow Inference's
`requirements/_requirements.txt` ships `pytest>=9.0.3,<10.0.0  # this is not a joke, sam2 requires
this as the fork we are using is dependent on that`; reviewers judged the advice to move it to a dev
stage against the author's stated need, seven times in one round.

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

## Options
- `check-small-tools` (default `false`): also report a tool that comes to less than 20 MB with its
  dependencies (`pytest`, 6.7 MB).

## References
- [Docker: Multi-stage builds (stop at a build stage)](https://docs.docker.com/build/building/multi-stage/#stop-at-a-specific-build-stage)
- [pip: Requirements files](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
- [Jupyter Server: security](https://jupyter-server.readthedocs.io/en/latest/operators/security.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.build_deps import (
    Install,
    python_installer,
    removed_in_same_run,
    shipped_installs,
    skipped_branch,
    stated_need,
    where,
)
from dflint.imagesize import negligible_alone, negligible_beside_image
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._workload import classify, closure_mb, workload_categories

META = RuleMeta(
    code="DF204",
    name="dev-tool-in-shipped-stage",
    severity=Severity.WARNING,
    summary="Test, lint or notebook tooling is installed in a stage that ships",
    skip_images_nobody_deploys=True,
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


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether tools that weigh under 20 MB with their dependencies are reported."""

    check_small_tools: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if dockerfile.purpose is not None and (dockerfile.purpose.for_development or dockerfile.purpose.kind == "notebook"):
        return  # development, CI, toolchain and notebook images carry their users' tools on purpose
    for install, category, severity in _found(dockerfile):
        if not options.check_small_tools and negligible_alone([closure_mb(install.name)]):
            continue  # a few megabytes with its dependencies (`pytest`, 6.7 MB)
        yield _finding(install, category, severity)


def _found(dockerfile: Dockerfile) -> Iterator[tuple[Install, str, Severity]]:
    """The dev tools installed in shipped stages that the image does not need, with their category
    and severity."""
    workload = workload_categories(dockerfile)
    for install in shipped_installs(dockerfile, managers=("pip", "uv", "pipenv", "pipx", "conda"), files=True):
        found = classify(install.name)
        if found is None or removed_in_same_run(install) or skipped_branch(install) is not None:
            continue
        category, severity = found
        if category in workload:
            continue
        if category == "notebook" and _ships_notebooks(dockerfile) is not None:
            continue  # the image ships notebooks to open (`COPY examples/notebooks /notebooks`): Jupyter serves them
        if stated_need(install.requirement) is not None:
            continue  # its requirements file says the service needs it (`pytest  # sam2 requires this`)
        if negligible_beside_image(dockerfile, install.stage, [closure_mb(install.name)]):
            continue  # a few megabytes beside an image of gigabytes (`pytest` on a CUDA devel image)
        yield install, category, severity


def _finding(install: Install, category: str, severity: Severity) -> Finding:
    origin = where(install)
    described = _CATEGORY_TEXT.get(category, category) + (f", from {origin}" if origin else "")
    upgrade = _upgrade(install)
    subject = f"`{install.requirement.raw or install.name}` ({described}) installed by `{install.op.program}`{upgrade}"
    if upgrade:
        action = "if this upgrades the base's copy, uninstall it instead"
        advice = (
            "an upgrade suggests the base image already holds it, and a dev stage would not take it out of"
            f" the base's layers: if the service does not use it, `pip uninstall -y {install.name}` instead of"
            " upgrading it; if it is new here, install it in a dev or test stage"
        )
    elif severity is Severity.INFO:
        action, advice = "keep it only if the service uses it", "keep it only if the service itself uses it"
    else:
        action = "install it in a dev stage"
        advice = "install development tooling in a separate dev or test stage (`docker build --target`)"
    return Finding(
        META,
        install.op.command.span if origin or install.requirement.span is None else install.requirement.span,
        f"{_CATEGORY_TEXT.get(category, category)} `{clip(install.requirement.raw or install.name)}` ships in"
        f" {install.stage.label}; {action}",
        severity=Severity.INFO if severity is Severity.INFO else None,
        stage=install.stage.name,
        detail=f"{subject} in {install.stage.label}{install.shipped_by or ' ships in the image'}; {advice}",
    )


def _ships_notebooks(dockerfile: Dockerfile) -> str | None:
    """A COPY/ADD into a shipped stage that brings notebooks: a `.ipynb` file, or a folder named
    `notebooks` (Roboflow Inference copies `examples/notebooks` into `/notebooks`, which its server
    opens in Jupyter when asked). The source as written, or None."""
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("COPY", "ADD"):
            spec = instruction.copy
            if spec is None:
                continue
            for source in (*spec.sources, spec.destination):
                name = (source or "").rstrip("/").rsplit("/", 1)[-1].lower()
                if name.endswith(".ipynb") or name in ("notebooks", "notebook"):
                    return source
    return None


_FLOOR = re.compile(r"\s*>=?\s*[^,<>=!~]+\s*")


def _upgrade(install: Install) -> str:
    """`` with `--upgrade` `` or `` with only version floors (`>=`) `` when the install raises the
    version of packages that may already be there (`pip install -U black`; `pip install
    "aiohttp>=3.14.0" "black>=26.3.1" …` under a `# patch CVEs` comment: every package of the command
    given only a floor, two or more of them), else empty."""
    op = install.op
    if op.manager not in ("pip", "uv") or install.requirement.file is not None:
        return ""
    if op.has_flag("-U", "--upgrade"):
        if any(python_installer(requirement.name) for requirement in op.packages):
            return ""  # `pip install --upgrade pip pytest`: the upgrade is for pip; pytest may be new here
        return " with `--upgrade`"
    named = [requirement for requirement in op.packages if requirement.name]
    if len(named) >= 2 and all(_floor_only(requirement.spec) for requirement in named):
        return " with only version floors (`>=`)"
    return ""


def _floor_only(spec: str) -> bool:
    return bool(spec) and all(_FLOOR.fullmatch(part) for part in spec.split(","))
