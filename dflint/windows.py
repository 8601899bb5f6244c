"""Whether a stage builds a Windows container: what it runs is PowerShell or `cmd`, or its base is a
Windows image. Rules whose facts are Linux ones (image sizes measured on Linux, `useradd`, a
`-slim` flavour) leave such a stage alone.

The evidence: a `SHELL` in force whose program is `powershell`, `pwsh` or `cmd` (a Linux image has
none of them at those names), or a root image named for Windows (`mcr.microsoft.com/windows…`,
`…windowsservercore…`, `…nanoserver…`: Microsoft's base images,
https://learn.microsoft.com/virtualization/windowscontainers/manage-containers/container-base-images)."""

from __future__ import annotations

import posixpath

from dflint.model import Dockerfile, Stage

_WINDOWS_SHELLS = frozenset({"powershell", "pwsh", "cmd"})
_WINDOWS_IMAGE_WORDS = ("windowsservercore", "nanoserver", "mcr.microsoft.com/windows")


def builds_windows(dockerfile: Dockerfile, stage: Stage) -> bool:
    """The stage, or one it is built FROM, runs a Windows shell or starts from a Windows image."""
    root = (dockerfile.root_image(stage) or "").lower()
    if any(word in root for word in _WINDOWS_IMAGE_WORDS):
        return True
    for each in dockerfile.ancestry(stage):
        for instruction in each.instructions:
            program = instruction.shell[0] if instruction.shell else ""
            name = posixpath.basename(program.replace("\\", "/")).lower().removesuffix(".exe")
            if name in _WINDOWS_SHELLS:
                return True
    return False
