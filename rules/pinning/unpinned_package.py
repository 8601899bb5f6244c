"""## What it does
Flags a Python package installed on the command line without an exact version: `pip install`
(also `pip3`, `python -m pip`, a venv's `bin/pip`), `uv pip install`, `uv tool install`,
`pipenv install`, `pipx install` and `conda` / `mamba` / `micromamba install` or `create`, in any
stage.

A pin is `==` or `===` with one version (`torch==2.4.0`, `torch==2.4.0+cpu`), a local wheel or
directory, a file URL, or a VCS URL that names a full 40-character commit or a release tag
(`@v1.0.32`, `@2.4.0`, `@name-2.22.0`; not a branch such as `@main` or `@release-2.1`). Ranges (`>=`, `~=`,
`<`, `!=`), wildcards (`==2.*`), bare names, extras without a version (`transformers[torch]`),
URLs at a branch or a moving tag (`@main`, `@v1`) and branch archives are not. For conda, `name=1.26.4` (a full version) and
`name==1.26.4` count as pins, `name=1.26` does not (conda splits a version at dots and
underscores, so R's `r-png=0.1_8` is a full version too); the interpreter's series (`python=3.11`)
is accepted.

A name pinned by a constraints file (`-c constraints.txt`, read from the build context) or by a
requirements file of the same command counts as pinned. Nothing is reported when the value is
unknown (`pip install $PKG`), or when a constraints file cannot be read or `PIP_CONSTRAINT` is
set. Requirements files (`-r`) are checked by DF402.

Upgrading the installers themselves (`pip install --upgrade pip setuptools wheel`, `uv`) is not
flagged, nor are the build helpers a later install needs to build from source (`packaging`,
`ninja`, `cmake`, a PEP 517 back-end such as `hatchling`: `dflint/data/build_tools.json`
`python_build_helpers`; not Cython, whose 3.0 release broke unpinned builds), unless
`include-installers` is set. A package named with `-U`/`--upgrade` (`pip install -U transformers`)
asks for the newest release in so many words: a deliberate float, not an oversight, and not
reported unless `check-upgrades` is set.

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

A notebook, toolchain or training image (as the model decides: `dflint/purpose.py`) in which no Python or
conda package is pinned anywhere (and no requirements or constraints file is read) follows the
newest releases on purpose, and is left alone: a notebook stack (jupyter/docker-stacks leaves every
package unpinned by policy, its users install what they need on top), a build or interactive
environment, a training image built on a library's newest release or its main branch. A service, or an image whose purpose the file does not say, is reported all the same:
what it serves changes under it with each rebuild. One pin in the file makes the unpinned rest an oversight again, and is reported. Set
`check-files-without-pins` to report those images too.

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
CMD ["python", "-m", "server"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0 transformers==4.44.2
CMD ["python", "-m", "server"]
```

## Options
- `include-installers` (default `false`): also flag unpinned `pip`, `setuptools`, `wheel`, `uv` and the
  build helpers (`packaging`, `ninja`, …).
- `check-upgrades` (default `false`): also flag packages named with `-U`/`--upgrade`.
- `each-package` (default `false`): one finding per unpinned package instead of one per install command.
- `check-files-without-pins` (default `false`): also check notebook, toolchain and training images that pin no
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

from dflint.build_deps import python_build_helper, python_installer
from dflint.commands import covering
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._pins import invocation, pinned, pins_for, python_installs, why_not

META = RuleMeta(
    code="DF401",
    name="unpinned-package",
    severity=Severity.WARNING,
    summary="A Python package is installed without an exact version",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: installers and build helpers, upgrades, one finding per package, files without pins, security floors."""

    include_installers: bool = False
    check_upgrades: bool = False
    each_package: bool = False
    check_files_without_pins: bool = False
    report_floors: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if not options.check_files_without_pins and _floats_on_purpose(dockerfile):
        return  # an image that follows the newest releases on purpose
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


_FLOATING_KINDS = frozenset({"notebook", "toolchain", "training"})  # a service, or an image whose purpose is unknown, is checked


def _floats_on_purpose(dockerfile: Dockerfile) -> bool:
    """A notebook, toolchain or training image in which no Python or conda package is pinned (a pinned
    installer counts: the author pins what matters to them; conda's `python=3.11` chooses the
    interpreter, not a package's version, and does not)."""
    if dockerfile.purpose is None or dockerfile.purpose.kind not in _FLOATING_KINDS:
        return False
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in python_installs(instruction):
                if any(
                    pinned(requirement, op.manager) is True and requirement.kind == "name" and requirement.name != "python"
                    for requirement in op.packages
                ):
                    return False
                if op.files:
                    return False  # a requirements or constraints file may pin them
    return True


def _unpinned(op: PackageOp, instruction: Instruction, options: Options) -> Iterator[Requirement]:
    pins = pins_for(op, instruction)
    floors = () if options.report_floors else _security_floors(op)
    upgrade = op.has_flag("-U", "--upgrade")
    for requirement in op.packages:
        if requirement in floors:
            continue
        if requirement.span is None or requirement.name is None and requirement.kind == "name":
            continue
        if pinned(requirement, op.manager) is not False:
            continue
        if python_installer(requirement.name) or python_build_helper(requirement.name):
            if not options.include_installers:
                continue
        elif upgrade and not options.check_upgrades:
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
        if python_installer(requirement.name):
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
