"""Shared by the pinning rules (DF401 unpinned-package, DF402 unpinned-requirements-file): which
Python package installs to check, and which names an install's constraints and requirements files
pin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import cast

from dflint.imagesize import heavy_package
from dflint.model import Instruction, PackageOp, Requirement, RequirementsFile, Stage

_NOT_REQUIREMENTS = (".toml", ".cfg", ".py", ".lock", ".yml", ".yaml", ".json", ".in.lock")
_BRANCH_ARCHIVE = re.compile(
    r"/(?:archive|tarball|zipball)/(?:refs/heads/)?(?:main|master|develop|dev|trunk|HEAD)(?:\.zip|\.tar\.gz|/|$)|/refs/heads/",
    re.IGNORECASE,
)
_FULL_COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def python_installs(instruction: Instruction) -> Iterator[PackageOp]:
    """pip / uv pip / pipenv / pipx / uv tool / conda operations that install named packages."""
    for op in instruction.packages:
        if op.verb not in ("install", "sync"):
            continue
        if (
            op.manager == "pip"
            or (op.manager == "uv" and op.program in ("uv pip", "uv tool"))
            or op.manager in ("pipenv", "pipx", "conda")
            and op.verb == "install"
        ):
            yield op


def invocation(op: PackageOp) -> str:
    """How the install was written, for messages: `pip3 install`, `uv tool install`, `conda create`."""
    if op.program == "uv tool":
        return "uv tool install"
    verb = op.verb_word.value if op.verb_word is not None and op.verb_word.value else op.verb
    return f"{op.program} {verb}"


def reads_pip_files(op: PackageOp) -> bool:
    return op.manager == "pip" or (op.manager == "uv" and op.program == "uv pip")


def is_requirements_file(file: RequirementsFile) -> bool:
    path = (file.context_path or file.image_path or "").lower()
    return not path.endswith(_NOT_REQUIREMENTS)


@dataclass(frozen=True, slots=True)
class Pins:
    """Names pinned for one install: by a constraints file, a requirements file or the command line.
    `unknown` when a constraints source could not be read (then nothing can be called unpinned)."""

    names: frozenset[str]
    unknown: bool


def constraint_files(op: PackageOp) -> Iterator[RequirementsFile]:
    """Every constraints file of an install: `-c` on the command line and `-c` nested in files."""

    def visit(file: RequirementsFile, inside_constraint: bool) -> Iterator[RequirementsFile]:
        constraint = inside_constraint or file.constraint
        if constraint:
            yield file
        for include in file.includes:
            yield from visit(include, constraint)

    for top in op.files:
        yield from visit(top, False)


def requirement_files(op: PackageOp) -> Iterator[RequirementsFile]:
    """Every requirements (not constraints) file of an install, nested `-r` included."""

    def visit(file: RequirementsFile) -> Iterator[RequirementsFile]:
        if file.constraint:
            return
        yield file
        for include in file.includes:
            yield from visit(include)

    for top in op.files:
        yield from visit(top)


def pins_for(op: PackageOp, instruction: Instruction) -> Pins:
    names: set[str] = set()
    unknown = False
    for file in constraint_files(op):
        if file.status != "read" or not is_requirements_file(file):
            unknown = True
        names.update(r.name for r in file.requirements if r.name and r.pinned)
    for file in requirement_files(op):
        if file.status == "read":
            names.update(r.name for r in file.requirements if r.name and r.pinned)
        else:
            unknown = True  # an unread file may pin the same names
    names.update(r.name for r in op.packages if r.name and r.pinned)
    env = dict(instruction.env)
    env.update(op.command.exports)
    env.update((name, word.value) for name, word in op.command.assignments)
    variable = "UV_CONSTRAINT" if op.manager == "uv" else "PIP_CONSTRAINT"
    if op.manager in ("pip", "uv", "pipenv") and env.get(variable, "") != "":
        unknown = True  # a constraints file named by the environment: not read here
    return Pins(frozenset(names), unknown)


_UPGRADES = ("-U", "--upgrade", "--force-reinstall", "-I", "--ignore-installed")
_OTHER_TREE = ("--target", "-t", "--prefix", "--root", "--user")


def settled_earlier(stage: Stage, instruction: Instruction, op: PackageOp) -> frozenset[str]:
    """The names an earlier pip install of the stage put in place without an exact version (`pip
    install torch --index-url …/whl/cpu`, then `pip install -r requirements.txt` naming
    `torch>=2.0.0`): when `op` does not upgrade, pip leaves an installed package that meets a floor
    where it is ("Requirement already satisfied"), so the earlier install decides its version, not the
    floor. Installs into another tree (`--target`, `--user`), or through another interpreter's pip
    (a venv's `/opt/venv/bin/pip` beside the system's), are not the same environment and do not count."""
    if not reads_pip_files(op) or op.has_flag(*_UPGRADES) or op.has_flag(*_OTHER_TREE):
        return frozenset()
    names: set[str] = set()
    for earlier_instruction in stage.instructions_of("RUN"):
        if earlier_instruction.index > instruction.index:
            break
        for earlier in python_installs(earlier_instruction):
            if earlier is op:
                return frozenset(names)
            if not reads_pip_files(earlier) or earlier.has_flag(*_OTHER_TREE) or _environment(earlier) != _environment(op):
                continue
            names.update(r.name for r in earlier.packages if r.name is not None and r.kind == "name" and not r.pinned)
    return frozenset(names)


def _environment(op: PackageOp) -> str:
    """Which interpreter's packages the install changes: a pip named by its path (`/opt/venv/bin/pip`)
    is that environment's; `pip`, `pip3`, `python -m pip` and `uv pip` on PATH are the same one."""
    program = op.command.name or ""
    return program.rsplit("/", 1)[0] if "/" in program else ""


def pinned(requirement: Requirement, manager: str) -> bool | None:
    """Whether a requirement names exactly one version (None: cannot tell)."""
    if requirement.pinned is None:
        return None
    raw = requirement.raw or ""
    if requirement.kind == "url" and requirement.pinned:
        # a fixed file, unless the URL names a branch (`…/archive/refs/heads/main.zip`)
        return not (_BRANCH_ARCHIVE.search(raw) and not _FULL_COMMIT.search(raw))
    if manager == "conda" and not requirement.pinned:
        spec = requirement.spec
        # conda's `name=1.26.4` matches 1.26.4 and its builds: a full version counts as a pin;
        # `name=1.26` is a series. The interpreter's series (`python=3.11`) is how conda pins it.
        # Conda splits a version into components at dots and underscores (`VersionOrder` in
        # conda/models/version.py), so R's `r-png=0.1_8` names three components, a full version.
        match = re.fullmatch(r"=(\d+(?:[._][0-9A-Za-z]+)*)", spec)
        if match and (len(re.split(r"[._]", match.group(1))) >= 3 or requirement.name == "python"):
            return True
        if requirement.name == "python" and re.fullmatch(r"(==?)\d+\.\d+(\.\*)?", spec):
            return True
    return requirement.pinned


def why_not(requirement: Requirement, manager: str = "pip") -> tuple[str, str]:
    """Why a requirement is not a pin, and the one thing to do, for messages."""
    spec = requirement.spec
    if manager == "conda" and re.fullmatch(r"=[^=<>!~*,|]+", spec):
        return f"matches a whole series (`{spec[1:]}.*`)", "pin one version with `==`"
    if requirement.kind == "vcs":
        return "follows a branch or a moving tag", "pin a release tag or a full commit"
    if requirement.kind == "url":
        return "points at a moving archive", "pin a commit or a released file"
    if not spec:
        return "has no version", "pin one with `==`"
    if "*" in spec:
        return "is a wildcard, not one version", "pin one with `==`"
    return "is a range, not one version", "pin one with `==`"


# -- versions chosen on purpose (DF401 and DF402 leave them unless asked) -------------------------

_SERIES = re.compile(r"==?\s*\d+\.\d+(?:\.\d+)*(?:\.\*)?")  # `==1.9.*`, conda `=7.24.*`, `=11.2`
VERSION_BOUND = re.compile(r"\s*(>=|<=?|!=)\s*[0-9][0-9A-Za-z.+!*-]*\s*")


def capped(requirement: Requirement) -> bool:
    """A cap set on purpose: upper bounds and excluded releases only (`<1.24.0`, `!=8.3.0`,
    `<2,!=1.25.0`); a lower bound makes it a range, reported."""
    if requirement.kind != "name" or not requirement.spec:
        return False
    operators = []
    for part in requirement.spec.split(","):
        match = VERSION_BOUND.fullmatch(part)
        if match is None:
            return False
        operators.append(match.group(1))
    return all(operator in ("<", "<=", "!=") for operator in operators)


_INCLUSIVE_CAP = re.compile(r"<=\s*\d+(?:\.\d+){2,}")


def closed_line(requirement: Requirement) -> bool:
    """A range that resolves to one release on every build: its upper bound is inclusive and names a
    full release (`boto3>=1.40.0,<=1.41.5`: pip takes the newest release allowed, 1.41.5, and no later
    release is allowed; a reviewer found "every rebuild may differ" false for it), or it closes a
    release line that will get no further release
    (`data/pinning.json` `closed_release_lines`: protobuf's 3.x ended with 3.20.3), with a lower bound
    that does not exclude its last release: it resolves to that release on every build."""
    if requirement.kind != "name" or requirement.name is None or not requirement.spec:
        return False
    if _INCLUSIVE_CAP.search(requirement.spec):
        return True
    lines = _closed_lines().get(requirement.name)
    if not lines:
        return False
    parts = [part.strip() for part in requirement.spec.split(",")]
    for line in lines:
        if f"<{line['below']}" not in parts and f"<{line['below']}.0" not in parts:
            continue
        last = release(line["last"])
        floors = [release(part[2:]) for part in parts if part.startswith(">=")]
        if last is not None and all(floor is not None and floor <= last for floor in floors):
            return True
    return False


def series_pin(requirement: Requirement, manager: str) -> bool:
    """A release series named on purpose: `pytorch==1.9.*`, conda `ipython=7.24.*` or `cudatoolkit=11.2`
    (major and minor given; the patch release floats). A major series (`==2.*`) is not one."""
    if requirement.kind != "name" or not requirement.spec:
        return False
    spec = requirement.spec.strip()
    if manager == "conda":
        return _SERIES.fullmatch(spec) is not None and (spec.endswith(".*") or not spec.startswith("=="))
    # `~=0.30.0` is PEP 440's `>=0.30.0, ==0.30.*`: the same minor series (`~=2.2` is `==2.*`, a major one)
    if re.fullmatch(r"==\s*\d+\.\d+(?:\.\d+)*\.\*|~=\s*\d+\.\d+\.\d+(?:\.\d+)*", spec) is not None:
        return True
    return _minor_range(spec)


def _minor_range(spec: str) -> bool:
    """`>=0.13,<0.14` (or `>=0.13.2, <0.14.0`): a range that stays inside one minor series, the same
    choice as `==0.13.*`."""
    parts = sorted(part.strip() for part in spec.split(","))
    if len(parts) != 2:
        return False
    lower = re.fullmatch(r">=\s*(\d+)\.(\d+)(?:\.\d+)*", parts[1])
    upper = re.fullmatch(r"<\s*(\d+)\.(\d+)(?:\.0)*", parts[0])
    if lower is None or upper is None:
        return False
    return upper[1] == lower[1] and int(upper[2]) == int(lower[2]) + 1


def release(text: str) -> tuple[int, ...] | None:
    """`2.9.2` → (2, 9, 2); None when the text is not a plain release."""
    match = re.fullmatch(r"(\d+(?:\.\d+)*)(?:\+\S*)?", text.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


@cache
def _closed_lines() -> dict[str, list[dict[str, str]]]:
    from dflint.data import load

    return cast("dict[str, list[dict[str, str]]]", load("pinning")["closed_release_lines"]["packages"])


def substance(requirement: Requirement) -> bool:
    """A requirement whose float changes what the image runs: a framework, runtime or GPU wheel
    (`dflint.imagesize.heavy_package`), or a VCS or URL install at a branch or moving tag, which may
    also vanish. The rest are helpers (`requests`, `gunicorn`, `grpcio`), whose pins the default
    scope of DF401 and DF402 leaves to `check-every-package`."""
    return requirement.kind in ("vcs", "url") or heavy_package(requirement.name)
