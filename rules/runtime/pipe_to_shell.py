"""## What it does
Flags a RUN that runs a script straight from the network: `curl … | sh`, `wget -qO- … | bash`,
`curl … | sudo -E bash -`, `curl … | python3 -`, `sh -c "$(curl …)"`, `bash <(curl …)` and
`eval "$(wget -O- …)"`.

## Why is this bad?
Whatever the server returns at build time runs as root in the image, unseen: a compromised or
changed installer, a truncated download (the shell runs the part it received), or an HTML error
page. Nothing pins what was run, so two builds of the same commit can install different things.

Download the script to a file, check it against a checksum you recorded (or use
`ADD --checksum=sha256:…`), then run it, ideally with a pinned version argument. Better still,
install the tool from a package manager or a release archive with a published checksum.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/install-1.4.2.sh /tmp/install.sh
RUN sh /tmp/install.sh --version 1.4.2 && rm /tmp/install.sh
```

## References
- [Docker: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [Docker: Dockerfile best practices, ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.commands import SHELLS, all_runs, covering, pipelines
from dflint.model import Dockerfile, ShellCommand, Span
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF623",
    name="pipe-to-shell",
    severity=Severity.WARNING,
    summary="A script downloaded and run in one step, unverified",
    skip_images_nobody_deploys=True,
)

_DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c"})
_INTERPRETERS = re.compile(r"(?:python[0-9.]*|perl|ruby|node|php)")
_SUBSTITUTION = re.compile(r"(?:\$\(|`|<\()\s*(?:\S*/)?(?:curl|wget)\b")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for pipeline in pipelines(instruction.commands):
            for position, command in enumerate(pipeline[:-1]):
                if command.name not in _DOWNLOADERS:
                    continue
                runner = next((later for later in pipeline[position + 1 :] if _reads_script_from_stdin(later)), None)
                if runner is not None:
                    yield _finding(stage.label, stage.name, covering(command.span, runner.span), command.name or "", runner)
                    break
        for command in instruction.commands:
            if _runs_substitution(command):
                yield _finding(stage.label, stage.name, command.span, "a download", command)


def _finding(label: str, stage: str | None, span: Span, source: str, runner: ShellCommand) -> Finding:
    program = runner.name or "a shell"
    return Finding(
        META,
        span,
        f"{label} pipes `{clip(source)}` into `{clip(program)}` unverified; check its sha256 before running it",
        stage=stage,
        detail=f"{label} runs what `{source}` downloads with `{program}`, unverified: save it to a file, check its sha256"
        " (or use `ADD --checksum`), then run it",
    )


def _reads_script_from_stdin(command: ShellCommand) -> bool:
    name = command.name
    if name is None:
        return False
    arguments = [value for value in command.args]
    if name in SHELLS:
        if any(
            value is not None and value.startswith("-") and not value.startswith("--") and "c" in value[1:] for value in arguments
        ):
            return False
        operands = [value for value in arguments if value is not None and not value.startswith(("-", "+"))]
        return not operands or "-s" in arguments or arguments[:1] == ["-"]
    if _INTERPRETERS.fullmatch(name):
        if any(value in ("-c", "-m", "-e") for value in arguments):
            return False
        inputs = [value for value in arguments if value is None or not value.startswith("-")]
        return not inputs or "-" in arguments
    return False


def _runs_substitution(command: ShellCommand) -> bool:
    """`sh -c "$(curl …)"`, `bash <(curl …)`, `source <(wget -O- …)`, `eval "$(curl …)"`."""
    name = command.name
    if name not in SHELLS and name not in ("eval", "source", "."):
        return False
    return any(_SUBSTITUTION.search(word.text) for word in command.argv[1:])
