"""## What it does
Flags a removal in a shipped stage that runs in a later RUN than the one that wrote what it
removes:

- the apt lists (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`) after an `apt-get update`
  in an earlier RUN;
- a package manager's cache (`rm -rf /root/.cache/pip`, `pip cache purge`, `conda clean -afy`,
  `yum clean all`, `npm cache clean --force`, `uv cache clean`, `rm -rf /var/cache/apk/*` …)
  after an install in an earlier RUN that left it in its layer;
- a package (`apt-get purge gcc`, `apk del .build-deps`, `yum remove`, `pip uninstall`,
  `pipx uninstall`, `pipenv uninstall`, `conda remove`) that an earlier RUN installed with a package
  manager of the same family and did not remove itself.

A package manager's cache, or the apt lists, that its own RUN keeps in a layer of the image is
reported at that RUN (DF301 for pip and `uv pip`, DF303 for the others, DF302 for the lists), with
the fix that makes the later cleanup unneeded (`--no-cache-dir`, or the cleanup moved into that
RUN): a later cleanup of it is not reported again. Packages removed too late are still reported
here, and so is a cache whose RUN those rules do not report.

The finding sits on the removal and names the line of the RUN that wrote it. A removal that also
cleans up what its own RUN wrote before it (`RUN apt-get update && … && rm -rf
/var/lib/apt/lists/*`) is not flagged, nor is one whose writer dflint cannot see (the base image).
Only the final stage and the stages it is built FROM are checked: a stage copied with
`COPY --from` ships its final files, so a cleanup there does shrink what is copied.

## Why is this bad?
Every RUN adds a layer, and a layer can only add files or mark them deleted. Deleting in a later
RUN hides the files but leaves their bytes in the earlier layer, so the image is exactly as large
as before (and a little larger for the extra layer). The cleanup has to run in the same RUN that
wrote the files, or the files must never reach the layer (`--no-cache-dir`, `apk add --no-cache`,
a `RUN --mount=type=cache`, or a build stage whose results are copied).

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN gcc -o /usr/local/bin/hello /src/hello.c
RUN apt-get purge -y gcc libc6-dev
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && gcc -o /usr/local/bin/hello /src/hello.c \
    && apt-get purge -y --auto-remove gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
```

## References
- [Docker: Layers](https://docs.docker.com/build/guide/layers/)
- [Docker: Best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from dflint.build_deps import FAMILY, LateRemoval, late_removals
from dflint.data import load
from dflint.filesystem import LateCleanup, late_cleanups
from dflint.model import Dockerfile, Instruction, Span, Stage
from dflint.rule import Finding, RuleMeta, Savings, Severity, clip
from dflint.shipping import layer_chains

from ._caches import (
    Writer,
    apt_lists_savings,
    command_label,
    heavy_savings,
    pip_config_disables,
    reported_where_written,
    writers_in,
)

META = RuleMeta(
    code="DF304",
    name="cleanup-in-later-layer",
    severity=Severity.WARNING,
    summary="A cache or package is removed in a later RUN than the one that wrote it, so the image does not shrink",
    skip_images_nobody_deploys=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    seen: set[tuple[Span, str]] = set()
    for chain in layer_chains(dockerfile):  # one chain, unless the final base is unresolvable
        for finding in _check_chain(dockerfile, chain):
            if (finding.span, finding.message) not in seen:
                seen.add((finding.span, finding.message))
                yield finding


def _check_chain(dockerfile: Dockerfile, chain: tuple[Stage, ...]) -> Iterator[Finding]:
    """The filesystem view says which later command removes what a RUN left in its layer (a cache,
    the apt lists) and which removes a package a RUN installed; this rule words the findings."""
    counted: set[int] = set()  # writers whose size a finding already carries (no double counting)
    stages = {id(instruction): stage for stage in chain for instruction in stage.instructions}
    disabled = _pip_cache_disabled(chain)
    for cleanup in late_cleanups(chain, lambda run: writers_in(run, disabled[id(run)])):
        left = tuple(
            w
            for w in cleanup.removed
            if not reported_where_written(dockerfile, stages[id(w.instruction)], w, disabled[id(w.instruction)])
        )
        if not left:
            continue  # every cache it removes is reported at the RUN that writes it, with the same fix
        cleanup = dataclasses.replace(cleanup, removed=left)
        fresh = [w for w in cleanup.removed if id(w) not in counted]
        counted.update(id(w) for w in cleanup.removed)
        yield _cache_finding(cleanup, _cache_savings(dockerfile.root_image(cleanup.stage), fresh) if fresh else None)
    for removal in late_removals(chain):
        yield _package_finding(removal)


def _pip_cache_disabled(chain: tuple[Stage, ...]) -> dict[int, bool]:
    """For each instruction of the chain (by identity), whether an earlier one turned pip's cache off
    with `pip config set global.no-cache-dir …`: then a later pip install writes no cache to clean."""
    disabled: dict[int, bool] = {}
    off = False
    for stage in chain:
        for instruction in stage.instructions:
            disabled[id(instruction)] = off
            off = off or any(pip_config_disables(command) for command in instruction.commands)
    return disabled


# -- findings -----------------------------------------------------------------------------------


def _lines(instructions: list[Instruction]) -> str:
    """`the RUN on line 2`, `the RUNs on lines 2, 5`."""
    numbers = _line_numbers(instructions)
    return f"the RUNs on {numbers}" if numbers.startswith("lines") else f"the RUN on {numbers}"


def _line_numbers(instructions: list[Instruction]) -> str:
    """`line 2`, `lines 2, 5`: where the instructions start."""
    lines = sorted({instruction.span.line for instruction in instructions})
    return f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(str(line) for line in lines)


def _cache_finding(cleanup: LateCleanup[Writer], savings: Savings | None) -> Finding:
    what = []
    for writer in cleanup.removed:
        if writer.label not in what:
            what.append(writer.label)
    where = _lines([w.instruction for w in cleanup.removed])
    text = command_label(cleanup.command)
    label = cleanup.stage.label
    return Finding(
        META,
        cleanup.command.span,
        f"`{clip(text)}` in {label} cleans a layer already written; clean up in {where}",
        savings=savings,
        stage=cleanup.stage.name,
        detail=f"`{text}` in {label} removes {' and '.join(what)} written by {where}: the bytes stay in that earlier"
        f" layer and the image does not shrink; clean up in {where} instead",
    )


def _cache_savings(base: str | None, stale: list[Writer]) -> Savings | None:
    if any(w.kind == "lists" for w in stale):
        return apt_lists_savings(base)
    found: list[Savings] = []
    for writer in stale:
        if writer.op is not None and writer.key in ("pip", "uv"):
            savings, _ = heavy_savings(list(writer.op.packages), writer.op)
            if savings is not None:
                found.append(savings)
    if not found:
        return None
    return Savings(round(sum(s.mb for s in found), 1), "; ".join(s.source for s in found))


def _package_finding(removal: LateRemoval) -> Finding:
    removed = removal.removed
    names = ", ".join(dict.fromkeys(item.name for item in removed))
    where = _lines([item.instruction for item in removed])
    text = command_label(removal.command)
    label = removal.stage.label
    return Finding(
        META,
        removal.command.span,
        f"`{clip(text, 30)}` in {label} removes {clip(names, 30)} a layer after {_line_numbers([item.instruction for item in removed])}; install, use and"
        " remove in one RUN",
        savings=_package_savings(removal),
        stage=removal.stage.name,
        detail=f"`{text}` in {label} removes {names}, installed by {where}: the files stay in that earlier layer and"
        f" the image does not shrink; install, use and remove {'it' if len(removed) == 1 else 'them'} in one RUN, or build"
        " in a separate stage. Moving the removal alone into the installing RUN would break what uses"
        f" {'it' if len(removed) == 1 else 'them'} in between",
    )


def _package_savings(removal: LateRemoval) -> Savings | None:
    """Installed sizes of removed apt packages that dflint's data measures (Debian 12)."""
    ops = removal.instruction.ops_of(removal.command)
    auto = any(op.has_flag("--auto-remove", "--autoremove") for op in ops)
    total = 0.0
    names: list[str] = []
    for item in removal.removed:
        if FAMILY.get(item.op.manager) != "apt":
            continue
        entry = _apt_facts().get(item.name)
        if entry is None:
            continue
        size = entry.get("closure_mb" if auto else "installed_mb")
        if isinstance(size, (int, float)):
            total += float(size)
            names.append(f"{item.name} {size:g} MB")
    if not names:
        return None
    kind = "dependency closure" if auto else "Installed-Size"
    return Savings(
        round(total, 1), f"dflint/data build_tools.json / dev_packages.json, Debian 12 apt {kind}: " + ", ".join(names)
    )


def _apt_facts() -> dict[str, dict[str, object]]:
    facts: dict[str, dict[str, object]] = {}
    for source in (
        load("dev_packages").get("packages", {}).get("apt", {}),
        load("build_tools")["managers"]["apt"].get("packages", {}),
    ):
        for name, entry in source.items():
            if isinstance(entry, dict):
                facts.setdefault(name, entry)
    return facts
