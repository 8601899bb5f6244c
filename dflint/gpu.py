"""Whether a stage can use a GPU: its base image, CUDA variables in its environment, CUDA packages
or a GPU wheel index in it or the stages it is built FROM; unknown when its base comes from a build
argument that a comment of the file sets to a GPU image for a GPU build."""

from __future__ import annotations

import re

from dflint.imagerefs import base_is_known
from dflint.indexes import gpu_index
from dflint.model import Dockerfile, Stage, split_image
from dflint.variables import references

_GPU_IMAGE = re.compile(r"cuda|nvidia|nvcr\.io|rocm|gpu|tensorrt|tritonserver|pytorch/pytorch|habana|neuron", re.IGNORECASE)
_GPU_TAG = re.compile(r"cuda|cu\d{2,3}|gpu|rocm|cudnn|tensorrt", re.IGNORECASE)
_GPU_ENV = (
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "CUDA_HOME",
    "CUDA_PATH",
    "CUDA_VERSION",
    "NV_CUDA_LIB_VERSION",
)
_GPU_SYSTEM_PACKAGE = re.compile(
    r"(cuda-.+|libcudnn.*|libnccl.*|nvidia-.+|cudatoolkit.*|pytorch-cuda|cudnn|libcublas.*|tensorrt.*)"
)
# Packages that only make sense with a GPU and bring or need CUDA (not the DF203 candidates themselves):
# NVIDIA's wheels, CuPy's CUDA builds, vLLM, FlashAttention, xFormers, TensorRT, PyCUDA, NVIDIA
# Transformer Engine ("accelerating Transformer models on NVIDIA GPUs", github.com/NVIDIA/TransformerEngine),
# FlashInfer (GPU kernels for LLM serving, github.com/flashinfer-ai/flashinfer), and the CUDA kernels of
# Mamba (`mamba-ssm`, `causal-conv1d`: "Linux, NVIDIA GPU", github.com/state-spaces/mamba).
# Not `nvidia-ml-py` (and `nvidia-ml-py3`): "Python Bindings for the NVIDIA Management Library", a
# pure-Python wheel that calls the driver's libnvidia-ml (pypi.org/project/nvidia-ml-py).
_GPU_PIP_PACKAGE = re.compile(
    r"(nvidia-(?!ml-py).+|cupy-cuda.+|vllm|flash-attn|xformers|tensorrt.*|pycuda|transformer-engine.*|flashinfer.*|mamba-ssm|causal-conv1d)"
)
_GPU_EXTRA = re.compile(r"cuda.*|gpu|and-cuda")


def gpu_pip_package(name: str | None) -> bool:
    """A pip package (PEP 503 name) that only makes sense with a GPU and brings or builds CUDA code
    (`nvidia-cublas-cu12`, `flash-attn`, `transformer-engine` …): its wheels are large."""
    return name is not None and _GPU_PIP_PACKAGE.fullmatch(name) is not None


def is_gpu_image(reference: str) -> bool:
    name, tag, _ = split_image(reference)
    return bool(_GPU_IMAGE.search(name) or (tag and _GPU_TAG.search(tag)))


def gpu_stage(dockerfile: Dockerfile, stage: Stage) -> bool | None:
    """True when the stage can use a GPU: a CUDA/GPU base image, CUDA variables in its environment,
    or CUDA packages installed in it or the stages it is built FROM. False when its base image is
    known and none of that holds; None when the base image is unknown, or when a comment of the file
    gives the build argument naming it a GPU image (the file is built both ways)."""
    chain = dockerfile.ancestry(stage)
    root = chain[-1]
    if any(_gpu_signals(s) for s in chain):
        return True
    if not base_is_known(dockerfile, root) or root.base_resolved is None:
        return None
    if _documented_gpu_variant(dockerfile, root) is not None:
        return None  # the file says how to build it on a GPU image as well: either, by a build argument
    return is_gpu_image(root.base_resolved)


def _documented_gpu_variant(dockerfile: Dockerfile, root: Stage) -> str | None:
    """The GPU image a comment of the file gives the build argument the stage's base is named by:
    `FROM ${BASE_IMAGE}` under `# Use following option to build image for cuda/GPU: --build-arg
    BASE_IMAGE=nvidia/cuda:10.1-cudnn7-runtime-ubuntu18.04` (KServe's TorchServe sample). The file is
    then built for a CPU and a GPU, and what it installs serves both; None when no comment says so."""
    names = {reference.name for reference in references(root.base, dockerfile.escape)}
    if not names:
        return None
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")=[\"']?([^\s\"']+)")
    for _, comment in dockerfile.comments:
        for match in pattern.finditer(comment):
            if is_gpu_image(match.group(1)):
                return match.group(1)
    return None


def _gpu_signals(stage: Stage) -> bool:
    for instruction in stage.instructions:
        if instruction.keyword == "ENV" and any(name in instruction.arguments for name in _GPU_ENV):
            return True
        for op in instruction.packages:
            if op.verb != "install":
                continue
            pattern = _GPU_PIP_PACKAGE if op.manager in ("pip", "uv", "pipenv") else _GPU_SYSTEM_PACKAGE
            for requirement in op.packages:
                if requirement.name and pattern.fullmatch(requirement.name):
                    return True
                if op.manager in ("pip", "uv") and any(_GPU_EXTRA.fullmatch(extra) for extra in requirement.extras):
                    return True
                if requirement.spec and re.search(r"\+cu\d+|\+rocm", requirement.spec):
                    return True
            if gpu_index(op):
                return True
    return False
