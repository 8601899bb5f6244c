"""What ships: which stages' layers make up the image, what `COPY --from` carries into it, and
whether a path written by one instruction reaches the shipped image (and in which layer).

The one answer every rule reads. A stage's layers ship when it is a possible final stage or one it
is built FROM (an unresolvable final base such as `FROM install-from-${FLAVOUR}` counts every
candidate stage as possibly shipped). A build-only stage ships only what a shipped stage copies out
of it with `COPY --from`, and that copy takes the stage's *final* state: a file written in one RUN
and removed in a later RUN of the same stage does not reach the image that way, while in a stage
whose layers ship the removal only hides it.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, Stage

# Copying one of these system trees from a stage ships what that stage installed with its package manager.
WHOLE_TREE_SOURCES = frozenset({"/", "/usr", "/usr/local", "/usr/lib"})
MAX_CHAINS = 64  # FROM chains followed through unresolvable bases (each may have several candidates)


@dataclass(frozen=True, slots=True)
class CopyOut:
    """A `COPY --from=<stage>` in a stage that ships: it carries `paths` of `source` (as of the end
    of that stage) into the image. A path of None is a source that depends on an unknown value."""

    instruction: Instruction
    into: Stage
    source: Stage
    paths: tuple[str | None, ...]

    def carries(self, path: str) -> bool:
        """Does the copy take `path` (or a tree holding it)? An unknown source may."""
        return any(source is None or covers(source, path) for source in self.paths)


@dataclass(frozen=True, slots=True)
class Reach:
    """How a path written by an instruction gets into the image: `layer` is the instruction whose
    layer holds it in the image (the writer itself, or the COPY that carries it); `via` is that
    COPY, None when the writer's own layer ships."""

    layer: Instruction
    via: CopyOut | None = None


@dataclass(frozen=True, slots=True)
class Shipping:
    """The shipped image of one Dockerfile (for its build target)."""

    finals: tuple[Stage, ...]  # the final stage (several when its base is unresolvable)
    layer_stages: frozenset[int]  # stages whose layers are the image's
    copies: tuple[CopyOut, ...]  # COPY --from into a stage that ships, transitively

    def ships_layers(self, stage: Stage) -> bool:
        return stage.index in self.layer_stages


def possible_bases(dockerfile: Dockerfile, stage: Stage) -> tuple[Stage, ...]:
    """The earlier stages a stage may be built FROM: its base stage, or every candidate of an
    unresolvable base."""
    if stage.base_stage is not None:
        return (dockerfile.stages[stage.base_stage],)
    return tuple(dockerfile.stages[index] for index in stage.base_candidates)


def lineage(dockerfile: Dockerfile, stage: Stage) -> tuple[Stage, ...]:
    """The stage and every stage it may be built FROM, transitively (nearest first, each once)."""
    seen: dict[int, Stage] = {}
    pending = deque([stage])
    while pending:
        current = pending.popleft()
        if current.index in seen:
            continue
        seen[current.index] = current
        pending.extend(possible_bases(dockerfile, current))
    return tuple(seen.values())


def chains(dockerfile: Dockerfile, stage: Stage) -> tuple[tuple[Stage, ...], ...]:
    """Every possible FROM chain of a stage, nearest first: one chain when every base is known, one
    per candidate of an unresolvable base (at most `MAX_CHAINS`, the first ones in order). Walked
    with an explicit stack: a chain of 10,000 stages is deeper than Python's recursion limit."""
    result: list[tuple[Stage, ...]] = []
    # (stage, the link it was reached from): each chain is rebuilt once, at its root
    stack: list[tuple[Stage, _Link | None]] = [(stage, None)]
    while stack and len(result) < MAX_CHAINS:
        current, link = stack.pop()
        here = _Link(current, link)
        bases = [base for base in possible_bases(dockerfile, current) if base.index < current.index]
        if not bases:
            result.append(here.chain())
            continue
        stack.extend((base, here) for base in reversed(bases))
    return tuple(result)


@dataclass(frozen=True, slots=True)
class _Link:
    stage: Stage
    after: _Link | None  # the stage built FROM this one, toward the chain's start

    def chain(self) -> tuple[Stage, ...]:
        """The stages from the chain's start to this one, nearest first."""
        stages: list[Stage] = []
        link: _Link | None = self
        while link is not None:
            stages.append(link.stage)
            link = link.after
        return tuple(reversed(stages))


def layer_chains(dockerfile: Dockerfile, target: str | None = None) -> tuple[tuple[Stage, ...], ...]:
    """The final stage's possible FROM chains, root first: each is one way the image's layers stack."""
    final = dockerfile.final_stage(target)
    if final is None:
        return ()
    return tuple(tuple(reversed(chain)) for chain in chains(dockerfile, final))


def shipping(dockerfile: Dockerfile, target: str | None = None) -> Shipping:
    final = dockerfile.final_stage(target)
    if final is None:
        return Shipping((), frozenset(), ())
    layer_stages = {candidate.index for candidate in lineage(dockerfile, final)}
    finals = (final,)
    copies: list[CopyOut] = []
    pending = deque(dockerfile.stages[index] for index in sorted(layer_stages))
    visited: set[int] = set()
    while pending:
        stage = pending.popleft()
        if stage.index in visited:
            continue
        visited.add(stage.index)
        for instruction in stage.instructions:
            spec = instruction.copy
            if spec is None or spec.source_stage is None or spec.source_stage >= stage.index:
                continue
            source = dockerfile.stages[spec.source_stage]
            copies.append(CopyOut(instruction, stage, source, _source_paths(spec.sources)))
            pending.extend(lineage(dockerfile, source))
    return Shipping(finals, frozenset(layer_stages), tuple(copies))


def _source_paths(sources: tuple[str | None, ...]) -> tuple[str | None, ...]:
    paths: list[str | None] = []
    for source in sources:
        if source is None or "$" in source:
            paths.append(None)
            continue
        glob = min((source.find(char) for char in "*?[" if char in source), default=-1)
        if glob >= 0:  # `/opt/*.whl`: everything under the directory before the glob may be copied
            source = source[:glob].rsplit("/", 1)[0] or "/"
        paths.append(posixpath.normpath("/" + source.lstrip("/")))
    return tuple(paths)


def covers(outer: str, inner: str) -> bool:
    """Is `inner` at or under `outer` (absolute paths)?"""
    outer = outer.rstrip("/") or "/"
    inner = inner.rstrip("/") or "/"
    return outer == "/" or inner == outer or inner.startswith(outer + "/")


def shipped_stages(dockerfile: Dockerfile, target: str | None = None) -> tuple[Stage, ...]:
    """Stages whose installs ship: those whose layers ship, and those whose whole system tree a
    shipped stage copies (`COPY --from=x / /`, `/usr/local`)."""
    result = shipping(dockerfile, target)
    indexes = set(result.layer_stages)
    for copy in result.copies:
        spec = copy.instruction.copy
        sources = spec.sources if spec is not None else ()
        if any(source is not None and posixpath.normpath("/" + source.lstrip("/")) in WHOLE_TREE_SOURCES for source in sources):
            indexes.update(stage.index for stage in lineage(dockerfile, copy.source))
    return tuple(dockerfile.stages[index] for index in sorted(indexes))


def reaches(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    path: str,
    removed_by: Callable[[Instruction], bool | None] | None = None,
    result: Shipping | None = None,
) -> Reach | None:
    """Does `path`, written by `instruction` of `stage`, reach the shipped image, and in which layer?

    `removed_by(later)` answers whether a later instruction removes the path (None: maybe, which
    counts as removed, so that an unknown never produces a finding). A removal matters only to a
    copy: COPY --from takes the source stage's final state, while a shipped layer keeps what it wrote."""
    result = result or dockerfile.shipping()
    if result.ships_layers(stage):
        return Reach(instruction)
    for copy in result.copies:
        if not copy.carries(path) or stage.index not in {s.index for s in lineage(dockerfile, copy.source)}:
            continue
        if removed_by is not None and any(
            removed_by(later) is not False for later in after(dockerfile, copy.source, instruction)
        ):
            continue
        return Reach(copy.instruction, copy)
    return None


def after(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> Iterator[Instruction]:
    """The instructions that run after `instruction` up to the end of `stage` (in its FROM chain)."""
    started = False
    for ancestor in reversed(chains(dockerfile, stage)[0]):
        for candidate in ancestor.instructions:
            if started:
                yield candidate
            elif candidate is instruction:
                started = True
