"""Whether the image compiles in the stages it ships, with no build stage to leave the tools in: the
decision DF101 (no-multi-stage) reports, worked out once so that DF201 and DF202 leave the build
tools and headers it names to that one finding (moving the compile to a build stage takes them all:
one decision, which reviewers counted as duplicates when told three times).

"Single stage" means that no shipped stage copies or mounts files from a build-only stage of the same
Dockerfile; a chain of stages built `FROM` each other still ships every layer, so it counts as one. A
stage whose `/usr/local` alone is copied out is such a build stage (`SYSTEM_PACKAGE_TREES`). Images
whose users build as they work (`Purpose.builds_as_it_works`) and images that ship on a build image
(left to DF102, `build_deps.toolchain_base`, also one copied whole into `FROM scratch`) are not
judged. Installs that the same RUN removes again, and compiling inside such a RUN, do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from dflint.build_deps import (
    build_tool,
    compile_command,
    dev_package,
    for_base,
    installs,
    removed_in_same_run,
    toolchain_base,
)
from dflint.full_image_build import full_image_builds
from dflint.imagerefs import flattened_from, flattened_stage
from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Savings
from dflint.shipping import SYSTEM_PACKAGE_TREES, shipped_stages


@dataclass(frozen=True, slots=True)
class OneStageBuild:
    """The image compiles in the stages it ships: what compiles (`compiled`, "`make` (line 9)"), the
    build tools and headers installed there (`installed`, in the same words, and `installed_at`:
    (instruction index, package name) of each), their measured sizes, and the shipped stages."""

    stages: tuple[Stage, ...]
    compiled: tuple[str, ...]
    installed: tuple[str, ...]
    installed_at: frozenset[tuple[int, str]]
    savings: tuple[Savings, ...]

    def names(self, instruction: Instruction, name: str) -> bool:
        """The build tool or header package `name` installed by `instruction` is one this decision names."""
        return (instruction.index, name) in self.installed_at


def one_stage_build(dockerfile: Dockerfile) -> OneStageBuild | None:
    """The evidence that the shipped image compiles with no build stage, or None (decided once per file)."""
    key = ("one stage build", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _decide(dockerfile)
    return cast("OneStageBuild | None", dockerfile.memo[key])


def _decide(dockerfile: Dockerfile) -> OneStageBuild | None:
    if dockerfile.purpose is not None and dockerfile.purpose.builds_as_it_works:
        return None  # development, CI, toolchain, training and notebook images build as they work
    final = dockerfile.final_stage()
    if final is None:
        return None
    shipped = shipped_stages(dockerfile, trees=SYSTEM_PACKAGE_TREES)  # a /usr/local copy leaves the compilers behind
    if _uses_build_stage(dockerfile, shipped):
        return None
    flattened = flattened_from(dockerfile, dockerfile.ancestry(final))
    if toolchain_base(flattened or dockerfile.root_image(final)):
        return None  # it ships on a build image: DF102 reports that with the fix, and the compiling goes with it
    whole = flattened_stage(dockerfile, dockerfile.ancestry(final))
    if whole is not None and whole.index in full_image_builds(dockerfile):
        return None  # it holds a full `python:X` stage whole: DF102 says to build there and ship the slim tag
    installed: list[str] = []
    installed_at: set[tuple[int, str]] = set()
    savings: list[Savings] = []
    cleaned: set[int] = set()  # instructions whose RUN removes what it installed
    for install in installs(shipped, files=True):
        if removed_in_same_run(install):
            cleaned.add(install.instruction.index)
            continue
        base = dockerfile.root_image(install.stage)
        tool = build_tool(install.op.manager, install.name)
        tool = for_base(tool, base) if tool is not None else None
        package = dev_package(install.op.manager, install.name) if tool is None else None
        package = for_base(package, base) if package is not None else None
        if (tool is None or tool.low) and package is None:
            continue
        line = install.requirement.span.line if install.requirement.span is not None else install.instruction.span.line
        installed.append(f"`{install.name}` (line {line})")
        installed_at.add((install.instruction.index, install.name))
        found = tool.savings if tool is not None else package.savings if package is not None else None
        if found is not None:
            savings.append(found)
    compiled: list[str] = []
    for stage in shipped:
        for instruction in stage.instructions:
            if instruction.index in cleaned:
                continue
            found_compile = _compiles(instruction)
            if found_compile is not None:
                compiled.append(found_compile)
    if not compiled:
        return None  # installed tools or headers alone: DF201 and DF202 report them
    return OneStageBuild(shipped, tuple(compiled), tuple(installed), frozenset(installed_at), tuple(savings))


def _uses_build_stage(dockerfile: Dockerfile, shipped: tuple[Stage, ...]) -> bool:
    """True when a shipped stage copies or mounts files from a stage that does not ship."""
    shipped_keys = {stage.index for stage in shipped}
    for stage in shipped:
        for instruction in stage.instructions:
            sources = []
            if instruction.keyword in ("COPY", "ADD"):
                flag = instruction.flag("from")
                if flag is not None and flag.value:
                    sources.append(flag.value)
            if instruction.keyword == "RUN":
                sources += [mount["from"] for mount in instruction.mounts() if mount.get("from")]
            for source in sources:
                if "$" in source:
                    return True  # unknown: may well be a build stage
                other = dockerfile.stage_by_key(source)
                if other is None and source.isdigit() and int(source) < len(dockerfile.stages):
                    other = dockerfile.stages[int(source)]
                if other is not None and other.index not in shipped_keys:
                    return True
    return False


def _compiles(instruction: Instruction) -> str | None:
    for command in instruction.commands:
        found = compile_command(command)
        if found is not None:
            return f"`{found}` (line {command.span.line})"
    return None
