"""## What it does
Flags a Python package installed on the command line without an exact version: `pip install`
(also `pip3`, `python -m pip`, a venv's `bin/pip`), `uv pip install`, `uv tool install`,
`pipenv install`, `pipx install` and `conda` / `mamba` / `micromamba install` or `create`, in any
stage.

A pin is `==` or `===` with one version (`torch==2.4.0`, `torch==2.4.0+cpu`), a local wheel or
directory, a file URL, or a VCS URL that names a full 40-character commit. Ranges (`>=`, `~=`,
`<`, `!=`), wildcards (`==2.*`), bare names, extras without a version (`transformers[torch]`),
branch or tag URLs and branch archives are not. For conda, `name=1.26.4` (a full version) and
`name==1.26.4` count as pins, `name=1.26` does not (conda splits a version at dots and
underscores, so R's `r-png=0.1_8` is a full version too); the interpreter's series (`python=3.11`)
is accepted.

A name pinned by a constraints file (`-c constraints.txt`, read from the build context) or by a
requirements file of the same command counts as pinned. Nothing is reported when the value is
unknown (`pip install $PKG`), or when a constraints file cannot be read or `PIP_CONSTRAINT` is
set. Requirements files (`-r`) are checked by DF402.

Upgrading the installers themselves (`pip install --upgrade pip setuptools wheel`, `uv`) is not
flagged unless `include-installers` is set.

One finding per install command: its span runs from the first to the last unpinned package, the
message names them, and the detail says for each why it is not a pin. Pinning is one decision per
command (pin them all, or install from a lock file), and a file that leaves a long list unpinned
on purpose (a notebook stack that follows the newest releases, a CI image testing against them)
gets one finding for it rather than one per name. Set `each-package` for one finding per package,
each on its own name, as before.

A lone lower bound (`"grpcio>=1.79.3"`) in a command that pins every other package it names
exactly (`==`) is left alone: that is a security floor, written on purpose next to the pins (the
AWS Deep Learning Containers raise `cryptography>=…` and `starlette>=…` this way to take in CVE
fixes while the framework stays pinned), and the image is rebuilt to move it. A command with a bare
name, a range with an upper bound or a wildcard beside the floor gets them all reported, floor
included. Set `report-floors` to report such floors too.

A notebook or workbench image (as the model decides: `dflint/purpose.py`) in which no Python or
conda package is pinned anywhere is left alone: such a stack follows the newest releases on purpose
(jupyter/docker-stacks leaves every package unpinned by policy, its users install what they need on
top). One pin in the file makes the unpinned rest an oversight again, and is reported. Set
`check-unpinned-notebooks` to report those images too.

## Why is this bad?
An unpinned install resolves to whatever is newest on the day of the build. Two builds of the same
Dockerfile then ship different code: a new torch or transformers release can change numerical
results, break the model-loading code, or pull a different CUDA build several gigabytes larger.
Reproducible inference images need every dependency fixed, and a rebuild for a security fix should
change only what was meant to change.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch "transformers>=4.40"
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0 transformers==4.44.2
```

## Options
- `include-installers` (default `false`): also flag unpinned `pip`, `setuptools`, `wheel` and `uv`.
- `each-package` (default `false`): one finding per unpinned package instead of one per install command.
- `check-unpinned-notebooks` (default `false`): also check notebook and workbench images that pin no
  Python or conda package at all.
- `report-floors` (default `false`): also report a lone `>=` lower bound in a command that pins every
  other package exactly.

## References
- [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
- [PEP 440: Version matching](https://peps.python.org/pep-0440/#version-matching)
- [conda: Package match specifications](https://docs.conda.io/projects/conda-build/en/latest/resources/package-spec.html#package-match-specifications)
- [hadolint DL3013](https://github.com/hadolint/hadolint/wiki/DL3013)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.commands import covering
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._pins import INSTALLERS, invocation, pinned, pins_for, python_installs, why_not

META = RuleMeta(
    code="DF401",
    name="unpinned-package",
    severity=Severity.WARNING,
    summary="A Python package is installed without an exact version",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: installers, one finding per package, notebook images, security floors."""

    include_installers: bool = False
    each_package: bool = False
    check_unpinned_notebooks: bool = False
    report_floors: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if not options.check_unpinned_notebooks and _notebook_without_pins(dockerfile):
        return  # a notebook stack that follows the newest releases on purpose
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in python_installs(instruction):
                if not op.packages:
                    continue
                unpinned = list(_unpinned(op, instruction, options))
                if not unpinned:
                    continue
                if options.each_package:
                    for requirement in unpinned:
                        yield _one(requirement, op, stage.label, stage.name)
                elif len(unpinned) == 1:
                    yield _one(unpinned[0], op, stage.label, stage.name)
                else:
                    yield _grouped(unpinned, op, stage.label, stage.name)


def _notebook_without_pins(dockerfile: Dockerfile) -> bool:
    """A notebook or workbench image in which no Python or conda package is pinned."""
    if dockerfile.purpose is None or dockerfile.purpose.kind != "notebook":
        return False
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in python_installs(instruction):
                if any(
                    requirement.name not in INSTALLERS and pinned(requirement, op.manager) is True and requirement.kind == "name"
                    for requirement in op.packages
                ):
                    return False
                if op.files:
                    return False  # a requirements or constraints file may pin them
    return True


def _unpinned(op: PackageOp, instruction: Instruction, options: Options) -> Iterator[Requirement]:
    pins = pins_for(op, instruction)
    floors = () if options.report_floors else _security_floors(op)
    for requirement in op.packages:
        if requirement in floors:
            continue
        if requirement.span is None or requirement.name is None and requirement.kind == "name":
            continue
        if pinned(requirement, op.manager) is not False:
            continue
        if requirement.name in INSTALLERS and not options.include_installers:
            continue
        if pins.unknown or (requirement.name is not None and requirement.name in pins.names):
            continue
        yield requirement


_FLOOR = re.compile(r">=\s*[0-9][0-9A-Za-z.+!-]*")  # one lower bound, nothing else: `>=1.79.3`


def _security_floors(op: PackageOp) -> tuple[Requirement, ...]:
    """The lone `>=` lower bounds of a command whose every other package is pinned exactly (at least
    one): floors set on purpose beside the pins. Empty when anything else is loose."""
    floors: list[Requirement] = []
    exact = 0
    for requirement in op.packages:
        if requirement.name in INSTALLERS:
            continue
        if requirement.kind == "name" and _FLOOR.fullmatch(requirement.spec.strip()):
            floors.append(requirement)
        elif pinned(requirement, op.manager) is True:
            exact += 1
        else:
            return ()
    return tuple(floors) if exact else ()


def _one(requirement: Requirement, op: PackageOp, label: str, stage: str | None) -> Finding:
    assert requirement.span is not None
    problem, action = why_not(requirement, op.manager)
    raw = requirement.raw or requirement.name or "?"
    return Finding(
        META,
        requirement.span,
        f"`{clip(raw)}` {problem} in {label}; {action}",
        stage=stage,
        detail=f"`{raw}` {problem} (`{invocation(op)}` in {label}): every rebuild may install"
        f" different code; {action}, e.g. from a lock file (pip-compile, `uv pip compile`)",
    )


def _grouped(unpinned: list[Requirement], op: PackageOp, label: str, stage: str | None) -> Finding:
    spans = [requirement.span for requirement in unpinned if requirement.span is not None]
    raws = [requirement.raw or requirement.name or "?" for requirement in unpinned]
    names = ", ".join(f"`{raw}`" for raw in raws)
    reasons = "; ".join(f"`{raw}` {why_not(requirement, op.manager)[0]}" for raw, requirement in zip(raws, unpinned))
    return Finding(
        META,
        covering(spans[0], spans[-1]),
        f"{len(unpinned)} packages without an exact version in `{invocation(op)}` in {label} ({clip(names, 48)}); pin each",
        stage=stage,
        detail=f"`{invocation(op)}` in {label} installs {len(unpinned)} packages without an exact version: {reasons}."
        " Every rebuild may install different code; pin each with `==`, e.g. from a lock file (pip-compile, `uv pip compile`)",
    )
