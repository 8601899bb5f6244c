"""Shared by the pinning rules (DF401 unpinned-package, DF402 unpinned-requirements-file): which
Python package installs to check, and which names an install's constraints and requirements files
pin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.model import Instruction, PackageOp, Requirement, RequirementsFile

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
