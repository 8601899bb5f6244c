"""## What it does
Flags a `RUN` that replaces `/bin/sh` with a link to another shell (`ln -sf /bin/bash /bin/sh`).

This is hadolint's DL4005. hadolint flags any `ln` with `/bin/sh` among its arguments; dflint only
flags the ones that write `/bin/sh` (the link's name), not a link that points at it. A stage whose
base has no shell at all (`scratch`, a distroless image) is left alone: there the link adds a shell
(often BusyBox copied from another stage) rather than replacing one.

## Why is this bad?
Every later `RUN`, and every program in the image that calls `system()` or `/bin/sh -c`, silently
gets another shell than the base image was built and tested with; the Dockerfile does not show it,
and scripts that relied on `dash` or `busybox sh` behaviour change. `SHELL` changes the shell for the
Dockerfile's own instructions, visibly, without touching the image.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN ln -sf /bin/bash /bin/sh
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
```

## References
- [Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)
- [hadolint DL4005](https://github.com/hadolint/hadolint/wiki/DL4005)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Stage, split_image
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF611",
    name="bin-sh-symlink",
    severity=Severity.WARNING,
    summary="`ln … /bin/sh` swaps the default shell behind the Dockerfile's back; use `SHELL`",
    needs=("ln",),
)

_SHELL_PATHS = ("/bin/sh", "/usr/bin/sh")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        if _shellless_base(dockerfile, stage):
            continue
        for _instruction, command in stage.commands():
            if command.name != "ln":
                continue
            operands = _operands(command.args)
            if operands is None or len(operands) < 2 or operands[-1] not in _SHELL_PATHS:
                continue
            yield Finding(
                META,
                command.span,
                f"`{clip(command.text, 30)}` in {stage.label} replaces {clip(operands[-1], 20)}; use"
                f' `SHELL ["{clip(operands[0], 20)}", "-c"]` instead',
                stage=stage.name,
                detail=f"`{command.text}` in {stage.label} makes {operands[-1]} a link to {operands[0]}: every later RUN and"
                f' every program in the image gets that shell; use `SHELL ["{operands[0]}", "-c"]` for the Dockerfile instead',
            )


def _shellless_base(dockerfile: Dockerfile, stage: Stage) -> bool:
    """The stage is built on `scratch` or a distroless image, which have no /bin/sh to replace."""
    root = dockerfile.root_image(stage)
    if root is None:
        return False
    name = split_image(root)[0].lower()
    return name == "scratch" or "distroless" in name


def _operands(args: tuple[str | None, ...]) -> list[str] | None:
    """The non-option arguments of `ln`; None when one is unknown or `-t` names the directory."""
    operands: list[str] = []
    for value in args:
        if value is None:
            return None
        if value.startswith("-") and value != "-":
            if value in ("-t", "--target-directory") or value.startswith("--target-directory="):
                return None
            continue
        operands.append(value)
    return operands
