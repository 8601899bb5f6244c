"""## What it does
Flags a service image whose shipped stage is based on a full training container: the NGC PyTorch
container `nvcr.io/nvidia/pytorch:<yy.mm>-py3` (the PyTorch source tree, the CUDA toolkit, NCCL,
MLNX_OFED, OpenMPI, Nsight profilers, DALI, TensorBoard, Jupyter and JupyterLab) or a TensorFlow
`-jupyter` tag (`tensorflow/tensorflow:2.15.0-gpu-jupyter`: Jupyter and tutorial notebooks). The
list, with what each image carries, its lighter counterpart and the sizes found, is
`dflint/data/training_images.json`; each fact has its source.

Only an image that serves is checked: its purpose is a service (`dflint/purpose.py`), and it
exposes a port or its command runs a known server (`uvicorn`, `gunicorn`, `tritonserver`,
`torchserve` …). A command that runs a script and exposes nothing (`python3 train.py`) is as likely
a training job, and an image that installs a training library (`megatron-core`, `megatron-bridge`, NVIDIA `apex`, `trl`, `torchtune`, `horovod`)
trains whatever its command. A training, notebook, CI or development image is what these
containers are for, and an image whose purpose is unknown (no command) is left alone. Build-only stages are not checked:
compiling in an NGC container and copying the result into a runtime image is the intended pattern.

`pytorch/pytorch:*-devel` and `tensorflow/tensorflow:*-devel*` are build images, reported by DF102
(`build-base-image`), not here. `tensorflow/tensorflow:*-gpu` is not reported: it is the TensorFlow
runtime with its CUDA libraries, which a TensorFlow GPU service needs.

## Why is this bad?
A training container is built to develop and train in: profilers, MPI, InfiniBand drivers, a
notebook server and a source tree ship to every inference node, and the NGC PyTorch image has been
reported at about 20 GB (23.03-py3). Pull time, node disk, cold starts and the vulnerability scan
all grow with it. A serving image needs the framework's runtime libraries and the model server.

## Example
```dockerfile
FROM nvcr.io/nvidia/pytorch:24.01-py3
COPY app/ /app/
EXPOSE 8000
CMD ["python", "-m", "app.server"]
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir torch==2.2.0
COPY app/ /app/
EXPOSE 8000
CMD ["python3", "-m", "app.server"]
```

Or serve the model with Triton from `nvcr.io/nvidia/tritonserver:<yy.mm>-pyt-python-py3`, which
carries only the PyTorch and Python backends.

## References
- [NVIDIA: PyTorch container release notes (contents of the container)](https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel_19-11.html)
- [Triton: customize the Triton container (images per release)](https://github.com/triton-inference-server/server/blob/main/docs/customization_guide/compose.md)
- [TensorFlow: Docker tag variants (`-gpu`, `-jupyter`)](https://www.tensorflow.org/install/docker)
- [NVIDIA CUDA images: base, runtime and devel flavours](https://hub.docker.com/r/nvidia/cuda)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from dflint.data import load
from dflint.imagerefs import base_is_known
from dflint.model import Dockerfile, Stage, normalise_image, split_image
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._images import build_flavour, image_word_span

META = RuleMeta(
    code="DF119",
    name="training-base-image",
    severity=Severity.WARNING,
    summary="A service image is based on a full training container where a serving image exists",
)


@dataclass(frozen=True, slots=True)
class TrainingImage:
    """A training or development base image from the data, with what to use instead."""

    image: str
    kind: str
    short: str  # what it is, in the short message
    counterpart: str  # what to use instead: a tag, or a sentence from the data
    action: str  # the one thing to do, for the short message
    reported: str  # a reported size with its year, for the detail; empty when none


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    return tuple(load("training_images")["training_images"])


def training_image(reference: str) -> TrainingImage | None:
    """Match a resolved image reference against the training containers of the data."""
    if build_flavour(reference) is not None:
        return None  # a build image: DF102's
    name, tag, _ = split_image(reference)
    lowered = normalise_image(name.lower())
    tag = tag or "latest"
    for entry in _entries():
        names = {entry["image"], *entry.get("aliases", ())}
        if lowered not in names and name.lower() not in names:
            continue
        if not re.fullmatch(entry["tag_pattern"], tag):
            continue
        counterpart = entry["counterpart"]
        rewrite = entry.get("replacement")
        if rewrite:
            replaced = re.sub(rewrite["from"], rewrite["to"], tag, count=1)
            if replaced and replaced != tag:
                counterpart = f"{entry['image']}:{replaced}"
        sizes = [s for s in entry.get("reported_sizes", ()) if s["image"].startswith(entry["image"] + ":")]
        reported = ""
        if sizes:
            first = sizes[0]
            reported = f" (reported at about {first['size_mb'] / 1000:g} GB for {first['image']} in {first['reported_in'][:4]})"
        action = (
            f"use `{clip(counterpart, 60)}`"
            if counterpart != entry["counterpart"]
            else entry.get("action", "serve from a runtime image")
        )
        return TrainingImage(entry["image"], entry["kind"], entry["short"], counterpart, action, reported)
    return None


def _serves(stages: tuple[Stage, ...]) -> bool:
    """A port is exposed, or the command runs a known server: a command that runs a script and
    exposes nothing is as likely a training job (`python3 train.py`) as a service."""
    servers = set(load("training_images")["servers"]["names"])
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword == "EXPOSE":
                return True
            if instruction.keyword in ("CMD", "ENTRYPOINT"):
                words = instruction.json_args if instruction.json_args is not None else tuple(instruction.arguments.split())
                if any(posixpath.basename(word.strip("\"'")) in servers for word in words):
                    return True
    return False


def _trains(stages: tuple[Stage, ...]) -> bool:
    """A package that exists to train models is installed in a shipped stage."""
    training = set(load("training_images")["training_packages"]["names"])
    return any(
        requirement.name in training
        for stage in stages
        for op in stage.package_ops(verb="install")
        for requirement in op.packages
    )


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    purpose = dockerfile.purpose
    if purpose is None or purpose.kind != "service":
        return  # training, notebook, CI and development images are what these containers are for
    shipped = dockerfile.shipped_stages()
    if not _serves(shipped) or _trains(shipped):
        return
    for stage in shipped:
        if stage.base_stage is not None or stage.base_resolved is None or not base_is_known(dockerfile, stage):
            continue
        found = training_image(stage.base_resolved)
        if found is None:
            continue
        yield Finding(
            META,
            image_word_span(dockerfile, stage) or stage.from_instruction.keyword_span,
            f"{stage.label} serves from {found.short} `{clip(stage.base_resolved, 45)}`; {found.action}",
            stage=stage.name,
            detail=(
                f"{stage.label} ships `{stage.base_resolved}`, {found.kind}{found.reported}, as the base of an image"
                f" that serves ({purpose.evidence}). Use {found.counterpart}."
            ),
        )
