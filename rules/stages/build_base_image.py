"""## What it does
Flags a stage that ships and is based on a build-flavoured image when a runtime flavour exists:
`nvidia/cuda:*-devel-*` (use `-runtime-`, or `-base-` when the wheels bring their own CUDA
libraries), `pytorch/pytorch:*-devel` (use `-runtime`), `tensorflow/tensorflow:*-devel*`, the full
`python:X` images (use `python:X-slim`; only when every Python package the image installs is known,
from the Dockerfile or a requirements file read from the build context: a package may load a library
the full image has and the slim one lacks, and where one is known to (WeasyPrint loads Pango:
`full_python_image_libraries` in `dflint/data/build_tools.json`, with sources) the advice names the
Debian packages to install on slim and no tag rewrite is offered), and the toolchain images `golang`, `rust`, `gcc` and
`buildpack-deps`. The list, with what each image adds and its runtime counterpart, is
`dflint/data/base_images.json`.

Development containers, CI or test images, toolchains and training images (`dflint/purpose.py`) are not
checked: a training job JIT-compiles kernels (DeepSpeed's ops need nvcc) and builds extensions, so it
runs on the devel flavour. Nor is a Windows container (`dflint/windows.py`: a PowerShell or `cmd`
SHELL, a Windows base image): `python:3.11` there is a Windows image with no `-slim` flavour.
Nor is an image whose model server pip-installs the model's own `requirements.txt` when it starts
(the Hugging Face or SageMaker inference toolkit, installed or its package directory copied from the build
context: `dflint/build_deps.py` `installs_at_start`): CUDA
extensions there build against the devel toolkit. Nor is a CUDA devel base under an image that serves
with a package whose installation guide asks for the CUDA Toolkit where it runs (TensorRT-LLM:
`dflint/build_deps.py` `needs_cuda_toolkit`, `cuda_toolkit_at_run_time` in
`dflint/data/build_tools.json`, with sources). Under an image that compiles kernels when it serves
(vLLM, SGLang, FlashInfer, TGI: `runtime_compiler`, the answer DF201 uses), the advice keeps what
it compiles with: a runtime base with gcc and CUDA's compiler, as vLLM's own image does since
vllm-project/vllm#29270.

The image is resolved through global `ARG`s and `--build-arg` (`FROM $BASE`); an image that depends
on an argument without a value is unknown and never reported. Build-only stages are not checked:
`FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build` followed by a `-runtime` final stage is the
intended pattern.

On the full Python image, a stage (or a shipped stage built FROM it) that installs system build
tools or header packages itself (`apt-get install cmake rustc libopencv-dev`: `build_deps.build_tool`,
`dev_package`) would install them on the slim image too, and they bring much of the difference back:
the finding claims no size there, and the advice is to build in a stage on this image and ship the
slim one (Roboflow Inference's CPU images: reviewers estimated 46 to 110 MB left of the 331 MB the
images differ by).

## Why is this bad?
The build flavours carry compilers, headers and static libraries that an inference server never
uses: the CUDA `-devel` images add nvcc, headers and static libraries on top of `-runtime` (reported
differences run from about 1.4 GB to 2.9 GB), and `python:3.11` is about 331 MB larger to pull than
`python:3.11-slim` because it is built on `buildpack-deps` with gcc and dozens of `-dev` packages.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/*
CMD ["python3", "serve.py"]
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/*
CMD ["python3", "serve.py"]
```

When something must be compiled against CUDA, do it in a `-devel` build stage and copy the result
into a `-runtime` final stage.

## Fix safety
Unsafe. The fix rewrites the tag inside the FROM line: `python:3.11` → `python:3.11-slim`,
`nvidia/cuda:…-devel-…` → `…-runtime-…`, `pytorch/pytorch:…-devel` → `…-runtime`. The slim and
runtime images lack compilers and headers, so a later `pip install` that builds from source, or a
tool the application shells out to, may then fail. For the CUDA, PyTorch and TensorFlow images the
fix is only offered when nothing in the stage (or the shipped stages built from it) compiles: no
build tool installed, and no `nvcc`, `gcc`, `make`, `cmake` or build of a source tree. On the full
Python image it is not offered when the stage apt-installs build packages: the advice there is a build
stage on the full image, which a new tag alone does not make. It is never offered when the image is
pinned by digest or written through a variable.

## References
- [NVIDIA CUDA images: base, runtime and devel flavours](https://hub.docker.com/r/nvidia/cuda)
- [Docker Official Images: python variants](https://hub.docker.com/_/python)
- [docker-library/repo-info: image sizes](https://github.com/docker-library/repo-info)
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dflint.build_deps import (
    Install,
    build_tool,
    compile_command,
    compiles_from_source,
    installs_at_start,
    needs_cuda_toolkit,
    runtime_compiler,
)
from dflint.full_image_build import full_image_builds, stages_from
from dflint.imagerefs import base_is_known
from dflint.model import Dockerfile, PackageOp, Stage
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip
from dflint.windows import builds_windows

from ._images import BuildFlavour, build_flavour, image_word_span

META = RuleMeta(
    code="DF102",
    name="build-base-image",
    severity=Severity.WARNING,
    summary="A shipped stage is based on a build image where a runtime image exists",
    fixable=True,
    skip_images_nobody_deploys=True,
)

# Packages whose pip install compiles CUDA extensions from source.
_CUDA_SOURCE_BUILDS = frozenset(
    {"flash-attn", "apex", "mmcv-full", "pytorch3d", "causal-conv1d", "mamba-ssm", "nvdiffrast", "tinycudann"}
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.keeps_build_tools:
        return  # development, CI, toolchain and training images carry their tools on purpose
    if installs_at_start(dockerfile) is not None:
        return  # its model server pip-installs the model's requirements when it starts, on this toolchain
    shipped = dockerfile.shipped_stages()
    for stage in shipped:
        if stage.base_stage is not None or stage.base_resolved is None or not base_is_known(dockerfile, stage):
            continue
        if builds_windows(dockerfile, stage):
            continue  # a Windows container: the slim flavours and their sizes are Linux ones
        flavour = build_flavour(stage.base_resolved)
        if flavour is None:
            continue
        if "cuda" in flavour.image and needs_cuda_toolkit(dockerfile) is not None:
            continue  # it serves with a package that needs the CUDA Toolkit when it runs (TensorRT-LLM)
        libraries: tuple[str, dict[str, Any]] | None = None
        build = full_image_builds(dockerfile).get(stage.index) if flavour.image == "python" else None
        if flavour.image == "python":
            if build is None:
                continue  # what it pip-installs is unknown here: no telling that the slim image has what it loads
            libraries = _full_image_library(build.python_packages)
        span = image_word_span(dockerfile, stage)
        compiled = _compiles(dockerfile, stage, shipped)
        jit = runtime_compiler(dockerfile) if "cuda" in flavour.image else None
        # no rewrite of the tag where the server compiles when it runs: the runtime tag alone would break it
        fix = None if span is None or jit is not None else _fix(dockerfile, stage, flavour, span.offset, compiled)
        advice = flavour.runtime_hint
        if flavour.replacement is not None:
            advice = f"use `{flavour.image}:{flavour.replacement}` instead — {flavour.runtime_hint}"
        if compiled and flavour.image != "python":
            advice += f"; this stage compiles ({compiled}), so compile in a build stage on this image and ship a runtime one"
        savings = flavour.savings
        rebuilt = _named(build.packages) if build is not None and build.packages else None
        if rebuilt is not None:
            # `apt-get install libopencv-dev cmake rustc` on the full image: on the slim one the same install
            # brings most of the compilers and headers back, so the images' difference overstates the saving,
            # and the tag alone is not the fix (a build stage is): no rewrite is offered
            savings = None
            fix = None
            advice += (
                f"; this stage installs build packages ({rebuilt}), which on the slim image bring much of the"
                " difference back: build in a stage on this image and ship the slim one"
            )
        size = f", about {savings.mb:g} MB more than its runtime counterpart" if savings else ""
        short_size = f" (~{savings.mb:.0f} MB more)" if savings else ""
        action = (
            f"build in a stage on it and ship `{clip(flavour.image + ':' + flavour.replacement, 50)}`"
            if rebuilt is not None and flavour.replacement is not None
            else "compile in a build stage on it and ship a runtime one"
            if (compiled and flavour.image != "python") or rebuilt is not None
            else f"use `{clip(flavour.image + ':' + flavour.replacement, 50)}`"
            if flavour.replacement is not None
            else "ship a runtime variant"
        )
        if libraries is not None and flavour.replacement is not None:
            name, facts = libraries
            packages = " ".join(facts["apt"])
            fix = None  # the tag alone would break the import: the libraries must be installed too
            action = f"use `{clip(flavour.image + ':' + flavour.replacement, 50)}` and install {facts['loads']} for `{name}`"
            advice += (
                f"; `{name}` loads {facts['loads']}, which the full image has and the slim one lacks: install"
                f" `{packages}` on it (`apt-get install --no-install-recommends {packages}`)"
            )
        if jit is not None:
            # vLLM's own image moved from the devel base to a runtime one that keeps the compilers its
            # kernels are built with when it serves (vllm-project/vllm#29270): say so, or the advice breaks it
            action = f"ship a runtime base with the compilers {jit.server} runs (gcc, `cuda-nvcc`)"
            advice += (
                f"; {jit.text}, so keep a C compiler and CUDA's compiler (`cuda-nvcc-<version>`, the headers it"
                " needs) in the runtime image, as vLLM's own image does on a runtime base (vllm-project/vllm#29270)"
            )
        yield Finding(
            META,
            span or stage.from_instruction.keyword_span,
            f"{stage.label} ships build image `{clip(stage.base_resolved)}`{short_size}; {action}",
            fix=fix,
            savings=savings,
            stage=stage.name,
            detail=f"{stage.label} ships `{stage.base_resolved}`, a build image with compilers and headers{size}: {advice}",
        )


def _fix(dockerfile: Dockerfile, stage: Stage, flavour: BuildFlavour, offset: int, compiled: str | None) -> Fix | None:
    if flavour.replacement is None or flavour.digest is not None or "$" in stage.base:
        return None
    if compiled and flavour.image != "python":
        return None
    base = stage.base
    colon = base.rfind(":")
    if colon <= base.rfind("/"):
        if flavour.tag != "latest":
            return None
        return Fix.unsafe(
            f"Use `{flavour.image}:{flavour.replacement}`", Edit.insert(offset + len(base), f":{flavour.replacement}")
        )
    tag = base[colon + 1 :]
    if tag != flavour.tag or dockerfile.text[offset + colon + 1 : offset + len(base)] != tag:
        return None
    return Fix.unsafe(f"Use the `{flavour.replacement}` tag", Edit(offset + colon + 1, offset + len(base), flavour.replacement))


def _named(packages: tuple[Install, ...]) -> str:
    """The system build tools and header packages a full-image build installs (`cmake`, `rustc`,
    `libopencv-dev`: `dflint.full_image_build`), named briefly."""
    names = [install.name for install in packages]
    shown = ", ".join(f"`{name}`" for name in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _compiles(dockerfile: Dockerfile, stage: Stage, shipped: tuple[Stage, ...]) -> str | None:
    """What compiles in the stage or the shipped stages built FROM it, if anything does."""
    for candidate in stages_from(dockerfile, stage, shipped):
        for instruction in candidate.instructions:
            if instruction.keyword == "ENV" and "TORCH_CUDA_ARCH_LIST" in instruction.arguments:
                return f"TORCH_CUDA_ARCH_LIST at line {instruction.span.line}"
            for command in instruction.commands:
                found = compile_command(command)
                if found is not None:
                    return f"`{found}` at line {command.span.line}"
            for op in instruction.packages:
                compiled = _op_compiles(op)
                if compiled is not None:
                    return f"{compiled[0]} at line {compiled[1]}"
    return None


def _full_image_library(names: frozenset[str]) -> tuple[str, dict[str, Any]] | None:
    """The first package among `names` that loads a library the full `python:X` image has and the
    slim one lacks (`data/build_tools.json` `full_python_image_libraries`), with its facts."""
    from dflint.data import load

    packages: dict[str, dict[str, Any]] = load("build_tools")["full_python_image_libraries"]["packages"]
    return next(((name, packages[name]) for name in sorted(names) if name in packages), None)


def _op_compiles(op: PackageOp) -> tuple[str, int] | None:
    """What in a package operation compiles, and the line it is written on."""
    if op.verb != "install":
        return None
    for requirement in op.packages:
        if requirement.name is None:
            continue
        line = requirement.span.line if requirement.span is not None else op.command.span.line
        if build_tool(op.manager, requirement.name) is not None and requirement.name != "git":
            return f"`{requirement.name}` installed", line
        if op.manager in ("pip", "uv") and requirement.name in _CUDA_SOURCE_BUILDS:
            return f"`{requirement.name}` built from source", line
    if op.has_flag("--no-build-isolation"):
        return "`pip install --no-build-isolation`", op.command.span.line
    found = compiles_from_source(op)
    return (found, op.command.span.line) if found is not None else None
