r"""## What it does
Flags a RUN in a shipped stage that leaves a package manager's cache in its layer (pip and apt
have their own rules, DF301 and DF302):

- `apk add` / `apk update` / `apk upgrade` without `--no-cache` and without
  `rm -rf /var/cache/apk/*` later in the same RUN;
- `yum` / `dnf` / `microdnf` install, update or upgrade without `<manager> clean all` (or a removal
  of `/var/cache/yum` or `/var/cache/dnf`) later in the same RUN;
- `conda` / `mamba` / `micromamba` install, create or update without `<manager> clean -afy` (any
  of `-a`/`--all`, `-t`/`--tarballs`, `-f`/`--force-pkgs-dirs`) or a removal of the `pkgs`
  directory later in the same RUN;
- `npm install` / `npm ci` without `npm cache clean --force` (or a removal of `~/.npm`); when the
  same RUN removes npm afterwards (`apt-get purge -y nodejs npm`, `rm -rf /usr/lib/node_modules`),
  the advice is `rm -rf ~/.npm`, since no npm is left to clean its cache;
- `poetry install` / `poetry add` without `--no-cache` or a removal of its cache directory
  (`~/.cache/pypoetry`, `$POETRY_CACHE_DIR`);
- `pipenv install` / `pipenv sync` without a removal of `~/.cache/pipenv`;
- `uv sync`, `uv add` and `uv tool install` without `--no-cache` / `UV_NO_CACHE`, `uv cache clean`
  / `uv cache prune`, or a removal of `~/.cache/uv` (`uv pip install` is DF301's).

Each manager's `RUN --mount=type=cache` (or `tmpfs`) over its cache directory, as listed in
dflint's cache data, is accepted, and so is a removal that depends on an unknown variable
(`rm -rf $CACHE`). A build stage that only ships through `COPY --from` is checked only when the
copied tree holds the cache (`COPY --from=env /opt/conda /opt/conda` ships conda's `pkgs`).

A cache known to be negligible beside the image is not flagged by default (`dflint/imagesize.py`,
as for DF301): `apk`'s cache (the repositories' indexes, a couple of megabytes) or `npm install`
of packages named from the registry, in a stage whose image already holds gigabytes (a CUDA runtime
or devel base, ROCm's or NGC's PyTorch, an LLM server image, or torch's CUDA build installed:
`dflint/data/base_images.json` `large_images`, with sources). conda's, yum's and dnf's caches, and
a project's `npm install`/`npm ci`, are always reported: they hold every package installed or a
whole repository's metadata. uv's cache is negligible where the uv that writes it hard-links the
installed files from it (a release before 0.10.5 that the file names: `dflint/uv_release.py`; DF301
says why), whatever the image. Set `check-small-caches` to report every cache. On the shared corpus
no DF303 finding is such a cache (30 before and after); reviewers had judged an apk index or a
small npm cache on a multi-GB GPU image not worth telling.

A notebook or workbench image (as the model decides, `dflint/purpose.py`) is not checked: its users
install as they work, and the cache serves those installs (`conda install` links from `pkgs`, npm
reuses `~/.npm`); reviewers judged the mamba cache of a notebook stage on a Morpheus `-dev` image,
drawn twice, not worth telling. Training images and toolchains are checked: a conda environment's
`pkgs` there holds every package's tarball, torch's included, pulled by every node that runs the
job. Set `check-working-images` to check notebook images too.

The RUNs of a stage that leave the same manager's cache, with the same advice, are one finding, on
the first (`dflint/grouping.py`), whose message says how many more the stage holds and whose fix
cleans up in each: text-generation-inference's two `uv sync` RUNs of one stage are one decision (a
reviewer called the second a duplicate). A pragma silences the RUN it covers, not the others.

## Why is this bad?
Package managers keep downloaded indexes and packages so that the next install is faster. In an
image there is no next install: the cache is dead weight in the layer, and a cleanup in a later RUN
only hides it. conda's `pkgs` directory in particular holds a compressed copy of every package
installed (for an ML environment, often more than a gigabyte).

## Example
```dockerfile
FROM alpine:3.20
RUN apk add curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

```dockerfile
FROM continuumio/miniconda3:24.7.1-0
RUN conda install -y numpy=1.26.4 && conda clean -afy
```

## Fix safety
Safe: for `apk`, the fix inserts `--no-cache` after `add` (offered when the RUN has no separate
`apk update`); for `yum`, `dnf` and `microdnf` it appends `&& <manager> clean all`, and for
`conda`, `mamba` and `micromamba` `&& <manager> clean --all --yes` (index cache, tarballs and
unused package directories; the installed environments keep their files), at the end of the RUN, on
a new continuation line when the RUN is continued with ` \`. None of them changes what gets
installed. In a heredoc RUN whose whole script is the heredoc, the cleanup becomes the script's last
line: safe when the script runs with `set -e`, unsafe otherwise (the RUN's exit status would become
the cleanup's, hiding a failed install). Exec-form RUNs and other managers get no automatic fix.

## Options
- `check-small-caches` (default `false`): also report a cache known to be negligible beside the
  image (an apk index or a few npm packages on an image that holds gigabytes, uv's cache where it
  is hard-linked).
- `check-working-images` (default `false`): also check notebook and workbench images.

## References
- [Alpine: apk `--no-cache`](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Local_Cache)
- [dnf: `clean`](https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command-label)
- [conda clean](https://docs.conda.io/projects/conda/en/latest/commands/clean.html)
- [npm cache](https://docs.npmjs.com/cli/commands/npm-cache)
- [uv: Caching](https://docs.astral.sh/uv/concepts/cache/)
- [Poetry: configuration, `cache-dir`](https://python-poetry.org/docs/configuration/#cache-dir)
- [Docker: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- hadolint [DL3019](https://github.com/hadolint/hadolint/wiki/DL3019) (apk),
  [DL3032](https://github.com/hadolint/hadolint/wiki/DL3032) (yum),
  [DL3040](https://github.com/hadolint/hadolint/wiki/DL3040) (dnf); Trivy DS-0015, DS-0019, DS-0025, DS-0027
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.imagesize import negligible_cache
from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Edit, Finding, Fix, Group, RuleMeta, Severity, clip

from ._caches import Writer, append_to_run, command_label, kept_in_layer, uv_links_note, writer_ships
from ._script_edits import append_to_heredoc

META = RuleMeta(
    code="DF303",
    name="package-cache",
    severity=Severity.WARNING,
    summary="A package manager's cache is left in the image layer",
    fixable=True,
    skip_images_nobody_deploys=True,
)

_ADVICE = {
    "apk": "use `apk add --no-cache` (no `apk update` needed) or append `&& rm -rf /var/cache/apk/*`",
    "rpm": "append `&& {program} clean all` to the RUN",
    "conda": "append `&& {program} clean --all --yes` to the RUN",
    "npm": "append `&& npm cache clean --force` to the RUN",
    "poetry": "add `--no-cache`, or set POETRY_CACHE_DIR and remove it at the end of the RUN",
    "pipenv": "append `&& rm -rf ~/.cache/pipenv` to the RUN",
    "uv": "add `--no-cache` (or set UV_NO_CACHE=1), or append `&& uv cache clean` to the RUN",
}


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether caches negligible beside the image are checked too, and whether notebook
    images are."""

    check_small_caches: bool = False
    check_working_images: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    purpose = dockerfile.purpose
    if purpose is not None and purpose.kind == "notebook" and not options.check_working_images:
        return  # a notebook's users install as they work, from the cache
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            by_key: dict[str, list[Writer]] = {}
            for writer in kept_in_layer(instruction):
                if writer.kind != "cache" or writer.key == "pip" or writer.op is None:
                    continue
                if writer.key == "uv" and writer.op.program == "uv pip":
                    continue
                if not writer_ships(dockerfile, stage, writer):
                    continue
                by_key.setdefault(writer.key, []).append(writer)
            for key, writers in by_key.items():
                if not options.check_small_caches and all(
                    writer.op is not None and negligible_cache(dockerfile, stage, instruction, writer.op) is not None
                    for writer in writers
                ):
                    continue  # an apk index or a few npm packages beside an image that holds gigabytes
                yield _finding(dockerfile, stage, instruction, key, writers)


def _finding(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, key: str, writers: list[Writer]) -> Finding:
    first = writers[0]
    assert first.op is not None
    program = first.op.program
    command = command_label(first.command)
    advice = _ADVICE[key].format(program=program)
    if key == "npm" and _npm_removed_later(instruction, writers[-1].position):
        advice = "append `&& rm -rf ~/.npm` to the RUN (npm itself is removed before its end)"
    action = advice.split(", or ")[0].split(" (")[0].removesuffix(" to the RUN")  # the detail says where
    return Finding(
        META,
        first.command.span,
        f"`{clip(command, 26)}` in {stage.label} leaves its cache in the layer; {action}",
        fix=_fix(dockerfile, instruction, key, writers),
        stage=stage.name,
        detail=f"`{command}` in {stage.label} leaves {first.label} in the layer; {advice}"
        + (f". {uv_links_note()}" if key == "uv" else ""),
        # the same manager's cache left by several RUNs of a stage, with the same advice, is one decision:
        # the engine makes it one finding, on the first (`dflint.grouping`)
        group=Group(f"{stage.index}:{key}:{action}", "this stage"),
    )


_NPM_PACKAGES = frozenset({"npm", "nodejs"})
_NODE_MODULES = ("/usr/lib/node_modules", "/usr/local/lib/node_modules")


def _npm_removed_later(instruction: Instruction, position: int) -> bool:
    """A later command of the RUN removes npm (`apt-get purge -y nodejs npm`, `apk del npm`, `rm -rf
    /usr/lib/node_modules`): `npm cache clean` appended at the end would find no npm to run."""
    later = instruction.commands[position + 1 :]
    after = {id(command) for command in later}
    if any(
        op.verb == "remove" and id(op.command) in after and _NPM_PACKAGES.intersection(package.name for package in op.packages)
        for op in instruction.packages
    ):
        return True
    return any(
        command.name == "rm" and any(arg.rstrip("/").startswith(_NODE_MODULES) for arg in command.args if arg is not None)
        for command in later
    )


def _fix(dockerfile: Dockerfile, instruction: Instruction, key: str, writers: list[Writer]) -> Fix | None:
    if key == "apk":
        edits = []
        for writer in writers:
            verb = writer.op.verb_word if writer.op is not None else None
            if verb is None or dockerfile.text[verb.span.offset : verb.span.end_offset] != "add":
                return None
            edits.append(Edit.insert(verb.span.end_offset, " --no-cache"))
        return Fix.safe("Add `--no-cache` to `apk add`", *edits)
    program = writers[0].op.program if writers[0].op is not None else ""
    if key == "rpm" and program in ("yum", "dnf", "microdnf", "dnf5", "tdnf"):
        return _append(dockerfile, instruction, f"{program} clean all")
    if key == "conda" and program in ("conda", "mamba", "micromamba"):
        return _append(dockerfile, instruction, f"{program} clean --all --yes")
    return None


def _append(dockerfile: Dockerfile, instruction: Instruction, cleanup: str) -> Fix | None:
    """`&& cleanup` at the end of a shell-form RUN, or `cleanup` as the last line of a heredoc script
    (unsafe without `set -e`: the RUN's exit status would become the cleanup's)."""
    edit = append_to_run(dockerfile, instruction, cleanup)
    if edit is not None:
        return Fix.safe(f"Append `&& {cleanup}` to the RUN", edit)
    appended = append_to_heredoc(dockerfile, instruction, cleanup)
    if appended is None:
        return None
    title = f"End the heredoc script with `{cleanup}`"
    return Fix.safe(title, appended.edit) if appended.errexit else Fix.unsafe(title, appended.edit)
