"""## What it does
Flags an image whose shipped stages run both `wget` and `curl`. The finding points at the first use
of the tool used less often, the one to replace.

Opt-in (`--extend-select DF310`): on hand-checked random samples of default findings from real
repositories, none of 4 DF310 findings was worth telling the file's author: both tools were there on
purpose (a base that ships one, a script that needs the other) or in an image where one more small
tool changes nothing.

## Why is this bad?
Both tools do the same job. Using both means both must be installed (with their TLS libraries and
certificates) or present in the base image, and the next reader has to know two sets of flags for
failing on HTTP errors and retrying. Pick one: `curl -fsSL` is the usual choice on Debian and
Ubuntu images, `wget -q` on Alpine, where BusyBox provides it.

Only shipped stages count (the final stage and what it is built FROM): a build-only stage can use
whatever its base provides. This is hadolint's DL4001 and Trivy's DS-0014.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl wget ca-certificates
RUN curl -fsSL -o /tmp/model.onnx https://example.com/model.onnx
RUN wget -q -O /tmp/vocab.txt https://example.com/vocab.txt
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL -o /tmp/model.onnx https://example.com/model.onnx
RUN curl -fsSL -o /tmp/vocab.txt https://example.com/vocab.txt
```

## Options
- `include-build-stages` (default `false`): look at every stage, each on its own.

## References
- [hadolint DL4001](https://github.com/hadolint/hadolint/wiki/DL4001)
- [Trivy DS-0014](https://avd.aquasec.com/misconfig/ds014)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dflint.commands import all_runs
from dflint.model import Dockerfile, ShellCommand, Stage
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF310",
    name="wget-and-curl",
    severity=Severity.INFO,
    summary="Both `wget` and `curl` are used: one download tool is enough",
    skip_images_nobody_deploys=True,
    default_enabled=False,
    needs=("wget",),
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build stages are checked too."""

    include_build_stages: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if options.include_build_stages:
        groups: list[Sequence[Stage]] = [(stage,) for stage in dockerfile.stages]
    else:
        groups = [dockerfile.shipped_stages()]
    for stages in groups:
        finding = _check(dockerfile, stages)
        if finding is not None:
            yield finding


def _check(dockerfile: Dockerfile, stages: Sequence[Stage]) -> Finding | None:
    uses: dict[str, list[tuple[Stage, ShellCommand]]] = {"curl": [], "wget": []}
    for stage, instruction in all_runs(dockerfile, stages):
        for command in instruction.commands:
            if command.name in uses:
                uses[command.name].append((stage, command))
    if not uses["curl"] or not uses["wget"]:
        return None
    curl, wget = uses["curl"], uses["wget"]
    if len(curl) != len(wget):
        minor, major = ("curl", "wget") if len(curl) < len(wget) else ("wget", "curl")
    else:
        minor, major = ("curl", "wget") if curl[0][1].span > wget[0][1].span else ("wget", "curl")
    stage, command = uses[minor][0]
    other = uses[major][0][1]
    count = len(uses[minor])
    times = "once" if count == 1 else f"{count} times"
    return Finding(
        META,
        command.span,
        f"`{minor}` is used {times} in {stage.label}, and `{major}` on line {other.span.line}: use `{major}` for"
        f" every download so the image needs one tool",
        stage=stage.name,
    )
