"""## What it does
Flags a removal in a shipped stage that runs in a later RUN than the one that wrote what it
removes:

- the apt lists (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`) after an `apt-get update`
  in an earlier RUN;
- a package manager's cache (`rm -rf /root/.cache/pip`, `pip cache purge`, `conda clean -afy`,
  `yum clean all`, `npm cache clean --force`, `uv cache clean`, `rm -rf /var/cache/apk/*` …)
  after an install in an earlier RUN that left it in its layer;
- a package (`apt-get purge gcc`, `apk del .build-deps`, `yum remove`, `pip uninstall`,
  `conda remove`) installed by an earlier RUN.

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
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## References
- [Docker: Layers](https://docs.docker.com/build/guide/layers/)
- [Docker: Best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.data import load
from dflint.model import Dockerfile, Instruction, PackageOp, ShellCommand, Span, Stage
from dflint.rule import Finding, RuleMeta, Savings, Severity, clip
from dflint.shipping import layer_chains

from ._caches import (
    Writer,
    apt_lists_savings,
    cleaned_after_each,
    cleans_cache,
    cleans_lists,
    command_label,
    heavy_savings,
    ops_of,
    writers_in,
)

META = RuleMeta(
    code="DF304",
    name="cleanup-in-later-layer",
    severity=Severity.WARNING,
    summary="A cache or package is removed in a later RUN than the one that wrote it, so the image does not shrink",
    skip_images_nobody_deploys=True,
)

_FAMILY = {"apt": "apt", "apk": "apk", "yum": "rpm", "dnf": "rpm", "microdnf": "rpm", "pip": "pip", "conda": "conda"}


@dataclass(frozen=True, slots=True)
class _Installed:
    family: str
    name: str
    op: PackageOp
    instruction: Instruction
    position: int


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    seen: set[tuple[Span, str]] = set()
    for chain in layer_chains(dockerfile):  # one chain, unless the final base is unresolvable
        for finding in _check_chain(chain):
            if (finding.span, finding.message) not in seen:
                seen.add((finding.span, finding.message))
                yield finding


def _check_chain(chain: tuple[Stage, ...]) -> Iterator[Finding]:
    # Writers kept in earlier layers, grouped by what `_cleans` reads of them (kind, key,
    # directories), so that each command is judged once per kind of leftover, not once per RUN
    # that left one: a long stage stays linear. Each writer keeps its place in the order kept.
    kept: dict[tuple[str, str, tuple[str, ...]], list[tuple[int, Writer]]] = {}
    kept_count = 0
    installed: list[_Installed] = []
    counted: set[int] = set()  # writers whose size a finding already carries (no double counting)
    for stage in chain:
        for instruction in stage.instructions_of("RUN"):
            own_writers = writers_in(instruction)
            own_installs = list(_installs(instruction))
            for position, command in enumerate(instruction.commands):
                ops = ops_of(instruction, command)
                stale_places: list[tuple[int, Writer]] = []
                for group in kept.values():
                    if _cleans(command, ops, group[0][1], instruction) and not _own_write_before(
                        command, ops, own_writers, position, instruction
                    ):
                        stale_places.extend(group)
                stale = [w for _, w in sorted(stale_places, key=lambda place: place[0])]
                if stale:
                    fresh = [w for w in stale if id(w) not in counted]
                    counted.update(id(w) for w in stale)
                    yield _cache_finding(stage.label, stage.name, command, stale, _cache_savings(fresh) if fresh else None)
                removed = _removed_packages(ops, installed, own_installs, position)
                if removed:
                    yield _package_finding(stage.label, stage.name, command, ops, removed)
            for w, verdict in zip(own_writers, cleaned_after_each(own_writers, instruction)):
                if verdict is False:
                    kept.setdefault((w.kind, w.key, w.directories), []).append((kept_count, w))
                    kept_count += 1
            removed_later = _removed_later(instruction)
            installed.extend(item for item in own_installs if not _removed_in_same_run(item, removed_later))


def _cleans(command: ShellCommand, ops: tuple[PackageOp, ...], writer: Writer, instruction: Instruction) -> bool:
    if writer.kind == "lists":
        return cleans_lists(command, instruction) is True
    return cleans_cache(command, ops, writer) is True


def _own_write_before(
    command: ShellCommand, ops: tuple[PackageOp, ...], writers: list[Writer], position: int, instruction: Instruction
) -> bool:
    return any(w.position < position and _cleans(command, ops, w, instruction) for w in writers)


# -- packages -----------------------------------------------------------------------------------


def _installs(instruction: Instruction) -> Iterator[_Installed]:
    for position, command in enumerate(instruction.commands):
        for op in ops_of(instruction, command):
            family = _family(op)
            if family is None or op.verb != "install":
                continue
            for requirement in op.packages:
                if requirement.name and requirement.kind == "name":
                    yield _Installed(family, requirement.name, op, instruction, position)
            if op.virtual:
                yield _Installed(family, op.virtual, op, instruction, position)


def _family(op: PackageOp) -> str | None:
    if op.manager == "uv" and op.program == "uv pip":
        return "pip"
    return _FAMILY.get(op.manager)


def _removal_names(op: PackageOp) -> set[str]:
    if op.verb != "remove":
        return set()
    return {requirement.name for requirement in op.packages if requirement.name}


def _removed_later(instruction: Instruction) -> dict[tuple[str, str], int]:
    """(family, name) → the last position in the RUN of a command that removes that package."""
    last: dict[tuple[str, str], int] = {}
    for position, command in enumerate(instruction.commands):
        for op in ops_of(instruction, command):
            family = _family(op)
            if family is not None:
                for name in _removal_names(op):
                    last[(family, name)] = position
    return last


def _removed_in_same_run(item: _Installed, removed_later: dict[tuple[str, str], int]) -> bool:
    return removed_later.get((item.family, item.name), -1) > item.position


def _removed_packages(
    ops: tuple[PackageOp, ...], installed: list[_Installed], own: list[_Installed], position: int
) -> list[_Installed]:
    result: list[_Installed] = []
    for op in ops:
        family = _family(op)
        names = _removal_names(op)
        if family is None or not names:
            continue
        reinstalled = {item.name for item in own if item.family == family and item.position < position}
        for name in sorted(names - reinstalled):
            earlier = [item for item in installed if item.family == family and item.name == name]
            if earlier:
                result.append(earlier[-1])
    return result


# -- findings -----------------------------------------------------------------------------------


def _lines(instructions: list[Instruction]) -> str:
    lines = sorted({instruction.span.line for instruction in instructions})
    if len(lines) == 1:
        return f"the RUN on line {lines[0]}"
    return "the RUNs on lines " + ", ".join(str(line) for line in lines)


def _cache_finding(
    label: str, stage_name: str | None, command: ShellCommand, stale: list[Writer], savings: Savings | None
) -> Finding:
    what = []
    for writer in stale:
        if writer.label not in what:
            what.append(writer.label)
    where = _lines([w.instruction for w in stale])
    text = command_label(command)
    return Finding(
        META,
        command.span,
        f"`{clip(text)}` in {label} cleans a layer already written; clean up in {where}",
        savings=savings,
        stage=stage_name,
        detail=f"`{text}` in {label} removes {' and '.join(what)} written by {where}: the bytes stay in that earlier"
        f" layer and the image does not shrink; clean up in {where} instead",
    )


def _cache_savings(stale: list[Writer]) -> Savings | None:
    if any(w.kind == "lists" for w in stale):
        return apt_lists_savings()
    found: list[Savings] = []
    for writer in stale:
        if writer.op is not None and writer.key in ("pip", "uv"):
            savings, _ = heavy_savings(list(writer.op.packages), writer.op)
            if savings is not None:
                found.append(savings)
    if not found:
        return None
    return Savings(round(sum(s.mb for s in found), 1), "; ".join(s.source for s in found))


def _package_finding(
    label: str, stage_name: str | None, command: ShellCommand, ops: tuple[PackageOp, ...], removed: list[_Installed]
) -> Finding:
    names = ", ".join(dict.fromkeys(item.name for item in removed))
    where = _lines([item.instruction for item in removed])
    text = command_label(command)
    return Finding(
        META,
        command.span,
        f"`{clip(text, 30)}` in {label} removes {clip(names, 30)} a layer too late; remove in {where} or use a build stage",
        savings=_package_savings(removed, ops),
        stage=stage_name,
        detail=f"`{text}` in {label} removes {names}, installed by {where}: the files stay in that earlier layer and"
        f" the image does not shrink; install, use and remove {'it' if len(removed) == 1 else 'them'} in one RUN, or build"
        " in a separate stage",
    )


def _package_savings(removed: list[_Installed], ops: tuple[PackageOp, ...]) -> Savings | None:
    """Installed sizes of removed apt packages that dflint's data measures (Debian 12)."""
    auto = any(op.has_flag("--auto-remove", "--autoremove") for op in ops)
    total = 0.0
    names: list[str] = []
    for item in removed:
        if item.family != "apt":
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
