"""Build-only dependencies in a stage: compilers and build systems (dflint/data/build_tools.json),
header packages (dflint/data/dev_packages.json), whether an install is undone in the same RUN or by
a later RUN (`removed_in_same_run`, `LaterRemovals`, `late_removals`), and commands that compile."""

from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from dflint.data import load
from dflint.filesystem import absolute, clone_repository, install_write, last_write, removes, ships
from dflint.gpu import gpu_stage, is_gpu_image
from dflint.imagerefs import parse_reference
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, ShellCommand, Stage, normalise_image, split_image
from dflint.platform import split_platform
from dflint.releases import distribution, distro_python
from dflint.rule import Savings
from dflint.shipping import SYSTEM_PACKAGE_TREES, shipped_stages

# The package manager families the data is keyed by, and by which a removal undoes an install.
FAMILY = {
    "apt": "apt",
    "apk": "apk",
    "dnf": "dnf",
    "yum": "dnf",
    "microdnf": "dnf",
    "conda": "conda",
    "pip": "pip",
    "uv": "pip",
    "pipenv": "pip",
    "pipx": "pip",
}
PYTHON_MANAGERS = ("pip", "uv", "pipenv", "pipx")
SYSTEM_FAMILIES = frozenset({"apt", "apk", "dnf"})  # distribution package managers: they write below /usr, never /usr/local
_KIND_TEXT = {
    "meta-package": "build tools meta-package",
    "compiler": "compiler",
    "toolchain": "toolchain",
    "build-system": "build system",
    "build-helper": "build helper",
    "code-generator": "code generator",
    "vcs": "version control tool",
    "build-backend": "build backend",
    "headers": "build headers",
}


_Sizable = TypeVar("_Sizable", "BuildTool", "DevPackage")


@dataclass(frozen=True, slots=True)
class Install:
    """One package named by an install in a stage: the stage, RUN, operation and requirement."""

    stage: Stage
    instruction: Instruction
    op: PackageOp
    requirement: Requirement
    via: Instruction | None = None  # the COPY --from that ships it out of a build-only stage

    @property
    def name(self) -> str:
        assert self.requirement.name is not None
        return self.requirement.name

    @property
    def shipped_by(self) -> str:
        """`` ships in the image through the COPY at line N`` for a copied install, else empty."""
        if self.via is None:
            return ""
        return f" ships in the image through the COPY at line {self.via.span.line}"

    @property
    def via_note(self) -> str:
        """`` (shipped through the COPY at line N)`` for a copied install, else empty."""
        if self.via is None:
            return ""
        return f" (shipped through the COPY at line {self.via.span.line})"


def shipped_installs(dockerfile: Dockerfile, managers: tuple[str, ...] | None = None, files: bool = False) -> Iterator[Install]:
    """Installs in shipped stages, then Python/conda installs in build-only stages whose packages
    the filesystem view says reach the image through a `COPY --from` of the tree they were installed
    into (`COPY --from=builder /opt/venv /opt/venv`), as of the end of that stage: a package a later
    RUN there uninstalls is not copied."""
    shipped = dockerfile.shipped_stages()
    system = {stage.index for stage in shipped_stages(dockerfile, trees=SYSTEM_PACKAGE_TREES)}
    for install in installs(shipped, managers, files):
        if FAMILY.get(install.op.manager) in SYSTEM_FAMILIES and install.stage.index not in system:
            continue  # the stage ships only through a copy of /usr/local, where no system package writes
        yield install
    shipped_indexes = {stage.index for stage in shipped}
    for stage in dockerfile.stages:
        if stage.index in shipped_indexes:
            continue
        for instruction in stage.instructions:
            for op in instruction.packages:
                if op.verb != "install" or (managers is not None and op.manager not in managers):
                    continue
                trees = install_write(dockerfile, stage, instruction, op)
                if not trees or ships(dockerfile, stage, instruction, trees, _never, tree=True) is None:
                    continue
                for install in _op_installs(stage, instruction, op, files):
                    reach = ships(dockerfile, stage, instruction, trees, _uninstalls(install, trees), tree=True)
                    if reach is not None:
                        yield Install(install.stage, install.instruction, install.op, install.requirement, reach.layer)


def _never(command: ShellCommand, instruction: Instruction) -> bool:
    return False


def _uninstalls(install: Install, trees: tuple[str, ...]) -> Callable[[ShellCommand, Instruction], bool | None]:
    """How a later command removes an installed package: uninstalling it, or removing its tree."""
    family = FAMILY.get(install.op.manager)
    plain = tuple(tree for tree in trees if "*" not in tree)

    def cleans(command: ShellCommand, instruction: Instruction) -> bool | None:
        for op in instruction.ops_of(command):
            if op.verb == "remove" and FAMILY.get(op.manager) == family and any(r.name == install.name for r in op.packages):
                return True
        return removes(command, plain) if plain else False

    return cleans


def installs(stages: tuple[Stage, ...], managers: tuple[str, ...] | None = None, files: bool = False) -> Iterator[Install]:
    """Packages installed by RUN instructions of `stages` whose names are known. With `files`, also
    requirements read from files in the build context (their `file`/`file_line` are set)."""
    for stage in stages:
        for instruction in stage.instructions:
            for op in instruction.packages:
                if managers is None or op.manager in managers:
                    yield from _op_installs(stage, instruction, op, files)


def _op_installs(stage: Stage, instruction: Instruction, op: PackageOp, files: bool) -> Iterator[Install]:
    if op.verb != "install" or (op.verb_word is not None and op.verb_word.value == "build-dep"):
        return
    for requirement in op.packages:
        if requirement.name and not (op.command.conditional and _from_variable(op, requirement)):
            yield Install(stage, instruction, op, requirement)
    if files:
        for requirements_file in op.files:
            for nested in requirements_file.walk():
                if nested.constraint or nested.status != "read":
                    continue
                for requirement in nested.requirements:
                    if requirement.name:
                        yield Install(stage, instruction, op, requirement)


# -- branches this build does not take ----------------------------------------------------------------

_IF = re.compile(r"(?:^|[\s;&|(])if\s+(?P<condition>.+?)\s*;?\s*then\s", re.S)
_OTHER_BRANCH = re.compile(r"(?:^|[\s;&|(])(?:if|fi|else|elif|then|case|esac)(?=[\s;]|$)")
_TEST = re.compile(
    r"(?P<open>\[\[?)\s+(?:(?P<left>\S+)\s+(?P<op>==?|!=)\s+(?P<right>\S+)|(?P<flag>-[nz])\s+(?P<word>\S+))\s+(?P<close>\]\]?)"
)
_ELSE = re.compile(r"(?:^|[\s;&|(])else(?=[\s;]|$)")
_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)\}|(?P<plain>\w+))")
_PLATFORM_PARTS = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT")


def skipped_branch(install: Install) -> str | None:
    """`branch_not_taken` for an install's command."""
    return branch_not_taken(install.stage, install.instruction, install.op)


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a package operation runs: what a branch's tests are evaluated against."""

    stage: Stage
    instruction: Instruction
    op: PackageOp


def branch_not_taken(stage: Stage, instruction: Instruction, op: PackageOp) -> str | None:
    """The condition of the `if` whose `then` branch holds the install's command, when the model
    can tell that this build does not take it, else None: each test compares build arguments or
    the target platform with a literal (`[ "${TARGETARCH}" = "arm64" ] || [ "$TARGETARCH" =
    "ppc64le" ]`, `[ "$ADDRESS_SANITIZER" = "1" ]`, `[ -n "$GPU" ]`), the platform is the one the
    stage is built for (linux/amd64 unless `--build-arg TARGETPLATFORM=…` says otherwise), and an
    `ARG` declared without a default and not given with `--build-arg` is empty, as BuildKit leaves
    it (and so is an ENV that only copies it, `ENV BUILD_TYPE=${BUILD_TYPE}`). A command in the `else` branch of such an `if` is not taken when the condition holds. In
    `[[ … ]]`, the right side of `==` and `!=` is a pattern (`[[ ${SPARK_PACKAGE} != *"-preview"* ]]`),
    as in bash. Anything else (a command's output, an `elif`, a nested `if`) may run."""
    command = op.command
    if instruction.shell and _POWERSHELL.search(instruction.shell[0]):
        return _powershell_branch_not_taken(stage, instruction, op)
    guard = release_guard_exits(stage, instruction, command)
    if guard is not None:
        return guard
    if not command.conditional:
        return None
    text = instruction.text.replace("\\\n", "  ")
    start = command.span.offset - instruction.span.offset
    if not 0 < start <= len(text):
        return None
    before = text[:start]
    found = next(iter(reversed(list(_IF.finditer(before)))), None)  # the last `if … then` before it
    if found is None:
        return None
    branch = before[found.end() :]
    taken_when = False  # the `then` branch runs when the condition holds
    others = list(_OTHER_BRANCH.finditer(branch))
    if others:
        # the `else` branch of the same `if`: nothing else between `then` and the command
        if len(others) != 1 or _ELSE.match(branch, others[0].start()) is None:
            return None
        taken_when = True
    condition = " ".join(found.group("condition").split())
    result = _evaluate(condition, _Place(stage, instruction, op))
    if result is None or result is not taken_when:
        return None
    return condition if not taken_when else f"else of {condition}"


# an early exit for some releases of the base: `if (( $(echo "${VERSION_ID} >= 21.04" | bc -l) )); then
# … exit 0; fi` after `source /etc/os-release` (GPUStack's GCC upgrade, for Ubuntu before 21.04)
_RELEASE_GUARD = re.compile(
    r"(?:^|[\s;&|(])if\s+(?P<condition>[^\n;]*?\bVERSION_ID\b[^\n;]*?)\s*;?\s*then\s"
    r"(?P<body>(?:(?!\bfi\b|\bif\s).)*?)\bexit\s+0\b[^\n;]*[;\n]\s*fi\b",
    re.S,
)
_VERSION_TEST = re.compile(
    r"\$\{?VERSION_ID\}?[\"']?\s*(?P<op>>=|<=|==|=|>|<|-ge|-le|-gt|-lt|-eq)\s*[\"']?(?P<value>\d+(?:\.\d+)?)\b"
)
_COMPARE: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": lambda a, b: a >= b,
    "-ge": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "-gt": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "-le": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "-lt": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "=": lambda a, b: a == b,
    "-eq": lambda a, b: a == b,
}


def release_guard_exits(stage: Stage, instruction: Instruction, command: ShellCommand) -> str | None:
    """The condition of an earlier `if … then … exit 0 … fi` of the same RUN that tests the base's
    release (`VERSION_ID` from `/etc/os-release`, compared with a number) and holds for the release
    the stage's root image names (`ubuntu:24.04@sha256:…`: VERSION_ID 24.04), so the RUN ends
    before the command; None otherwise, or when the release is not known."""
    text = instruction.text.replace("\\\n", "  ")
    start = command.span.offset - instruction.span.offset
    if not 0 < start <= len(text):
        return None
    before = text[:start]
    if "os-release" not in before:
        return None
    for guard in _RELEASE_GUARD.finditer(before):
        test = _VERSION_TEST.search(guard.group("condition"))
        if test is None:
            continue
        release = distribution(stage.base_resolved if stage.base_stage is None else None)
        if release is None or release.startswith("Alpine"):
            return None  # Alpine's VERSION_ID is its full version (3.20.3), not the branch the tag names
        have = tuple(int(part) for part in release.split()[1].split("."))
        want = tuple(int(part) for part in test.group("value").split("."))
        if _COMPARE[test.group("op")](have, want):
            return f"{' '.join(guard.group('condition').split())} (exits on {release})"
    return None


_POWERSHELL = re.compile(r"(?i)(?:^|[\\/])(?:powershell|pwsh)(?:\.exe)?$")
# `if ($env:REBUILD_HNSWLIB -eq 'true') {` (Chroma's Windows image): one comparison of an environment
# variable with a literal, case-insensitive as PowerShell's `-eq`/`-ne` are
_POWERSHELL_IF = re.compile(
    r"(?i)\bif\s*\(\s*\$env:(?P<name>\w+)\s+-(?P<op>eq|ne)\s+(?P<quote>['\"])(?P<literal>[^'\"$`]*)(?P=quote)\s*\)\s*\{"
)


def _powershell_branch_not_taken(stage: Stage, instruction: Instruction, op: PackageOp) -> str | None:
    """The condition of the PowerShell `if (…) {` block that holds the install, when this build does
    not take it: the variable is a build argument whose value the build knows (an ARG without a
    default, not given, is empty). None when the install is not inside such a block, or it may run."""
    text = instruction.text
    start = op.command.span.offset - instruction.span.offset
    if not 0 < start <= len(text):
        return None
    before = text[:start]
    found = next(iter(reversed(list(_POWERSHELL_IF.finditer(before)))), None)
    if found is None or "}" in before[found.end() :]:
        return None
    value = _value(found.group("name"), _Place(stage, instruction, op))
    if value is None:
        return None
    equal = value.lower() == found.group("literal").lower()
    taken = equal if found.group("op").lower() == "eq" else not equal
    return None if taken else " ".join(found.group(0).rstrip("{").split())


def _evaluate(condition: str, place: _Place) -> bool | None:
    """`[ … ] || [ … ] && [ … ]` evaluated left to right as the shell does; None when unknown."""
    parts = re.split(r"\s*(\|\||&&)\s*", condition)
    result = _test(parts[0], place)
    for joiner, test in zip(parts[1::2], parts[2::2], strict=True):
        if result is None:
            return None
        if (joiner == "||" and result) or (joiner == "&&" and not result):
            continue
        result = _test(test, place)
    return result


def _test(text: str, place: _Place) -> bool | None:
    match = _TEST.fullmatch(text.strip())
    if match is None or len(match.group("open")) != len(match.group("close")):
        return None
    if match.group("flag"):
        word = _word(match.group("word"), place)
        return None if word is None else (word != "") == (match.group("flag") == "-n")
    left = _word(match.group("left"), place)
    if left is None:
        return None
    if match.group("open") == "[[":  # bash: the right side is a pattern, its quoted parts literal
        pattern = _pattern(match.group("right"))
        if pattern is None:
            return None
        equal = pattern.fullmatch(left) is not None
    else:
        right = _word(match.group("right"), place)
        if right is None:
            return None
        equal = left == right
    return equal == (match.group("op") != "!=")


def _pattern(text: str) -> re.Pattern[str] | None:
    """A `[[ … == pattern ]]` operand as a regular expression: `*` and `?` outside quotes match as in
    bash, quoted text literally; None when it holds a variable, a bracket expression, an escape or an
    unterminated quote."""
    parts: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "\"'":
            close = text.find(char, position + 1)
            if close < 0:
                return None
            literal = text[position + 1 : close]
            if char == '"' and any(special in literal for special in "$`\\"):
                return None
            parts.append(re.escape(literal))
            position = close + 1
            continue
        if char in "$`\\[":
            return None
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        position += 1
    return re.compile("".join(parts), re.S)


def _word(text: str, place: _Place) -> str | None:
    """A test's operand: a literal, or one variable (quoted or not) whose value the build knows."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    variable = _VARIABLE.fullmatch(text)
    if variable is None:
        return None if any(char in text for char in "$`\\*?[") else text
    return _value(variable.group("braced") or variable.group("plain"), place)


def _value(name: str, place: _Place) -> str | None:
    env = place.instruction.env
    value = env.get(name)
    if value is not None:
        return value
    if name not in env:
        return None
    if name in _PLATFORM_PARTS and place.op.platform:
        os_name, arch, variant = split_platform(place.op.platform)
        return {"TARGETPLATFORM": place.op.platform, "TARGETOS": os_name, "TARGETARCH": arch, "TARGETVARIANT": variant}[name]
    declared = False
    for instruction in place.stage.instructions:
        if instruction is place.instruction:
            break
        for pair in instruction.pairs:
            if pair.key == name:
                if declared and instruction.keyword == "ENV" and _copies_itself(pair.raw_value, name):
                    continue  # `ENV BUILD_TYPE=${BUILD_TYPE}` after `ARG BUILD_TYPE`: still empty (LocalAI)
                if instruction.keyword != "ARG" or pair.value is not None:
                    return None
                declared = True
    return "" if declared else None


def _copies_itself(raw_value: str | None, name: str) -> bool:
    """The value is the variable itself and nothing else (`${BUILD_TYPE}`, `"$BUILD_TYPE"`)."""
    value = (raw_value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value in (f"${name}", f"${{{name}}}")


def _from_variable(op: PackageOp, requirement: Requirement) -> bool:
    """True when the package word is written with a variable (`pip install ${TF_PACKAGE}`). Inside
    a branch (`if [ "$TF_PACKAGE" = tf-nightly ]; then pip install $TF_PACKAGE; fi`) its default
    value is probably not what runs there, so such a name counts as unknown."""
    span, command = requirement.span, op.command
    if span is None:
        return False
    start, end = span.offset - command.span.offset, span.end_offset - command.span.offset
    return 0 <= start < end <= len(command.text) and "$" in command.text[start:end]


def where(install: Install) -> str:
    """`requirements.txt:3` for a requirement from a file, else empty."""
    requirement = install.requirement
    if requirement.file is None:
        return ""
    return f"{requirement.file}:{requirement.file_line}" if requirement.file_line else requirement.file


def size_text(savings: Savings | None, basis: str) -> str:
    if savings is None:
        return ""
    return f" (about {savings.mb:g} MB {basis})"


# Bases of estimates that count a package's dependencies: two such estimates may share most of them
# (`build-essential` pulls `g++`, `libtool` pulls `gcc`), so they are never added up.
_CLOSURE_BASES = frozenset({"with its dependencies", "more than the run-time library"})


@dataclass(frozen=True, slots=True)
class Sized:
    """A package named by a finding, with its size estimate (None: unknown) and what it measures."""

    name: str
    savings: Savings | None
    basis: str


def by_size(items: Sequence[Sized]) -> list[Sized]:
    """Largest estimate first, packages of unknown size last, otherwise in the order given."""
    return sorted(items, key=lambda item: -item.savings.mb if item.savings is not None else 1.0)


def apt_measured_on(base: str | None) -> bool:
    """Whether the apt facts in the data (sizes, run-time package names) were measured on the
    release `base` names (`build_tools.json` `managers.apt.release`: Debian 12)."""
    return bool(distribution(base) == _build_managers()["apt"].get("release"))


def for_base(item: _Sizable, base: str | None) -> _Sizable:
    """`item` with its size as measured on the release `base` (the stage's root image) names: apt
    sizes and closures were measured on Debian 12 (`build_tools.json` `managers.apt.release`) and on
    Ubuntu 22.04 and 24.04 (`other_releases`, in `build_tools.json` and `dev_packages.json`), each
    release's own; on any other release (or a base that names none) the size is left out, since
    its packages differ."""
    if item.family != "apt" or apt_measured_on(base):
        return item
    measured = release_facts(item, base)
    if measured is None:
        return dataclasses.replace(item, savings=None, basis="")
    facts, source = measured
    if isinstance(item, DevPackage):
        savings, basis = _dev_savings(item.name, {**facts, "source": source}, {})
    else:
        savings, basis = _tool_savings({**facts, "source": source}, {}, item.family)
    return dataclasses.replace(item, savings=savings, basis=basis)


def with_compiler_kept(package: DevPackage, base: str | None) -> DevPackage:
    """`package` sized for an image that keeps a C compiler (a server that compiles when it runs, a
    `build-essential` the image needs): what its closure adds beyond its run-time package(s) and
    build-essential's closure (`over_toolchain_mb`, for the release `base` names), since much of a
    header package's closure (libc6-dev, gcc through `mpicc` or gfortran) stays with the compiler.
    Where no such size was measured, the size is left out rather than overstated."""
    if package.family != "apt" or package.savings is None:
        return package
    if apt_measured_on(base):
        facts: dict[str, Any] | None = _dev_data()["packages"].get("apt", {}).get(package.name)
        source = str((facts or {}).get("source", ""))
    else:
        measured = release_facts(package, base)
        facts, source = measured if measured is not None else (None, "")
    over = facts.get("over_toolchain_mb") if facts is not None else None
    if not isinstance(over, (int, float)) or facts is None:
        return dataclasses.replace(package, savings=None, basis="")
    kept = facts.get("over_runtime_of") or "its run-time package"
    savings = Savings(
        float(over),
        f"closure of {package.name} less the closures of {kept} and build-essential, which stay; {source}",
        overlaps=True,
    )
    return dataclasses.replace(package, savings=savings, basis="more than the run-time library and the compiler the image keeps")


def keeps_c_compiler(dockerfile: Dockerfile, reported: frozenset[int] = frozenset()) -> Install | None:
    """The first install of a C compiler (`build-essential`, `gcc`) in the shipped stages that stays in
    the image: no removal in the same RUN, and not one of the install commands (`id(op)`) a finding
    tells to move out (`reported`: DF201's). None when there is none."""
    for install in shipped_installs(dockerfile, managers=("apt", "apk", "dnf", "yum", "microdnf")):
        if id(install.op) in reported or removed_in_same_run(install):
            continue
        if provides_c_compiler(install.op.manager, install.name):
            return install
    return None


def release_facts(item: BuildTool | DevPackage, base: str | None) -> tuple[dict[str, Any], str] | None:
    """What the data measured of an apt package on the release `base` names, when that is a release
    measured besides Debian 12 (Ubuntu 22.04, 24.04: `other_releases`), with the measurement's source;
    None for a package or release not measured."""
    release = distribution(base)
    if release is None or item.family != "apt":
        return None
    if isinstance(item, DevPackage):
        table = _dev_data().get("other_releases", {}).get("apt", {}).get(release)
    else:
        table = _build_managers().get("apt", {}).get("other_releases", {}).get(release)
    facts = table.get("packages", {}).get(item.name) if table is not None else None
    return (facts, str(table.get("source", ""))) if facts is not None and table is not None else None


def combined_savings(items: Sequence[Sized]) -> tuple[Savings | None, str]:
    """What removing all of `items` saves, and a phrase saying how the number was made. Only known
    estimates count (none known: None). Estimates that include dependencies overlap, so the largest
    stands for all of them (a floor, the same estimate as that package's own); installed or wheel
    sizes of different packages do not, so they are added up (`Savings.parts` names them)."""
    known = [item for item in items if item.savings is not None]
    unknown = len(items) - len(known)
    verb = "has" if unknown == 1 else "have"
    missing = f"; {unknown} of the {len(items)} packages {verb} no known size" if unknown and len(items) > 1 else ""
    if not known:
        return None, ""
    if len(known) == 1:
        item = known[0]
        assert item.savings is not None
        return item.savings, f"about {item.savings.mb:g} MB, `{item.name}` {item.basis}{missing}"
    if any(item.basis in _CLOSURE_BASES for item in known):
        largest = by_size(known)[0]
        assert largest.savings is not None
        return largest.savings, (
            f"at least {largest.savings.mb:g} MB, the largest estimate (`{largest.name}` {largest.basis}); the others share"
            f" dependencies with it, so they are not added up{missing}"
        )
    parts = tuple(item.savings for item in known if item.savings is not None)
    total = round(sum(part.mb for part in parts), 1)
    source = "sum of " + "; ".join(f"`{item.name}`: {item.savings.source}" for item in known if item.savings is not None)
    return Savings(total, source, parts), f"about {total:g} MB, the sum of {len(parts)} estimates{missing}"


# -- build tools ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuildTool:
    """A build-only tool (compiler, headers, git) from the data, with what leaving it out saves."""

    name: str
    family: str
    kind: str
    low: bool  # sometimes needed at run time (git)
    savings: Savings | None
    basis: str  # what the savings number measures

    @property
    def kind_text(self) -> str:
        return _KIND_TEXT.get(self.kind, self.kind)


def python_installer(name: str | None) -> bool:
    """A tool that installs Python packages rather than being an application's dependency (`pip`,
    `setuptools`, `wheel`, `uv`, `conda-lock`): `dflint/data/build_tools.json` `python_installers`."""
    return name is not None and name.lower() in _python_installers()


@cache
def _python_installers() -> frozenset[str]:
    return frozenset(str(name) for name in load("build_tools")["python_installers"]["names"])


def small_build_helper(name: str | None) -> bool:
    """A build helper whose wheel is pure Python and measured small (`packaging`, `hatchling`: at most
    414 KB; not `cmake` or `ninja`, which ship programs): `build_tools.json` `python_build_helpers`
    `small_wheels`, with the sizes and how they were read."""
    return name is not None and name.lower() in _small_build_helpers()


@cache
def _small_build_helpers() -> frozenset[str]:
    return frozenset(str(name) for name in load("build_tools")["python_build_helpers"]["small_wheels"]["names"])


def python_build_helper(name: str | None) -> bool:
    """A Python package installed only so that a later install can build from source (`packaging`,
    `ninja`, a PEP 517 back-end): `dflint/data/build_tools.json` `python_build_helpers`."""
    if name is None:
        return False
    return name.lower().replace("_", "-") in _python_build_helpers()


@cache
def _python_build_helpers() -> frozenset[str]:
    return frozenset(str(name) for name in load("build_tools")["python_build_helpers"]["names"])


@cache
def _build_managers() -> dict[str, Any]:
    managers: dict[str, Any] = load("build_tools")["managers"]
    return managers


def build_tool(manager: str, name: str) -> BuildTool | None:
    """A compiler, build system or toolchain (header packages are left to `dev_package`)."""
    family = FAMILY.get(manager)
    if family is None:
        return None
    data = _build_managers().get(family)
    if data is None:
        return None
    name = name.lower()
    if not any(re.fullmatch(pattern, name) for pattern in data.get("patterns", ())) and not _pip_listed(family, data, name):
        return None
    facts = data.get("packages", {}).get(name) or {}
    kind = facts.get("kind", _guess_kind(name))
    if kind == "headers" and family != "pip":
        return None
    savings, basis = _tool_savings(facts, data, family)
    return BuildTool(name, family, kind, facts.get("severity") == "low", savings, basis)


def _pip_listed(family: str, data: dict[str, Any], name: str) -> bool:
    """pip's build tools are listed by name (`packages`); its `patterns` only add the nvcc wheels."""
    return family == "pip" and name in data.get("packages", {})


def _guess_kind(name: str) -> str:
    return "vcs" if name == "git" else "build tool"


def _tool_savings(facts: dict[str, Any], data: dict[str, Any], family: str) -> tuple[Savings | None, str]:
    source = facts.get("source") or data.get("source", "")
    for key, basis in (("closure_mb", "with its dependencies"), ("installed_mb", "installed")):
        value = facts.get(key)
        if isinstance(value, (int, float)) and value > 0:
            how = data.get("installed_source") if key == "installed_mb" else None  # pip's: the wheel unpacked
            return Savings(float(value), f"{how}; {source}" if how else source, overlaps=key == "closure_mb"), basis
    wheel = facts.get("wheel_mb")
    if isinstance(wheel, (int, float)) and wheel > 0:
        return Savings(float(wheel), f"compressed wheel size; {source}"), "as a compressed wheel"
    return None, ""


# -- negligible next to GPU libraries -------------------------------------------------------------

NEGLIGIBLE_MB = 20.0  # under 2 % of the smallest CUDA runtime image measured (1148 MB)
# Images that carry accelerator libraries, or a framework or server built on them, by name.
_ACCELERATOR_IMAGE = re.compile(
    r"cuda|rocm|habana|gaudi|neuron|tritonserver|tensorrt|pytorch|vllm|sglang|text-generation-inference"
    # Jetson: JetPack 5 and later install CUDA, cuDNN and TensorRT inside the container through the
    # `l4t-jetpack` base, and `l4t-ml` adds the frameworks (`data/base_images.json` l4t-pytorch's basis)
    r"|l4t-jetpack|l4t-ml|l4t-tensorflow",
    re.IGNORECASE,
)


def negligible_in_gpu_image(dockerfile: Dockerfile, stage: Stage, sizes: Sequence[float | None]) -> bool:
    """True when every size is known and under `NEGLIGIBLE_MB` and the stage carries accelerator
    libraries: its root image names CUDA, ROCm, Gaudi, Neuron, a framework or an LLM server
    (`nvidia/cuda`, `rocm/pytorch`, `vault.habana.ai/gaudi-docker`, `vllm/vllm-openai` …), or,
    on another base, the stage can use a GPU by its CUDA packages or variables
    (`dflint.gpu.gpu_stage`). Those libraries come to more than a gigabyte: the CUDA runtime
    images alone measure 1148 MB (`nvidia/cuda:9.0-cudnn7-runtime-ubuntu16.04`) and 1300 MB
    (`12.9.1-runtime-ubi9`, `data/base_images.json` `sizes`), and on the 115 MB base flavour the
    framework brings them (torch's CUDA build with its 18 nvidia wheels: 2730 MB,
    `data/heavy_frameworks.json`). A package of a few megabytes (`make` 1.8 MB, `libssl-dev`
    12.6 MB over `libssl3`, `pkg-config` 0.4 MB, measured on Debian 12) is under 2 % of that. The
    sizes are the base's release's own where the data measured it (Debian 12, Ubuntu 22.04 and
    24.04), else Debian 12's: they decide that a package is small, and are never shown for a
    release not measured. A plain base that only has a GPU
    vendor's name (`nvcr.io/nvidia/base/ubuntu`) is not enough."""
    if not sizes or not all(size is not None and size < NEGLIGIBLE_MB for size in sizes):
        return False
    root = dockerfile.root_image(stage) or ""
    if _ACCELERATOR_IMAGE.search(root):
        return True
    return gpu_stage(dockerfile, stage) is True and not is_gpu_image(root)  # CUDA packages or variables


# -- build-flavoured base images ------------------------------------------------------------------


def build_image(reference: str | None) -> dict[str, Any] | None:
    """The entry of `data/base_images.json` `build_flavoured` that a resolved image reference is:
    a build flavour that carries a compiler toolchain where a runtime flavour exists
    (`nvidia/cuda:*-devel-*`, `pytorch/pytorch:*-devel`, the full `python:X` images built on
    `buildpack-deps`, `golang`, `rust`, `gcc` …); None for any other image. A stage that ships on
    such a base ships a build environment, and the build tools installed on it go with that base."""
    if not reference:
        return None
    name, tag, _ = split_image(reference)
    lowered = name.lower()
    tag = tag or "latest"
    for entry in _build_images():
        names = {entry["image"], *entry.get("aliases", ())}
        if (lowered in names or normalise_image(lowered) in names) and re.fullmatch(entry["tag_pattern"], tag):
            return entry
    return None


def base_holds(dockerfile: Dockerfile, stage: Stage, manager: str, name: str) -> str | None:
    """The build-flavoured base image of `stage` when it already holds the apt package `name` (the full
    `python:X` images carry gcc, g++, make … from buildpack-deps: `build_flavoured` `contains`), so an
    install of it there adds nothing: what ships it is the base (DF102's fix, the slim counterpart).
    `build-essential` counts as held when its compilers, make and dpkg-dev are. None otherwise."""
    if FAMILY.get(manager) != "apt":
        return None
    root = dockerfile.root_image(stage)
    entry = build_image(root)
    if root is None or entry is None:
        return None
    held = set(entry.get("contains", {}).get("build_tools", ()))
    wanted = {"gcc", "g++", "make", "dpkg-dev"} if name == "build-essential" else {name}
    return root if wanted <= held else None


def runtime_tag(entry: dict[str, Any], tag: str) -> str | None:
    """The tag of a build image's runtime counterpart (`build_flavoured` `replacement`: `3.11-bookworm`
    → `3.11-slim-bookworm`), or None when the entry gives none for this tag."""
    rewrite = entry.get("replacement")
    if not rewrite:
        return None
    replaced = re.sub(rewrite["from"], rewrite["to"], tag, count=1)
    return replaced if replaced != tag else None


def slim_counterpart(reference: str) -> str | None:
    """The runtime counterpart of a build-flavoured image that replaces it in place (`python:3.10` →
    `python:3.10-slim`), or None."""
    entry = build_image(reference)
    if entry is None or not entry.get("counterpart_in_place"):
        return None
    name, tag, _ = split_image(reference)
    new_tag = runtime_tag(entry, tag or "latest")
    return f"{name}:{new_tag}" if new_tag is not None else None


def toolchain_base(reference: str | None) -> bool:
    """A build image whose toolchain belongs in a build stage (`nvidia/cuda:*-devel-*`,
    `pytorch/pytorch:*-devel`, `golang`, `gcc`, `buildpack-deps` …): not one whose runtime
    counterpart replaces it in place (`counterpart_in_place`: `python:3.11` → `python:3.11-slim`,
    where the stage's build tools stay its own)."""
    entry = build_image(reference)
    return entry is not None and not entry.get("counterpart_in_place")


@cache
def _build_images() -> tuple[dict[str, Any], ...]:
    return tuple(load("base_images")["build_flavoured"])


# -- compilers needed at run time ----------------------------------------------------------------------


_TRITON_COMPILES = "whose Triton kernels are compiled with a C compiler when it runs"


@dataclass(frozen=True, slots=True)
class RuntimeCompiler:
    """Why the shipped image needs a C compiler when it runs: what serves through Triton kernels,
    what in the file says so, and the source of the fact."""

    server: str  # "vLLM", "text-generation-inference", "Triton", "FlashInfer"
    evidence: str  # "`vllm` installed at line 12", "the base image `vllm/vllm-openai`" …
    source: str
    compiles: str = _TRITON_COMPILES  # how it compiles when it runs
    ninja: str | None = None  # why it runs ninja too, when it does (None: it does not)
    # a compiler suite its users build with (`system_packages`): any header it ships is one they compile against
    reads_every_header: bool = False
    nvcc: bool = False  # it compiles CUDA sources with nvcc too (PyTorch extensions built just in time)

    @property
    def text(self) -> str:
        return f"the image runs {self.server} ({self.evidence}), {self.compiles}"

    @classmethod
    def of(cls, facts: dict[str, Any], evidence: str) -> RuntimeCompiler:
        """From an entry of `runtime_compilers` in `data/build_tools.json`."""
        ninja = facts.get("ninja_text", "") if facts.get("ninja") else None
        compiles = facts.get("compiles", _TRITON_COMPILES)
        return cls(
            facts["name"],
            evidence,
            facts["source"],
            compiles,
            ninja,
            bool(facts.get("reads_every_header")),
            bool(facts.get("nvcc")),
        )


def installs_at_start(dockerfile: Dockerfile) -> str | None:
    """What says the shipped image pip-installs packages when it starts (`data/build_tools.json`,
    `installs_at_start`): the Hugging Face and SageMaker inference toolkits install the model's own
    requirements.txt before they serve it, as does a start script read from the build context that
    runs `pip install` (`dflint/start_script.py`), and a package there without a wheel builds from source,
    so the compilers, build systems, headers and CUDA toolkit the image carries are what it runs with.
    None when nothing does. Decided once per file."""
    key = ("installs at start", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _installs_at_start(dockerfile)
    return cast("str | None", dockerfile.memo[key])


def _installs_at_start(dockerfile: Dockerfile) -> str | None:
    packages = load("build_tools")["installs_at_start"]["python_packages"]
    found = _shipped_python_package(dockerfile, packages) or _copied_python_package(dockerfile, packages)
    if found is None:
        server = _installing_server_program(dockerfile)
        if server is not None:
            return server
        setting = _installing_setting(dockerfile)
        if setting is not None:
            return setting
        from dflint.start_script import start_script

        script = start_script(dockerfile)
        if script is None:
            return _reruns_unread_installer(dockerfile)
        op = script.python_install()
        if op is not None:
            return f"its start script `{script.source}` runs `{op.program} {op.verb}` when the container starts"
        build = script.builds()
        if build is not None:  # `make build` (llama-cpp-python): it compiles when the container starts
            return f"its start script `{script.source}` runs `{build.name}` when the container starts"
        return None
    facts, evidence = found
    return f"it runs {facts['name']} ({evidence}), which pip-installs the model's requirements when it starts"


def _reruns_unread_installer(dockerfile: Dockerfile) -> str | None:
    """The image's command runs a shell script that a RUN of the image also ran, where the build
    context holds no copy of it to read (cloned at build time): the build ran it to install the
    application, and what it installs when the container starts is unknown (text-generation-webui's
    images run `start_linux.sh` in a RUN with `LAUNCH_AFTER_INSTALL=FALSE`, then as their CMD)."""
    final = dockerfile.final_stage()
    if final is None:
        return None
    chain = dockerfile.ancestry(final)
    command = next(
        (
            instruction
            for stage in chain
            for instruction in reversed(stage.instructions)
            if instruction.keyword in ("ENTRYPOINT", "CMD")
        ),
        None,
    )
    if command is None:
        return None
    scripts = {posixpath.basename(word) for word in re.findall(r"[\w./-]+\.sh\b", command.arguments)}
    for stage in reversed(chain):
        for run in stage.instructions_of("RUN"):
            for each in run.commands:
                written = (each.argv[0].value or "") if each.argv else ""
                name = posixpath.basename(written)
                if name in scripts and not _from_context(dockerfile, stage, each, written):
                    # a script copied from the build context is read there (or unknown without it); this one is not
                    return (
                        f"its command runs `{name}`, which the build ran on line {run.span.line} to install the application"
                        " and which is not in the build context to read: what it installs when the container starts is unknown"
                    )
    return None


def _from_context(dockerfile: Dockerfile, stage: Stage, command: ShellCommand, program: str) -> bool:
    """The script a RUN's command runs (`/opt/setup.sh`, `./start.sh` where it `cd`s) was put in place
    by a COPY or ADD from the build context."""
    path = absolute(program, command.cwd)
    if path is None or not path.startswith("/"):
        return False
    write = last_write(dockerfile, stage, path, command)
    return write is not None and write.from_context


def installs_into_system_at_start(dockerfile: Dockerfile) -> str | None:
    """What says the shipped image pip-installs a model's requirements into the system's site-packages
    when it starts (the Hugging Face inference toolkit's `entrypoint.sh`: `pip install -r
    ${HF_MODEL_DIR}/requirements.txt`, no `--user`; `into_system` in `installs_at_start`), so it runs as
    the user who owns them. None when nothing does."""
    packages = {
        name: facts
        for name, facts in load("build_tools")["installs_at_start"]["python_packages"].items()
        if facts.get("into_system")
    }
    found = _shipped_python_package(dockerfile, packages) or _copied_python_package(dockerfile, packages)
    if found is None:
        return None
    facts, evidence = found
    return f"it runs {facts['name']} ({evidence}), which pip-installs the model's requirements into the system's site-packages when it starts"


def _installing_server_program(dockerfile: Dockerfile) -> str | None:
    """A model server that installs each model's requirements.txt when it loads the model, named by
    the program a shipped stage runs to install or use it (`scripts/install_djl_serving.sh`,
    `djl-serving -i …`) or the image's command (`installs_at_start` `programs`)."""
    from dflint.purpose import command_program

    programs: dict[str, dict[str, Any]] = {}
    for program, facts in load("build_tools")["installs_at_start"].get("programs", {}).items():
        for name in (program, *facts.get("also", ())):
            programs[name] = facts
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("RUN"):
            for command in instruction.commands:
                name = posixpath.basename(command.name or "")
                if name in programs:
                    return f"it runs {programs[name]['name']} (`{name}` at line {command.span.line}), which installs each model's requirements.txt when it loads it"
    final = dockerfile.final_stage()
    if final is not None:
        program, _ = command_program(dockerfile.ancestry(final))
        if program in programs:
            return f"its command runs {programs[program]['name']} (`{program}`), which installs each model's requirements.txt when it loads it"
    return None


def _installing_setting(dockerfile: Dockerfile) -> str | None:
    """A model server's setting that makes it pip-install each model's requirements when it loads it
    (`installs_at_start` `settings`: TorchServe's `install_py_dep_per_model=true`), set in the final
    stage's environment (`ENV TS_INSTALL_PY_DEP_PER_MODEL=true`) or in a properties file a shipped
    stage copies from the build context."""
    from dflint.filesystem import instruction_writes
    from dflint.project_files import properties

    final = dockerfile.final_stage()
    for setting in load("build_tools")["installs_at_start"].get("settings", ()):
        value = final.end_env.get(setting["env"]) if final is not None else None
        if value is not None and value.strip().lower() == "true":
            return (
                f"it sets `{setting['env']}=true`, so {setting['name']} pip-installs each model's requirements when it loads it"
            )
        for stage in dockerfile.shipped_stages():
            for instruction in stage.instructions_of("COPY", "ADD"):
                for write in instruction_writes(instruction):
                    source = write.source
                    if not write.from_context or source is None or not source.endswith(setting["file_suffix"]):
                        continue
                    found = properties(dockerfile, source.lstrip("/"))
                    if found is not None and found.get(setting["property"], "").lower() == "true":
                        return (
                            f"`{source}` copied at line {instruction.span.line} sets `{setting['property']}=true`,"
                            f" so {setting['name']} pip-installs each model's requirements when it loads it"
                        )
    return None


def needs_cuda_toolkit(dockerfile: Dockerfile) -> str | None:
    """What says the shipped image needs the CUDA Toolkit (nvcc, the CUDA headers) when it runs: it
    installs a package whose installation guide asks for it (TensorRT-LLM: `data/build_tools.json`
    `cuda_toolkit_at_run_time`, with sources). None when nothing does. Decided once per file."""
    key = ("needs cuda toolkit", None)
    if key not in dockerfile.memo:
        found = _shipped_python_package(dockerfile, load("build_tools")["cuda_toolkit_at_run_time"]["python_packages"])
        dockerfile.memo[key] = None if found is None else f"it runs {found[0]['name']} ({found[1]}), which needs the CUDA Toolkit"
    return cast("str | None", dockerfile.memo[key])


def _copied_python_package(dockerfile: Dockerfile, packages: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The data entry of a package whose source directory a shipped stage copies from the build
    context (`COPY src/huggingface_inference_toolkit huggingface_inference_toolkit`: the toolkit's own
    images put its package beside the server they run), or into whose installed directory it copies a
    file (`COPY decoder.py …/dist-packages/sagemaker_inference/decoder.py`: a patch of the installed
    package), with where: "`src/huggingface_inference_toolkit` copied at line 70". A copy out of another
    stage does not count."""
    by_import = {facts["import_package"]: facts for facts in packages.values() if "import_package" in facts}
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("COPY", "ADD"):
            spec = instruction.copy
            if spec is None or spec.source_stage is not None or instruction.flag("from") is not None:
                continue
            for source in spec.sources:
                if source is None:
                    continue
                facts = by_import.get(source.rstrip("/").rsplit("/", 1)[-1])
                if facts is not None:
                    return facts, f"`{source}` copied at line {instruction.span.line}"
            # a file copied into the installed package (`…/dist-packages/sagemaker_inference/decoder.py`,
            # a patch the AWS images apply): the package is installed, whatever installed it
            parts = (spec.destination or "").split("/")
            for index, part in enumerate(parts[:-1]):
                if part in ("site-packages", "dist-packages") and parts[index + 1] in by_import:
                    facts = by_import[parts[index + 1]]
                    return facts, f"`{'/'.join(parts[: index + 2])}` written at line {instruction.span.line}"
    return None


def _shipped_python_package(dockerfile: Dockerfile, packages: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The data entry of the first shipped Python install named in `packages` (PEP 503 names), with
    where it is installed: "`vllm` installed at line 12". One that also runs ninja when it compiles
    comes first (lightllm's requirements name triton, then vllm and flashinfer, which need ninja too)."""
    first: tuple[dict[str, Any], str] | None = None
    for install in shipped_installs(dockerfile, managers=("pip", "uv", "pipenv", "pipx", "conda"), files=True):
        facts = packages.get(re.sub(r"[-_.]+", "-", install.name.lower()))
        if facts is not None:
            line = install.via.span.line if install.via is not None else install.instruction.span.line
            found = facts, f"`{install.name}` installed at line {line}"
            if facts.get("ninja"):
                return found
            first = first or found
    return first


def _built_from_clone(dockerfile: Dockerfile, packages: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The data entry of a Python package named in `packages` that a RUN of a shipped stage builds
    from a clone of its repository and installs with pip or uv (`git clone … triton-lang/triton.git`,
    then `pip wheel` and `pip install` of the wheel: Roboflow's JetPack 5 image), with where."""
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("RUN"):
            if not any(op.manager in ("pip", "uv") for op in instruction.packages):
                continue
            for command in instruction.commands:
                repository = clone_repository(command)
                if repository is None:
                    continue
                name = re.sub(r"[-_.]+", "-", posixpath.basename(repository.rstrip("/")).removesuffix(".git").lower())
                facts = packages.get(name)
                if facts is not None:
                    return facts, f"`{name}` built from its repository and installed at line {instruction.span.line}"
    return None


# A comment that says the tools of a RUN serve when the image runs: kernels compiled just in time, a
# server that pip-installs requirements when it starts, tools "needed at run time".
_RUN_TIME_USE = re.compile(
    r"\bJIT\b|just[- ]in[- ]time|compil\w*\s+(?:at|during|when)\s+(?:it\s+)?run|run[- ]?time\s+(?:JIT|compil\w*)"
    r"|\binstall\w*\b(?:[^.]|\.(?!\s|$))*\bat\s+(?:start|startup|run[- ]?time)\b|\bneeds?\s+at\s+run[- ]?time\b",
    re.IGNORECASE,
)


# A requirements-file comment in which the author says something needs the package (`pytest  # sam2
# requires this as the fork we are using is dependent on that`), unless it says it is for tests or
# development.
_NEEDED_BY = re.compile(
    r"\b(?:requires?|required|needs?|needed|depends\s+on|dependent\s+on|used\s+by|imports?|imported|run[- ]?time)\b",
    re.IGNORECASE,
)
_FOR_DEVELOPMENT = re.compile(r"\b(?:tests?|testing|dev|development|lint\w*|ci|debug\w*)\b", re.IGNORECASE)


def stated_need(requirement: Requirement) -> str | None:
    """The comment its requirements file gives a package when it says something the image runs needs
    it (`pytest>=9.0.3  # … sam2 requires this …`, Roboflow Inference), or None."""
    comment = requirement.comment
    if not comment or _NEEDED_BY.search(comment) is None or _FOR_DEVELOPMENT.search(comment) is not None:
        return None
    return comment


def stated_run_time_need(dockerfile: Dockerfile, install: Install) -> str | None:
    """What the author says about the package serving at run time: the comment about its RUN
    (`stated_run_time_use`), or a comment block elsewhere in its stage that says so and names the
    package (`# this runtime intentionally ships a C toolchain (gcc + libc6-dev + libpython3.10-dev) for
    RF-DETR's Triton JIT preprocessing kernels`, Roboflow Inference, twenty lines below the install)."""
    said = stated_run_time_use(dockerfile, install.instruction)
    if said is not None:
        return said
    name = re.compile(rf"(?<![\w.+-]){re.escape(install.name)}(?![\w+-]|\.\w)", re.IGNORECASE)
    return next((block for block in _run_time_blocks(dockerfile, install.stage) if name.search(block)), None)


def _run_time_blocks(dockerfile: Dockerfile, stage: Stage) -> tuple[str, ...]:
    """The stage's comment blocks (consecutive comment lines, joined) that say something serves at run
    time (`_RUN_TIME_USE`). Decided once per stage."""
    memo = cast("dict[int, tuple[str, ...]]", dockerfile.memo.setdefault(("run-time comment blocks", None), {}))
    if stage.index not in memo:
        first = stage.from_instruction.span.line
        last = max((instruction.span.end_line for instruction in stage.instructions), default=first)
        blocks: list[list[str]] = []
        previous = -2
        for line, text in dockerfile.comments:
            if not first <= line <= last:
                continue
            if line == previous + 1 and blocks:
                blocks[-1].append(text)
            else:
                blocks.append([text])
            previous = line
        joined = (" ".join(part.strip() for part in block) for block in blocks)
        memo[stage.index] = tuple(block for block in joined if _RUN_TIME_USE.search(block))
    return memo[stage.index]


def stated_run_time_use(dockerfile: Dockerfile, instruction: Instruction) -> str | None:
    """The comment above or inside a RUN in which the author says what it installs serves when the
    image runs (`# Runtime JIT compilation tools (Triton/Inductor, FlashInfer, DeepGEMM).`, `# gcc/make/
    devel: serve.py pip-installs customer requirements.txt at start.`), or None. Decided once per RUN:
    DF201 and DF202 ask it for each install."""
    memo = cast("dict[int, str | None]", dockerfile.memo.setdefault(("stated run-time use", None), {}))
    if instruction.index not in memo:
        memo[instruction.index] = next(
            (text.strip() for text in dockerfile.comments_about(instruction) if _RUN_TIME_USE.search(text)), None
        )
    return memo[instruction.index]


def runtime_compiler(dockerfile: Dockerfile) -> RuntimeCompiler | None:
    """Whether the shipped image needs a C compiler at run time (`data/build_tools.json`,
    `runtime_compilers`): Triton builds its launchers with `gcc` or `clang` the first time a kernel
    runs, so an image that installs Triton or a server built on it (vLLM, SGLang,
    text-generation-inference), starts from such a server's image, sets the server's own settings
    (`ENV VLLM_…`), or copies in its launcher needs one. Decided once per file."""
    key = ("runtime compiler", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _runtime_compiler(dockerfile)
    return cast("RuntimeCompiler | None", dockerfile.memo[key])


def _shipped_compiler_suite(shipped: tuple[Stage, ...], suites: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """A compiler suite installed as a system package in a shipped stage whose compiler uses the
    system's GNU toolchain (`intel-deep-learning-essentials`: `runtime_compilers` `system_packages`),
    with where."""
    for install in installs(shipped, managers=("apt", "dnf", "yum", "microdnf")):
        for pattern, facts in suites.items():
            if pattern != "note" and fnmatch.fnmatchcase(install.name.lower(), pattern):
                entry = suites[facts["same_as"]] if "same_as" in facts else facts
                span = install.requirement.span or install.op.command.span
                return entry, f"`{install.name}` installed at line {span.line}"
    return None


def _runtime_compiler(dockerfile: Dockerfile) -> RuntimeCompiler | None:
    data = _runtime_data()
    found = _shipped_python_package(dockerfile, data["python_packages"]) or _built_from_clone(dockerfile, data["python_packages"])
    if found is not None:
        return RuntimeCompiler.of(*found)
    shipped = dockerfile.shipped_stages()
    for stage in shipped:
        root = dockerfile.root_image(stage)
        reference = parse_reference(root) if root else None
        facts = data["base_images"].get(reference.name) if reference is not None else None
        if facts is not None and reference is not None:
            return RuntimeCompiler.of(facts, f"its base image `{reference.name}`")
    found_system = _shipped_compiler_suite(shipped, data["system_packages"])
    if found_system is not None:
        return RuntimeCompiler.of(*found_system)
    prefixes = data["environment_prefixes"]["prefixes"]
    names = data["environment_names"]
    for stage in shipped:
        for instruction in stage.instructions_of("ENV"):
            for pair in instruction.pairs:
                if pair.key != "note" and isinstance(names.get(pair.key), dict):
                    return RuntimeCompiler.of(names[pair.key], f"`{pair.key}` set at line {instruction.span.line}")
                for prefix, package in prefixes.items():
                    if pair.key.startswith(prefix):
                        evidence = f"`{pair.key}` set at line {instruction.span.line}"
                        return RuntimeCompiler.of(data["python_packages"][package], evidence)
    programs = data["programs"]
    for stage in shipped:
        root = dockerfile.root_image(stage) or ""
        for instruction in stage.instructions_of("COPY", "ADD"):
            for name in _copied_programs(instruction):
                facts = programs.get(name)
                if isinstance(facts, dict) and any(re.search(base, root) for base in facts["bases"]):
                    return RuntimeCompiler.of(facts, f"`{name}` copied in at line {instruction.span.line}")
    return None


def ptxas_at_run_time(dockerfile: Dockerfile) -> str | None:
    """What says the shipped image compiles PTX with `ptxas` when it serves (XLA on a GPU: TensorFlow
    Serving's `tensorflow_model_server` copied into a shipped stage; Triton pointed at CUDA's ptxas by
    `ENV TRITON_PTXAS_PATH` or `TRITON_PTXAS_BLACKWELL_PATH`; `ptxas_at_run_time` in
    `data/build_tools.json`, with sources), or None. Decided once per file."""
    key = ("ptxas at run time", None)
    if key not in dockerfile.memo:
        data = load("build_tools")["ptxas_at_run_time"]
        programs, names = set(data["programs"]), set(data["environment"]["names"])
        found: str | None = None
        for stage in dockerfile.shipped_stages():
            for instruction in stage.instructions_of("COPY", "ADD", "ENV"):
                if instruction.keyword == "ENV":
                    variable = next((pair.key for pair in instruction.pairs if pair.key in names), None)
                    if variable is not None and found is None:
                        found = f"`{variable}` set at line {instruction.span.line}"  # Triton runs CUDA's ptxas
                    continue
                name = next((name for name in _copied_programs(instruction) if name in programs), None)
                if name is not None and found is None:
                    found = f"`{name}` copied in at line {instruction.span.line}"
        dockerfile.memo[key] = found
    return cast("str | None", dockerfile.memo[key])


def provides_ptxas(manager: str, name: str) -> bool:
    """The package puts CUDA's `ptxas` in place (`cuda-nvcc`, `cuda-nvcc-12-5`)."""
    prefixes = load("build_tools")["ptxas_at_run_time"]["package_prefixes"]
    return manager in ("apt", "dnf", "yum", "microdnf") and any(name.startswith(prefix) for prefix in prefixes)


def _copied_programs(instruction: Instruction) -> Iterator[str]:
    """The programs a COPY/ADD puts in place under their own name: each source's file name, when the
    destination is a directory or a file of the same name (`COPY --from=builder
    /src/release/text-generation-launcher /usr/local/bin/`); a file copied under another name (a
    backend's binary renamed to the launcher) is not that program."""
    spec = instruction.copy
    if spec is None or spec.destination is None:
        return
    destination = spec.destination.rstrip("/").rsplit("/", 1)[-1]
    for source in spec.sources:
        if source:
            name = source.rstrip("/").rsplit("/", 1)[-1]
            if spec.destination.endswith("/") or name == destination:
                yield name


def provides_c_compiler(manager: str, name: str) -> bool:
    """A package that puts a C compiler (`gcc`, `clang`) on PATH: the compiler, its C++ driver, the
    meta-packages that pull it (`build-essential`, `build-base`, conda's `compilers`)."""
    family = FAMILY.get(manager)
    patterns = _runtime_data()["c_compiler_packages"].get(family or "", ())
    return any(re.fullmatch(pattern, name.lower()) for pattern in patterns)


def provides_ninja(manager: str, name: str) -> bool:
    """A package that puts ninja on PATH (`ninja-build`, the `ninja` wheel): `ninja_packages` of
    `runtime_compilers`. A server that compiles with it when it runs (`RuntimeCompiler.ninja`:
    FlashInfer's JIT, vLLM) needs it in the image."""
    family = FAMILY.get(manager)
    patterns = _runtime_data()["ninja_packages"].get(family or "", ())
    return any(re.fullmatch(pattern, name.lower()) for pattern in patterns)


def needed_by_c_compiler(manager: str, name: str) -> bool:
    """Headers the C compiler reads when Triton builds its launcher at run time: Python's
    (`python3-dev`, `python3.12-devel`) and the C library's (`libc6-dev`, `musl-dev`, `glibc-devel`)."""
    family = FAMILY.get(manager)
    patterns = _runtime_data()["c_compiler_headers"].get(family or "", ())
    return any(re.fullmatch(pattern, name.lower()) for pattern in patterns)


@cache
def _runtime_data() -> dict[str, Any]:
    data: dict[str, Any] = load("build_tools")["runtime_compilers"]
    return data


# -- header packages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DevPackage:
    """A development package from the data, with the run-time package to install instead."""

    name: str
    family: str
    runtime: str | None  # the run-time package to install instead; None: nothing or unknown
    runtime_known: bool  # True when the data says what the run time needs (possibly nothing)
    note: str
    savings: Savings | None
    basis: str = ""  # what the savings number measures
    needed_with: tuple[str, ...] = ()  # installed beside these packages, a program of theirs reads it at run time
    loaded_by: tuple[str, ...] = ()  # words naming a program that loads a library only this package provides (`libiomp5`)


@cache
def _dev_data() -> dict[str, Any]:
    data: dict[str, Any] = load("dev_packages")
    return data


def dev_package(manager: str, name: str) -> DevPackage | None:
    """A package of headers/static libraries (`libpq-dev`, `musl-dev`, `openssl-devel` …)."""
    family = FAMILY.get(manager)
    if family is None or family == "pip":
        return None
    data = _dev_data()
    name = name.lower()
    if name in data.get("exceptions", {}).get(family, ()):
        return None
    patterns = data.get("patterns", {}).get(family, ())
    facts = data.get("packages", {}).get(family, {}).get(name)
    if facts is None and not any(re.fullmatch(pattern, name) for pattern in patterns):
        return None
    tool = _build_managers().get(family, {}).get("packages", {}).get(name)
    if tool is not None and tool.get("kind") != "headers":
        return None  # a build tool (build-base): DF201's
    needed_with = tuple(data.get("needed_with", {}).get(family, {}).get(name, {}).get("with", ()))
    loaded_by = tuple(data.get("loaded_by_name", {}).get(family, {}).get(name, {}).get("words", ()))
    if facts is None:
        return DevPackage(name, family, None, False, "", None, needed_with=needed_with, loaded_by=loaded_by)
    runtime = facts.get("runtime")
    savings, basis = _dev_savings(name, facts, data)
    return DevPackage(name, family, runtime, True, facts.get("note", ""), savings, basis, needed_with, loaded_by)


def for_release(package: DevPackage, root: str | None) -> DevPackage:
    """The header package with the run-time counterpart named for the base `root`: `libpython3.X` for
    the Python release of the base's distribution (Ubuntu 22.04 has python3.10: `libpython3.10`), a
    versioned library name (`libssl3`) only on the release it was measured on; another base's release
    is not guessed. DF202 names it as the package to ship instead, DF201 as the one to keep."""
    if package.runtime is None:
        return package
    if not re.fullmatch(r"libpython3\.\d+", package.runtime):
        if package.family == "apt" and re.search(r"\d", package.runtime) and not apt_measured_on(root):
            # a versioned library name (`libssl3`, `libicu72`) is Debian 12's; another release has its
            # own (Ubuntu 22.04: `libprotobuf23`; 24.04: `libssl3t64`): the one measured there, else none
            measured = release_facts(package, root)
            runtime = measured[0].get("runtime") if measured is not None else None
            if isinstance(runtime, str):
                return dataclasses.replace(package, runtime=runtime)
            return dataclasses.replace(
                package, runtime=None, runtime_known=True, note="At run time only its shared-library package is needed."
            )
        return package
    named = re.fullmatch(r"(?:lib)?python(3\.\d+)-dev", package.name)
    if named:  # `python3.11-dev` (deadsnakes on Ubuntu 22.04) goes with `libpython3.11`, whatever the distribution's own
        return dataclasses.replace(package, runtime=f"libpython{named.group(1)}")
    python = distro_python(root)
    if python is None:
        return dataclasses.replace(
            package, runtime=None, runtime_known=True, note="At run time only the base's libpython3 package is needed."
        )
    return dataclasses.replace(package, runtime=f"libpython{python}")


def apt_name(name: str | None) -> str:
    """An apt package's name without its architecture (`libc6:amd64` → `libc6`), lower case."""
    return (name or "").split(":")[0].lower()


def recommended_by(op: PackageOp, name: str) -> str | None:
    """The package of the same apt install whose Recommends name `name` (`python3-pip` recommends
    `python3-dev` and `build-essential`: `data/apt_recommends.json`, Debian 12's package relations)
    when the install takes Recommends (no `--no-install-recommends`, no `-o APT::Install-Recommends`):
    removing `name` from the command alone leaves it in the image. None otherwise."""
    if op.manager != "apt" or op.has_flag("--no-install-recommends") or "Install-Recommends" in op.command.text:
        return None
    packages = load("apt_recommends")["apt"]["packages"]
    for requirement in op.packages:
        entry = packages.get(apt_name(requirement.name))
        if entry is not None and name in entry.get("recommends", ()):
            return requirement.name
    return None


def loaded_by_name(dockerfile: Dockerfile, package: DevPackage) -> str | None:
    """The word of a shipped stage's instructions that names a program loading a library only this
    header package provides, by its unversioned name (`libmkl_intel_thread` beside `libomp-dev`, whose
    link `libiomp5.so` is Intel's OpenMP runtime's name: `dev_packages.json` `loaded_by_name`); None
    when nothing does."""
    if not package.loaded_by:
        return None
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions:
            for word in package.loaded_by:
                if word in instruction.text:
                    return word
    return None


def _dev_savings(name: str, facts: dict[str, Any], data: dict[str, Any]) -> tuple[Savings | None, str]:
    closure = facts.get("closure_mb")
    if not isinstance(closure, (int, float)):
        return None, ""
    runtime_mb = facts.get("runtime_installed_mb")
    source = facts.get("source") or data.get("source", "")
    over = facts.get("over_runtime_mb")
    if isinstance(over, (int, float)) and facts.get("over_runtime_of"):
        # what the headers pull in beyond what stays in the image (the run-time package, the interpreter)
        kept = facts["over_runtime_of"]
        savings = Savings(float(over), f"closure of {name} less the closure of {kept}, which stays; {source}", overlaps=True)
        return savings, "more than the run-time library"
    if isinstance(runtime_mb, (int, float)) and runtime_mb < closure:
        savings = Savings(
            round(closure - runtime_mb, 1),
            f"closure of {name} minus the run-time package's installed size; {source}",
            overlaps=True,
        )
        return savings, "more than the run-time library"
    return Savings(float(closure), f"closure of {name}; {source}", overlaps=True), "with its dependencies"


# -- removal in the same RUN -----------------------------------------------------------------------


def removed_in_same_run(install: Install) -> bool:
    """True when the same RUN removes the package after installing it, so it never reaches a layer:
    `apt-get purge`/`apk del`/`dnf remove`/`pip uninstall` naming it, `apk del` of the `--virtual`
    group it was added to, or apt's `apt-mark auto … && apt-get purge --auto-remove`."""
    instruction, op = install.instruction, install.op
    family = FAMILY.get(op.manager)
    removals = _removals(instruction)
    position = removals.positions.get(id(op.command))
    if position is None:
        return False
    names = [install.name] + ([op.virtual.lower()] if op.virtual is not None else [])
    if any(removals.last_removed.get((family, name), -1) > position for name in names):
        return True
    if family == "apt" and removals.auto_removes:
        marks = removals.auto_marks
        after = bisect_right(marks, position)
        return after < len(marks) and removals.auto_removes[-1] > marks[after]
    return False


@dataclass(frozen=True, slots=True)
class _Removals:
    """What one RUN removes, and where: worked out once per RUN, so a RUN of a thousand installs
    asks it a thousand times in linear time."""

    positions: dict[int, int]  # id(command) → its position in the RUN
    last_removed: dict[tuple[str | None, str | None], int]  # (family, name) → last position removing it
    auto_marks: list[int]  # positions of `apt-mark auto …`
    auto_removes: list[int]  # positions of apt removals with --auto-remove (or autoremove)


_RECENT_REMOVALS: dict[int, tuple[Instruction, _Removals]] = {}


def _removals(instruction: Instruction) -> _Removals:
    """`_removals_of(instruction)`, remembered for the last few RUNs by identity: `positions` is keyed
    by the identity of this RUN's commands, so an equal RUN of another file must not share it (an
    `lru_cache` would hand a second, identical file the first file's positions). The entry holds its
    RUN, so an identity is never reused while it is remembered."""
    entry = _RECENT_REMOVALS.get(id(instruction))
    if entry is not None and entry[0] is instruction:
        return entry[1]
    if len(_RECENT_REMOVALS) >= 16:
        del _RECENT_REMOVALS[next(iter(_RECENT_REMOVALS))]
    removals = _removals_of(instruction)
    _RECENT_REMOVALS[id(instruction)] = (instruction, removals)
    return removals


def _removals_of(instruction: Instruction) -> _Removals:
    positions: dict[int, int] = {}
    last_removed: dict[tuple[str | None, str | None], int] = {}
    auto_marks: list[int] = []
    auto_removes: list[int] = []
    for position, command in enumerate(instruction.commands):
        positions.setdefault(id(command), position)
        if command.name == "apt-mark" and command.args[:1] == ("auto",):
            auto_marks.append(position)
            continue
        for other in instruction.ops_of(command):
            if other.verb != "remove":
                continue
            family = FAMILY.get(other.manager)
            for requirement in other.packages:
                last_removed[(family, requirement.name)] = position
            if family == "apt" and _auto_removes(other):
                auto_removes.append(position)
    return _Removals(positions, last_removed, auto_marks, auto_removes)


def _auto_removes(op: PackageOp) -> bool:
    verb = op.verb_word.value if op.verb_word is not None else None
    return verb == "autoremove" or op.has_flag("--auto-remove", "--autoremove")


def removed_later(install: Install, stages: tuple[Stage, ...]) -> Instruction | None:
    """A later RUN (in the same or a later shipped stage) that removes the package: too late to
    shrink the image, worth saying in the message."""
    seen = False
    family = FAMILY.get(install.op.manager)
    for stage in stages:
        for instruction in stage.instructions:
            if instruction is install.instruction:
                seen = True
                continue
            if not seen:
                continue
            for op in instruction.packages:
                if op.verb == "remove" and FAMILY.get(op.manager) == family and any(r.name == install.name for r in op.packages):
                    return instruction
    return None


class LaterRemovals:
    """`removed_later` for every install of the same stages: the stages are read once, so a rule
    that asks for each of its findings stays linear in the size of the file."""

    def __init__(self, stages: tuple[Stage, ...]) -> None:
        self._position: dict[int, int] = {}  # id(instruction) → its place in `stages` order
        self._removals: dict[tuple[str | None, str | None], list[tuple[int, Instruction]]] = {}
        for position, instruction in enumerate(instruction for stage in stages for instruction in stage.instructions):
            self._position.setdefault(id(instruction), position)
            for op in instruction.packages:
                if op.verb != "remove":
                    continue
                for name in {requirement.name for requirement in op.packages}:
                    places = self._removals.setdefault((FAMILY.get(op.manager), name), [])
                    if not places or places[-1][0] != position:
                        places.append((position, instruction))

    def __call__(self, install: Install) -> Instruction | None:
        position = self._position.get(id(install.instruction))
        if position is None:
            return None
        places = self._removals.get((FAMILY.get(install.op.manager), install.name), [])
        index = bisect_right(places, position, key=lambda place: place[0])
        return places[index][1] if index < len(places) else None


@dataclass(frozen=True, slots=True)
class LateRemoval:
    """A command of a RUN that removes packages an earlier RUN of its FROM chain installed and kept
    in its layer: the files stay in that layer, only hidden. `removed` holds, for each name the
    command removes, the last such install."""

    stage: Stage
    instruction: Instruction
    command: ShellCommand
    removed: tuple[Install, ...]


def late_removals(chain: Sequence[Stage]) -> Iterator[LateRemoval]:
    """Every command of a layer chain's RUNs (`shipping.layer_chains`, root first) that removes
    (`apt-get purge`, `apk del`, `dnf remove`, `pip uninstall`, `conda remove` …) a package of the
    same family (`FAMILY`) that an earlier RUN installed and did not remove itself
    (`removed_in_same_run`); an apk `--virtual` group counts as a package of its own. A name the
    command's own RUN installed before it is that RUN's own install, not a late removal. The last
    install of each name is kept once, so a long chain stays linear."""
    kept: dict[tuple[str, str], Install] = {}
    for stage in chain:
        for run in stage.instructions_of("RUN"):
            if not run.packages:
                continue
            removes = any(op.verb == "remove" for op in run.packages)
            own: list[Install] = []
            installed_here: set[tuple[str, str]] = set()  # (family, name) installed by an earlier command of this RUN
            for command in run.commands:
                ops = run.ops_of(command)
                if removes and kept:
                    removed = list(_removed_by(ops, kept, installed_here))
                    if removed:
                        yield LateRemoval(stage, run, command, tuple(removed))
                for op in ops:
                    family = FAMILY.get(op.manager)
                    if family is None or op.verb != "install":
                        continue
                    for install in _kept_candidates(stage, run, op):
                        own.append(install)
                        installed_here.add((family, install.name))
            for install in own:
                if not removes or not removed_in_same_run(install):
                    kept[(FAMILY[install.op.manager], install.name)] = install


def _removed_by(
    ops: tuple[PackageOp, ...], kept: dict[tuple[str, str], Install], installed_here: set[tuple[str, str]]
) -> Iterator[Install]:
    """The kept installs a command's removals name, in the order of its operations and names."""
    for op in ops:
        family = FAMILY.get(op.manager)
        if family is None or op.verb != "remove":
            continue
        names = {requirement.name for requirement in op.packages if requirement.name}
        for name in sorted(name for name in names if (family, name) not in installed_here):
            found = kept.get((family, name))
            if found is not None:
                yield found


def _kept_candidates(stage: Stage, instruction: Instruction, op: PackageOp) -> Iterator[Install]:
    """What an install operation may keep in its layer: each package it names, and apk's
    `--virtual` group."""
    yield from _op_installs(stage, instruction, op, False)
    if op.verb == "install" and op.virtual:
        yield Install(stage, instruction, op, Requirement(op.virtual.lower(), op.virtual))


# -- compiling ---------------------------------------------------------------------------------------

_QUERIES = frozenset({"--version", "-v", "-V", "-version", "--help", "-h", "-dumpversion", "-dumpfullversion", "-dumpmachine"})


@cache
def _compilers() -> frozenset[str]:
    """Compiler drivers and build-system commands (dflint/data/build_tools.json, `compile_commands`)."""
    programs = load("build_tools")["compile_commands"]["programs"]
    return frozenset(str(program) for program in programs)


_SETUP_BUILD = frozenset({"build", "build_ext", "bdist_wheel", "install", "develop", "bdist_egg"})


def compiles_only_elsewhere(dockerfile: Dockerfile, *, shipped_compiler: bool = True) -> bool:
    """The file has a stage that does not ship, and nothing in the stages that ship compiles, runs a
    script (which may), or installs language packages (a pip, npm or gem install may build from source); with
    `shipped_compiler=False`, nor installs a C compiler (what it compiles when the image runs may need
    headers). An `if` branch the build does not take is not counted. Then build tools or headers in a
    shipped stage serve nothing, and the advice is the run-time libraries, not a build stage
    (chroma's `runner`, which receives the binaries its `builder` compiled; DF201, DF202)."""
    # the stages whose system packages ship: a copy of a builder's /usr/local carries what it built, not
    # its compilers (OpenTelemetry's currency service: `base` installs headers, `builder` FROM it compiles
    # into /usr/local, `release` FROM base copies that)
    shipped = shipped_stages(dockerfile, trees=SYSTEM_PACKAGE_TREES)
    if len(shipped) == len(dockerfile.stages):
        return False
    for stage in shipped:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN" and any(
                compile_command(command) is not None or _runs_a_script(command) for command in instruction.commands
            ):
                return False  # it compiles, or runs a script that may
            for op in instruction.packages:
                if op.verb != "install" or branch_not_taken(stage, instruction, op) is not None:
                    continue  # `if [ "$ADDRESS_SANITIZER" = "1" ]; then apt-get install build-essential …`
                if FAMILY.get(op.manager) not in SYSTEM_FAMILIES:
                    return False
                if not shipped_compiler and any(provides_c_compiler(op.manager, r.name) for r in op.packages if r.name):
                    return False
    return True


def compiling_descendant(dockerfile: Dockerfile, stage: Stage) -> Stage | None:
    """A stage whose system packages do not ship, built FROM `stage` (directly or through others),
    that compiles (OpenTelemetry's currency service: `builder` FROM `base` runs CMake): what `stage`
    installs for compiling belongs there, with only the run-time libraries left in `stage`."""
    shipped = {each.index for each in shipped_stages(dockerfile, trees=SYSTEM_PACKAGE_TREES)}
    for other in dockerfile.stages:
        if other.index in shipped or other.index == stage.index:
            continue
        if stage.index not in {ancestor.index for ancestor in dockerfile.ancestry(other)[1:]}:
            continue
        if any(
            compile_command(command) is not None
            for instruction in other.instructions
            if instruction.keyword == "RUN"
            for command in instruction.commands
        ):
            return other
    return None


def _runs_a_script(command: ShellCommand) -> bool:
    """`./build.sh`, `./vulkansdk …` (a program the RUN unpacked: LunarG's SDK script compiles its
    components), `bash install.sh`, `sh -c "$SCRIPT"`: what it runs is not known here."""
    name = command.name or ""
    program = command.argv[0].value or "" if command.argv else ""
    if name.endswith(".sh") or program.startswith(("./", "../", "/tmp/")):
        return True
    return name in ("bash", "sh", "dash", "zsh") and any(
        arg is None or arg.endswith(".sh") or arg == "-c" for arg in command.args
    )


def compile_command(command: ShellCommand) -> str | None:
    """What a command compiles with, when it is a compiler or build invocation, else None."""
    name = command.name
    if name is None:
        return None
    name = re.sub(r"-\d+(\.\d+)*$", "", name)  # gcc-12, clang-17
    args = command.args
    if args and all(arg in _QUERIES for arg in args):
        return None  # `rustc --version`, `gcc -dumpversion`: asks, builds nothing
    if name in _compilers():
        return name
    if name == "cargo" and args[:1] in (("build",), ("install",)):
        return "cargo " + str(args[0])
    if name == "go" and args[:1] in (("build",), ("install",)):
        return "go " + str(args[0])
    if re.fullmatch(r"python(\d+(\.\d+)?)?", name):
        verb = next((a for a in args if a in _SETUP_BUILD), None)
        if verb is not None and "setup.py" in [a.rsplit("/", 1)[-1] for a in args if a]:
            return f"setup.py {verb}"
        if args[:2] == ("-m", "build"):
            return "python -m build"
        if args[:3] == ("-m", "pip", "wheel"):
            return "pip wheel"
    if re.fullmatch(r"pip\d*(\.\d+)?", name) and args[:1] == ("wheel",):
        return "pip wheel"
    if name in ("maturin", "uv") and args[:1] == ("build",):
        return f"{name} build"
    return None


def compiles_from_source(op: PackageOp) -> str | None:
    """A pip install that builds from source: `--no-binary`, or a local tree or VCS checkout."""
    if op.manager not in ("pip", "uv") or op.verb != "install":
        return None
    if op.has_flag("--no-binary"):
        return "pip install --no-binary"
    for requirement in op.packages:
        raw = requirement.raw or ""
        if requirement.kind == "vcs" or (requirement.kind == "path" and not raw.endswith(".whl") and not raw.endswith("*")):
            return f"pip install {raw}"
    return None
