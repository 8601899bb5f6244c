"""## What it does
Flags compilers, build systems and toolchains installed in a stage that ships: `build-essential`,
`gcc`, `g++`, `clang`, `gfortran`, `make`, `cmake`, `ninja-build`, `meson`, `autoconf`, `rustc`,
`cargo`, `golang`, `nvidia-cuda-toolkit`/`cuda-nvcc`, and their apk (`build-base`), dnf/yum/microdnf
(`gcc-c++`, `@development-tools`), conda (`compilers`, `cxx-compiler`) and pip (`cmake`, `ninja`,
`cython`, `pybind11`, `maturin`, `nvidia-cuda-nvcc-cu12`) names. The names and sizes come from
`dflint/data/build_tools.json`; requirements files read from the build context count too.

Development containers, CI or test images, toolchains and notebook or workbench images (whose users compile as they work; as the model decides: `dflint/purpose.py`) carry their tools on purpose and are not checked.

An install is fine when the same RUN removes it again (`apt-get purge`, `apk del`, including
`apk add --virtual .build-deps … && apk del .build-deps`, `dnf remove`, `pip uninstall`, or
`apt-mark auto … && apt-get purge --auto-remove`). Build-only stages are never checked: a compiler
in a builder stage whose results are copied out selectively is the point of a multi-stage build.
`git` is reported at `info` severity, since some images need it at run time.

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

## References
- [Docker: Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
- [Docker: Building best practices](https://docs.docker.com/build/building/best-practices/)
- [Debian: build-essential](https://packages.debian.org/bookworm/build-essential)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.build_deps import LaterRemovals, build_tool, removed_in_same_run, shipped_installs, size_text, where
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, approx_mb, clip

META = RuleMeta(
    code="DF201",
    name="build-tool-in-shipped-stage",
    severity=Severity.WARNING,
    summary="A compiler or build system is installed in a stage that ships",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.builds_as_it_works:
        return  # development, CI, toolchain and notebook images carry their tools on purpose
    removed_later = LaterRemovals(dockerfile.shipped_stages())
    for install in shipped_installs(dockerfile, files=True):
        tool = build_tool(install.op.manager, install.name)
        if tool is None or removed_in_same_run(install):
            continue
        stage = install.stage
        origin = where(install)
        described = tool.kind_text + (f", from {origin}" if origin else "")
        subject = (
            f"`{install.requirement.raw or install.name}` ({described}) installed by `{install.op.program}` in {stage.label}"
        )
        later = removed_later(install) if install.via is None else None
        tail = (
            f"; the removal at line {later.span.line} comes a layer too late to shrink the image"
            if later is not None
            else "; build in a separate stage and copy only the results, or remove it in the same RUN"
        )
        runtime_note = " (keep it only if the application runs it)" if tool.low else ""
        size = f" ({approx_mb(tool.savings.mb)})" if tool.savings is not None else ""
        name = clip(install.requirement.raw or install.name)
        action = (
            f"remove it in the RUN that installs it, not on line {later.span.line}"
            if later is not None
            else "keep it only if the app runs it"
            if tool.low
            else "install it in a build stage"
        )
        yield Finding(
            META,
            install.op.command.span if origin or install.requirement.span is None else install.requirement.span,
            f"{tool.kind_text} `{name}` ships in {stage.label}{size}; {action}",
            savings=tool.savings,
            severity=Severity.INFO if tool.low else None,
            stage=stage.name,
            detail=f"{subject}{install.shipped_by or ' ships in the image'}{size_text(tool.savings, tool.basis)}{runtime_note}{tail}",
        )
