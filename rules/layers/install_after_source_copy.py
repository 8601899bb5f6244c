"""## What it does
Flags a dependency install that reads its dependency file from a COPY or ADD that also brought in
the application source: `COPY . .` (the whole build context) or a directory holding the file
(`COPY app/ /app/`), followed in the same stage by

- `pip install -r requirements.txt` (also `pip3`, `python -m pip`, `uv pip install -r`,
  `uv pip sync`, `pip download`/`pip wheel -r`);
- `poetry install` (not `--only-root`), `uv sync`, `pdm install`/`pdm sync`, `pipenv install`/
  `pipenv sync` without package names;
- `npm ci`, `npm install`, `yarn`, `yarn install`, `pnpm install` without package names;
- `conda env create -f environment.yml`, `conda install --file …`, and the same with `mamba` and
  `micromamba`.

It stays silent when the dependency file was copied on its own (`COPY requirements.txt .`, also
several files or a directory named for them: `requirements/`, `deps/`, `libraries/`), when the same
dependency file was already installed earlier in the stage, a stage it is built FROM (`COPY . .`
then `poetry install --only-root` or `uv sync` after the dependencies, as the tools recommend) or a
stage it copies from before the install (`COPY --from=deps /app/node_modules ./node_modules`), for `pip install .` or `pip install -e .`
of the project itself, and when the copy's source or the install's working directory is unknown.

A dependency file installed in a RUN after that RUN installs the copied project itself (`pip install
-e . && pip install -r requirements/metrics.txt`, LLaMA-Factory's images) is not reported either: the
project's own dependencies come with it, and that RUN follows the COPY whatever is copied first, so
moving the extras' files alone saves nothing (on the shared corpus, reviewers judged all three such
findings drawn not worth telling). A dependency file installed before the project
(`pip install -r requirements.txt && pip install -e .`) is reported: copied first, it keeps the
heavy install cached.

A uv install under a cache mount over uv's cache (`RUN --mount=type=cache,target=/root/.cache/uv`,
as uv's Docker guide gives it) is not reported either: the builder keeps that cache between builds,
so a rebuild copies the packages from it and downloads nothing (lmdeploy's development image; three
of the four reviewers who drew it judged the finding not worth telling). pip under a cache mount is
still reported: it unpacks and installs every wheel again.

A pip or uv install of at most five packages, every one read from the build context and light (no
heavy framework such as torch or tensorflow, no GPU wheel, no package that needs a framework the
image does not hold yet, nothing from a path or URL: `dflint/imagesize.py` `light_requirements`, as
DF301 judges a light cache) is not reported: reinstalling it takes seconds, so the order gains
little. Reviewers judged every such finding drawn not worth telling (Katib's suggestion images
reinstalling grpcio, protobuf, googleapis-common-protos and cython; a sandbox's fastapi, uvicorn and
slowapi). A file whose content is unknown (no build context) is reported.

An npm, yarn or pnpm install of a project whose `package.json` declares a script the install runs
(`preinstall`, `install`, `postinstall`, `prepare`: `dflint/project_files.py`, read from the build
context) is not reported either: such a script reads the project's files (`patch-package` its
`patches/`, a workspace's `postinstall` the other packages), so the manifest and lock copied alone
would not install. Without the build context, a comment about the RUN that says so (`# npm ci runs
the root postinstall script, which installs server and mock-backend deps.`, Kubeflow Pipelines'
frontend) counts the same.

The message names the line the dependency files must be copied before: the first COPY or ADD of the
stage that brings source in, which may come before the one that brought the dependency file
(`COPY pkg/ …` then `COPY service/ …` holding `service/requirements.txt`: any change under `pkg/`
also reinstalls).

The files to copy first are the requirements file and every file it includes (`-r`, `-c`, read from
the build context): copied alone, `requirements_cuda.txt` holding `-r requirements/build.txt` would
stop pip at the missing include (lmdeploy's development image installs one that includes five).

## Why is this bad?
Docker reuses a layer from its cache only while everything before it is unchanged, and a COPY's
cache key is the content of what it copies. When the dependency file arrives with the source code,
every edit to any file in the source invalidates the COPY and therefore the install after it: each
rebuild downloads and installs every dependency again — torch, CUDA wheels, transformers —
minutes and gigabytes of traffic for a one-line code change. Copying the dependency files first and
installing them before the source keeps that layer cached until the dependencies change.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "serve.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "serve.py"]
```

With poetry: `COPY pyproject.toml poetry.lock ./`, `RUN poetry install --no-root`, then
`COPY . .` and `RUN poetry install --only-root`. With uv: `COPY pyproject.toml uv.lock ./`,
`RUN uv sync --frozen --no-install-project`, then `COPY . .` and `RUN uv sync --frozen`.

## References
- [Docker: Optimize cache usage in builds](https://docs.docker.com/build/cache/optimize/)
- [Docker: Layers, the order of instructions](https://docs.docker.com/build/guide/layers/)
- [uv: Using uv in Docker, intermediate layers](https://docs.astral.sh/uv/guides/integration/docker/#intermediate-layers)
- [Poetry: `install --no-root` and `--only-root`](https://python-poetry.org/docs/cli/#install)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dflint.filesystem import Write, instruction_writes, last_write, mounted
from dflint.imagesize import frameworks_before, light_requirements
from dflint.model import BASE_WORKDIR, Dockerfile, Instruction, PackageOp, ShellCommand, Stage
from dflint.project_files import install_scripts
from dflint.rule import Finding, RuleMeta, Severity, clip, clip_path

from ._caches import command_label

META = RuleMeta(
    code="DF315",
    name="install-after-source-copy",
    severity=Severity.WARNING,
    summary="Dependencies are installed after the application source is copied, so every code change reinstalls them",
    needs=("pip", "pip3", "uv", "poetry", "pdm", "pipenv", "npm", "yarn", "pnpm", "conda", "mamba", "micromamba"),
)

# a directory whose name says it holds dependency files only: copying it is copying them first
_ARCHIVE = re.compile(r"\.(whl|zip|tar\.gz|tgz|tar\.bz2)$")
_DEPENDENCY_DIRECTORY = re.compile(
    r"(?i)^(requirements?[\w.-]*|reqs|deps|dependencies|conda|envs?|environments?|pip|lock\w*|librar(?:y|ies)[\w.-]*)$"
)
_CONDA = frozenset({"conda", "mamba", "micromamba"})
_PROJECT = {
    # tool: (the file it reads in the project directory, the files to copy first)
    "poetry": ("pyproject.toml", "pyproject.toml poetry.lock"),
    "uv": ("pyproject.toml", "pyproject.toml uv.lock"),
    "pdm": ("pyproject.toml", "pyproject.toml pdm.lock"),
    "pipenv": ("Pipfile", "Pipfile Pipfile.lock"),
    "npm": ("package.json", "package.json package-lock.json"),
    "yarn": ("package.json", "package.json yarn.lock"),
    "pnpm": ("package.json", "package.json pnpm-lock.yaml"),
}
_FIRST_STEP = {
    "poetry": "; `poetry install --no-root` before the source and `--only-root` after",
    "uv": "; `uv sync --no-install-project` before the source and `uv sync` after",
}


@dataclass(frozen=True, slots=True)
class _Install:
    """A command that installs the dependencies a file lists: `path` in the image, `tool` the
    program family, `first` the files to copy before the source."""

    path: str
    tool: str
    first: str
    includes: tuple[str, ...] = ()  # the files a requirements file includes (`-r`/`-c`), in the build context


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    # the dependency files installed by the end of each stage, its FROM chain included (one pass, so
    # that a long chain of stages stays linear)
    installed_through: dict[int, frozenset[tuple[str, str]]] = {}
    for stage in dockerfile.stages:
        base = stage.base_stage
        inherited = installed_through.get(base, frozenset()) if base is not None and base < stage.index else frozenset()
        installed = set(inherited)
        reported: set[int] = set()  # the copies already named: one finding per COPY, at its first install
        for instruction in stage.instructions:
            spec = instruction.copy
            if spec is not None and spec.source_stage is not None and spec.source_stage < stage.index:
                # what a stage installed and this one copies out of it (`COPY --from=deps /app/node_modules`)
                installed.update(installed_through.get(spec.source_stage, frozenset()))
                continue
            if instruction.keyword != "RUN":
                continue
            project_at = _project_install_line(instruction)
            for command in instruction.commands:
                installs = list(_installs(instruction, command))
                if project_at is not None and project_at < _order(instruction, command):
                    # the RUN first installs the copied project itself (`pip install -e . && pip install -r
                    # requirements/extras.txt`): its own dependencies come with it, and it must follow the
                    # COPY whatever is copied first; the files after it add extras
                    installed.update((i.tool, posixpath.basename(i.path)) for i in installs)
                    continue
                for install in installs:
                    key = (install.tool, posixpath.basename(install.path))
                    if key in installed:
                        continue
                    write = last_write(dockerfile, stage, install.path, command)
                    if write is not None and _brings_source(write):
                        if _runs_project_scripts(dockerfile, instruction, install, write):
                            break  # its postinstall needs the source: the manifest alone cannot go first
                        if _few_light(dockerfile, stage, instruction, command):
                            break  # a reinstall of a few light packages takes seconds
                        if install.tool in ("pip", "uv") and _uv_from_mounted_cache(instruction, command):
                            break  # uv installs from the cache the build keeps: nothing is downloaded again
                        if write.instruction.index not in reported:
                            reported.add(write.instruction.index)
                            yield _finding(stage, command, install, write, _first_source_copy(stage, write))
                        break
                installed.update((i.tool, posixpath.basename(i.path)) for i in installs)
        installed_through[stage.index] = inherited if len(installed) == len(inherited) else frozenset(installed)


FEW_LIGHT_PACKAGES = 5


def _few_light(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, command: ShellCommand) -> bool:
    """The pip or uv install of `command` installs at most `FEW_LIGHT_PACKAGES` packages, every one
    known and light (`dflint.imagesize.light_requirements`: read from the build context, no heavy
    framework, GPU wheel or package that needs one the image lacks)."""
    holds = frameworks_before(dockerfile, stage, instruction)
    for op in instruction.ops_of(command):
        if op.files:
            light = light_requirements(op, holds)
            return light is not None and len(light) <= FEW_LIGHT_PACKAGES
    return False


def _uv_from_mounted_cache(instruction: Instruction, command: ShellCommand) -> bool:
    """The install is uv's (`uv pip install -r`, `uv sync`) and the RUN mounts a cache over uv's cache
    directory (`--mount=type=cache,target=/root/.cache/uv`, as uv's Docker guide gives it): a rebuild
    copies the packages from that cache, which the builder keeps, and downloads nothing."""
    if command.name != "uv" and not any(op.manager == "uv" for op in instruction.ops_of(command)):
        return False
    return mounted(instruction, tuple(_uv_cache_targets()))


@cache
def _uv_cache_targets() -> tuple[str, ...]:
    from dflint.data import load

    return tuple(load("caches")["managers"]["uv"]["cache_mount_targets"])


def _project_install_line(instruction: Instruction) -> int | None:
    """The position in the RUN of the first pip or uv install of a local project directory (`pip
    install -e .`, `uv pip install .`), or None when the RUN installs none."""
    for position, command in enumerate(instruction.commands):
        for op in instruction.ops_of(command):
            if op.manager not in ("pip", "uv") or op.verb != "install":
                continue
            if any(r.kind == "path" and not _ARCHIVE.search(r.raw or "") for r in op.packages):
                return position
    return None


def _order(instruction: Instruction, command: ShellCommand) -> int:
    return next(position for position, each in enumerate(instruction.commands) if each is command)


def _brings_source(write: Write) -> bool:
    """A COPY/ADD from the build context of the whole context, or of a directory that is not a
    dependency-files directory."""
    if write.command is not None or not write.from_context or write.source is None or not write.tree:
        return False
    source = write.source.strip()
    if "$" in source or any(char in source for char in "*?["):
        return False
    cleaned = posixpath.normpath("/" + source.lstrip("/"))
    if cleaned == "/":
        return True
    return _DEPENDENCY_DIRECTORY.match(posixpath.basename(cleaned)) is None


# -- what an install reads ----------------------------------------------------------------------


def _installs(instruction: Instruction, command: ShellCommand) -> Iterator[_Install]:
    ops = instruction.ops_of(command)
    for op in ops:
        if op.manager in ("pip", "uv") and op.files:
            for file in op.files:
                if not file.constraint and file.image_path is not None and file.image_path.startswith("/"):
                    included = (each.context_path for each in file.walk() if each is not file and each.context_path)
                    yield _Install(file.image_path, "pip", posixpath.basename(file.image_path), tuple(dict.fromkeys(included)))
            return
    name = command.name or ""
    values = [value or "" for value in command.args]
    if name in _CONDA:
        yield from _conda(command, values)
        return
    tool = _project_tool(name, values, ops)
    if tool is None:
        return
    directory = _project_directory(command, values)
    if directory is None:
        return
    manifest, first = _PROJECT[tool]
    yield _Install(posixpath.join(directory, manifest), tool, first)


def _project_tool(name: str, values: list[str], ops: tuple[PackageOp, ...]) -> str | None:
    verb = next((value for value in values if not value.startswith("-")), "")
    no_packages = not any(op.packages for op in ops)
    if name == "poetry" and verb == "install" and "--only-root" not in values:
        return "poetry"
    if name == "uv" and verb == "sync":
        return "uv"
    if name == "pdm" and verb in ("install", "sync"):
        return "pdm"
    if name == "pipenv" and verb in ("install", "sync") and no_packages:
        return "pipenv"
    if name == "npm" and verb in ("ci", "install", "i") and no_packages and _operands_after(values, verb) == 0:
        return "npm"
    if name == "yarn" and verb in ("", "install"):
        return "yarn"
    if name == "pnpm" and verb in ("install", "i") and _operands_after(values, verb) == 0:
        return "pnpm"
    return None


def _operands_after(values: list[str], verb: str) -> int:
    rest = values[values.index(verb) + 1 :] if verb in values else []
    return sum(1 for value in rest if not value.startswith("-"))


def _project_directory(command: ShellCommand, values: list[str]) -> str | None:
    """The directory the tool reads its project from: the working directory, or `--project`,
    `--directory`, `-C`, `--cwd`, `--prefix` when given. None when unknown."""
    cwd = command.cwd
    given = _option(values, "--project", "--directory", "-C", "--cwd", "--prefix")
    if given is not None:
        if "$" in given:
            return None
        return posixpath.normpath(given if given.startswith("/") else posixpath.join(cwd or BASE_WORKDIR, given))
    if cwd is None:
        return None
    return cwd


def _option(values: list[str], *names: str) -> str | None:
    for position, value in enumerate(values):
        if value in names and position + 1 < len(values):
            return values[position + 1]
        for name in names:
            if name.startswith("--") and value.startswith(name + "="):
                return value[len(name) + 1 :]
    return None


def _conda(command: ShellCommand, values: list[str]) -> Iterator[_Install]:
    """`conda env create -f environment.yml`, `conda env update --file …`, `conda install --file
    …`, `micromamba create -f …`; `conda env create` alone reads environment.yml."""
    if not any(value in ("create", "install", "update") for value in values):
        return
    files = [values[p + 1] for p, value in enumerate(values[:-1]) if value in ("-f", "--file")]
    files += [value.split("=", 1)[1] for value in values if value.startswith("--file=")]
    if not files and values[:2] == ["env", "create"]:
        files = ["environment.yml"]
    for file in files:
        if not file or "$" in file or "://" in file:
            continue
        if file.startswith("/"):
            path = posixpath.normpath(file)
        elif command.cwd is None:
            continue
        else:
            path = posixpath.normpath(posixpath.join(command.cwd, file))
        yield _Install(path, "conda", posixpath.basename(path))


# -- the finding ----------------------------------------------------------------------------------


def _first_source_copy(stage: Stage, write: Write) -> Instruction:
    """The first COPY/ADD of the stage that brings source in, up to the one that brought the
    dependency file: the dependency files must be copied before it, or its changes still
    invalidate the install (`ADD ./pkg/` on one line, then `ADD ./app/` holding requirements.txt)."""
    for instruction in stage.instructions:
        if instruction.index >= write.instruction.index:
            break
        if instruction.copy is not None and any(_brings_source(each) for each in instruction_writes(instruction)):
            return instruction
    return write.instruction


def _finding(stage: Stage, command: ShellCommand, install: _Install, write: Write, first_source: Instruction) -> Finding:
    copy = write.instruction
    copy_text = f"{copy.keyword} {copy.arguments.strip()}"
    text = command_label(command)
    first = install.first
    if install.tool == "pip" or install.tool == "conda":
        first = _context_path(write, install.path)
    else:  # the project's manifest and lock, where they are in the build context (`web/package.json`)
        folder = posixpath.dirname(_context_path(write, install.path))
        if folder not in ("", "."):
            first = " ".join(posixpath.join(folder, name) for name in first.split())
    short = clip_path(first.split()[0], 32) + (" and its lock" if " " in first else "")
    if install.includes:
        count = len(install.includes)
        short += f" and its {count} include{'s' if count > 1 else ''}"
        first = " ".join((first, *install.includes))
    return Finding(
        META,
        command.span,
        f"`{clip(text, 28)}` in {stage.label} reinstalls on every code change; copy {short} before line {first_source.span.line}",
        stage=stage.name,
        detail=f"`{text}` in {stage.label} installs from {posixpath.basename(install.path)}, which `{copy_text}` on line"
        f" {copy.span.line} brought in together with the application source: any change to the source invalidates"
        " that layer's cache, so every rebuild downloads and installs all the dependencies again. Copy the"
        f" dependency files ({first}) on their own and install them, then copy the source"
        f"{_FIRST_STEP.get(install.tool, '')}"
        + (
            ""
            if first_source is copy
            else f", and copy them before `{first_source.keyword} {clip(first_source.arguments.strip(), 40)}` on line"
            f" {first_source.span.line}, which brings source in earlier"
        ),
    )


# the author's comment that the install runs the project's own scripts (`# npm ci runs the root
# postinstall script, which installs server and mock-backend deps.`)
_SCRIPTS_COMMENT = re.compile(r"(?i)\b(?:pre|post)install\b|\bprepare\s+script|\blife-?cycle\s+scripts?\b")


def _runs_project_scripts(dockerfile: Dockerfile, instruction: Instruction, install: _Install, write: Write) -> bool:
    """Whether a JavaScript install needs more than its manifest and lock: the project's
    `package.json` in the build context declares a script the install runs (`postinstall` …,
    `project_files.install_scripts`), or the comment about the RUN says it runs one."""
    if install.tool not in ("npm", "yarn", "pnpm"):
        return False
    if install_scripts(dockerfile, _context_path(write, install.path)):
        return True
    return any(_SCRIPTS_COMMENT.search(comment) for comment in dockerfile.comments_about(instruction))


def _context_path(write: Write, path: str) -> str:
    """Where the copied dependency file is in the build context (`requirements/base.txt`)."""
    relative = posixpath.relpath(path, write.path) if write.path != path else posixpath.basename(path)
    source = posixpath.normpath((write.source or ".").strip("/") or ".")
    return relative if source == "." else posixpath.join(source, relative)
