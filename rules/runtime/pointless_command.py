"""## What it does
Flags commands in a RUN that do nothing useful in an image build: interactive editors (`vim`, `vi`,
`nano`, `emacs`), diagnostics whose output nobody reads (`ps`, `free`, `top`, `htop`), `shutdown`,
`reboot`, `halt`, `poweroff`, `ifconfig`, `mount` / `umount`, `ssh` (unless the RUN has an
`--mount=type=ssh` agent), `service … start` as the last command of a RUN (the started daemon dies
with the step), and `kill` / `killall` / `pkill` in a RUN that started nothing in the background.

## Why is this bad?
A RUN step runs once, in a throwaway container, to produce a filesystem layer. A daemon started
there is gone when the step ends; nothing can answer an editor; `mount` needs privileges a build does
not have (use `RUN --mount` instead); `shutdown` and `kill` have nothing to stop. Such commands either
fail the build, hang it, or do nothing, and they usually mean a step was copied from an interactive
session. Start services from the ENTRYPOINT or CMD instead.

This is hadolint's DL3001.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx && service nginx start
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx
CMD ["nginx", "-g", "daemon off;"]
```

## References
- [Docker: Dockerfile best practices, CMD](https://docs.docker.com/build/building/best-practices/#cmd)
- [hadolint DL3001](https://github.com/hadolint/hadolint/wiki/DL3001)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import all_runs
from dflint.model import Dockerfile, Instruction, ShellCommand
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF628",
    name="pointless-command",
    severity=Severity.INFO,
    summary="A command that does nothing useful in a build step (an editor, `ps`, `service start`, `shutdown` …)",
)

_REASONS = {
    "vim": "is an interactive editor; nothing answers it in a build",
    "vi": "is an interactive editor; nothing answers it in a build",
    "nano": "is an interactive editor; nothing answers it in a build",
    "emacs": "is an interactive editor; nothing answers it in a build",
    "ps": "prints diagnostics nobody reads",
    "free": "prints diagnostics nobody reads",
    "top": "prints diagnostics nobody reads (and waits for input)",
    "htop": "prints diagnostics nobody reads (and waits for input)",
    "shutdown": "has no machine to stop in a build step",
    "reboot": "has no machine to restart in a build step",
    "halt": "has no machine to stop in a build step",
    "poweroff": "has no machine to stop in a build step",
    "ifconfig": "shows or changes the build container's network, which the image does not keep",
    "mount": "needs privileges a build step does not have; use `RUN --mount`",
    "umount": "needs privileges a build step does not have; use `RUN --mount`",
    "ssh": "connects out of the build without credentials; use `RUN --mount=type=ssh` for private repositories",
    "service": "starts a daemon that dies when the step ends; start it from ENTRYPOINT or CMD",
    "kill": "has nothing to stop: this RUN started nothing in the background",
    "killall": "has nothing to stop: this RUN started nothing in the background",
    "pkill": "has nothing to stop: this RUN started nothing in the background",
}


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        commands = instruction.commands
        for index, command in enumerate(commands):
            name = command.name
            if name not in _REASONS or not _pointless(instruction, commands, index, command):
                continue
            yield Finding(
                META,
                command.span,
                f"`{name}` in {stage.label} {_REASONS[name]}",
                stage=stage.name,
            )


def _pointless(instruction: Instruction, commands: tuple[ShellCommand, ...], index: int, command: ShellCommand) -> bool:
    name = command.name
    if name == "ssh":
        return not any(options.get("type") == "ssh" for options in instruction.mounts())
    if name == "service":
        return index == len(commands) - 1 and any(value in ("start", "restart") for value in command.args)
    if name in ("kill", "killall", "pkill"):
        backgrounded = any(other.operator == "&" for other in commands) or any("$!" in other.text for other in commands)
        return not backgrounded and not instruction.text.rstrip().endswith("&")
    return True
