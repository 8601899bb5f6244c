"""## What it does
Flags compilers, build systems and toolchains installed in a stage that ships: `build-essential`,
`gcc`, `g++`, `clang`, `gfortran`, `make`, `cmake`, `ninja-build`, `meson`, `autoconf`, `rustc`,
`cargo`, `golang`, `nvidia-cuda-toolkit`/`cuda-nvcc`, and their apk (`build-base`), dnf/yum/microdnf
(`gcc-c++`, `@development-tools`), conda (`compilers`, `cxx-compiler`) and pip (`cmake`, `ninja`,
`cython`, `pybind11`, `maturin`, `nvidia-cuda-nvcc-cu12`) names. The names and sizes come from
`dflint/data/build_tools.json`; requirements files read from the build context count too.

Development containers, CI or test images, toolchains, notebook or workbench images (whose users compile as they work) and training images (which build CUDA extensions such as flash-attn, apex or Transformer Engine with `--no-build-isolation` and compile kernels as they run: DeepSpeed's ops, Triton, `torch.compile`), as the model decides (`dflint/purpose.py`), carry their tools on purpose and are not checked.

An image whose model server pip-installs the model's own `requirements.txt` when it starts (it installs the Hugging Face inference toolkit or the SageMaker inference toolkit, or copies the toolkit's package directory from the build context as the toolkit's own images do, `COPY src/huggingface_inference_toolkit …`, or a file into the installed toolkit, `COPY decoder.py …/dist-packages/sagemaker_inference/`: `dflint/build_deps.py` `installs_at_start`, `installs_at_start` in `dflint/data/build_tools.json`, with the toolkits' sources) is not checked either: a package there without a wheel builds from source, with the compilers, headers and CUDA toolkit the image carries. So is an image whose start script (read from the build context) builds code when the container starts: it runs make, CMake, ninja, a C/C++ compiler, `cargo build`, `go build` or `python setup.py` (llama-cpp-python's images run `make build`, which rebuilds llama.cpp for the host; a reviewer).

An install is fine when the same RUN removes it again (`apt-get purge`, `apk del`, including
`apk add --virtual .build-deps … && apk del .build-deps`, `dnf remove`, `pip uninstall`, or
`apt-mark auto … && apt-get purge --auto-remove`). Build-only stages are never checked: a compiler
in a builder stage whose results are copied out selectively is the point of a multi-stage build.

An install inside an `if` branch that the build being linted does not take is not reported: when
each test of the condition compares a build argument or the target platform with a literal
(`if [ "$TARGETARCH" = "arm64" ]; then apt-get install -y gfortran; fi` on the default
linux/amd64, `[ "$ADDRESS_SANITIZER" = "1" ]` with that argument not given, also through an ENV
that copies it, `ENV BUILD_TYPE=${BUILD_TYPE}`, as LocalAI's image does), the package is not
in that image (`dflint/build_deps.py`, `skipped_branch`). Lint another build with `--build-arg
TARGETPLATFORM=linux/arm64` or the argument's value. On the test corpus this leaves out Kubeflow
Katib's arm64/ppc64le-only `gfortran`, `libopenblas-dev` and `liblapack-dev` and Chroma's
address-sanitizer-only `build-essential` and `llvm`. Nor is an install after an early `exit 0` of the
same RUN that tests the base's release and holds for the release the base image's tag names
(`source /etc/os-release; if (( $(echo "${VERSION_ID} >= 21.04" | bc -l) )); then exit 0; fi` on
`ubuntu:24.04`: GPUStack's GCC upgrade for older Ubuntus, which reviewers found reported wrongly in
three samples; `build_deps.release_guard_exits`).

A package of a few megabytes is not reported in a stage that carries accelerator libraries (its
root image names CUDA, ROCm, Gaudi, Neuron, a framework or an LLM server, or is one of NVIDIA's
Jetson images that hold them, `l4t-jetpack` and `l4t-ml`, or its CUDA packages or variables say it
can use a GPU): when every package of the command is measured under 20 MB
(`make` 1.8 MB, `libssl-dev` 12.6 MB over `libssl3`, on Debian 12), it is under 2 % of the
gigabyte or more those libraries take (the CUDA runtime images measure 1148–1300 MB; torch's CUDA
build with its nvidia wheels, 2730 MB), and not worth the author's time
(`dflint/build_deps.py`, `negligible_in_gpu_image`). Nor are packages whose measured sizes
together come to under 2 % of what the image is known to hold (`dflint/imagesize.py`,
`negligible_beside_image`: a 77 MB `cmake` (its wheel unpacked) beside a Triton server image of 8.3 GB or beside a torch from PyPI, whose wheel alone unpacks to 1.1 GB
or more whatever the release). The same package on a slim image is reported, unless the
finding's build tools, every one measured, come to less than 20 MB in all, whatever the image
(`imagesize.negligible_alone`): a lone `cython` (10.7 MB unpacked) or `ninja` (0.4 MB), or a RUN of
`make` and `pkg-config` beside another that installs `build-essential` (reported on its own). Reviewers
judged all 11 findings drawn on Kubeflow Katib's lone `cython>=0.29.24` (requirements files of
its suggestion services) not worth telling. The option `check-small-tools` reports them.

A Python build tool listed in a requirements file that is also the project's own dependency list (its
`setup.py`, `pyproject.toml` or `setup.cfg` reads the file into the package's requirements:
`project_files.is_package_requirements`, read from the build context) is not reported: the installed
package pulls it back in, so no build stage removes it (Cython in Roboflow Inference's
`_requirements.txt`; two reviewers).

On the full `python:X` image (built on buildpack-deps), a command whose tools the base already holds
(`apt-get install gcc g++`: `data/base_images.json` `build_flavoured` `contains`) adds nothing, and a
build stage alone would save nothing: the advice is to build on this image and ship its slim counterpart
(`python:3.10-slim`), DF102's fix, which DF102 itself gives only where it knows what the image's Python
packages load (NeMo-Guardrails' image; a reviewer found "install them in a build stage" changed nothing).

The header packages the same command installs go to the build stage with the compiler (DF202
leaves them to this finding); where dflint's data names a header package's run-time library, the
detail names it, to install in the stage that ships instead (`libpq-devel` brings `libpq`, which
psycopg's C build loads: moved away with the headers, it would be missing).

A Python package that compiles when the image runs (Triton, and the servers built on it: below)
counts as shipped when a RUN of a stage that ships builds it from a clone of its repository and
installs it (`git clone …/triton-lang/triton.git`, `pip wheel`, then `pip install` of the wheel).

`git` is not reported unless `check-git` is set (then at `info` severity). Images use it when they
run: `setuptools_scm` reads the version from a copied `.git`, Hugging Face Hub and `pip install
git+…` fetch at start-up, and the Dockerfile cannot tell those from a build-time clone. On the
776 Dockerfiles of the test corpus, 49 of DF201's 131 findings were `git`, and none of the 5 that
reviewers judged was worth telling the file's author. A clone's `.git` history that ships is
DF205's.

An install whose RUN carries the author's word that the image uses it when it runs is left alone:
a comment right above the RUN or inside it that speaks of compiling just in time or at run time
(`# Runtime JIT compilation tools (Triton/Inductor, FlashInfer, DeepGEMM).`), of tools needed at run
time, or of installs at start (`# gcc/make/devel: serve.py pip-installs customer requirements.txt at
start.`) (`dflint/build_deps.py`, `stated_run_time_use`). On the shared corpus this leaves five
findings, all on AWS Deep Learning Containers whose servers compile kernels or install a model's
requirements when they run, which reviewers reading the files judged wrong. A comment that only says
"runtime dependencies" is not such a statement. So is a comment block elsewhere in the stage that says
so and names the package (`# this runtime intentionally ships a C toolchain (gcc + libc6-dev +
libpython3.10-dev) for RF-DETR's Triton JIT preprocessing kernels`, twenty lines below Roboflow
Inference's install: `stated_run_time_need`); the tools it does not name are still reported.

A tool the image's start script runs (read from the build context: `dflint/start_script.py`; as a
command or in a command substitution, `$(pkg-config --variable=libdir jemalloc)`) is used when the
image runs and is left alone too (ragflow's entrypoint finds jemalloc with pkg-config to preload it;
two reviewers).

A stage that ships on a build image (`nvidia/cuda:*-devel-*`, `pytorch/pytorch:*-devel`,
`tensorflow/tensorflow:*-devel`, `golang`, `gcc`, `rust`, `buildpack-deps`:
`dflint/data/base_images.json` `build_flavoured`, the list DF102 reports) is not checked either:
the base already carries a compiler toolchain (nvcc with CUDA's headers and static libraries, or
gcc and dozens of `-dev` packages), so what a build stage would save is mostly the base's. DF102
reports it with the fix (compile on the build image in a build stage, ship its runtime flavour);
the build tools installed on it go with that fix, and a second finding on the same stage would
say it again. The full `python:X` images are the exception (`counterpart_in_place` in the data):
DF102's advice there is the `-slim` tag in the same stage, where the build tools stay the stage's
own, so they are still reported, without a size: the full image already holds gcc, g++ and make,
so installing them there adds little. Where what the stage pip-installs is known, DF102 says more:
the build packages the stage apt-installs would bring much of the difference back on the slim tag,
so build in a stage on the full image and ship the slim one, naming them
(`dflint/full_image_build.py`); those are left to that finding (reviewers judged the separate DF201
a duplicate of it on Roboflow Inference's CPU images, four times).

A C compiler is left alone in an image that needs one at run time: Triton compiles its kernels'
launchers with `gcc` or `clang` (or `$CC`) the first time they run and fails with "Failed to find C
compiler" without one, so vLLM, SGLang and text-generation-inference images install it in the
served stage on purpose. The model decides it (`dflint/build_deps.py`, `runtime_compiler`, from
`runtime_compilers` in `dflint/data/build_tools.json`): a shipped install of `triton`, `vllm`,
`sglang`, `text-generation-server` or `tensorrt-llm` (whose requirements name triton, FlashInfer and
ninja; a reviewer found text-generation-webui's TensorRT-LLM image needs its compiler) (command line or
requirements file, or copied in from a build stage), a base image such as `vllm/vllm-openai`, or TGI's `text-generation-launcher` copied into
a stage on a CUDA or ROCm base (TGI's Neuron, Gaudi, TPU and TensorRT-LLM backends use no Triton
kernels), or a compiler suite installed in a shipped stage whose compiler uses the system's GNU
header files, linker and libraries (Intel's oneAPI DPC++/C++ compiler: `intel-deep-learning-essentials`,
`intel-basekit`, `intel-oneapi-compiler-dpcpp-cpp` …, as Intel's GCC-compatibility page says; a
reviewer found the advice to move `build-essential` out of Intel's XPU images would break the compiler
they ship). The packages that bring the compiler (`build-essential`, `gcc`, `g++`, `clang`,
`build-base`, conda's `compilers` …) are then not reported, and a finding for the other build tools
of the same command says why they were left out. A note at `info` severity would still be a finding
on something the image needs; silence, with the reason in the remaining finding's detail, is the
answer.

FlashInfer (`flashinfer-python`) compiles its
CUDA kernels the same way the first time it runs them, with nvcc, the host C++ compiler and
`ninja`, and vLLM lists `ninja` among its own run-time requirements: in an image that runs either,
`ninja-build` (apt, dnf) and the `ninja` wheel are left alone too.

An image that sets `TORCH_EXTENSIONS_DIR` in a shipped stage builds PyTorch extensions just in time:
`torch.utils.cpp_extension.load` compiles them on first use into that directory, with the host C++
compiler, `ninja`, and for CUDA sources `nvcc` (`environment_names` in `runtime_compilers`). The C
compiler, ninja and `cuda-nvcc` are then left alone, and the other build tools of the install are
reported (a reviewer found the advice to move `cuda-nvcc` out of Roboflow's 3D image wrong: it sets the
variable for nvdiffrast, which builds its CUDA kernels that way).

CUDA's `ptxas` (the `cuda-nvcc` package) is left alone in an image that serves through XLA on a GPU:
XLA compiles the PTX it generates with it when it runs, and falls back to slower code or fails without
it (TensorFlow Serving's `tensorflow_model_server` copied into a shipped stage, as its own GPU image
does; `ptxas_at_run_time` in `dflint/data/build_tools.json`, with sources). The other build tools of
the same install are still reported (a reviewer: `build-essential` and `pkg-config` are unused there). So is
it in an image that points Triton at CUDA's ptxas (`ENV TRITON_PTXAS_PATH` or
`TRITON_PTXAS_BLACKWELL_PATH`, as Roboflow's Jetson Thor image does for sm_110a, which Triton's bundled
ptxas does not know; a reviewer).

One finding per install command: the build tools it installs are named in the message, largest
first, and each one's kind and size in the detail; the estimate is the largest of their sizes when
they count dependencies (`build-essential`, `cmake` and `libtool` share most of theirs, so adding
them up would overstate it), the sum of their wheel sizes for pip, and unknown when no size is
known. Moving them to a build stage is one change for the whole command, and a `ninja-build` of
half a megabyte next to `build-essential` is not worth a finding of its own. Set `each-package`
for one finding per package, each on its own name, as before.
The install commands of one stage are one decision too: moving the build to a build stage takes
them all (llama-cpp-python's `open_llama` image apt-installs `build-essential` on line 14 and
pip-installs `cmake` on line 19; ragflow's base installs `build-essential` twice). They make one
finding, on the first, which says "and 1 more install in this stage", or gives the whole estimate when
the others add to it ("and 2 more installs, ~402 MB in all": each part counted once, and of the apt
closures, which share dependencies, only the largest), and lists the others (JSON `also`; reviewers had judged the
second finding a duplicate of the first nine times in 56 DF201 findings drawn). A removal that comes
a layer too late (below) is fixed in its own RUN, so it stays a finding of that RUN, and so does
what a COPY from another stage ships. The header packages the stage's other commands install go to
the build stage too: the finding names them, with the run-time libraries to install instead, and
DF202 leaves them to it.

The sizes (`savings_mb`, and the sizes in the message) are apt closures measured on Debian 12, and
on Ubuntu 22.04 and 24.04 from their own package indexes (`dflint/data/build_tools.json`,
`dev_packages.json` `other_releases`, with their sources): each is given when the stage's base image
names that release (`nvidia/cuda:12.4.1-devel-ubuntu22.04`: `build-essential` 263.9 MB there,
304.3 MB on 24.04, 325.4 MB on Debian 12). On another release, or a tag that names none, the
packages are other versions with other dependencies, and the size is left unknown.

Where the file already compiles in a stage that does not ship and nothing in the stages that ship
compiles or installs language packages (`dflint/build_deps.py`, `compiles_only_elsewhere`, the fact
DF202 asks too), the advice is to remove the tools rather than move them, keeping any run-time
library a copied binary loads from them (gcc brings `libgomp1`, OpenMP's runtime: Debian 12's
`gcc-12` depends on `libgcc-12-dev`, which depends on `libgomp1`). LightGBM's CUDA CLI image installs
`gcc` and `g++` in its runtime stage for exactly that; a reviewer found "install them in a build
stage" would leave its binary without the library.

Where the image compiles in the stages it ships with no build stage, DF101 (no-multi-stage) reports that
one decision and names the build tools in its detail; those it names are not reported here again
(`dflint/single_stage.py`, `one_stage_build`): moving the compile to a build stage takes them along
(reviewers counted the two or three findings on one stage as duplicates).

## Why is this bad?
A compiler toolchain is only needed to build wheels or binaries; at run time it is dead weight —
`build-essential` adds about 325 MB on Debian 12 — and extra attack surface that every image pull,
cold start and vulnerability scan pays for. Removing it in a later RUN does not help: the layer that
installed it is still part of the image.

## Example
```dockerfile
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
```

Or, in a single stage, remove the tools in the RUN that used them:

```dockerfile
FROM python:3.11-alpine
RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
    && pip install --no-cache-dir psycopg2==2.9.9 \
    && apk del .build-deps
```

## Options
- `each-package` (default `false`): one finding per build tool instead of one per install command.
- `check-git` (default `false`): report `git` too, at `info` severity.
- `check-small-tools` (default `false`): also report build tools that together come to less than
  20 MB in a finding (a lone `cython`, 10.7 MB unpacked).

## References
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Docker: Building best practices](https://docs.docker.com/build/building/best-practices/)
- [Debian: build-essential](https://packages.debian.org/bookworm/build-essential)
- [Triton: `runtime/build.py`, the C compiler it looks for](https://github.com/triton-lang/triton/blob/0419e8f04e1cb71dc228a0b3cd1cf1996b7e9456/python/triton/runtime/build.py)
- [text-generation-inference#2838: warmup compiles Triton's launcher with gcc](https://github.com/huggingface/text-generation-inference/issues/2838)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.build_deps import (
    Install,
    Sized,
    base_holds,
    compiles_only_elsewhere,
    dev_package,
    for_release,
    installs_at_start,
    removed_in_same_run,
    runtime_compiler,
    shipped_installs,
    size_text,
    skipped_branch,
    slim_counterpart,
    where,
)
from dflint.imagesize import negligible_alone, negligible_beside_image
from dflint.model import Dockerfile
from dflint.project_files import is_package_requirements
from dflint.rule import Finding, Group, RuleMeta, Severity, approx_mb, clip

from ._build_tools import BuildToolFound, advice, build_tool_commands, shipped_build_tools
from ._groups import group_message, group_savings, per_command, same_run, shipped_through, spanning

META = RuleMeta(
    code="DF201",
    name="build-tool-in-shipped-stage",
    severity=Severity.WARNING,
    summary="A compiler or build system is installed in a stage that ships",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: one finding per package; report git too."""

    each_package: bool = False
    check_git: bool = False
    check_small_tools: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if dockerfile.purpose is not None and dockerfile.purpose.builds_as_it_works:
        return  # development, CI, toolchain, notebook and training images carry their tools on purpose
    if installs_at_start(dockerfile) is not None:
        return  # its model server pip-installs the model's requirements when it starts: it builds with them
    tools = shipped_build_tools(dockerfile, check_git=options.check_git)
    found, needed = list(tools.found), tools.needed
    # a build tool the project's own package requires (`cython` in the requirements file its setup.py
    # reads into install_requires): the installed package pulls it back in, so no build stage removes it
    found = [item for item in found if not _package_dependency(dockerfile, item)]
    need = runtime_compiler(dockerfile) if needed else None
    notes = {
        op: f". Not reported: {', '.join(f'`{name}`' for name, _ in names)}, since {need.text}"
        + (f" {need.ninja}" if need.ninja and any(ninja for _, ninja in names) else "")
        for op, names in needed.items()
        if need is not None
    }
    elsewhere = compiles_only_elsewhere(dockerfile) if found else False
    small = (lambda sizes: False) if options.check_small_tools else negligible_alone
    if options.each_package:
        for item in found:
            if not negligible_beside_image(dockerfile, item.install.stage, [item.measured]) and not small([item.measured]):
                yield _one(item, notes.get(id(item.install.op), ""), elsewhere, each_package=True)
        return
    told: set[int] = set()  # the stages whose other commands' header packages a finding names
    for group in per_command(found, lambda item: item.install, advice):
        if negligible_beside_image(dockerfile, group[0].install.stage, [item.measured for item in group]):
            continue  # a few megabytes next to a gigabyte of GPU libraries
        if small([item.measured for item in group]):
            continue  # a few megabytes of tools in all (a lone `cython`, 10.7 MB unpacked)
        first = group[0].install
        note = notes.get(id(first.op), "") + _headers_note(dockerfile, first, elsewhere and not first.shipped_by)
        if first.stage.index not in told and _decision(group).where == "this stage":
            told.add(first.stage.index)
            note += _stage_headers_note(dockerfile, first, elsewhere and not first.shipped_by)
        finding = _one(group[0], note, elsewhere) if len(group) == 1 else _grouped(group, note, elsewhere)
        yield _held_by_base(dockerfile, group, finding)


def _package_dependency(dockerfile: Dockerfile, item: BuildToolFound) -> bool:
    """The tool is a line of a requirements file that is also the project's own dependency list
    (`project_files.is_package_requirements`, read from the build context)."""
    requirement = item.install.requirement
    return item.install.op.manager in ("pip", "uv") and is_package_requirements(dockerfile, requirement.file)


def _held_by_base(dockerfile: Dockerfile, group: list[BuildToolFound], finding: Finding) -> Finding:
    """On a full `python:X` base that already holds every tool of the command (gcc, g++ … from
    buildpack-deps), the install adds nothing and a build stage alone saves nothing: the advice is the
    slim runtime, with the build on this image (NeMo-Guardrails' `python:3.10` image; a reviewer found
    "install them in a build stage" would change nothing there)."""
    first = group[0].install
    if first.via is not None or any(item.later is not None for item in group):
        return finding
    bases = {base_holds(dockerfile, item.install.stage, item.install.op.manager, item.install.name) for item in group}
    base = bases.pop() if len(bases) == 1 else None
    slim = slim_counterpart(base) if base is not None else None
    if base is None or slim is None:
        return finding
    it = "it" if len(group) == 1 else "them"
    head = finding.message.rsplit("; ", 1)[0]
    return dataclasses.replace(
        finding,
        message=f"{head}; the base has {it} too: build on it and ship `{clip(slim, 40)}`",
        detail=f"{finding.detail}. The base `{base}` already holds {it} (a full image built on buildpack-deps), so"
        f" installing {it} adds nothing and a build stage alone saves nothing: build on this image and ship its slim"
        f" counterpart `{slim}`, where a compiler the image needs would be the stage's own",
    )


def _headers_note(dockerfile: Dockerfile, install: Install, elsewhere: bool = False) -> str:
    """The header packages the same command installs, which DF202 leaves to this finding, and the
    run-time libraries to keep where the data names them (`libpq-devel` brings `libpq`, which
    psycopg's C build loads: moved away with the headers, it would be gone)."""
    op = install.op
    found = [
        (r.raw or r.name, package)
        for r in op.packages
        if r.name is not None and (package := dev_package(op.manager, r.name)) is not None
    ]
    if not found:
        return ""
    shown = ", ".join(f"`{name}`" for name, _ in found[:4]) + (" …" if len(found) > 4 else "")
    root = dockerfile.root_image(install.stage)
    keep = [
        runtime
        for _, package in found
        if (runtime := for_release(package, root).runtime) is not None
        and not runtime.startswith(("libpython", "python"))  # the interpreter's own, there with it
    ]
    kept = (
        f"; in this stage, install the run-time {'library' if len(keep) == 1 else 'libraries'} instead ({', '.join(f'`{name}`' for name in keep)})"
        if keep
        else ""
    )
    if elsewhere:
        return f". The header packages this command installs ({shown}) go too: install their run-time libraries if a binary loads them"
    return f". The header packages this command installs ({shown}) go to the build stage with it{kept}"


def _stage_headers_note(dockerfile: Dockerfile, install: Install, elsewhere: bool) -> str:
    """The header packages other install commands of the stage install, which DF202 leaves to this
    finding when it tells to move the stage's build tools (`build_tool_stages`): they go with them."""
    reported = build_tool_commands(dockerfile)
    found: list[tuple[str, int, str | None]] = []
    root = dockerfile.root_image(install.stage)
    for other in shipped_installs(dockerfile, managers=("apt", "apk", "dnf", "yum", "microdnf", "conda")):
        if other.stage is not install.stage or other.via is not None or id(other.op) in reported:
            continue  # the commands DF201 reports name their own headers (`_headers_note`)
        package = dev_package(other.op.manager, other.name)
        if package is None or removed_in_same_run(other) or skipped_branch(other) is not None:
            continue
        runtime = for_release(package, root).runtime
        library = runtime if runtime is not None and not runtime.startswith(("libpython", "python")) else None
        line = other.requirement.span.line if other.requirement.span is not None else other.instruction.span.line
        name = other.requirement.raw or other.name
        if all(name != seen for seen, _, _ in found):  # each name once, on its first line
            found.append((name, line, library))
    if not found:
        return ""
    shown = "; ".join(f"`{name}`, line {line}" for name, line, _ in found[:4]) + (" …" if len(found) > 4 else "")
    keep = list(dict.fromkeys(name for _, _, name in found if name is not None))
    if elsewhere:
        return f". The header packages the stage installs elsewhere ({shown}) go too"
    kept = (
        f"; install the run-time {'library' if len(keep) == 1 else 'libraries'} instead ({', '.join(f'`{name}`' for name in keep)})"
        if keep
        else ""
    )
    return f". The header packages the stage installs elsewhere ({shown}) go to the build stage too{kept}"


def _elsewhere_tail(it: str = "it", *, sentence: bool = False) -> str:
    """Why and how to remove build tools when nothing that ships compiles (`compiles_only_elsewhere`)."""
    text = (
        f"nothing in the stages that ship compiles or builds packages: remove {it} there, and install instead any"
        f" run-time library a copied binary loads from {it} (gcc brings `libgomp1`, the OpenMP runtime)"
    )
    return text[:1].upper() + text[1:] if sentence else text


def _one(item: BuildToolFound, note: str = "", elsewhere: bool = False, *, each_package: bool = False) -> Finding:
    install, tool, later = item.install, item.entry, item.later
    elsewhere = elsewhere and not install.shipped_by  # not what reaches the image through a copy
    stage = install.stage
    origin = where(install)
    described = tool.kind_text + (f", from {origin}" if origin else "")
    subject = f"`{item.raw}` ({described}) installed by `{install.op.program}` in {stage.label}"
    tail = (
        f"; the removal at line {later.span.line} comes a layer too late to shrink the image"
        if later is not None
        else f"; {_elsewhere_tail()}"
        if elsewhere and not tool.low
        else f"; it is already in a build stage, and the COPY at line {install.via.span.line} takes the tree it is installed"
        " in: uninstall it there before that COPY (`pip uninstall -y`), install it outside that tree, or copy only"
        " what the image needs"
        if install.via is not None
        else "; build in a separate stage and copy only the results, or remove it in the same RUN"
    )
    runtime_note = " (keep it only if the application runs it)" if tool.low else ""
    size = f" ({approx_mb(tool.savings.mb)})" if tool.savings is not None else ""
    action = (
        f"remove it in the RUN that installs it, not on line {later.span.line}"
        if later is not None
        else "keep it only if the app runs it"
        if tool.low
        else "remove it: nothing that ships compiles"
        if elsewhere
        else f"uninstall it before the COPY at line {install.via.span.line}"
        if install.via is not None
        else "install it in a build stage"
    )
    return Finding(
        META,
        item.span,
        f"{tool.kind_text} `{clip(item.raw)}` ships in {stage.label}{size}; {action}",
        savings=tool.savings,
        severity=Severity.INFO if tool.low else None,
        stage=stage.name,
        detail=f"{subject}{install.shipped_by or ' ships in the image'}{size_text(tool.savings, tool.basis)}{runtime_note}{tail}{note}",
        group=same_run([item]) if each_package else _decision([item]),
    )


def _grouped(group: list[BuildToolFound], note: str = "", elsewhere: bool = False) -> Finding:
    first = group[0]
    install, later, low = first.install, first.later, first.entry.low
    elsewhere = elsewhere and not install.shipped_by  # not what reaches the image through a copy
    stage = install.stage
    sized = [Sized(item.raw, item.entry.savings, item.entry.basis) for item in group]
    savings, together = group_savings(sized)
    kind = "tools" if low else "build tools"
    action = (
        f"remove them in their own RUN, not on line {later.span.line}"
        if later is not None
        else "keep them only if the app runs them"
        if low
        else "remove them: nothing that ships compiles"
        if elsewhere
        else f"uninstall them before the COPY at line {install.via.span.line}"
        if install.via is not None
        else "install them in a build stage"
    )
    message = group_message(f"{len(group)} {kind} ship in {stage.label}", sized, action)
    each = "; ".join(_described(item) for item in group)
    shipped = shipped_through(install)
    tail = (
        f". The removal at line {later.span.line} comes a layer too late to shrink the image"
        if later is not None
        else f". {_elsewhere_tail('them', sentence=True)}"
        if elsewhere and not low
        else f". They are already in a build stage, and the COPY at line {install.via.span.line} takes the tree they are"
        " installed in: uninstall them there before that COPY (`pip uninstall -y`), install them outside that tree, or"
        " copy only what the image needs"
        if install.via is not None
        else ". Build in a separate stage and copy only the results, or remove them in the same RUN"
    )
    runtime_note = ". Keep them only if the application runs them" if low else ""
    return Finding(
        META,
        spanning([item.span for item in group]),
        message,
        savings=savings,
        severity=Severity.INFO if low else None,
        stage=stage.name,
        detail=f"`{install.op.program}` in {stage.label} installs {len(group)} {kind}{shipped}: {each}{together}{runtime_note}{tail}{note}",
        group=_decision(group),
    )


def _decision(items: list[BuildToolFound]) -> Group:
    """One decision per stage: the build tools its RUNs install go to a build stage together (the
    `build-essential` of one RUN and the pip `cmake` of the next are one move; reviewers judged the
    second finding a duplicate of the first), and a tool installed twice is one finding. A removal that
    comes a layer too late is fixed in its own RUN, so those stay one finding per RUN, as does what a
    COPY from another stage ships."""
    first = items[0]
    if first.later is not None or first.install.via is not None:
        return same_run(items)
    return Group(f"stage:{first.install.stage.index}:{first.entry.low}", "this stage", "install", named=True)


def _described(item: BuildToolFound) -> str:
    origin = where(item.install)
    tool = item.entry
    size = f", about {tool.savings.mb:g} MB {tool.basis}" if tool.savings is not None else ", size unknown"
    return f"`{item.raw}` ({tool.kind_text}{f', from {origin}' if origin else ''}{size})"
