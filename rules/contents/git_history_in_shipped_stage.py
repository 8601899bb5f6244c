"""## What it does
Flags a `git clone` whose checkout keeps its `.git` directory — the repository's whole history —
in the shipped image: a clone without `--depth` (nor `--shallow-since`, `--shallow-exclude`, a
partial clone's `--filter`, `--bare` or `--mirror`) in a stage whose layers ship, or in a build
stage whose checkout a shipped stage copies with `COPY --from` (a tree that holds its `.git`).

It stays silent when the same RUN removes the `.git` directory or the whole checkout after the
clone (`rm -rf repo/.git`, `rm -rf /tmp/repo`, `find . -name .git -exec rm -rf {} +`, or a removal
dflint cannot read), when a build stage's checkout is copied without its `.git` (`COPY --from=build
/src/repo/dist /app`) or has it removed before the copy, for a clone into a hidden directory
(`~/.pyenv`, `$HOME/.nvm`, `~/.oh-my-zsh/custom/plugins/…`: a tool that updates itself with `git
pull`), and in development, CI and toolchain images (`dflint/purpose.py`), where the history is
often wanted.

Opt-in (`--extend-select DF205`): on the shared corpus its 15 findings were judged right by hand, but only
about two in three worth telling the file's author: benchmark images, a documentation generator and
interactive Spark/Jupyter images read as services, and for a small repository the history costs
little. The full clones of PyTorch, apex, Megatron-LM or TransformerEngine in serving images are
what it is for.

## Why is this bad?
A full clone downloads every commit of the repository's history into `.git`: for the repositories
ML images build from (PyTorch, transformers, vLLM, flash-attention, apex) that is hundreds of
megabytes to gigabytes that the running service never reads. A removal in a later RUN does not help:
the clone's layer keeps the bytes. A shallow clone (`--depth 1`) fetches only the commit that is
checked out, and a removal in the same RUN, after the build, keeps nothing.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
RUN git clone https://github.com/huggingface/transformers.git /opt/transformers \
    && pip install --no-cache-dir /opt/transformers
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
RUN git clone --depth 1 --branch v4.46.0 https://github.com/huggingface/transformers.git /opt/transformers \
    && pip install --no-cache-dir /opt/transformers
```

When a particular commit is needed, fetch only that commit (`git init`, `git fetch --depth 1 origin
SHA`, `git checkout FETCH_HEAD`), or remove `.git` in the same RUN once the build is done.

## References
- [git clone: `--depth`](https://git-scm.com/docs/git-clone#Documentation/git-clone.txt---depthltdepthgt)
- [Docker: Layers](https://docs.docker.com/build/guide/layers/)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dflint.filesystem import clone_repository, command_writes, fate, path_cleans, removals, removed_paths, resolved
from dflint.model import BASE_WORKDIR, Dockerfile, Instruction, ShellCommand, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.shipping import Reach

META = RuleMeta(
    code="DF205",
    name="git-history-in-shipped-stage",
    severity=Severity.WARNING,
    summary="A `git clone` without `--depth` leaves the repository's whole history (.git) in the shipped image",
    # opt-in: on the corpus most of its findings are right but fewer than nine in ten are worth telling
    # (benchmark, documentation-tool and interactive images read as services; docs/rules/DF205.md)
    default_enabled=False,
    needs=("git",),
    skip_images_nobody_deploys=True,
)

# a clone that does not fetch the whole history, or one whose repository is the point
_SHALLOW = ("--depth", "--shallow-since", "--shallow-exclude", "--filter", "--bare", "--mirror")
# later git commands that need more than the tip: `--depth 1` alone would break them
_NEEDS_HISTORY = frozenset({"checkout", "reset", "fetch", "describe", "log", "switch", "rev-list", "merge", "cherry-pick"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.for_development:
        return  # development, CI and toolchain images keep their checkouts' history on purpose
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            clones: list[tuple[int, ShellCommand, str | None, Reach]] = []
            for position, command in enumerate(instruction.commands):
                if not _full_clone(command) or _tool_home(command):
                    continue
                checkout = _checkout(command)
                reach = _reach(dockerfile, stage, instruction, command, checkout)
                if reach is not None:
                    clones.append((position, command, checkout, reach))
            if clones:  # one finding per RUN, at its first clone
                yield _finding(stage, instruction, clones)


def _git_subcommand(command: ShellCommand) -> str | None:
    if command.name != "git":
        return None
    skip = False
    for value in command.args:
        if skip:
            skip = False
            continue
        if value is None:
            return None
        if value in ("-C", "-c", "--git-dir", "--work-tree", "--namespace"):
            skip = True
            continue
        if value.startswith("-"):
            continue
        return value
    return None


def _full_clone(command: ShellCommand) -> bool:
    if _git_subcommand(command) != "clone":
        return False
    return not any(
        value is not None and (value in _SHALLOW or value.startswith(tuple(f"{option}=" for option in _SHALLOW)))
        for value in command.args
    )


def _checkout(command: ShellCommand) -> str | None:
    """The checkout's absolute path, or None when it depends on something unknown."""
    for path, tree in command_writes(command):
        if not tree or path == ".":
            return None
        return resolved(path, command.cwd)
    return None


def _tool_home(command: ShellCommand) -> bool:
    """A clone into a hidden directory (`~/.pyenv`, `$HOME/.nvm`, `~/.oh-my-zsh/custom/plugins/x`):
    a tool that updates itself with `git pull` from its checkout, which needs the repository."""
    texts = [word.text.strip("'\"") for word in command.argv[1:]]
    for text in texts[texts.index("clone") + 1 :] if "clone" in texts else ():
        if text.startswith("-") or "://" in text or "@" in text:
            continue  # an option, or the repository
        if any(part.startswith(".") and part not in (".", "..") for part in text.split("/")):
            return True
    return False


def _reach(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, command: ShellCommand, checkout: str | None
) -> Reach | None:
    """How the checkout's .git reaches the shipped image (None: it does not, or a command of the same
    RUN removes it or may). The filesystem view answers; a checkout under the base image's unknown
    WORKDIR may also be the same path under `/`."""
    if checkout is None:  # where the checkout is is unknown: any removal in the same RUN may be of it
        if next(removals(dockerfile, stage, instruction, _any_removal, command, later_runs=False), None) is not None:
            return None
        return Reach(instruction) if dockerfile.shipping().ships_layers(stage) else None
    git_dir = checkout + "/.git"
    candidates = (git_dir, git_dir[len(BASE_WORKDIR) :]) if git_dir.startswith(BASE_WORKDIR + "/") else (git_dir,)
    result = fate(dockerfile, stage, instruction, git_dir, command, path_cleans(candidates), tree=True)
    return result.reach


def _any_removal(command: ShellCommand, instruction: Instruction) -> bool | None:
    return None if removed_paths(command) is not None else False


def _repository(command: ShellCommand) -> str:
    url = clone_repository(command)
    if not url:
        return "a repository"
    name = posixpath.basename(url.rstrip("/")).removesuffix(".git")
    return f"`{clip(name or url, 30)}`"


def _needs_history(stage: Stage, instruction: Instruction, position: int, checkout: str | None) -> bool:
    """A git command in the checkout after the clone, in the RUN or a later one of the stage, that
    needs more than the tip (`git checkout SHA`, `git fetch`, `git describe` …): `--depth 1` alone
    would break it. Where the checkout is unknown, any such git command of the stage counts."""
    later = list(instruction.commands[position + 1 :])
    started = False
    for other in stage.instructions_of("RUN"):
        if started:
            later.extend(other.commands)
        started = started or other is instruction
    return any(
        _git_subcommand(command) in _NEEDS_HISTORY and (checkout is None or _inside(command, checkout)) for command in later
    )


def _inside(command: ShellCommand, checkout: str) -> bool:
    values = command.args
    given = values[values.index("-C") + 1] if "-C" in values and values.index("-C") + 1 < len(values) else None
    directory = given if given is not None and given.startswith("/") else command.cwd
    if directory is None:
        return True  # unknown: it may be the checkout
    return directory == checkout or directory.startswith(checkout + "/")


def _finding(stage: Stage, instruction: Instruction, clones: list[tuple[int, ShellCommand, str | None, Reach]]) -> Finding:
    position, command, checkout, reach = clones[0]
    needs_history = any(_needs_history(stage, instruction, at, path) for at, _, path, _ in clones)
    action = "remove .git in the same RUN" if needs_history else "add `--depth 1`"
    where = f" (copied by line {reach.via.instruction.span.line})" if reach.via is not None else ""
    repository = _repository(command)
    more = f" and {len(clones) - 1} more" if len(clones) > 1 else ""
    names = ", ".join(_repository(c) for _, c, _, _ in clones)
    alternatives = (
        "a git command after it needs more than the latest commit, so remove .git in the same RUN once the build is done"
        " (or fetch just the commit: `git fetch --depth 1 origin SHA`)"
        if needs_history
        else "add `--depth 1` (with `--branch TAG` for a release), or remove .git in the same RUN once the build is done"
    )
    shipped = (
        f", and line {reach.via.instruction.span.line} copies it into the image with `COPY --from`"
        if reach.via is not None
        else "; a removal in a later RUN would not shrink the layer"
    )
    return Finding(
        META,
        command.span,
        f"`git clone` of {repository}{more} in {stage.label}{where} keeps the whole .git history; {action}",
        stage=stage.name,
        detail=f"`git clone` of {names} in {stage.label} downloads the whole history into"
        f" {(checkout or 'the checkout') + '/.git'}{shipped}; {alternatives}",
    )
