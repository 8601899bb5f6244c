"""## What it does
Flags `pip install` (also `pip3`, `python -m pip`, a venv's `bin/pip`, and `uv pip install`) in a
shipped stage when the package cache is written into the layer: no `--no-cache-dir` (uv:
`--no-cache`), no `PIP_NO_CACHE_DIR` (uv: `UV_NO_CACHE`) from `ENV`, `ARG`, a command prefix or an
`export` earlier in the RUN, no `pip config set global.no-cache-dir` earlier in the stage, no
`RUN --mount=type=cache` over the cache directory, and no removal of the cache (`rm -rf
/root/.cache/pip`, `pip cache purge`, `uv cache clean`) later in the same RUN.

A build stage whose files reach the image only through `COPY --from` is checked only when the
copied tree holds the cache (`COPY --from=build / /`, not `COPY --from=build /usr/local /usr/local`).

The installs of one stage are one finding, on the first of them (`dflint/grouping.py`): `pip install
a && pip install b`, the two branches of an `if`, or an install in each of five RUNs are one decision
(`--no-cache-dir` on each, or `PIP_NO_CACHE_DIR` once) and one fix, whose edits add the option to
each; the message says how many more the stage holds and the detail names their lines. hadolint's
DL3042 reports one per instruction; reviewers of dflint's findings called the second to fifth findings
of a stage duplicates ("all fixed at once by one `PIP_NO_CACHE_DIR`"), and the shared corpus's 104
findings held 44 such repeats. A pragma silences the install it covers, not the others of the stage.

A stage built on a base image that turns the cache off in its own ENV is not checked: Intel Gaudi's
images (`vault.habana.ai/gaudi-docker/…`) set `PIP_NO_CACHE_DIR=on`, Red Hat's UBI 9 Python 3.12 images
`PIP_NO_CACHE_DIR=off` (any value turns it off), and Roboflow's `roboflow/l4t-ml`, built with
jetson-containers, `PIP_NO_CACHE_DIR=true` (`dflint/data/caches.json` `bases_disabling_cache`, with
sources).

An install of the installers alone (`pip install --upgrade pip setuptools wheel`), with at most
small pure-Python build helpers beside them (`packaging`, `hatchling`, `build`: wheels of at most
414 KB, `dflint/data/build_tools.json` `python_build_helpers.small_wheels`, measured), is not
flagged: its cache holds only their own small wheels, and the install that matters, the one after
it, is checked on its own.

A cache known to be negligible beside the image is not flagged by default: the install is light
and the image already holds gigabytes (`dflint/imagesize.py`). Light: every package is named, none
is a heavy framework in dflint's data (torch, tensorflow, opencv-python, xgboost …, and the light
runtimes such as onnxruntime) or a GPU wheel (`nvidia-*`, `flash-attn`, `vllm`, `xformers`,
`transformer-engine`, a `-gpu`/`-cuda12`/`-cu121` name, a `+cu121`/`+rocm`/`+xpu` version), none
requires a framework the image does not hold yet (`accelerate`, `peft`, `deepspeed` … need torch;
with `--force-reinstall`, `--ignore-installed`, `--target` or `--prefix`, which download what the
image holds again, none requires one at all: a pinned `--force-reinstall PyYAML==6.0.1` is light,
reviewers judged three such findings not worth telling), there is no requirements file whose content
is unknown (one read from the build context is judged by its lines), and no extras, local project, URL
or VCS install. Large: the stage's base image is one whose size a
source gives, at least 1 GB (`nvidia/cuda` runtime tags of CUDA 9.0 and later, 1.1 GB and more;
devel tags, 1.4 GB and more; `rocm/pytorch`, 10 GB and more compressed; ROCm's `rocm/dev-ubuntu-*`, 1 GB
and more compressed; `nvcr.io/nvidia/pytorch`,
about 20 GB; `pytorch/pytorch:*-devel`, `lmsysorg/sglang`, `vllm/vllm-openai`, `pytorch/torchserve`,
`tensorflow/tensorflow:*-gpu`, the full `python:3.11`–`3.14` images (1.01 GB and more on disk):
`dflint/data/base_images.json` `large_images`, with sources), or the
stage installs torch's CUDA build from PyPI (2730 MB of wheels; unpinned or at the version measured), or copies
in such a stage's whole filesystem or the environment its torch went into (`dflint/imagesize.py`). Beside that, the compressed wheels of
a few light packages (`cmake` 30.2 MB, `transformers` 13.5 MB, `Cython` 3.5 MB) are a few percent at
most. The `nvidia/cuda` base tags (about 115 MB), a `python:*-slim` image or a base whose size no
source gives are not known to be large, and everything on them is still reported. Set
`check-small-caches` to report these caches too.

On the shared corpus (776 Dockerfiles) this leaves 15 of 132 findings, each a few named light
packages on a CUDA runtime or devel, ROCm or NGC PyTorch, PyTorch devel or SGLang base: `numba` on
NGC's PyTorch, `deepspeed` on `rocm/pytorch`, `botocore` on `lmsysorg/sglang`, `tensorboard jupyter
notebook` on a CUDA devel image. Reviewers of randomly sampled findings had judged such caches not worth telling
(about 37 % of the sampled DF301 findings were worth it; the ones worth it were torch and its
nvidia wheels, vLLM, flash-attn, a requirements file, a whole project on a slim image).

## Why is this bad?
pip keeps every wheel it downloads or builds under `/root/.cache/pip`. In an inference image that
is a second copy of torch, CUDA libraries or tensorflow: hundreds of megabytes to gigabytes that
stay in the layer even when a later `RUN rm -rf /root/.cache` deletes them. When the install names
a heavy framework listed in dflint's data, the finding carries the size of its wheel; not when the
install reads another index than PyPI that the data has no build for (PyTorch's nightly or CUDA
indexes): the wheel measured on PyPI says nothing of the size there, which stays unknown. Nor for
uv, whose cache holds the unpacked files it links the install from rather than the wheels: what it
adds to the layer depends on the builder's filesystem (below), so its size stays unknown.

Note on uv: uv links what it installs from its cache (its default link mode, from uv 0.10.5 on
Linux, clones where the filesystem can, else hard-links; earlier uv hard-links: astral-sh/uv#18117). Measured here with uv 0.13.9, `uv pip install numpy==2.1.3
requests==2.32.3` into a venv on overlayfs over ext4 (as a RUN writes its layer on an ext4 builder):
the installed files and the cache share inodes, site-packages is 85.4 MB and the cache adds 2.7 MB.
On a builder whose filesystem makes reflinks (xfs, btrfs), uv 0.10.5 and later clones the files,
which a layer's tar stores twice. Where the file shows that the uv the install runs is older than
0.10.5 (`COPY --from=ghcr.io/astral-sh/uv:0.5.31 /uv /bin/`, `uv:0.7`, `pip install uv==0.7.2`, its
installer's versioned URL: `dflint/uv_release.py`), it hard-links on every filesystem and its cache
adds only its index data: not flagged by default, as a negligible cache (text-generation-inference
pins uv 0.5.31 and Kubeflow Trainer's initializers `uv:0.7`; reviewers judged their uv caches, a few
megabytes by the finding's own detail, not worth telling). Elsewhere the finding stands (the cache
directory is in the layer, and on xfs or btrfs a second copy), and its detail says which case costs
what (`dflint/data/caches.json` uv `links_from_cache`, with the measurement and source). DF303 says
the same of `uv sync`.

Note on `PIP_NO_CACHE_DIR`: pip reads it as a boolean option and disables the cache for any valid
value, `false` and `0` included (a long-standing quirk of pip's option handling), so any non-empty
value counts here; an empty value leaves the cache on.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install torch==2.4.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0
```

Or keep the cache out of the image but reuse it between builds:

```dockerfile
FROM python:3.11-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install torch==2.4.0
```

## Fix safety
Safe: adding `--no-cache-dir` (`--no-cache` for uv) changes what the layer keeps, not what is
installed.

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.
- `check-small-caches` (default `false`): also report a cache known to be negligible beside the
  image (a light install on an image that holds gigabytes, or uv's cache where it is hard-linked).

## References
- [pip: Caching](https://pip.pypa.io/en/stable/topics/caching/)
- [pip: `--no-cache-dir` and `PIP_NO_CACHE_DIR`](https://pip.pypa.io/en/stable/cli/pip/#cmdoption-no-cache-dir)
- [uv: Caching](https://docs.astral.sh/uv/concepts/cache/)
- [Docker: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
- [hadolint DL3042](https://github.com/hadolint/hadolint/wiki/DL3042)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dflint.build_deps import python_installer, small_build_helper
from dflint.commands import add_option_after_verb
from dflint.imagesize import negligible_cache
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, Stage
from dflint.rule import Finding, Fix, Group, RuleMeta, Savings, Severity

from ._caches import heavy_savings, kept_in_layer, pip_config_disables, uv_links_note, writer_ships

META = RuleMeta(
    code="DF301",
    name="pip-cache",
    severity=Severity.WARNING,
    summary="`pip install` keeps its download cache in the image layer",
    fixable=True,
    skip_images_nobody_deploys=True,
)

_FLAG = {"pip": "--no-cache-dir", "uv": "--no-cache"}
_VARIABLE = {"pip": "PIP_NO_CACHE_DIR", "uv": "UV_NO_CACHE"}


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build stages are checked too, and caches negligible beside the image."""

    include_build_stages: bool = False
    check_small_caches: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    first_disabling = _first_config_disabling(dockerfile)
    for stage in dockerfile.stages:
        base_disables = _base_disables_cache(dockerfile, stage)
        for instruction in stage.instructions_of("RUN"):
            disabling = first_disabling[stage.index]
            config_disabled = base_disables or (disabling is not None and disabling < instruction.index)
            for writer in kept_in_layer(instruction, config_disabled):
                op = writer.op
                if op is None or writer.key not in ("pip", "uv") or op.program.startswith("uv ") and op.program != "uv pip":
                    continue
                if not options.include_build_stages and not writer_ships(dockerfile, stage, writer):
                    continue
                if _only_installers(op):
                    continue
                if not options.check_small_caches and negligible_cache(dockerfile, stage, instruction, op) is not None:
                    continue  # a few light wheels beside an image that holds gigabytes
                target = _cache_directory(dockerfile, stage, instruction, writer.directories, op.manager)
                yield _finding(dockerfile, stage, op, target)


def _base_disables_cache(dockerfile: Dockerfile, stage: Stage) -> bool:
    """The stage's chain starts from a base image that turns pip's cache off with its own ENV
    (Intel Gaudi's images set `PIP_NO_CACHE_DIR=on`: `data/caches.json` `bases_disabling_cache`)."""
    root = dockerfile.ancestry(stage)[-1]
    if root.base_stage is not None:
        return False
    written = (root.base_resolved or root.base or "").lower()
    for known in _bases_disabling_cache():
        if written.startswith(known) or (root.base or "").lower().startswith(known):
            return True
    return False


@cache
def _bases_disabling_cache() -> tuple[str, ...]:
    from dflint.data import load

    return tuple(entry["prefix"] for entry in load("caches")["managers"]["pip"].get("bases_disabling_cache", ()))


def _first_config_disabling(dockerfile: Dockerfile) -> dict[int, int | None]:
    """Per stage, the index of the first instruction of its chain (the stages it is built FROM,
    then its own) that turns pip's cache off with `pip config set`; what `config_disabled_before`
    answers for one instruction, worked out once per stage so that a long stage stays linear.
    A stage is built FROM an earlier one, so its chain's instructions come first in the file."""
    first: dict[int, int | None] = {}
    for stage in dockerfile.stages:
        own = next((i.index for i in stage.instructions if any(pip_config_disables(c) for c in i.commands)), None)
        inherited = first.get(stage.base_stage) if stage.base_stage is not None else None
        candidates = [index for index in (inherited, own) if index is not None]
        first[stage.index] = min(candidates) if candidates else None
    return first


def _cache_directory(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, directories: tuple[str, ...], manager: str
) -> str:
    """Where the install keeps its cache, for the advice to mount a cache there: the first directory
    the data names for it (a cache variable, XDG's, then the home's), `~` read as the HOME the RUN has
    (`ENV HOME=/home/huggingface`), or left as `~` when a USER other than root runs it without one."""
    name = "uv" if manager == "uv" else "pip"
    first = directories[0] if directories else f"~/.cache/{name}"
    if not first.startswith("~"):
        return first
    home = instruction.env.get("HOME")
    if home and home.startswith("/"):
        return home.rstrip("/") + first[1:]
    user = dockerfile.user_at(stage, instruction)
    if user is not None and user.split(":")[0] not in ("root", "0"):
        return first  # the user's own home, which the Dockerfile does not name
    return "/root" + first[1:]


def _mount_advice(target: str, manager: str) -> str:
    """The cache mount to suggest: at an absolute target. BuildKit does not expand `~` in a mount's
    target (it is joined to the WORKDIR), so where the user's home is not known the advice names the
    directory to mount and what the mount needs."""
    if not target.startswith("~"):
        return f"mount a cache with `RUN --mount=type=cache,target={target}`"
    return (
        f"mount a cache at the user's `{target[2:]}` with `RUN --mount=type=cache`, its target the absolute path (BuildKit"
        f" does not expand `~`) and `uid=` the user's, so that {manager} can write to it"
    )


def _finding(dockerfile: Dockerfile, stage: Stage, op: PackageOp, target: str) -> Finding:
    manager = "uv" if op.manager == "uv" else "pip"
    flag = _FLAG[manager]
    # uv's cache holds the unpacked files it links the install from (hard links or clones, by the
    # builder's filesystem: `uv_links_note`), not a second copy of the wheels: no wheel size applies
    heavies = heavy_savings(_installed(op), op)[1] if manager == "pip" else []
    savings = (
        Savings(
            round(sum(h.wheel_mb for h in heavies), 1),
            "dflint/data/heavy_frameworks.json wheel sizes: "
            + ", ".join(f"{h.name} {h.wheel_mb:g} MB ({h.source})" for h in heavies),
        )
        if heavies
        else None
    )
    what = ""
    if heavies:
        names = ", ".join(f"{h.name} {h.wheel_mb:g} MB" for h in heavies)
        what = f" (it holds a second copy of the downloaded wheels: {names})"
    return Finding(
        META,
        op.command.span,
        f"`{op.program} install` in {stage.label} keeps {manager}'s cache in the layer; add `{flag}`",
        detail=f"`{op.program} install` in {stage.label} keeps {manager}'s cache in the layer{what}; add `{flag}`,"
        f" set {_VARIABLE[manager]}=1 or {_mount_advice(target, manager)}{'. ' + uv_links_note() if manager == 'uv' else ''}",
        fix=_fix(dockerfile, op, flag),
        savings=savings,
        stage=stage.name,
        # the installs of a stage are one decision (`--no-cache-dir` on each, or PIP_NO_CACHE_DIR once):
        # the engine makes them one finding, on the first (`dflint.grouping`)
        group=Group(f"{stage.index}:{manager}", "this stage"),
    )


def _only_installers(op: PackageOp) -> bool:
    """`pip install --upgrade pip setuptools wheel packaging`: the cache holds only the installers' own
    wheels and those of small pure-Python build helpers."""
    return bool(op.packages) and not op.files and all(python_installer(r.name) or small_build_helper(r.name) for r in op.packages)


def _installed(op: PackageOp) -> list[Requirement]:
    return list(op.named_requirements())


def _fix(dockerfile: Dockerfile, op: PackageOp, flag: str) -> Fix | None:
    return add_option_after_verb(dockerfile, op, flag) if op.verb_word is not None and op.verb_word.value == "install" else None
