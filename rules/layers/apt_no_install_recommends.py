"""## What it does
Flags `apt-get install` (also `apt install` and `aptitude install`) in a shipped stage without
`--no-install-recommends` (aptitude: `-R` / `--without-recommends`), when there is evidence that the
Recommends matter:

- the file leaves Recommends out elsewhere (`--no-install-recommends` on another install, in any
  stage, or `APT::Install-Recommends` written to the APT configuration for another part of it), so
  this install is most likely an oversight; or
- what the Recommends of one of its packages add is measured at `min-recommends-mb` (20 MB) or more
  (`dflint/data/apt_recommends.json`: Debian 12, on a minimal base; `python3-pip` recommends
  `build-essential` and `python3-dev`, about 380 MB; `ffmpeg` about 157 MB). The finding names the
  package and carries the estimate. This counts only where the stage's base names Debian 12, the
  release it was measured on: on Ubuntu, or a CUDA or framework image built on it, the base already
  holds other packages (compilers, GnuPG) and the figure would overstate the saving, so there the size
  is unknown and only the file's own evidence counts.

Not reported, whatever the evidence:

- an install with `-o APT::Install-Recommends=false`, or after an earlier RUN of the stage wrote
  `APT::Install-Recommends` to the APT configuration;
- an install of local `.deb` files only (`apt-get install -y /tmp/cuda-keyring.deb`);
- an install naming a package whose Recommends are what makes it work: `libvulkan1` recommends the
  Vulkan driver (`mesa-vulkan-drivers | vulkan-icd`), `libva2` and `libvdpau1` the video drivers;
  without them the library finds no device (the `functional` list in the same data file);
- an install whose packages are all measured and whose Recommends add less than 1 MB (`sudo`,
  `apt-utils`, `libgomp1`), even where the file uses the flag elsewhere: there is nothing to save.

A package's own Recommends that are already installed (earlier in the stage, by a stage it is built
FROM, or by the same command) count as nothing; when only some of them are, the package has no
figure (its measurement includes them: `python3-pip python3-dev`), and after a C compiler is installed the others are
measured with `build-essential` already there. An install under a condition in a RUN that tests the
architecture (`if [ "$TARGETARCH" = ppc64le ]; then apt-get install …`) is reported only on the
file's own evidence, not on size: it may not run on the platform being built. An install in an `if`
branch that the build being linted does not take (each test compares a build argument or the
target platform with a literal: `if [ "$MPI_KIND" = "MPICH" ]` with the default `OpenMPI`) is not
reported at all, as DF201, DF202 and DF401 decide it (`dflint/build_deps.py`, `branch_not_taken`).

**Opt-in** (`--extend-select DF306`). Even with the evidence below required, reviewers who read
each file judged 1 of 10 DF306 findings worth telling in six random samples of 50 default findings
(2026-12-07; 9 of them right): the Recommends of the packages ML images install are mostly a few
megabytes beside multi-GB bases, and "the file leaves them out elsewhere" is no measure of what they
weigh. So, like DF307 and DF604, it runs when selected; with it selected, the evidence rules below
apply (35 findings on the shared corpus), and `check-every-install` reports every install.

**Why not every install when selected.** On the shared corpus of 776 ML Dockerfiles the rule reported
every install without the flag (165 findings); reviewers who read each file judged 12 of 33 sampled
findings worth telling the author. The ones worth it were the two kinds above; the others were
packages with few or no Recommends (`curl`, `git`, `sudo`: a few MB on multi-GB bases), and once a
wrong piece of advice (`libvulkan1`). With the evidence required, the rule reports 98 findings there.
`check-every-install: true` reports every install without the flag, as hadolint's DL3015 does.

## Why is this bad?
Debian and Ubuntu install every *Recommends* of a package by default: documentation, optional
helpers, sometimes whole toolchains (`python3-pip` recommends `build-essential`, `python3-dev` and
`g++` through its dependencies' recommends). In an image nobody logs into, they are dead weight that
every pull downloads and every scanner reports.

This is also a size rule, so like the other size rules it only looks at the stages that ship (the
final stage and what it is built FROM): a build-only stage may install what it likes. It is
hadolint's DL3015 and Trivy's DS-0029.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*
```

## Fix safety
Unsafe (applied with `--unsafe-fixes`): the build still installs every hard dependency, but a program
may rely on a recommended package at run time. `libvulkan1`, for one, recommends the GPU's Vulkan
driver (`mesa-vulkan-drivers`): without it a Vulkan backend finds no device. Test the image, and add
back by name what it needs.

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.
- `check-every-install` (default `false`): report every install without the flag (not one naming a
  package with functional Recommends), not only those with evidence.
- `min-recommends-mb` (default `20`): the measured size of a package's Recommends from which an
  install is reported without other evidence. 20 MB is about the size of the apt lists of Debian 12
  (19.6 MB, `dflint/data/caches.json`), which DF302 reports by default.

## References
- [Debian package relations: Recommends](https://www.debian.org/doc/debian-policy/ch-relationships.html#binary-dependencies-depends-recommends-suggests-enhances-pre-depends)
- [Debian: libvulkan1](https://packages.debian.org/bookworm/libvulkan1)
- [apt-get(8): --no-install-recommends](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
- [Docker: Dockerfile best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [hadolint DL3015](https://github.com/hadolint/hadolint/wiki/DL3015)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from dflint.build_deps import apt_measured_on, apt_name, branch_not_taken, provides_c_compiler
from dflint.commands import add_option_after_verb, all_runs, text_at
from dflint.data import load
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, Stage
from dflint.rule import Finding, Fix, RuleMeta, Savings, Severity

from ._apt import apt_option, configured, is_false

META = RuleMeta(
    code="DF306",
    name="apt-no-install-recommends",
    severity=Severity.INFO,
    summary="`apt-get install` without `--no-install-recommends` ships optional packages",
    fixable=True,
    default_enabled=False,
    skip_images_nobody_deploys=True,
    needs=("apt",),
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build stages are checked too, whether every install is reported (not only
    those with evidence), and from what size the Recommends of an install are worth a finding on their own."""

    include_build_stages: bool = False
    check_every_install: bool = False
    min_recommends_mb: float = 20.0


@dataclass(frozen=True, slots=True)
class Recommends:
    """What dflint knows of an install's Recommends: the largest measured estimate among its packages
    (None when none is known), the package it belongs to, and whether every package is measured."""

    mb: float | None
    package: str | None
    all_known: bool


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    stages = dockerfile.stages if options.include_build_stages else dockerfile.shipped_stages()
    for stage, instruction in all_runs(dockerfile, stages):
        for op in instruction.packages:
            reported = _reported(dockerfile, stage, instruction, op, options)
            if reported is not None:
                yield _finding(dockerfile, stage, op, *reported)


def reported_by_default(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> bool:
    """Whether the default options report this install (for comparisons with other linters)."""
    return _reported(dockerfile, stage, instruction, op, Options()) is not None


def _reported(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp, options: Options
) -> tuple[Recommends, int | None] | None:
    """What dflint knows of the install's Recommends and where the file leaves them out, when the
    options report it; None when they do not."""
    if not _installs_without_the_flag(dockerfile, stage, instruction, op):
        return None
    if _functional(op):
        return None  # `libvulkan1`: its Recommends are the driver it loads
    if branch_not_taken(stage, instruction, op) is not None:
        return None  # an `if` branch this build does not take, as DF201, DF202 and DF401 decide
    recommends = _on_measured_release(dockerfile, stage, recommends_of(dockerfile, stage, instruction, op))
    elsewhere = flag_elsewhere(dockerfile)
    large = recommends.mb is not None and recommends.mb >= options.min_recommends_mb and not _per_architecture(instruction, op)
    nothing = recommends.all_known and recommends.mb is not None and recommends.mb < 1
    if not options.check_every_install and not (large or (elsewhere is not None and not nothing)):
        return None
    return recommends, elsewhere


def _installs_without_the_flag(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> bool:
    if op.manager != "apt" or op.verb != "install" or op.verb_word is None:
        return False
    if op.verb_word.value not in ("install", "reinstall") or not op.packages:
        return False
    if _skips_recommends(op) or configured(dockerfile, stage, instruction, "Install-Recommends"):
        return False
    if op.has_flag(*_SIMULATE):
        return False  # `apt-get install -s`: a dry run installs nothing
    # only local .deb files (a keyring package): nothing from the index to recommend
    return not all(_written(dockerfile, package).endswith(".deb") for package in op.packages)


def _written(dockerfile: Dockerfile, package: Requirement) -> str:
    """The package word as written: its value, or where that is unknown (`./arrow-$(lsb_release -cs).deb`)
    the text in the file."""
    if package.raw is not None:
        return package.raw
    if package.span is None:
        return ""
    return text_at(dockerfile, package.span).strip("'\"")


def _finding(dockerfile: Dockerfile, stage: Stage, op: PackageOp, recommends: Recommends, elsewhere: int | None) -> Finding:
    assert op.verb_word is not None
    flag = "--without-recommends" if op.program == "aptitude" else "--no-install-recommends"
    added = add_option_after_verb(dockerfile, op, flag)
    # unsafe: what the image installs changes, and a program may need a recommended package
    # at run time (`libvulkan1` recommends the GPU's Vulkan driver)
    fix = Fix.unsafe(added.title, *added.edits) if added is not None else None
    verb = f"`{op.program} {op.verb_word.value}`"
    size = detail_size = ""
    savings = None
    if recommends.mb is not None and recommends.mb >= 1 and recommends.package is not None:
        size = f" (`{recommends.package}`: ~{recommends.mb:.0f} MB on Debian 12)"
        detail_size = f" (about {recommends.mb:g} MB for `{recommends.package}`'s Recommends on a minimal Debian 12 base; less on a base that holds some of them)"
        savings = Savings(recommends.mb, f"dflint/data/apt_recommends.json: the Recommends of {recommends.package} ({_SOURCE})")
    unlike = f", unlike line {elsewhere}" if elsewhere is not None and elsewhere != op.command.span.line else ""
    detail = (
        f"{verb} in {stage.label} also installs recommended packages{detail_size}{unlike}"
        + (", where the file turns them off with `--no-install-recommends` or APT configuration" if unlike else "")
        + f"; add `{flag}`, and name any recommended package the image needs"
    )
    return Finding(
        META,
        op.command.span,
        f"{verb} in {stage.label} installs Recommends{size}{unlike}; add `{flag}`",
        detail=detail,
        fix=fix,
        savings=savings,
        stage=stage.name,
    )


_SIMULATE = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")
_SOURCE = "Debian 12 bookworm amd64, apt-cache dumpavail, 2026-12-07"


def _skips_recommends(op: PackageOp) -> bool:
    if op.has_flag("--no-install-recommends", "--without-recommends", "-R"):
        return True
    return is_false(apt_option(op, "APT::Install-Recommends"))


def flag_elsewhere(dockerfile: Dockerfile) -> int | None:
    """The line of the first apt install in the file that leaves Recommends out (by option, or by
    writing `APT::Install-Recommends` to the APT configuration), in any stage; None when none does."""
    memo_key = ("apt install without recommends", "")
    if memo_key not in dockerfile.memo:
        dockerfile.memo[memo_key] = _first_flag(dockerfile)
    found = dockerfile.memo[memo_key]
    return found if isinstance(found, int) else None


def _first_flag(dockerfile: Dockerfile) -> int | None:
    for _, instruction in all_runs(dockerfile):
        for op in instruction.packages:
            if op.manager == "apt" and op.verb == "install" and _skips_recommends(op):
                return op.command.span.line
        for command in instruction.commands:
            if command.name not in ("apt-get", "apt", "aptitude") and any(
                word.value is not None and "install-recommends" in word.value.lower() for word in command.argv
            ):
                return instruction.span.line
    return None


def _on_measured_release(dockerfile: Dockerfile, stage: Stage, recommends: Recommends) -> Recommends:
    """The measured size only where the stage's base names the release it was measured on (Debian 12):
    elsewhere the base already holds other packages (a CUDA or framework image, Ubuntu's own set) and
    the figure would overstate the saving. Whether the packages recommend anything at all is kept."""
    if recommends.mb is None or recommends.mb < 1 or apt_measured_on(dockerfile.root_image(stage)):
        return recommends
    return replace(recommends, mb=None)


def recommends_of(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> Recommends:
    """The measured size of what the install's Recommends add (`data/apt_recommends.json`): the largest
    among its packages, since their Recommends overlap. A package whose own Recommends are all installed
    already (earlier in the stage, in a stage it is built FROM, or by this command) adds nothing of its
    own; one with only some of them installed has no figure (its measurement counts them); the others are measured with build-essential already there when a C compiler is installed
    before this command (or, for the packages other than the compiler, by it)."""
    packages = _recommends_data()["apt"]["packages"]
    position = next(place for place, candidate in enumerate(instruction.packages) if candidate is op)
    here = (instruction.index, position)
    order, first_compiler = _installs_in_order(dockerfile, stage)
    named = {apt_name(p.name) for p in op.packages}

    def installed(name: str) -> bool:
        return name in named or order.get(name, here) < here

    compiler_before = first_compiler is not None and first_compiler < here
    compiler_here = first_compiler is not None and first_compiler <= here
    best: tuple[float, str] | None = None
    all_known = True
    for package in op.packages:
        name = apt_name(package.name)
        facts = packages.get(name)
        if facts is None:
            all_known = False
            continue
        own = facts["recommends"]
        present = [r for r in own if installed(r)]
        if own and len(present) == len(own):
            mb = 0.0
        elif present:  # the measurement counted what is installed anyway: no figure for this package
            all_known = False
            continue
        else:
            # a compiler named by this command brings its own Recommends; the others' are then measured with it
            with_compiler = compiler_before if provides_c_compiler("apt", name) else compiler_here
            mb = float(facts["with_compiler_mb"] if with_compiler else facts["recommends_mb"])
        if best is None or mb > best[0]:
            best = (mb, name)
    return Recommends(best[0] if best else None, best[1] if best else None, all_known)


def _installs_in_order(dockerfile: Dockerfile, stage: Stage) -> tuple[dict[str, tuple[int, int]], tuple[int, int] | None]:
    """Each apt package installed for `stage`, with where it is first installed: (-1, -1) in a stage
    it is built FROM, else the RUN's index and the operation's place in it; and where a C compiler is
    first installed. Worked out once per stage, so that a stage of a thousand installs stays linear."""
    memo_key = ("apt installs in order", str(stage.index))
    if memo_key in dockerfile.memo:
        memo = dockerfile.memo[memo_key]
        assert isinstance(memo, tuple)
        return memo
    first: dict[str, tuple[int, int]] = {}
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for _, run in all_runs(dockerfile, (ancestor,)):
            for place, candidate in enumerate(run.packages):
                if candidate.manager != "apt" or candidate.verb != "install":
                    continue
                where = (-1, -1) if ancestor.index != stage.index else (run.index, place)
                for package in candidate.packages:
                    if package.name is not None:
                        first.setdefault(apt_name(package.name), where)
    compilers = [where for name, where in first.items() if provides_c_compiler("apt", name)]
    result = (first, min(compilers, default=None))
    dockerfile.memo[memo_key] = result
    return result


_ARCHITECTURE_TEST = re.compile(r"TARGETARCH|TARGETPLATFORM|\buname\s+-m\b|dpkg\s+--print-architecture")


def _per_architecture(instruction: Instruction, op: PackageOp) -> bool:
    """The install runs under a condition in a RUN that tests the architecture
    (`if [ "$TARGETARCH" = ppc64le ]; then apt-get install …`): it may not run on the build's platform."""
    return op.command.conditional and _ARCHITECTURE_TEST.search(instruction.text) is not None


def _functional(op: PackageOp) -> bool:
    """An install naming a package whose Recommends are what makes it work (`libvulkan1`: the Vulkan
    driver); without them the library finds no device, so dropping them is no advice to give."""
    functional = _recommends_data()["functional"]["packages"]
    return any(apt_name(p.name) in functional for p in op.packages)


@cache
def _recommends_data() -> dict[str, Any]:
    return load("apt_recommends")
