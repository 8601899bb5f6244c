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

import fnmatch
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

from dflint.model import Dockerfile, Instruction, Stage

# Copying one of these system trees from a stage ships what that stage installed with its package manager.
WHOLE_TREE_SOURCES = frozenset({"/", "/usr", "/usr/local", "/usr/lib"})
# A distribution's package manager (apt, apk, dnf…) never writes below /usr/local (Debian Policy 9.1.2,
# after the FHS: "packages must not place any files in /usr/local"), so copying only /usr/local out of a
# stage ships what it built or pip-installed there, not its system packages.
SYSTEM_PACKAGE_TREES = WHOLE_TREE_SOURCES - {"/usr/local"}
MAX_CHAINS = 64  # FROM chains followed through unresolvable bases (each may have several candidates)


@dataclass(frozen=True, slots=True)
class CopyOut:
    """A `COPY --from=<stage>` in a stage that ships: it carries `paths` of `source` (as of the end
    of that stage) into the image. A path of None is a source that depends on an unknown value."""

    instruction: Instruction
    into: Stage
    source: Stage
    paths: tuple[str | None, ...]
    # each source as written when it holds a glob (`/usr/local/lib/libgdal*`), else None: `paths`
    # has the folder before the glob, which may be copied from, and the glob says what of it is
    globs: tuple[str | None, ...] = ()

    def carries(self, path: str, tree: bool = False) -> bool:
        """Does the copy take `path` (or a tree holding it)? An unknown source may. With `tree`,
        `path` is a whole tree that was written, and a copy of a part of it takes that part."""
        globs = self.globs or (None,) * len(self.paths)
        return any(
            source is None or (overlaps(source, path, tree) and (glob is None or glob_may_take(glob, path)))
            for source, glob in zip(self.paths, globs)
        )


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
    # every stage the build runs for its target: the layer stages and each stage a copy is taken from,
    # with their FROM chains (the stages left out are other targets' or unused)
    built: frozenset[int] = frozenset()

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
    """A stage in a FROM chain, with the stage built from it."""

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
            copies.append(CopyOut(instruction, stage, source, _source_paths(spec.sources), _source_globs(spec.sources)))
            pending.extend(lineage(dockerfile, source))
    return Shipping(finals, frozenset(layer_stages), tuple(copies), frozenset(visited))


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


def _source_globs(sources: tuple[str | None, ...]) -> tuple[str | None, ...]:
    return tuple(
        posixpath.normpath("/" + source.lstrip("/"))
        if source is not None and "$" not in source and any(char in source for char in "*?[")
        else None
        for source in sources
    )


def glob_may_take(glob: str, path: str) -> bool:
    """Can a copy of the glob source `glob` (`/usr/local/lib/libgdal*`) take `path` or a part of it
    (`/usr/local/lib/python*`, `/**/site-packages`)? Component by component, as far as both go: two
    names can match the same entry (`libgdal*` and `python*` cannot: their literal starts differ)."""
    for have, want in zip([part for part in glob.split("/") if part], [part for part in path.split("/") if part]):
        if have == "**" or want == "**":
            return True
        if not _names_may_meet(have, want):
            return False
    return True


def _names_may_meet(first: str, second: str) -> bool:
    wild = "*?["
    first_wild, second_wild = any(c in first for c in wild), any(c in second for c in wild)
    if not first_wild and not second_wild:
        return first == second
    if not first_wild:
        return fnmatch.fnmatchcase(first, second)
    if not second_wild:
        return fnmatch.fnmatchcase(second, first)
    # two patterns: their literal starts (and ends) must agree as far as both go
    start = min(len(_literal_start(first)), len(_literal_start(second)))
    end = min(len(_literal_end(first)), len(_literal_end(second)))
    return first[:start] == second[:start] and (end == 0 or first[-end:] == second[-end:])


def _literal_start(name: str) -> str:
    return re.split(r"[*?\[]", name, maxsplit=1)[0]


def _literal_end(name: str) -> str:
    return re.split(r"[*?\]]", name)[-1]


def covers(outer: str, inner: str) -> bool:
    """Is `inner` at or under `outer` (absolute paths)?"""
    outer = outer.rstrip("/") or "/"
    inner = inner.rstrip("/") or "/"
    return outer == "/" or inner == outer or inner.startswith(outer + "/")


def overlaps(source: str, path: str, tree: bool = False) -> bool:
    """Does copying `source` (a plain absolute path) take `path`, or with `tree` a part of the tree
    at `path`? `path` may hold `*` globs in a component (`/usr/lib/python*`) and `**` for any run of
    directories (`/**/site-packages`: a copy from inside some site-packages); a pattern with `**`
    is matched only by a copy from inside it."""
    if "*" not in path:
        return covers(source, path) or (tree and covers(path, source))
    have = [part for part in source.split("/") if part]
    want = [part for part in path.split("/") if part]
    if len(want) > _MAX_PATTERN_PARTS:
        return False
    if _under(have, want):
        return True
    if not tree or "**" in want:
        return False
    return len(have) <= len(want) and all(fnmatch.fnmatchcase(h, w) for h, w in zip(have, want))


_MAX_PATTERN_PARTS = 32


def _under(have: list[str], want: list[str]) -> bool:
    """Do the first components of `have` match the pattern components `want` (`**`: any number)?"""
    if not want:
        return True
    head, rest = want[0], want[1:]
    if head == "**":
        return any(_under(have[start:], rest) for start in range(len(have) + 1))
    return bool(have) and fnmatch.fnmatchcase(have[0], head) and _under(have[1:], rest)


def shipped_stages(
    dockerfile: Dockerfile, target: str | None = None, trees: frozenset[str] = WHOLE_TREE_SOURCES
) -> tuple[Stage, ...]:
    """Stages whose installs ship: those whose layers ship, and those whose whole system tree a
    shipped stage copies (`COPY --from=x / /`, `/usr/local`). With `trees=SYSTEM_PACKAGE_TREES`, the
    stages whose system packages (apt, apk, dnf…) ship: a copy of /usr/local does not carry them."""
    result = shipping(dockerfile, target)
    indexes = set(result.layer_stages)
    for copy in result.copies:
        spec = copy.instruction.copy
        sources = spec.sources if spec is not None else ()
        if any(source is not None and posixpath.normpath("/" + source.lstrip("/")) in trees for source in sources):
            indexes.update(stage.index for stage in lineage(dockerfile, copy.source))
    return tuple(dockerfile.stages[index] for index in sorted(indexes))


def reaches(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    path: str,
    removed_by: Callable[[Instruction], bool | None] | None = None,
    result: Shipping | None = None,
    tree: bool = False,
) -> Reach | None:
    """Does `path`, written by `instruction` of `stage`, reach the shipped image, and in which layer?

    `removed_by(later)` answers whether a later instruction removes the path (None: maybe, which
    counts as removed, so that an unknown never produces a finding). A removal matters only to a
    copy: COPY --from takes the source stage's final state, while a shipped layer keeps what it wrote.
    With `tree`, `path` is a tree written whole (a virtual environment), and a copy of a part of it
    counts. A copy into a stage that does not ship counts only when that stage's copy goes on into
    the image (`reach.via` is then the COPY into the shipped stage)."""
    return _reaches(dockerfile, stage, instruction, path, removed_by, result or dockerfile.shipping(), tree, 0)


_MAX_COPY_HOPS = 8  # COPY --from chains followed (build → wheels → runtime)


def _reaches(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    path: str,
    removed_by: Callable[[Instruction], bool | None] | None,
    result: Shipping,
    tree: bool,
    hops: int,
) -> Reach | None:
    if result.ships_layers(stage):
        return Reach(instruction)
    if hops > _MAX_COPY_HOPS:
        return None
    for copy in result.copies:
        if not copy.carries(path, tree) or stage.index not in _lineage_indexes(dockerfile, copy.source):
            continue
        if removed_by is not None and any(
            removed_by(later) is not False for later in after(dockerfile, copy.source, instruction)
        ):
            continue
        if result.ships_layers(copy.into):
            return Reach(copy.instruction, copy)
        spec = copy.instruction.copy
        destination = spec.destination if spec is not None and spec.destination and "$" not in spec.destination else "/"
        onward = _reaches(dockerfile, copy.into, copy.instruction, posixpath.normpath(destination), None, result, True, hops + 1)
        if onward is not None:
            return onward
    return None


def _lineage_indexes(dockerfile: Dockerfile, stage: Stage) -> frozenset[int]:
    memo = cast("dict[int, frozenset[int]]", dockerfile.memo.setdefault(("lineage indexes", None), {}))
    found = memo.get(stage.index)
    if found is None:
        found = memo[stage.index] = frozenset(s.index for s in lineage(dockerfile, stage))
    return found


def after(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> Iterator[Instruction]:
    """The instructions that run after `instruction` up to the end of `stage` (in its FROM chain)."""
    started = False
    for ancestor in reversed(chains(dockerfile, stage)[0]):
        for candidate in ancestor.instructions:
            if started:
                yield candidate
            elif candidate is instruction:
                started = True
