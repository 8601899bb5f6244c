"""## What it does
Flags header and static-library packages installed in a stage that ships: Debian/Ubuntu `-dev`
packages (`libpq-dev`, `python3-dev`, `libopenblas-dev`, `linux-libc-dev` …), Alpine `-dev`
packages, `musl-dev` and `linux-headers`, RHEL/Fedora `-devel` packages and `kernel-headers`, and
conda's `-devel`/sysroot packages (patterns and sizes from `dflint/data/dev_packages.json`). The
message names the run-time package to install instead where it is known (`libpq-dev` → `libpq5`).

The run-time counterpart of `python3-dev` is the `libpython3.X` of the base's own release (Ubuntu 22.04 ships Python 3.10: `libpython3.10`; the table is in `dflint/data/base_images.json`, with sources); for a base whose release is not known, no package is named.

Development containers, CI or test images, toolchains, notebook or workbench images (whose users compile as they work) and training images (whose jobs build CUDA extensions and compile kernels against these headers as they run), as the model decides (`dflint/purpose.py`), are not checked.

An install whose RUN carries the author's word that the image uses it when it runs (a comment above
or inside the RUN about compiling just in time or at run time, or installs at start) is left alone,
as DF201 leaves it (`dflint/build_deps.py`, `stated_run_time_need`; DF201's page gives the examples).

An image whose model server pip-installs the model's own `requirements.txt` when it starts (it installs the Hugging Face inference toolkit or the SageMaker inference toolkit, or copies the toolkit's package directory from the build context as the toolkit's own images do, `COPY src/huggingface_inference_toolkit …`, or a file into the installed toolkit, `COPY decoder.py …/dist-packages/sagemaker_inference/`: `dflint/build_deps.py` `installs_at_start`, `installs_at_start` in `dflint/data/build_tools.json`, with the toolkits' sources) is not checked either: a package there without a wheel builds from source, with the compilers, headers and CUDA toolkit the image carries. So is an image whose start script (read from the build context) builds code when the container starts: it runs make, CMake, ninja, a C/C++ compiler, `cargo build`, `go build` or `python setup.py` (llama-cpp-python's images run `make build`, which rebuilds llama.cpp for the host; a reviewer).

Headers installed by the same command as a build tool that DF201 reports (`apt-get install gcc
libssl-dev`) are left to DF201, whose finding names them: moving the compile to a build stage takes
both, one decision (the group's `_build_tools.py` works out once which commands DF201 reports). So
are headers installed by another command of a stage in which DF201 tells to move the build tools to
a build stage (`build_tool_stages`): DF201's finding names them and their run-time libraries
(llama-cpp-python's `open_llama` image: `libopenblas-dev` on line 25, `build-essential` on line 14;
reviewers had judged all 21 draws of the four such DF202 findings not worth telling, most of them a
duplicate of DF201's).

An install that the same RUN removes again (`apt-get purge`, `apk del`, including an
`apk add --virtual .build-deps` group, `dnf remove`) is fine, and build-only stages are never
checked.

An install inside an `if` branch that the build being linted does not take is not reported: when
each test of the condition compares a build argument or the target platform with a literal
(`if [ "$TARGETARCH" = "arm64" ]; then apt-get install -y gfortran; fi` on the default
linux/amd64, `[ "$ADDRESS_SANITIZER" = "1" ]` with that argument not given), the package is not
in that image (`dflint/build_deps.py`, `skipped_branch`). Lint another build with `--build-arg
TARGETPLATFORM=linux/arm64` or the argument's value. On the test corpus this leaves out Kubeflow
Katib's arm64/ppc64le-only `libopenblas-dev` and `liblapack-dev`.

A package of a few megabytes is not reported in a stage that carries accelerator libraries (its
root image names CUDA, ROCm, Gaudi, Neuron, a framework or an LLM server, or is one of NVIDIA's
Jetson images that hold them, `l4t-jetpack` and `l4t-ml`, or its CUDA packages or variables say it
can use a GPU): when every package of the command is measured under 20 MB
(`make` 1.8 MB, `libssl-dev` 12.6 MB over `libssl3`, on Debian 12), it is under 2 % of the
gigabyte or more those libraries take (the CUDA runtime images measure 1148–1300 MB; torch's CUDA
build with its nvidia wheels, 2730 MB), and not worth the author's time
(`dflint/build_deps.py`, `negligible_in_gpu_image`). Nor are packages whose measured sizes
together come to under 2 % of what the image is known to hold (`dflint/imagesize.py`,
`negligible_beside_image`: a header package of a few megabytes beside an NGC PyTorch image of 20 GB or beside a torch from PyPI, whose wheel alone unpacks to 1.1 GB
or more whatever the release). The same package on a slim image is reported.

In an image that needs a C compiler at run time (Triton builds its kernels' launchers when they
first run: vLLM, SGLang, text-generation-inference; as the model decides,
`dflint/build_deps.py` `runtime_compiler`, the same answer DF201 uses), the headers that compiler
reads are left alone: Python's (`python3-dev`, `python3.12-devel`) and the C library's
(`libc6-dev`, `musl-dev`, `glibc-devel`); a finding for the command's other header packages says why.
An image that ships a compiler suite its users build with (Intel's oneAPI DPC++/C++ compiler, from
`intel-deep-learning-essentials`, `intel-basekit` …: `system_packages` in `runtime_compilers`) keeps
every header package: they are what that compiler compiles against (`libze-dev`, Level Zero's, in
Intel's XPU images).

A stage that ships on a build image (`nvidia/cuda:*-devel-*`, `golang`, `gcc`: `dflint/data/base_images.json`
`build_flavoured`, the list DF102 reports, except the full `python:X`, whose `-slim` counterpart
replaces it in place) is left to DF102, as DF201 leaves it: the devel base already holds the headers
of its toolchain, and the fix, a runtime base with the build in a build stage, takes the stage's
header packages with it. On the full `python:X` images, the header packages DF102's finding names
(a stage whose pip installs are known, which it tells to build on the full image and ship the slim
one: `dflint/full_image_build.py`) are left to it too.

A header package that another program in the image reads at run time is not a leftover: with
protoc installed (`protobuf-compiler`, Alpine's `protoc`), the protobuf headers package
(`libprotobuf-dev`, `protobuf-dev`) is where protoc finds the well-known types that `.proto` files
import (`google/protobuf/timestamp.proto` …), so it is left alone (`dflint/data/dev_packages.json`
`needed_with`, with sources). Nor is one that alone provides a library under the unversioned name a
program of the image loads it by: `libomp-dev` holds Debian's `libiomp5.so` (a link to LLVM's
OpenMP runtime, which Intel's `libiomp5.so` links resolve to; the runtime package `libomp5` has only
`libomp.so.5`), so an image that names Intel oneMKL's threading layer or `libiomp5`
(`COPY --from=builder …/libmkl_intel_thread.so.2 …`) keeps it (`loaded_by_name`, with sources).

One finding per install command: the header packages it installs are named in the message, largest
first, and each one's size and run-time counterpart in the detail; the estimate is the largest of
their sizes (each counts its dependencies, which the others share, so adding them up would
overstate it), unknown when no size is known. Compiling in a build stage is one change for the
whole command, and a `liblzma-dev` of half a megabyte among twenty others is not worth a finding of
its own. Set `each-package` for one finding per package, each on its own name, as before.
Two install commands of one RUN that install the same packages (the branches of an `if` on the
architecture: `apt install -y unixodbc-dev msodbcsql18` or `… msodbcsql17`) are one decision and one
finding, on the first, which says "and 1 more install in this RUN" and lists the other (JSON `also`).

The sizes (`savings_mb`, and the sizes in the message) are what the header package pulls in beyond
what stays in the image: its dependency closure less the closure of its run-time package (or, for
Python's headers, of the interpreter and `libpython3.X`): `libopenblas-dev` 58.6 MB over
`libopenblas0` on Debian 12 (`over_runtime_mb` in the data; a reviewer found the whole closure less
the run-time package's own size, which counted the libraries that stay, overstated `libopenmpi-dev`
on Ubuntu 24.04 twice over). They are apt closures measured on Debian 12, and
on Ubuntu 22.04 and 24.04 from their own package indexes (`dflint/data/build_tools.json`,
`dev_packages.json` `other_releases`, with their sources): each is given when the stage's base image
names that release; on another release, or a tag that names none, the packages are other versions
with other dependencies, and the size is left unknown. A versioned run-time library name is the
release's own: `libprotobuf32` on Debian 12, `libprotobuf23` on Ubuntu 22.04, `libssl3t64` on Ubuntu
24.04 (the `-dev` package's dependency on its own source's library, taken where it is the Debian 12
counterpart renamed); on a release not measured the finding says only that the library's run-time
package is needed.

When the file already compiles in a stage that does not ship and nothing in the stages that ship
compiles, installs language packages (a pip, npm or gem install may build against the headers) or
installs a compiler, the advice is to install the run-time library instead: chroma's `runner` stage
receives the binaries its `builder` compiled, and "compile in a build stage" told it to do what it
already does (a reviewer).

Where another package of the same apt install recommends the header package and the install takes
Recommends (`apt install -y python3-pip python3-dev`: `python3-pip` recommends `python3-dev` and
`build-essential`, `dflint/data/apt_recommends.json`), the advice adds `--no-install-recommends`:
without it, dropping the headers from the command brings them back (Text Generation Inference's
TensorRT-LLM runtime stage; two reviewers).

Where the image compiles in the stages it ships with no build stage, DF101 (no-multi-stage) reports that
one decision and names the header packages in its detail; those it names are not reported here again
(`dflint/single_stage.py`, `one_stage_build`): moving the compile to a build stage takes them along
(reviewers counted the two or three findings on one stage as duplicates).

When the image keeps a C compiler (one DF201 does not report: the server compiles when it runs, as
TensorRT-LLM's and vLLM's do), the size is what the header package adds beyond its run-time packages
and build-essential's closure, which stays (`over_toolchain_mb` in `dflint/data/dev_packages.json`):
much of a header package's closure is the toolchain (libc6-dev; gcc through `mpicc` or gfortran).
text-generation-webui's TensorRT-LLM image installs `libopenmpi-dev` beside `build-essential`: 81.2 MB
on Ubuntu 24.04, where the size over its run-time packages alone says 322 MB (three reviewers judged
that figure overstated). Where that size was not measured, none is given.

## Why is this bad?
Header packages are only read by a compiler. At run time a program needs the shared library, which
is a much smaller package: `libpq-dev` pulls about 25 MB of packages on Debian 12 while `libpq5` is
under 1 MB, and `python3-dev` pulls about 97 MB. A `-dev` package in the final image also usually
means the image compiles in place — with a compiler alongside.

## Example
```dockerfile
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
RUN pip wheel --no-cache-dir --wheel-dir /wheels psycopg2==2.9.9

FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl
```

## Options
- `each-package` (default `false`): one finding per header package instead of one per install command.

## References
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Debian Policy: Development files](https://www.debian.org/doc/debian-policy/ch-sharedlibs.html#development-files)
- [Alpine: virtual packages](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Virtual_Packages)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.build_deps import (
    DevPackage,
    LaterRemovals,
    Sized,
    compiles_only_elsewhere,
    compiling_descendant,
    dev_package,
    for_base,
    for_release,
    installs_at_start,
    keeps_c_compiler,
    loaded_by_name,
    needed_by_c_compiler,
    recommended_by,
    removed_in_same_run,
    runtime_compiler,
    shipped_installs,
    size_text,
    skipped_branch,
    stated_run_time_need,
    toolchain_base,
    with_compiler_kept,
)
from dflint.full_image_build import named_by_full_image_build
from dflint.imagesize import negligible_beside_image
from dflint.model import Dockerfile, Stage
from dflint.rule import Finding, RuleMeta, Severity, approx_mb, clip
from dflint.single_stage import one_stage_build

from ._build_tools import build_tool_commands, build_tool_stages
from ._groups import Shipped, group_message, group_savings, per_command, same_run, shipped_through, spanning

META = RuleMeta(
    code="DF202",
    name="dev-package-in-shipped-stage",
    severity=Severity.WARNING,
    summary="A header (-dev/-devel) package is installed in a stage that ships",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: one finding per package."""

    each_package: bool = False


_Found = Shipped[DevPackage]  # a header package in a shipped stage


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if dockerfile.purpose is not None and dockerfile.purpose.builds_as_it_works:
        return  # development, CI, toolchain, notebook and training images carry their tools on purpose
    if installs_at_start(dockerfile) is not None:
        return  # its model server pip-installs the model's requirements when it starts: they build against these
    removed_later = LaterRemovals(dockerfile.shipped_stages())
    with_build_tools = build_tool_commands(dockerfile)  # DF201 reports these commands: one decision
    building = build_tool_stages(dockerfile)  # DF201 tells to move these stages' build: the headers go too
    kept_compiler = keeps_c_compiler(dockerfile, with_build_tools)  # a compiler the image keeps (it compiles when it runs)
    found: list[_Found] = []
    needed: dict[int, list[str]] = {}  # id(install command) → the headers it installs that the run-time compiler reads
    installs = tuple(shipped_installs(dockerfile, managers=("apt", "apk", "dnf", "yum", "microdnf", "conda")))
    installed = {install.name for install in installs}  # what the shipped image has
    one_stage = one_stage_build(dockerfile)  # DF101's decision: the headers it names go with its build stage
    for install in installs:
        package = dev_package(install.op.manager, install.name)
        if package is None or removed_in_same_run(install) or install.requirement.span is None:
            continue
        if one_stage is not None and one_stage.names(install.instruction, install.name):
            continue
        if named_by_full_image_build(dockerfile, install):
            continue  # DF102's finding on the full `python:X` stage names it: build there, ship -slim
        if skipped_branch(install) is not None or id(install.op) in with_build_tools:
            continue
        if install.via is None and install.stage.index in building:
            continue  # DF201's finding on this stage names it: the compile and its headers go to a build stage
        if install.via is None and toolchain_base(dockerfile.root_image(install.stage)):
            continue  # the stage ships on a build image (DF102): the fix is that base, and the headers go with it
        if install.via is None and stated_run_time_need(dockerfile, install) is not None:
            continue  # the author says above the RUN that the image uses these when it runs
        if any(other in installed for other in package.needed_with):
            continue  # protoc beside the protobuf headers reads their .proto files: not a leftover
        if loaded_by_name(dockerfile, package) is not None:
            continue  # MKL's threading layer loads `libiomp5.so`, which only libomp-dev provides
        compiler = runtime_compiler(dockerfile)
        if compiler is not None and (compiler.reads_every_header or needed_by_c_compiler(install.op.manager, install.name)):
            needed.setdefault(id(install.op), []).append(install.requirement.raw or install.name)
            continue
        later = removed_later(install) if install.via is None else None
        base = dockerfile.root_image(install.stage)
        sized = for_base(package, base)
        if kept_compiler is not None:
            sized = with_compiler_kept(sized, base)  # the compiler's closure stays: only the rest is saved
        source = sized.savings if sized.savings is not None else package.savings  # the base's release's, else Debian 12's
        measured = source.mb if source is not None else None
        found.append(Shipped(install, for_release(sized, base), later, measured))
    need = runtime_compiler(dockerfile) if needed else None
    notes = {
        op: f". Not reported: {', '.join(f'`{name}`' for name in names)}, since {need.text} (it reads these headers)"
        for op, names in needed.items()
        if need is not None
    }
    elsewhere = compiles_only_elsewhere(dockerfile, shipped_compiler=False) if found else False
    if options.each_package:
        for item in found:
            if not negligible_beside_image(dockerfile, item.install.stage, [item.measured]):
                yield _one(item, notes.get(id(item.install.op), ""), elsewhere, _builder(dockerfile, item, elsewhere))
        return
    for group in per_command(found, lambda item: item.install, _advice):
        if negligible_beside_image(dockerfile, group[0].install.stage, [item.measured for item in group]):
            continue  # a few megabytes next to a gigabyte of GPU libraries
        note = notes.get(id(group[0].install.op), "")
        builder = _builder(dockerfile, group[0], elsewhere)
        yield _one(group[0], note, elsewhere, builder) if len(group) == 1 else _grouped(group, note, elsewhere, builder)


def _builder(dockerfile: Dockerfile, item: _Found, elsewhere: bool) -> Stage | None:
    return compiling_descendant(dockerfile, item.install.stage) if elsewhere else None


def _advice(item: _Found) -> int:
    """Remove it where it is installed instead of on line N, or compile elsewhere."""
    return item.later.span.line if item.later is not None else 0


_ELSEWHERE = "install the run-time library instead"


def _one(item: _Found, note: str = "", elsewhere: bool = False, builder: Stage | None = None) -> Finding:
    install, package, later = item.install, item.entry, item.later
    elsewhere = elsewhere and not install.shipped_by  # not what reaches the image through a copy
    builder = builder if elsewhere and later is None else None
    assert install.requirement.span is not None
    tail = (
        f"; the removal at line {later.span.line} comes a layer too late to shrink the image"
        if later is not None
        else _builder_tail(builder, install.stage, "it")
        if builder is not None
        else "; nothing in the stages that ship compiles or builds packages"
        if elsewhere
        else "; compile in a build stage and copy the results"
    )
    size = f" ({approx_mb(package.savings.mb)})" if package.savings is not None else ""
    action = (
        f"remove it in the RUN that installs it, not on line {later.span.line}"
        if later is not None
        else f"move it to {builder.label}, which compiles"
        if builder is not None
        else f"ship `{package.runtime}` instead"
        if package.runtime
        else _ELSEWHERE
        if elsewhere
        else "compile in a build stage"
    )
    recommender = recommended_by(install.op, package.name) if later is None else None
    if recommender is not None:
        # `apt install python3-pip python3-dev`: python3-pip's Recommends would bring the headers back
        action += f", with `--no-install-recommends` (`{clip(recommender, 20)}` recommends it)"
    return Finding(
        META,
        install.requirement.span,
        f"headers `{clip(item.raw)}` ship in {install.stage.label}{size}; {action}",
        savings=package.savings,
        stage=install.stage.name,
        detail=f"`{item.raw}` (build headers) installed by `{install.op.program}` in"
        f" {install.stage.label}{install.shipped_by or ' ships in the image'}{size_text(package.savings, package.basis)}"
        f"{tail}{_instead(package)}{note}",
        group=same_run([item]),
    )


def _grouped(group: list[_Found], note: str = "", elsewhere: bool = False, builder: Stage | None = None) -> Finding:
    first = group[0]
    install, later = first.install, first.later
    elsewhere = elsewhere and not install.shipped_by  # not what reaches the image through a copy
    builder = builder if elsewhere and later is None else None
    stage = install.stage
    sized = [Sized(item.raw, item.entry.savings, item.entry.basis) for item in group]
    savings, together = group_savings(sized)
    action = (
        f"remove them in their own RUN, not on line {later.span.line}"
        if later is not None
        else f"move them to {builder.label}, which compiles"
        if builder is not None
        else "install the run-time libraries instead"
        if elsewhere
        else "compile in a build stage"
    )
    message = group_message(f"{len(group)} header packages ship in {stage.label}", sized, action)
    each = "; ".join(_described(item) for item in group)
    shipped = shipped_through(install)
    tail = (
        f". The removal at line {later.span.line} comes a layer too late to shrink the image"
        if later is not None
        else _builder_tail(builder, stage, "them", sentence=True)
        if builder is not None
        else ". Nothing in the stages that ship compiles or builds packages; at run time only the shared libraries are needed"
        if elsewhere
        else ". Compile in a build stage and copy the results; at run time only the shared libraries are needed"
    )
    spans = [item.install.requirement.span for item in group if item.install.requirement.span is not None]
    return Finding(
        META,
        spanning(spans),
        message,
        savings=savings,
        stage=stage.name,
        detail=f"`{install.op.program}` in {stage.label} installs {len(group)} header packages{shipped}: {each}{together}{tail}{note}",
        group=same_run(group),
    )


def _builder_tail(builder: Stage, stage: Stage, it: str, sentence: bool = False) -> str:
    """Where the headers belong: the stage built FROM this one that compiles."""
    text = (
        f"nothing in the stages that ship compiles, but {builder.label}, built FROM {stage.label}, does: install {it}"
        f" there and only the shared libraries in {stage.label}"
    )
    return f". {text[:1].upper()}{text[1:]}" if sentence else f"; {text}"


def _described(item: _Found) -> str:
    package = item.entry
    size = f"about {package.savings.mb:g} MB {package.basis}" if package.savings is not None else "size unknown"
    return f"`{item.raw}` ({size}{_instead(package).replace(';', ',', 1)})"


def _instead(package: DevPackage) -> str:
    if package.runtime:
        return f"; at run time install `{package.runtime}` instead"
    if package.runtime_known:
        note = package.note.rstrip(".")
        return f"; {note[:1].lower()}{note[1:]}" if note else "; nothing from it is needed at run time"
    return "; at run time only the shared-library package is needed"
