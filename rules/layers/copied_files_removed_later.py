"""## What it does
Flags an `rm` in a shipped stage that deletes files a COPY or ADD brought in earlier: a file
copied from the build context, an ADD download, a directory copied `--from` another stage, an
archive ADD unpacked — when the removal takes in the whole of what that instruction wrote (`rm
/tmp/model.tar.gz` after `COPY model.tar.gz /tmp/`, `rm -rf /wheels` after `COPY --from=build
/wheels /wheels`).

Only the final stage and the stages it is built FROM are checked: a build stage's layers do not
ship, and `COPY --from` takes its final state, so a removal there does shrink what is copied.
It stays silent on removals of a part of a copied directory (`COPY . /app` then `rm -rf
/app/tests`: whether the context held it is unknown; `.dockerignore` is the fix there), on small
scripts and configuration files (`.sh`, `.py`, `.txt`, `.json` …) whose layer costs next to
nothing, on removals whose path is unknown, and in development, CI and toolchain images
(`dflint/purpose.py`). DF304 covers what a RUN wrote and a later RUN removes.

## Why is this bad?
A COPY or ADD is a layer of its own, and a later RUN can only hide its files: the bytes stay in
the COPY's layer and the image is exactly as large as before. An archive copied in to be unpacked
and deleted ships twice (packed in the COPY layer, unpacked in the RUN's); wheels copied from a
build stage to be installed and deleted ship twice too. With BuildKit, `RUN --mount=type=bind`
makes the files visible to that one RUN without writing them into any layer; a build stage that
unpacks or installs them and is copied from does the same on any builder.

## Example
```dockerfile
FROM python:3.12-slim
COPY model.tar.gz /tmp/
RUN mkdir -p /opt/model && tar -xzf /tmp/model.tar.gz -C /opt/model && rm /tmp/model.tar.gz
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN --mount=type=bind,source=model.tar.gz,target=/tmp/model.tar.gz \
    mkdir -p /opt/model && tar -xzf /tmp/model.tar.gz -C /opt/model
```

From a build stage: `RUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install
--no-cache-dir /wheels/*.whl`.

## References
- [Dockerfile reference: RUN --mount=type=bind](https://docs.docker.com/reference/dockerfile/#run---mounttypebind)
- [Docker: Layers](https://docs.docker.com/build/guide/layers/)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.filesystem import Write, bulky, covers, instruction_writes, last_write, removed_paths
from dflint.model import Dockerfile, ShellCommand, Span, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.shipping import layer_chains

from ._caches import command_label

META = RuleMeta(
    code="DF316",
    name="copied-files-removed-later",
    severity=Severity.WARNING,
    summary="Files a COPY or ADD brought in are removed by a later RUN, so the COPY's layer still ships them",
    needs=("rm",),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.for_development:
        return  # development, CI and toolchain images are not built to be small
    seen: set[Span] = set()
    for chain in layer_chains(dockerfile):  # one chain, unless the final base is unresolvable
        for finding in _check_chain(dockerfile, chain):
            if finding.span not in seen:
                seen.add(finding.span)
                yield finding


def _check_chain(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> Iterator[Finding]:
    copied: list[Write] = []
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD"):
                copied.extend(instruction_writes(instruction))
                continue
            for command in instruction.commands:
                removed = _removed(command)
                if not removed:
                    continue
                whole = [w for w in copied if bulky(w) and any(covers(path, w.path, any_home=False) for path in removed)]
                if whole:
                    yield _finding(dockerfile, stage, command, whole)
                    copied = [write for write in copied if write not in whole]  # reported once, at its first removal
                    continue
                part = next(((w, path) for w in copied for path in removed if _built_there(dockerfile, w, path)), None)
                if part is not None:
                    yield _part_finding(dockerfile, stage, command, *part)


def _removed(command: ShellCommand) -> list[str]:
    """The absolute paths an `rm` removes (unknown and relative-to-unknown ones left out)."""
    if command.name != "rm":
        return []
    return [
        path for path in removed_paths(command) or () if path is not None and path.startswith("/") and not path.startswith("/<")
    ]


def _built_there(dockerfile: Dockerfile, write: Write, removed: str) -> bool:
    """A removal of a part of a directory copied from another stage, where that stage is known to
    have written the part (`COPY --from=build /workspace /workspace` then `rm -rf /workspace/repo`
    after the build stage cloned it)."""
    spec = write.instruction.copy
    if not write.tree or spec is None or spec.source_stage is None or write.source is None or "$" in write.source:
        return False
    prefix = write.path.rstrip("/") + "/"
    if not removed.startswith(prefix) or any(char in removed for char in "*?["):
        return False
    origin = posixpath.join(posixpath.normpath("/" + write.source.lstrip("/")), removed[len(prefix) :])
    source = dockerfile.stages[spec.source_stage]
    # the COPY is not in the source stage, so this asks for the last write of the whole stage
    found = last_write(dockerfile, source, origin, write.instruction)
    return found is not None and found.path == origin  # written there, not maybe inside a tree above it


def _finding(dockerfile: Dockerfile, stage: Stage, command: ShellCommand, hits: list[Write]) -> Finding:
    first = hits[0].instruction
    keyword = first.keyword
    lines = sorted({write.instruction.span.line for write in hits})
    where = f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(str(line) for line in lines)
    source_stage = first.copy.source_stage if first.copy is not None else None
    remote = any(
        source is not None and ("://" in source or source.startswith("git@"))
        for source in (first.copy.sources if first.copy else ())
    )
    if source_stage is not None:
        mount = f"`RUN --mount=type=bind,from={dockerfile.stages[source_stage].key}`"
        action = f"use {mount}"
    elif remote:
        mount = "a download in the RUN that removes it"
        action = "download it in that RUN instead"
    else:
        mount = "`RUN --mount=type=bind`"
        action = f"use {mount}"
    text = command_label(command)
    paths = ", ".join(dict.fromkeys(write.path for write in hits))
    return Finding(
        META,
        command.span,
        f"`{clip(text, 30)}` in {stage.label} deletes what the {keyword} on {where} added, which its layer keeps; {action}",
        stage=stage.name,
        detail=f"`{text}` in {stage.label} removes {clip(paths, 120)}, written by the {keyword} on {where}: a COPY or ADD is"
        " a layer of its own, so the files stay in the image and it does not shrink. Make them visible to the RUN only,"
        f" with {mount}, or unpack or install them in a build stage and copy the result",
    )


def _part_finding(dockerfile: Dockerfile, stage: Stage, command: ShellCommand, write: Write, removed: str) -> Finding:
    copy = write.instruction
    spec = copy.copy
    source = dockerfile.stages[spec.source_stage] if spec is not None and spec.source_stage is not None else None
    where = source.label if source is not None else "the source stage"
    text = command_label(command)
    return Finding(
        META,
        command.span,
        f"`{clip(text, 30)}` in {stage.label} deletes part of what the COPY on line {copy.span.line} added; remove it in {where}",
        stage=stage.name,
        detail=f"`{text}` in {stage.label} removes {removed}, which {where} wrote and the `COPY --from` on line"
        f" {copy.span.line} copied into its own layer: the files stay in the image and it does not shrink. Remove them in"
        f" {where} before the copy (a copy takes that stage's final state), or copy only what the image needs",
    )
