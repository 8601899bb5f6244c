"""The build tools DF201 reports, worked out once for the group: DF202 leaves the headers of a
stage in which DF201 already tells to move the build tools to a build stage (moving the compile
takes both), and those of a command DF201 reports otherwise."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from dflint.build_deps import (
    BuildTool,
    Install,
    LaterRemovals,
    build_image,
    build_tool,
    for_base,
    installs_at_start,
    provides_c_compiler,
    provides_ninja,
    provides_ptxas,
    ptxas_at_run_time,
    removed_in_same_run,
    runtime_compiler,
    shipped_installs,
    skipped_branch,
    stated_run_time_need,
    toolchain_base,
)
from dflint.full_image_build import named_by_full_image_build
from dflint.imagesize import negligible_alone, negligible_beside_image
from dflint.model import Dockerfile
from dflint.single_stage import one_stage_build
from dflint.start_script import start_script

from ._groups import Shipped, per_command

BuildToolFound = Shipped[BuildTool]  # a build tool in a shipped stage


@dataclass(frozen=True, slots=True)
class BuildTools:
    """The build tools installed in shipped stages that DF201 judges (`found`), and, per install
    command (`id(op)`), what it installs that the image needs when it runs (name, ninja?)."""

    found: tuple[BuildToolFound, ...]
    needed: dict[int, list[tuple[str, bool]]]


def shipped_build_tools(dockerfile: Dockerfile, check_git: bool = False) -> BuildTools:
    """The build tools of the shipped stages, as DF201 judges them (its `check-git` option aside);
    worked out once per file, for DF201 and for DF202, which asks which commands DF201 reports."""
    key = ("shipped build tools", "git" if check_git else "")
    known = dockerfile.memo.get(key)
    if isinstance(known, BuildTools):
        return known
    tools = _shipped_build_tools(dockerfile, check_git)
    dockerfile.memo[key] = tools
    return tools


def _shipped_build_tools(dockerfile: Dockerfile, check_git: bool) -> BuildTools:
    removed_later = LaterRemovals(dockerfile.shipped_stages())
    found: list[BuildToolFound] = []
    needed: dict[int, list[tuple[str, bool]]] = {}  # id(install command) → what it installs that the image runs (name, ninja?)
    one_stage = one_stage_build(dockerfile)
    for install in shipped_installs(dockerfile, files=True):
        if one_stage is not None and one_stage.names(install.instruction, install.name):
            continue  # DF101's finding names it: moving the compile to a build stage takes it along
        if named_by_full_image_build(dockerfile, install):
            continue  # DF102's finding on the full `python:X` stage names it: build there, ship -slim
        tool = build_tool(install.op.manager, install.name)
        measured = tool.savings.mb if tool is not None and tool.savings is not None else None
        root = dockerfile.root_image(install.stage)
        tool = for_base(tool, root) if tool is not None else None
        if tool is not None and tool.savings is not None:
            measured = tool.savings.mb  # the base's own release, where measured (Ubuntu 22.04, 24.04)
        if tool is not None and build_image(root) is not None:
            tool = dataclasses.replace(tool, savings=None, basis="")  # the build image holds a toolchain already
        if tool is None or removed_in_same_run(install) or (tool.low and not check_git):
            continue
        if skipped_branch(install) is not None:
            continue
        if install.via is None and toolchain_base(root):
            continue  # the stage ships on a build image (DF102): the fix is that base, and the tools go with it
        if install.via is None and stated_run_time_need(dockerfile, install) is not None:
            continue  # the author says above the RUN that the image uses these when it runs
        if _run_at_start(dockerfile, install.name):
            continue  # the start script runs it (`pkg-config --variable=libdir jemalloc` to preload jemalloc)
        if _needed_at_run_time(dockerfile, install):
            ninja = provides_ninja(install.op.manager, install.name)
            needed.setdefault(id(install.op), []).append((install.requirement.raw or install.name, ninja))
            continue
        found.append(Shipped(install, tool, removed_later(install) if install.via is None else None, measured))
    return BuildTools(tuple(found), needed)


def build_tool_commands(dockerfile: Dockerfile) -> frozenset[int]:
    """The install commands (`id(op)`) in which DF201, with its default options, reports a build tool."""
    return frozenset(id(items[0].install.op) for items in _reported_by_command(dockerfile))


def build_tool_stages(dockerfile: Dockerfile) -> frozenset[int]:
    """The shipped stages (by index) in which DF201, with its default options, tells to move the build
    tools to a build stage: the header packages installed there go with them, one decision."""
    return frozenset(
        items[0].install.stage.index
        for items in _reported_by_command(dockerfile)
        if all(item.later is None and item.install.via is None and not item.entry.low for item in items)
    )


def _reported_by_command(dockerfile: Dockerfile) -> list[list[BuildToolFound]]:
    """DF201's findings with its default options, as the build tools of each install command."""
    if dockerfile.purpose is not None and dockerfile.purpose.builds_as_it_works:
        return []
    if installs_at_start(dockerfile) is not None:
        return []
    return [
        items
        for items in per_command(shipped_build_tools(dockerfile).found, lambda item: item.install, advice)
        if not negligible_beside_image(dockerfile, items[0].install.stage, [item.measured for item in items])
        and not negligible_alone([item.measured for item in items])
    ]


def advice(item: BuildToolFound) -> tuple[bool, int]:
    """What a finding tells about a tool: keep it if the app runs it (git), or remove it where it is
    installed instead of on line N, or build elsewhere (DF201 gives one finding per command and advice)."""
    return (item.entry.low, item.later.span.line if item.later is not None else 0)


def _needed_at_run_time(dockerfile: Dockerfile, install: Install) -> bool:
    """A C compiler, or ninja, in an image whose server compiles with it when it runs; CUDA's `ptxas`
    (`cuda-nvcc`) in one that serves through XLA on a GPU (TensorFlow Serving), or that builds PyTorch
    extensions from CUDA sources when it runs (`TORCH_EXTENSIONS_DIR`)."""
    manager, name = install.op.manager, install.name
    need = runtime_compiler(dockerfile)
    if provides_ptxas(manager, name) and (ptxas_at_run_time(dockerfile) is not None or (need is not None and need.nvcc)):
        return True
    if need is None:
        return False
    return provides_c_compiler(manager, name) or (need.ninja is not None and provides_ninja(manager, name))


def _run_at_start(dockerfile: Dockerfile, name: str) -> bool:
    """The image's start script (read from the build context: `dflint/start_script.py`) runs the
    tool the package provides: its name, or without `-build` (`ninja-build` runs `ninja`)."""
    script = start_script(dockerfile)
    if script is None:
        return False
    return any(script.runs(program) for program in {name, name.removesuffix("-build")})
