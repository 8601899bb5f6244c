"""## What it does
Flags a package-index refresh that no install follows in the same RUN: `apt-get update` (or `apt`,
`aptitude`) without a later `apt-get install` / `upgrade`, `apk update` without `apk add` /
`apk upgrade`, and `yum` / `dnf makecache` without an install. It stays silent when a later command in
the same RUN runs a script (`./install.sh`, `bash setup.sh`), which may do the install.

## Why is this bad?
Docker caches each RUN as a layer keyed by its text. `RUN apt-get update` on its own is cached the
first time and never runs again, so an `apt-get install` in a later RUN installs from an index that
grows older with every build. Eventually the mirror has dropped the versions it lists and the
install fails with 404 errors, or the build installs old versions without anyone noticing. When
nothing installs afterwards at all, the refresh only adds the index files (tens of MB on Debian and
Ubuntu) to the image.

When only removals follow an apt refresh in its RUN (`apt-get update && apt-get purge -y
imagemagick`), it is left alone: apt finds an installed package without the index, but one the base
does not hold only in it (`apt-get purge` then fails with "Unable to locate package", exit 100; a
reviewer reproduced it on a `trixie` dev-container base with an empty lists directory), and dflint
cannot tell what the base holds. For the other managers a removal reads no index, and the advice is to
drop the refresh. So it is when no later RUN of the stage
(or of a stage built FROM it) installs from the apt index without refreshing it first: nothing reads
what the refresh wrote (multi-model-server's CI image runs `apt-get update` before four `pip install`s
and never installs with apt afterwards; a reviewer found "update and install in one RUN" had nothing to
merge).

A refresh whose RUN mounts a cache over the index (`RUN --mount=type=cache,target=/var/lib/apt
apt-get update`) is left alone: the index never enters the layer, and the later RUNs that mount the
same cache install from it (BuildKit's cache-mount pattern; "drop it" would break them on a cold
cache).

When the refreshed lists stay in a layer that ships and a later RUN installs from them, DF302
reports the same RUN with the same advice (install in it, then clean up), and this rule leaves it
to DF302: one finding, not two.

Refresh and install in one RUN, and remove the index in the same RUN. This is Docker's own
best-practice advice, Trivy's DS-0017 and Checkov's CKV_DOCKER_5.

## Example
```dockerfile
FROM debian:bookworm-slim AS build
RUN apt-get update
RUN apt-get install -y --no-install-recommends gcc && gcc -o /hello hello.c

FROM debian:bookworm-slim
COPY --from=build /hello /hello
```

## Use instead
```dockerfile
FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc && gcc -o /hello hello.c

FROM debian:bookworm-slim
COPY --from=build /hello /hello
```

## References
- [Docker: Dockerfile best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [Trivy DS-0017](https://avd.aquasec.com/misconfig/ds017)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import SHELLS, all_runs
from dflint.filesystem import mounted
from dflint.model import Dockerfile, Instruction, PackageOp, ShellCommand, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._caches import APT_LISTS, kept_in_layer, lists_needed_after, writer_ships

META = RuleMeta(
    code="DF311",
    name="apt-update-alone",
    severity=Severity.WARNING,
    summary="A package-index update with no install after it in the same RUN leaves a stale cached index",
)

_FAMILY = {"apt": "apt", "apk": "apk", "yum": "rpm", "dnf": "rpm", "microdnf": "rpm"}
_INSTALL = {"apt": "apt-get install", "apk": "apk add", "rpm": "dnf install"}
# where each family's refresh writes its index: a cache mount over it keeps the index out of the layer
_INDEX = {"apt": (APT_LISTS,), "apk": ("/var/cache/apk",), "rpm": ("/var/cache/dnf", "/var/cache/yum")}


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for position, op in enumerate(instruction.packages):
            family = _FAMILY.get(op.manager)
            if family is None or op.verb != "update":
                continue
            if _installs_later(instruction, op, family, instruction.packages[position + 1 :]):
                continue
            if mounted(instruction, _INDEX[family]):
                continue  # the index goes to a cache mount that later RUNs mount too: a deliberate split
            read_later = lists_needed_after(dockerfile, stage, instruction.index) is not None if family == "apt" else None
            if read_later and _lists_ship(dockerfile, stage, instruction, op):
                continue  # DF302 reports this RUN, with the same advice
            shown = f"{op.program} {op.verb_word.value}" if op.verb_word is not None else op.program
            later = [other for other in instruction.packages[position + 1 :] if _FAMILY.get(other.manager) == family]
            if later and all(other.verb == "remove" for other in later) and family == "apt":
                # apt locates what it removes in the index unless it is installed: `apt-get purge X` of a
                # package the base does not hold fails with "Unable to locate package" without the lists
                continue
            if later and all(other.verb == "remove" for other in later):  # a removal reads no index
                message = "only precedes a removal, which reads no index; drop it"
                detail = (
                    "is followed in its RUN only by removals, which need no package index: the refresh adds the index"
                    " files to the layer and nothing reads them; drop it (an install in a later RUN should refresh the"
                    " index itself)"
                )
            elif (
                family == "apt"
                and not dockerfile.in_trigger(instruction)  # an ONBUILD body: the child's later RUNs are unknown
                and not read_later
            ):
                message = "is read by no install, here or later; drop it"
                detail = (
                    "is followed by no install that reads its index, in its RUN or a later one (a later install"
                    " refreshes the index itself, or none comes): the refresh only adds the index files to the"
                    " layer; drop it"
                )
            else:
                message = "without an install in the same RUN; update and install in one RUN"
                detail = (
                    f"is not followed by `{_INSTALL[family]}` in the same RUN: the cached layer keeps an index that"
                    " later installs use stale; update and install in one RUN"
                )
            yield Finding(
                META,
                op.command.span,
                f"`{clip(shown)}` in {stage.label} {message}",
                stage=stage.name,
                detail=f"`{shown}` in {stage.label} {detail}",
            )


def _lists_ship(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, update: PackageOp) -> bool:
    """The lists this update writes stay in a layer that ships (a later RUN installs from them, as the
    caller found): DF302 then says to install in this RUN and clean up, the same advice (asked of the
    same model)."""
    return any(
        writer.kind == "lists" and writer.command is update.command and writer_ships(dockerfile, stage, writer)
        for writer in kept_in_layer(instruction)
    )


def _installs_later(instruction: Instruction, update: PackageOp, family: str, later: tuple[PackageOp, ...]) -> bool:
    if any(_FAMILY.get(op.manager) == family and op.verb in ("install", "upgrade") for op in later):
        return True
    after = False
    for command in instruction.commands:
        if command is update.command:
            after = True
        elif after and _runs_script(command):
            return True
    return False


def _runs_script(command: ShellCommand) -> bool:
    name = command.name
    if name is None:
        return True  # an unknown program may be the installer
    if name.endswith(".sh") or name in (".", "source"):
        return True
    if name in SHELLS:
        return any(value is not None and not value.startswith("-") for value in command.args)
    return False
