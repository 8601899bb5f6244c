"""## What it does
Flags a recursive `chown`, `chgrp` or `chmod` (`-R`) in a RUN of a shipped stage whose paths take in
what an earlier instruction of the image wrote and that weighs something: the packages a `pip`,
`uv` or `conda` install put in place (its site-packages, a virtual environment, a `--user` tree, a
conda prefix), a tree a `COPY --from` brought in (build results, a virtual environment, an
application), or a bulky COPY or ADD as DF316 judges it (an archive, wheels, model weights, a
`models/` or `dist/` directory).

It stays silent when the change is made in the RUN that wrote the files (one layer holds them once),
on paths nothing earlier wrote (`mkdir -p /home/app/.cache && chown -R app /home/app/.cache`), on a
copy of the application's own source from the build context (a few megabytes, as a rule), in stages
that do not ship, and in development, CI and toolchain images (`dflint/purpose.py`).

Where several earlier instructions wrote into the changed paths, the message names the one that
wrote the most specific tree, and of equal ones the last (on Kubeflow's RStudio image, the conda
install of `r-base` that created `R_HOME`, not the Miniforge install of the same prefix before it; a
reviewer found the earlier line misleading); the detail lists the others.

## Why is this bad?
An image layer records every file a RUN changed, whole: a file whose owner or mode changes is
copied into the new layer again, while the earlier layer keeps the original. `chown -R app /app`
after `COPY --from=build /app /app` ships the application twice; after `pip install --user -r
requirements.txt`, every installed package twice. Projects that removed such a RUN measured the
difference: the layer of `RUN chown -R cognee:cognee /app` was 9.02 GB beside the 9.02 GB `COPY`
it changed (topoteretes/cognee#3753), OmniRoute's 2.04 GB beside a 2.03 GB standalone build
(diegosouzapw/OmniRoute#14010), and Stackable's images went from 5.4 GiB to 1.6 GiB without their
`chown -R`/`chmod -R` (stackabletech/docker-images#961). There is no detail estimate: how much the
earlier instruction wrote is not known from the Dockerfile.

## Example
```dockerfile
FROM python:3.12-slim
RUN useradd -m app
COPY --from=ghcr.io/example/model-server:1.4.0 /opt/venv /opt/venv
RUN chown -R app:app /opt/venv
USER app
CMD ["/opt/venv/bin/python", "-m", "server"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN useradd -m app
COPY --from=ghcr.io/example/model-server:1.4.0 --chown=app:app /opt/venv /opt/venv
USER app
CMD ["/opt/venv/bin/python", "-m", "server"]
```

Set the owner where the files are written: `COPY --chown=…`/`--chmod=…`, the `chown` at the end of
the RUN that installs them, or the install run as the user (`USER app` before `pip install --user`).
Often the files need no new owner at all: a server reads its packages, and only the directories it
writes (a model cache, logs) need to belong to its user.

## References
- [Dockerfile reference: COPY --chown --chmod](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
- [Docker: Layers](https://docs.docker.com/build/guide/layers/)
- [topoteretes/cognee#3753: the duplicated 9 GB /app layer](https://github.com/topoteretes/cognee/pull/3753)
- [stackabletech/docker-images#961: chown/chmod balloons the images](https://github.com/stackabletech/docker-images/issues/961)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.filesystem import Write, absolute, bulky, install_write, instruction_writes
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.shipping import layer_chains, overlaps

META = RuleMeta(
    code="DF317",
    name="ownership-change-in-later-layer",
    severity=Severity.WARNING,
    summary="A recursive chown or chmod in a later RUN copies every file it changes into a new layer: the image holds them twice",
    needs=("chown", "chgrp", "chmod"),
    skip_images_nobody_deploys=True,
)

_CHANGERS = frozenset({"chown", "chgrp", "chmod"})
_PACKAGE_MANAGERS = ("pip", "uv", "conda")


@dataclass(frozen=True, slots=True)
class _Written:
    """A tree an earlier instruction wrote: where (an absolute path, or a pattern such as
    `/usr/local/lib/python*`), by which instruction, and what it is, for the message."""

    path: str
    instruction: Instruction
    what: str


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.for_development:
        return  # development, CI and toolchain images are not built to be small
    seen: set[int] = set()
    for chain in layer_chains(dockerfile):  # one chain, unless the final base is unresolvable
        for finding, index in _check_chain(dockerfile, chain):
            if index not in seen:
                seen.add(index)
                yield finding


def _check_chain(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> Iterator[tuple[Finding, int]]:
    written: list[_Written] = []
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.copy is not None:
                written.extend(_Written(w.path, instruction, _copied(w)) for w in instruction_writes(instruction) if _weighs(w))
                continue
            if instruction.keyword != "RUN":
                continue
            for command in instruction.commands:
                targets = _recursive_targets(command)
                hits = [w for w in written if any(_changes(target, w.path) for target in targets)]
                if hits:  # one finding per RUN: its commands change files of one layer
                    yield _finding(stage, instruction, command, hits), id(instruction)
                    break
            for op in instruction.packages:
                if op.verb == "install" and op.manager in _PACKAGE_MANAGERS and (op.packages or op.files):
                    what = f"the `{op.program}` install"
                    trees = install_write(dockerfile, stage, instruction, op, from_path=False)  # not PATH's guess
                    written.extend(_Written(tree, instruction, what) for tree in trees)


def _changes(target: str, written: str) -> bool:
    """Does a recursive change of `target` change files of the tree written at `written` (a path or a
    pattern)? The tree at or below the target, or the target inside the tree; a tree written at `/`
    (a copied filesystem, DF117's) says nothing of what is below it."""
    return written != "/" and overlaps(target, written, tree=True)


def _weighs(write: Write) -> bool:
    """A COPY/ADD whose files weigh something: a tree from another stage or image, or what DF316
    calls bulky (archives, wheels, weights, a `models/` or `dist/` directory)."""
    return (write.tree and write.instruction.flag("from") is not None) or bulky(write)


def _copied(write: Write) -> str:
    flag = write.instruction.flag("from")
    source = f" from `{clip(flag.value, 20)}`" if flag is not None and flag.value else ""
    return f"the {write.instruction.keyword}{source} of `{clip(write.path, 30)}`"


def _recursive_targets(command: ShellCommand) -> list[str]:
    """The absolute paths a recursive `chown`/`chgrp`/`chmod` changes (its operands after the
    owner or mode; unknown and relative-to-unknown ones left out); empty when it is not one."""
    if command.name not in _CHANGERS:
        return []
    words = list(command.args)
    options = [word for word in words if word is not None and word.startswith("-")]
    if not any(word in ("-R", "--recursive") or (not word.startswith("--") and "R" in word[1:]) for word in options):
        return []
    operands = [word for word in words if word is None or not word.startswith("-")]
    if not any(word is not None and word.startswith("--reference") for word in options):
        operands = operands[1:]  # the owner, group or mode
    paths = [absolute(word, command.cwd) for word in operands if word is not None]
    return [path for path in paths if path is not None and path.startswith("/") and not path.startswith("/<")]


def _finding(stage: Stage, instruction: Instruction, command: ShellCommand, hits: list[_Written]) -> Finding:
    # the write to name: the most specific tree, and of equal ones the last (the conda install of
    # `r-base` that wrote R_HOME, not the Miniforge install of the same prefix before it)
    first = max(hits, key=lambda hit: (len(hit.path.rstrip("/")), hit.instruction.index))
    program = command.name or "chown"
    others = sorted({hit.instruction.span.line for hit in hits} - {first.instruction.span.line})
    more = f" and line{'s' if len(others) > 1 else ''} {', '.join(str(line) for line in others)}" if others else ""
    what = "the mode" if program == "chmod" else "ownership"
    where = f"`COPY --{'chmod' if program == 'chmod' else 'chown'}`" if first.instruction.copy is not None else "that RUN"
    return Finding(
        META,
        command.span,
        f"`{program} -R` in {stage.label} copies what line {first.instruction.span.line} wrote into a new layer; set"
        f" {what} in {where}",
        stage=stage.name,
        detail=f"`{clip(command.text, 60)}` (line {instruction.span.line}) changes files that {first.what} (line"
        f" {first.instruction.span.line}){more} wrote in an earlier layer: a layer records each changed file whole,"
        " so the image holds them twice. Set the owner or mode where they are written: `COPY --chown=…`/`--chmod=…`,"
        " a `chown` at the end of the RUN that installs them, or the install run as the user; or change only the"
        " directories the process writes (a model cache, logs)",
    )
