r"""## What it does
Flags a RUN in a shipped stage that runs `apt-get update` (or `apt update`, `aptitude update`, or
`add-apt-repository`, which updates too) and does not remove `/var/lib/apt/lists/*` later in that
same RUN (`rm -rf /var/lib/apt/lists/*`, or `apt-get dist-clean` on apt 3). A
`RUN --mount=type=cache` (or `tmpfs`) on `/var/lib/apt/lists` or `/var/lib/apt` keeps the lists
out of the layer and is accepted.

`apt-get clean` alone is not enough: it empties `/var/cache/apt/archives`, not the lists. A RUN
that only installs (its `apt-get update` ran in an earlier RUN) is not flagged here: the lists are
in the earlier layer, which is the one reported.

An update inside an `if` branch that the build being linted does not take is not reported, as for
DF201, DF202 and DF401 (`dflint/build_deps.py`, `branch_not_taken`: each test compares a build
argument or the target platform with a literal, `[ -n "$GPU" ]` with `GPU` unset); lint that build with
`--build-arg` to see it. On the shared corpus: 48 → 45 (qdrant's GPU branch, Chroma's sanitizer
branch, one NVIDIA example's multimodal branch).

## Why is this bad?
`apt-get update` downloads the package indexes of every configured repository into
`/var/lib/apt/lists`: about 20 MB on Debian 12, more on Ubuntu or with extra repositories such as
CUDA's. They are needed only while installing, yet stay in the image unless the same RUN deletes
them: a `RUN rm -rf /var/lib/apt/lists/*` in a later layer only hides them. Official Debian and
Ubuntu images clean the downloaded `.deb` files automatically, but not the lists.

The finding's `savings_mb` is the size measured on Debian 12 (`dflint/data/caches.json`, with its
source), given only when the base image's tag names Debian 12; on another release, or a tag that
names none (`python:3.11-slim` follows the current Debian), the size is unknown and left out.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

Or keep the lists in a BuildKit cache between builds:

```dockerfile
FROM debian:bookworm-slim
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl
```

When other RUNs come between the update and the install that reads its lists (a script that adds
a package source, a download the install needs), moving the install up could break it: the advice is
then to clean up in this RUN and run `apt-get update` again in the RUN that installs, so that each
RUN updates, installs and cleans up for itself.

An image whose users or jobs install as they work is not checked: a development container, a CI
or test image, a toolchain (its command is a shell or an interpreter's prompt), a notebook or
workbench, a training image (as the model decides, `dflint/purpose.py`; the same images DF201 and
DF202 leave their compilers and headers to). There the lists are a working part of the image
(`apt-get install` reads them) and a few tens of megabytes beside the toolchain it carries; set
`check-working-images` to check them too. Reviewers of real files judged the finding on such
images not worth telling (a code-generator toolchain nobody deploys, a CUDA and Bazel devel
image).

The RUNs of a stage that each need the same cleanup (`append && rm -rf /var/lib/apt/lists/*`) are
one decision and one finding, on the first, which says how many more RUNs there are and lists them
(JSON `also`); its fix edits every one (a reviewer judged the second `apt update` of a Kubeflow
Pipelines stage a duplicate of the first).

## Fix safety
Safe: the fix appends `&& rm -rf /var/lib/apt/lists/*` (`&& sudo rm -rf /var/lib/apt/lists/*` when the
update ran through `sudo`: the stage's user cannot write the lists) at the end of the RUN (on a new continuation
line when the RUN is continued with ` \`). It is offered only when no later instruction of the
stage, or of a stage built from it, still needs the lists (an `apt-get install` without its own
`apt-get update`), and not for exec-form RUNs.

In a heredoc RUN whose whole script is the heredoc (`RUN <<EOF`, `RUN bash <<'EOF'`), the fix adds
`rm -rf /var/lib/apt/lists/*` as the script's last line. It is safe when the script stops at the
first failure (`set -e`, `set -eux`, `bash -e <<EOF` or a `#!/bin/sh -e` line); otherwise it is
unsafe, because the RUN's exit status becomes that of `rm` and a failing install above it would no
longer fail the build. A heredoc with a non-shell `#!` line (python) gets no fix.

When the `apt-get update` RUN is followed directly by the RUN that installs (`RUN apt-get update`
then `RUN apt-get install …`), the unsafe fix merges the install RUN into the update RUN
(`RUN apt-get update \` / `    && apt-get install …`), and the next fix pass appends the cleanup. It
is unsafe because it changes the instruction count and the layer cache (a later rebuild runs
`apt-get update` again with the install, which is the point), and is offered only when both RUNs
are shell-form `&&` lists of commands without flags (`--mount`), heredocs or comments between them,
so that the merged RUN fails whenever either would have, and when nothing after the install RUN
still needs the lists (otherwise the cleanup could not follow). It is the one fix that may change the
file's structure, and only by that merge (docs/fixes.md).

A stage whose image already holds gigabytes is not checked: its root image is one whose size a
source gives, at least 1 GB (the `nvidia/cuda` runtime and devel tags, `rocm/pytorch`, NGC's PyTorch,
`vllm/vllm-openai`, the full `python:3.11`–`3.14` images, 1.01 GB and more …), or it installs torch's
CUDA build from PyPI, or copies in a stage that is that large (`dflint/imagesize.py`
`large_image`, the fact DF301 and DF303 weigh a light cache against). The lists, about 20 MB on
Debian 12 and a few tens on Ubuntu with CUDA's repository, are then a few percent of the image at
most. In samples of 50 default findings, reviewers reading the files judged 1 of the 5 DF302 findings
on such images that were not on unmaintained files worth telling (gpu-jupyter's header fragment;
the others: "the lists are a fraction of a percent" of an NGC PyTorch image); on the shared corpus this
leaves out 11 of 40 findings. Set `check-small-caches` to check them too.

## Options
- `check-working-images` (default `false`): also check development, CI, toolchain, notebook and
  training images.
- `check-small-caches` (default `false`): also check stages whose image is known to hold gigabytes.

## References
- [Docker: Best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [debuerreotype: minimizing config (docker-clean keeps the lists)](https://github.com/debuerreotype/debuerreotype/blob/master/scripts/debuerreotype-minimizing-config)
- [hadolint DL3009](https://github.com/hadolint/hadolint/wiki/DL3009)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.build_deps import branch_not_taken
from dflint.filesystem import expand_braces
from dflint.imagesize import large_image
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage
from dflint.rule import Finding, Fix, Group, RuleMeta, Severity, clip

from ._caches import (
    append_to_run,
    apt_lists_savings,
    command_label,
    kept_in_layer,
    lists_needed_after,
    writer_ships,
)
from ._script_edits import append_to_heredoc, merge_with_previous_run

META = RuleMeta(
    code="DF302",
    name="apt-lists-not-removed",
    severity=Severity.WARNING,
    summary="`apt-get update` leaves the package lists in the layer",
    fixable=True,
    skip_images_nobody_deploys=True,
)

CLEANUP = "rm -rf /var/lib/apt/lists/*"


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether images whose users install as they work are checked."""

    check_working_images: bool = False
    check_small_caches: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    purpose = dockerfile.purpose
    if purpose is not None and purpose.builds_as_it_works and not (options is not None and options.check_working_images):
        return  # development, CI, toolchain, notebook and training images: their users install as they work
    check_small = options is not None and options.check_small_caches
    for stage in dockerfile.stages:
        savings = apt_lists_savings(dockerfile.root_image(stage))
        for instruction in stage.instructions_of("RUN"):
            for writer in kept_in_layer(instruction):
                if writer.kind != "lists" or not writer_ships(dockerfile, stage, writer):
                    continue
                if not check_small and large_image(dockerfile, stage) is not None:
                    break  # the lists (tens of megabytes) are negligible beside an image of gigabytes
                if any(branch_not_taken(stage, instruction, op) is not None for op in instruction.ops_of(writer.command)):
                    continue  # an `if` branch this build does not take, as DF201, DF202 and DF401 leave it
                needed = _needed_later(dockerfile, stage, instruction)
                fix = None
                # `sudo apt-get update` runs as a user who cannot write the lists: the cleanup needs sudo too
                cleanup = f"sudo {CLEANUP}" if "sudo" in writer.command.wrappers else CLEANUP
                if needed is None:
                    edit = append_to_run(dockerfile, instruction, cleanup)
                    fix = Fix.safe(f"Append `&& {cleanup}` to the RUN", edit) if edit is not None else None
                    advice = f"append `&& {cleanup}`"
                    if instruction.heredocs:
                        advice = f"end the heredoc script with `{cleanup}`"
                        fix = _heredoc_fix(dockerfile, instruction, cleanup)
                    elif instruction.is_exec_form:
                        advice = f"use a shell-form RUN ending in `&& {cleanup}`"
                else:
                    users = _all_needing(dockerfile, stage, instruction.index)
                    if _runs_between(dockerfile, instruction, users):
                        # what runs in between (a script adding sources, a download) may be what
                        # the install needs: each install RUN updates and cleans up for itself
                        where = "line" if len(users) == 1 else "lines"
                        advice = f"clean up here and update again on {where} {', '.join(map(str, users))}"
                    elif len(users) > 1:  # merging the next RUN alone would break the later ones
                        advice = f"use them (lines {', '.join(map(str, users))}) in this RUN, then clean up"
                    else:
                        advice = f"install (line {needed}) and clean up in this RUN"
                        fix = _merge_fix(dockerfile, stage, instruction, needed)
                command = command_label(writer.command)
                braces = _unexpanded_brace_cleanup(instruction)
                yield Finding(
                    META,
                    writer.command.span,
                    f"`{clip(command)}` in {stage.label} leaves the apt lists in the layer; {advice}",
                    fix=fix,
                    savings=savings,
                    stage=stage.name,
                    detail=None
                    if braces is None
                    else f"`{clip(command)}` in {stage.label} leaves the apt lists in the layer: `{braces.text}` on line"
                    f" {braces.span.line} removes nothing, since `/bin/sh` does not expand `{{…,…}}` (it removes a path"
                    f" of that name, which does not exist); {advice}, or run the RUN under bash",
                    # the RUNs of a stage that each need the same cleanup are one decision: one finding
                    group=Group(f"{stage.index}:{advice}", "this stage", "RUN") if needed is None else None,
                )
                break  # one finding per RUN


def _unexpanded_brace_cleanup(instruction: Instruction) -> ShellCommand | None:
    """An `rm` of the RUN whose brace word would name the apt lists if the shell expanded it
    (`rm -rf /var/lib/{apt,dpkg,cache,log}` under `/bin/sh`): the author meant the cleanup."""
    for command in instruction.commands:
        if command.name != "rm" or command.braces:
            continue
        for word in command.argv[1:]:
            value = word.value or ""
            if "{" in value and any(path.startswith(("/var/lib/apt", "/var/lib/{")) for path in expand_braces(value)):
                return command
    return None


def _heredoc_fix(dockerfile: Dockerfile, instruction: Instruction, cleanup: str = CLEANUP) -> Fix | None:
    appended = append_to_heredoc(dockerfile, instruction, cleanup)
    if appended is None:
        return None
    title = f"End the heredoc script with `{cleanup}`"
    return Fix.safe(title, appended.edit) if appended.errexit else Fix.unsafe(title, appended.edit)


def _merge_fix(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, needed: int) -> Fix | None:
    """The install RUN right after this one: merge it in (the next pass appends the cleanup), when
    nothing after that RUN still needs the lists (else the merge would clean up nothing)."""
    following = instruction.index + 1
    if following >= len(dockerfile.instructions) or dockerfile.instructions[following].span.line != needed:
        return None
    if lists_needed_after(dockerfile, stage, following) is not None:
        return None
    edit = merge_with_previous_run(dockerfile, instruction, dockerfile.instructions[following])
    if edit is None:
        return None
    return Fix.merging(f"Merge the RUN on line {needed} into this one", following, edit)


def _needed_later(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> int | None:
    """The line of a later RUN (in this stage or one built FROM it) that uses these lists, an
    `apt-get install` without its own `apt-get update`, or None when nothing does. A later
    `apt-get update` rewrites the lists, so what follows it does not need these."""
    found = lists_needed_after(dockerfile, stage, instruction.index)
    return found.span.line if found is not None else None


def _runs_between(dockerfile: Dockerfile, instruction: Instruction, users: list[int]) -> bool:
    """Whether a RUN that does not read these lists comes between this one and the last that does."""
    return any(
        other.keyword == "RUN" and instruction.span.line < other.span.line < users[-1] and other.span.line not in users
        for other in dockerfile.instructions[instruction.index + 1 :]
    )


def _all_needing(dockerfile: Dockerfile, stage: Stage, after: int) -> list[int]:
    """Every later RUN line that uses these lists (in this stage and those built FROM it), up to
    the next `apt-get update` that rewrites them."""
    lines: list[int] = []
    found = lists_needed_after(dockerfile, stage, after)
    while found is not None:
        lines.append(found.span.line)
        if any(writer.kind == "lists" for writer in kept_in_layer(found)):
            break  # it updates after installing: what follows reads its lists, not these
        owner = dockerfile.stage_of(found)
        found = lists_needed_after(dockerfile, owner, found.index) if owner is not None else None
    return lines
