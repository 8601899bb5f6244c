"""## What it does
Flags an image built in a single stage that compiles something (`gcc`, `nvcc`, `make`, `cmake`,
`cargo build`, `go build`, `pip wheel`, `setup.py bdist_wheel` …); the longer text lists the
build-only tooling it also ships. Build tools or header packages installed without anything being
compiled are left to `build-tool-in-shipped-stage` (DF201) and `dev-package-in-shipped-stage`
(DF202), and a query such as `rustc --version` compiles nothing. "Single stage" means that no shipped stage copies
or mounts files from a build-only stage of the same Dockerfile; a chain of stages built `FROM` each
other still ships every layer, so it counts as one. A stage whose `/usr/local` alone is copied out
(`make install` there, then `COPY --from=builder /usr/local /usr/local`) is such a build stage: its
compilers and headers, installed below `/usr` by the package manager, stay behind.

Development containers, CI or test images, toolchains, training images and notebook or workbench
images (`dflint/purpose.py`, `Purpose.builds_as_it_works`, the answer DF201 and DF202 use too) are
not checked: a training image compiles its CUDA extensions and kernels where it runs, and a
workbench's users build what they install (`pip install` of a package with C extensions from a
notebook) with the tools it carries.

A final stage that ships on a build image (`nvidia/cuda:*-devel-*`, `golang`, `gcc` …: the list
DF102 reports, `dflint/data/base_images.json` `build_flavoured`) is left to DF102, as DF201 leaves it:
DF102's fix (compile on the build image in a build stage, ship its runtime flavour) is this rule's
too, and a second finding on the same FROM would say it again (reviewers judged the pair a duplicate).
So is a final `FROM scratch` stage that copies such a stage whole (`COPY --from=base / /`: the image
flattened into one layer, `imagerefs.flattened_from`), or a stage on a full `python:X` image whose
build DF102 reports (`dflint/full_image_build.py`: build on the full image, ship the slim tag), as
Roboflow Inference's CPU image does (`FROM python:3.11-bookworm AS base`, then `FROM scratch` and
`COPY --from=base / /`; three reviewers judged DF101 there a duplicate of DF102's finding).

Installs that the same RUN removes again (`apk add --virtual .build-deps … && apk del .build-deps`,
`apt-get purge`) and compiling inside such a RUN do not count: that RUN leaves nothing behind. The
finding points at the FROM of the final stage (or of the `--target` stage).

The sizes (`savings_mb`, and the sizes in the message) are apt closures measured on Debian 12
(`dflint/data/build_tools.json`, `dev_packages.json`, with their sources). They are given only when
the stage's base image names Debian 12 in its tag; on Ubuntu or another Debian release the packages
are other versions with other dependencies, and the size is left unknown.

Where the image compiles when it serves (it runs vLLM, SGLang, Text Generation Inference or Triton,
whose kernels' launchers are built with the C compiler: `build_deps.runtime_compiler`, the answer
DF201 uses), the detail says the runtime stage keeps the compilers it runs with, not a clean one
(LightLLM's DeepEP image; a reviewer found "a clean runtime stage" would break its server).

## Why is this bad?
When build and run time share a stage, everything needed to build — a compiler toolchain of several
hundred megabytes, headers, build caches, source trees — ships with the model server. A multi-stage
build keeps them in a builder stage and copies only the results (a virtual environment, wheels, a
binary) into a clean runtime stage, which makes the image smaller, faster to pull and start, and
leaves fewer packages to patch.

## Example
```dockerfile
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc python3-dev
COPY requirements.txt .
RUN pip wheel --no-cache-dir -w /wheels -r requirements.txt && pip install --no-cache-dir /wheels/*
CMD ["python", "serve.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc python3-dev
COPY requirements.txt .
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
CMD ["python", "serve.py"]
```

## References
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Docker: Building best practices](https://docs.docker.com/build/building/best-practices/#use-multi-stage-builds)
- [hadolint#947: suggest multi-stage builds](https://github.com/hadolint/hadolint/issues/947)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.build_deps import runtime_compiler
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.single_stage import one_stage_build

META = RuleMeta(
    code="DF101",
    name="no-multi-stage",
    severity=Severity.WARNING,
    summary="The image is built and shipped in one stage that also holds build tooling",
    skip_images_nobody_deploys=True,
)

_MAX_LISTED = 4


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    build = one_stage_build(dockerfile)  # the model's decision (`dflint/single_stage.py`)
    final = dockerfile.final_stage()
    if build is None or final is None:
        return
    evidence = list(dict.fromkeys(build.compiled + build.installed))
    listed = ", ".join(evidence[:_MAX_LISTED])
    more = f" and {len(evidence) - _MAX_LISTED} more" if len(evidence) > _MAX_LISTED else ""
    largest = max(build.savings, key=lambda s: s.mb) if build.savings else None
    where = "the image is built in a single stage" if len(build.stages) == 1 else "the image is built in one chain of stages"
    jit = runtime_compiler(dockerfile)
    runtime = (
        f" that keeps the compilers it runs with: {jit.text}, so the runtime stage needs a C compiler"
        + (" and CUDA's compiler (`cuda-nvcc`)" if jit.nvcc else "")
        if jit is not None
        else " into a clean runtime stage"
    )
    yield Finding(
        META,
        final.from_instruction.keyword_span,
        f"{final.label} compiles in the shipped image ({clip(build.compiled[0].replace(' (line', ', line').rstrip(')'), 50)});"
        " compile in a separate build stage",
        savings=largest,
        stage=final.name,
        detail=f"{where}, {final.label}, that also builds: {listed}{more}; compile in a separate build stage and"
        f" COPY only the results (a venv, wheels or binaries){' into a runtime stage' if jit is not None else ''}{runtime}",
    )
