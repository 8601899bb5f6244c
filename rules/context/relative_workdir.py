"""## What it does
Flags a relative `WORKDIR` (`WORKDIR app`) when no `WORKDIR` was set earlier in the stage, or in
the stages it is built `FROM`. A relative `WORKDIR` after an absolute one is fine; a path that
depends on an unknown variable is left alone.

`WORKDIR .` (or `./`) changes nothing: it is reported as a no-op to remove (severity info), not as
a path to make absolute, since writing `/` instead would move the stage out of the base image's
working directory. When the base is known to set a working directory (`golang`: `/go`, the Jupyter
stacks: `/home/jovyan`, from `dflint/data/image_purposes.json`), the suggested absolute path is the
one the relative `WORKDIR` resolves to today (`/go/tools` for `WORKDIR tools`).

A relative `WORKDIR` that enters a directory an earlier instruction of the stage made under the same
relative name (`COPY app app`, `COPY ./ serve`, `RUN git clone https://github.com/pytorch/serve.git`
then `WORKDIR serve`) is left alone: wherever the base image's working directory is, the stage
enters the directory it has just filled, so the files it copied or cloned are where the instructions
after it look for them. On the shared corpus of 776 real Dockerfiles this was 6 of DF501's 9
findings (TorchServe's images, a KServe sample); reviewers reading the files had judged the 6 they
sampled right and none worth telling. A clone whose URL this file does not know (`git clone $REPO_URL`, the ARG
declared in another stage) counts when the same RUN then enters the directory (`&& cd serve`), as
TorchServe's dev image does (a reviewer).

This follows BuildKit's `WorkdirRelativePath` check. hadolint's DL3000 flags every relative
`WORKDIR`, even after an absolute one in the same stage, where the result is well defined.

## Why is this bad?
A relative `WORKDIR` is relative to the working directory of the base image, which the Dockerfile
does not state and which can change when the base image is updated: `WORKDIR app` is `/app` on one
base and `/home/user/app` or `/workspace/app` on another (many ML images set `/workspace`). The
`COPY`, `RUN` and `CMD` that follow then read and write somewhere else.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR app
COPY . .
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

## References
- [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
- [BuildKit check WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
- [hadolint DL3000](https://github.com/hadolint/hadolint/wiki/DL3000)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.filesystem import command_writes
from dflint.model import Dockerfile, Instruction, Stage
from dflint.purpose import base_workdir
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._copies import is_absolute

META = RuleMeta(
    code="DF501",
    name="relative-workdir",
    severity=Severity.WARNING,
    summary="Relative `WORKDIR` with no absolute `WORKDIR` before it",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    workdir_set: dict[int, bool] = {}
    for stage in dockerfile.stages:
        is_set = workdir_set.get(stage.base_stage, False) if stage.base_stage is not None else False
        for instruction in stage.instructions_of("WORKDIR"):
            written = instruction.arguments.strip()
            value = instruction.words[0].value if instruction.words else None
            if not is_set and value and not is_absolute(value):
                relative = posixpath.normpath(value)
                if relative != "." and _made_before(stage, instruction, relative):
                    is_set = True
                    continue  # it enters what the stage just copied or cloned, wherever that is
                if relative == ".":
                    yield Finding(
                        META,
                        instruction.arguments_span,
                        f"WORKDIR `{clip(written)}` in {stage.label} does nothing (it stays in the base image's working"
                        " directory); remove it",
                        severity=Severity.INFO,
                        stage=stage.name,
                        detail=f"WORKDIR `{written}` in {stage.label} sets the working directory to the one already in force"
                        " (the base image's); it changes nothing, so remove it rather than write an absolute path, which"
                        " would move the stage out of that directory",
                    )
                    is_set = True
                    continue
                inherited = base_workdir(dockerfile.root_image(stage))
                absolute = posixpath.normpath(posixpath.join(inherited or "/", relative))
                today = f" (where it resolves today: the base image sets WORKDIR `{inherited}`)" if inherited else ""
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"relative WORKDIR `{clip(written)}` in {stage.label}; write an absolute path such as `{clip(absolute)}`",
                    stage=stage.name,
                    detail=f"relative WORKDIR `{written}` in {stage.label} is relative to the base image's working"
                    " directory, which this file does not set and which may change; write an absolute path such as"
                    f" `{absolute}`{today}",
                )
            is_set = True
        workdir_set[stage.index] = is_set


def _made_before(stage: Stage, workdir: Instruction, relative: str) -> bool:
    """An earlier instruction of the stage (all in the base image's working directory: no WORKDIR
    before this one) wrote the directory `relative` or one that holds it: a COPY or ADD to a
    relative destination, or a `git clone` into a relative directory before any `cd` of its RUN."""
    for instruction in stage.instructions:
        if instruction.index >= workdir.index:
            break
        if instruction.keyword in ("COPY", "ADD"):
            destination = instruction.words[-1].value if len(instruction.words) >= 2 else None
            if destination and not is_absolute(destination) and _holds(posixpath.normpath(destination), relative):
                return True
        elif instruction.keyword == "RUN":
            cloned_unnamed = False  # a clone whose directory is unknown (`git clone $REPO_URL`)
            for command in instruction.commands:
                if command.name == "cd":
                    target = command.args[0] if len(command.args) == 1 else None
                    # `git clone $REPO_URL && cd serve`: the RUN names the directory the clone made
                    if cloned_unnamed and target and not is_absolute(target):
                        return _holds(posixpath.normpath(target), relative)
                    break  # what follows runs somewhere else
                if command.name != "git":
                    continue
                writes = list(command_writes(command))
                for path, tree in writes:
                    if tree and path and not is_absolute(path) and _holds(posixpath.normpath(path), relative):
                        return True
                if "clone" in command.args and all(path in (None, ".") for path, _ in writes):
                    cloned_unnamed = True  # into a directory named after a URL this file does not know
    return False


def _holds(directory: str, relative: str) -> bool:
    return directory != "." and (relative == directory or relative.startswith(directory + "/"))
