"""Whether a shipped stage on a full `python:X` image installs its system build packages there.

The full `python:X` images are built on `buildpack-deps` and carry compilers and headers; their
`-slim` tag is the runtime counterpart (`data/base_images.json` `build_flavoured`,
`counterpart_in_place`). When a shipped stage on one also apt-installs build tools or header
packages (`cmake`, `rustc`, `libopencv-dev`: `build_deps.build_tool`, `dev_package`), the slim tag
alone would bring much of the difference back, and the fix is one decision: build in a stage on the
full image and ship the slim one. DF102 gives that advice and names the packages; DF201 and DF202
leave the packages it names to that finding (reviewers judged the separate findings duplicates of it
on Roboflow Inference's CPU images).

Decided once per file, on the same conditions as DF102's: an image that keeps its build tools by
purpose (development, CI, toolchain, training) or installs the model's requirements when it starts
is not judged, nor a stage whose base is not known, a Windows stage, or one whose pip installs are
not all known by name (a requirements file not read, a local project: what the slim image would
lack is then unknown, and DF102 says nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from dflint.build_deps import Install, build_image, build_tool, dev_package, installs, installs_at_start
from dflint.imagerefs import base_is_known
from dflint.model import Dockerfile, Instruction, Stage
from dflint.windows import builds_windows

_SYSTEM_MANAGERS = ("apt", "apk", "dnf", "yum", "microdnf")


@dataclass(frozen=True, slots=True)
class FullImageBuild:
    """A shipped stage on a full `python:X` image, what it (and the shipped stages built FROM it)
    pip-installs, and the system build tools and header packages they install."""

    stage: Stage
    python_packages: frozenset[str]
    packages: tuple[Install, ...]
    installed_at: frozenset[tuple[int, str]]

    def names(self, instruction: Instruction, name: str) -> bool:
        """The build tool or header package `name` installed by `instruction` is one of `packages`."""
        return (instruction.index, name) in self.installed_at


def full_image_builds(dockerfile: Dockerfile) -> dict[int, FullImageBuild]:
    """The shipped stages on a full `python:X` image whose pip installs are all known, by stage
    index, each with the system build packages installed there (possibly none)."""
    key = ("full image builds", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _decide(dockerfile)
    return cast("dict[int, FullImageBuild]", dockerfile.memo[key])


def named_by_full_image_build(dockerfile: Dockerfile, install: Install) -> bool:
    """The install's package is one a full-image build names (DF102's finding on that stage)."""
    return any(
        build.names(install.instruction, install.name) for build in full_image_builds(dockerfile).values() if build.packages
    )


def _decide(dockerfile: Dockerfile) -> dict[int, FullImageBuild]:
    purpose = dockerfile.purpose
    if (purpose is not None and purpose.keeps_build_tools) or installs_at_start(dockerfile) is not None:
        return {}
    shipped = dockerfile.shipped_stages()
    found: dict[int, FullImageBuild] = {}
    for stage in shipped:
        if stage.base_stage is not None or stage.base_resolved is None or not base_is_known(dockerfile, stage):
            continue
        entry = build_image(stage.base_resolved)
        if entry is None or entry.get("image") != "python" or builds_windows(dockerfile, stage):
            continue
        stages = tuple(stages_from(dockerfile, stage, shipped))
        python = _python_packages(stages)
        if python is None:
            continue
        packages = tuple(
            install
            for install in installs(stages, managers=_SYSTEM_MANAGERS)
            if build_tool(install.op.manager, install.name) is not None
            or dev_package(install.op.manager, install.name) is not None
        )
        found[stage.index] = FullImageBuild(
            stage, python, packages, frozenset((install.instruction.index, install.name) for install in packages)
        )
    return found


def stages_from(dockerfile: Dockerfile, stage: Stage, shipped: tuple[Stage, ...]) -> Iterator[Stage]:
    """The stage and every shipped stage built FROM it, directly or not."""
    for candidate in shipped:
        if any(each.index == stage.index for each in dockerfile.ancestry(candidate)):
            yield candidate


def _python_packages(stages: tuple[Stage, ...]) -> frozenset[str] | None:
    """The names the stages pip-install, or None when some are unknown: a requirements file that
    could not be read, a local project, a URL or VCS install, a project's lock (`uv sync`)."""
    names: set[str] = set()
    for stage in stages:
        for instruction in stage.instructions:
            for op in instruction.packages:
                if op.manager not in ("pip", "uv") or op.verb not in ("install", "sync"):
                    continue
                if op.verb == "sync":
                    return None  # a project's lock, read from files the model does not follow
                requirements = list(op.packages)
                for top in op.files:
                    for file in top.walk():
                        if file.status != "read":
                            return None
                        if not file.constraint:
                            requirements.extend(file.requirements)
                for requirement in requirements:
                    if requirement.kind != "name" or requirement.name is None:
                        return None
                    names.add(requirement.name)
    return frozenset(names)
