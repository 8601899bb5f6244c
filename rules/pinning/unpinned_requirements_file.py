"""## What it does
Reads the requirements files a `pip install -r` (also `--requirement`, `uv pip install -r`,
`uv pip sync`) installs from the build context, following the `COPY`/`ADD` that put them into the
image and the `WORKDIR`/`cd` the command runs in, nested `-r` files included, and flags lines that
are not pinned to one version. Constraints (`-c` on the command line or inside a file) are honoured:
a name they pin counts as pinned. Checked in every stage.

There is one finding per install command, on the `pip` command, listing each unpinned line as
`file:line` with the package: the lines share one fix (compile the files with exact pins), and one
finding per line, or per file, would stack identical positions on the same command (Roboflow
Inference's images install from nine requirements files in one command: nine findings on one line
before).

A requirements file written by a heredoc `COPY <<EOF requirements.txt` is read from the
Dockerfile itself. A file that cannot be read is reported too, with the path and the reason: missing from the build
context, outside it (`-r ../../etc/passwd`, a symlink out: never read), or not copied into the image
from the context (an absolute path).

Three kinds of unread file are not reported by default, since nothing in the Dockerfile is wrong:

- a file produced inside the build (a `COPY --from` put it there, or the last thing that wrote the
  path before the install is a command: an output redirection such as `grep -v torch
  requirements.txt > /tmp/r.txt`, a `git clone` into a directory holding it, `poetry export -o
  requirements.txt`, `curl -o`, `cp` …);
- a file missing from a build context that is only a fallback (nothing names the context and no
  directory holds the COPY/ADD and bind-mount sources; `dflint -v` says so, and `--context` makes it known);
- a path (or the directory the install runs in) that depends on a build argument with no value
  (`pip install -r "$REQS"`, or a file that may come from `COPY ${EXAMPLE_DIR}/requirements.txt`):
  the build chooses the file, and "could not check" gives the author nothing to change. Of the 7
  DF402 findings on the shared corpus of 776 real Dockerfiles, 5 were of this kind; reviewers reading
  the files judged both that random samples drew right but not worth telling the author. The option
  `report-unresolved` reports them; `--build-arg` gives the argument a value, and the file is then read.

A line that names its versions on purpose is judged as DF401 judges the same words on the command
line: a cap (`cachetools<6.0.0`, `uvicorn[standard]<=0.34.0`: upper bounds and exclusions only, its
author naming the release that breaks the project), a release series (`asyncua~=1.1.5`, `rasterio~=1.4.0`,
`>=0.13,<0.14`: the patch releases of one minor series), and a range that closes a release line with no
further release (`protobuf>=3.18.3,<4`) are left alone unless `report-caps` or `report-series` is set.
A floor or a range across minor releases (`torch>=2.0.1,<3.0.0`) is reported.

By default only the lines whose float changes what the image runs are reported, as DF401 judges the
names on a command line: a framework, runtime or GPU wheel (`torch`, `onnxruntime`, `xformers`,
`nvidia-*`: `dflint.imagesize.heavy_package`) or a VCS or URL install at a branch. A file whose
unpinned lines are all helpers (`gunicorn`, `fastapi`, `grpcio>=1.64.1`) is left alone; the option
`check-every-package` reports them too. Evidence: of 18 DF402 findings drawn in one round from 18 ML
serving repositories (three reviewers, 50 findings each, reading the files and their history), 17 were
judged not worth telling: floors raised for a security fix or bumped by Dependabot beside exact pins, a
file that floats by a commented policy, a lone bare `gunicorn`; the one worth telling was an `xformers`
floor installed with `--no-dependencies` beside a pinned CUDA torch. A file that pins some lines exactly and leaves helpers
bare is not taken as an oversight either: projects pin the lines that broke them and float the rest
on purpose.

A requirements file that is also the Python package's own dependency list (the project's `setup.py`,
`pyproject.toml` or `setup.cfg` at the context's root names it: `install_requires=read_requirements(
"requirements/_requirements.txt", …)`) holds ranges on purpose: a library must not pin what its users
install beside it. The finding then says to keep the file and pin the image with a constraints file
compiled for it (`uv pip compile … -o constraints.txt`, installed with `-c constraints.txt`), which
this rule reads as pins. Reviewers of Roboflow Inference's images found "pin them" asked the
maintainers to undo their library's ranges (its requirements files are its PyPI packages'
`install_requires`).

In a run over several Dockerfiles, one decision about a shared file is told once, on the first
Dockerfile that gives it, whose detail names the others (`dflint/grouping.py`, as DF504 tells a shared
`.dockerignore`): the unpinned lines of one requirements file that several images install (pinned in
the file, one edit serves them all), and the constraints advice for the package's own dependency
lists, whichever of them each image reads (one constraints file compiled from them pins every image;
Roboflow Inference's ten images gave it ten times, which reviewers counted as one decision). Linted
alone, each Dockerfile keeps its own.

A line whose package an earlier pip install of the same stage and environment put in place without
an exact version, and that sets only a floor (`torch>=2.0.0` after `pip install torch --index-url
…/whl/cpu`), is not counted: pip leaves an installed package that meets the requirement where it is
("Requirement already satisfied") unless the install upgrades (`-U`, `--force-reinstall`), so the
earlier install decides the version, and DF401 reports it there (`_pins.settled_earlier`).
Xinference's CPU image installs its requirements this way; a reviewer found that pinning the file's
torch line, as the finding advised, could have pulled PyPI's CUDA build over the CPU one.

## Why is this bad?
`pip install -r requirements.txt` is only as reproducible as the file: `torch` or
`transformers>=4.30` resolve to the newest release on the day of the build, so two builds of the
same Dockerfile ship different code, different CUDA wheels and sometimes a broken model server.
A file of exact pins (`==`, or hashes with `--require-hashes`) makes the install repeatable.

## Example
The requirements file is written inline with a heredoc `COPY` so the example is complete; dflint
reads a file copied from the build context the same way.

```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY <<EOF requirements.txt
torch
onnxruntime>=1.18
EOF
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
Pin every line, for example by compiling the file with `pip-compile` or `uv pip compile`:

```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY <<EOF requirements.txt
torch==2.4.0
onnxruntime==1.18.1
EOF
RUN pip install --no-cache-dir -r requirements.txt
```

## Options
- `include-installers` (default `false`): also flag unpinned `pip`, `setuptools`, `wheel` and `uv`
  lines.
- `report-unresolved` (default `false`): also report a requirements file whose path depends on a
  build argument or variable with no value, which dflint cannot read.
- `report-caps` (default `false`): also report caps (versions given only by upper bounds and
  excluded releases).
- `report-series` (default `false`): also report release series (`~=1.4.0`, `==1.9.*`, a range
  inside one minor series).
- `check-every-package` (default `false`): also report helper lines (no framework, runtime, GPU
  wheel or branch install), as hadolint's DL3013 would on the command line.

## References
- [pip: Requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
- [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
- [pip-tools: pip-compile](https://pip-tools.readthedocs.io/en/stable/)
- [uv: Locking requirements (`uv pip compile`)](https://docs.astral.sh/uv/pip/compile/)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass

from dflint.build_deps import python_installer
from dflint.filesystem import last_write
from dflint.model import BASE_WORKDIR, Dockerfile, Instruction, PackageOp, Requirement, RequirementsFile, Stage
from dflint.project_files import is_package_requirements
from dflint.rule import Finding, Group, RuleMeta, Severity, clip

from ._pins import (
    capped,
    closed_line,
    invocation,
    is_requirements_file,
    pinned,
    pins_for,
    reads_pip_files,
    series_pin,
    settled_earlier,
    substance,
)

META = RuleMeta(
    code="DF402",
    name="unpinned-requirements-file",
    severity=Severity.WARNING,
    summary="A requirements file installed from the build context has unpinned lines",
    skip_images_nobody_deploys=True,
)

_LISTED = 8


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether installers themselves are checked, whether unresolved paths are reported,
    whether caps and release series are reported, and whether helper lines are (as DF401's options of
    the same names)."""

    include_installers: bool = False
    report_unresolved: bool = False
    report_caps: bool = False
    report_series: bool = False
    check_every_package: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    unread: set[tuple[str | None, str | None, str]] = set()  # a file that cannot be read is reported once per Dockerfile
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in instruction.packages:
                if op.verb not in ("install", "sync") or not op.files or not reads_pip_files(op):
                    continue
                for finding, key in _check_op(dockerfile, stage, instruction, op, options):
                    if key is not None:
                        if key in unread:
                            continue
                        unread.add(key)
                    yield finding


def _bounded_above(requirement: Requirement) -> bool:
    """The specifier sets an upper bound or an exact version, which may replace what an earlier
    install put in place (`<2.0`, `==1.13.1`, `~=2.1`)."""
    spec = requirement.spec or ""
    return any(operator in spec for operator in ("<", "==", "~=", "!=", "==="))


def _check_op(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp, options: Options
) -> Iterator[tuple[Finding, tuple[str | None, str | None, str] | None]]:
    """Findings, each with the key of the unread file it reports (None for unpinned lines)."""
    pins = pins_for(op, instruction)
    settled = settled_earlier(stage, instruction, op)  # put in place by an earlier install: a floor changes nothing
    seen: set[tuple[str | None, str | None]] = set()
    unpinned_files: list[tuple[RequirementsFile, list[Requirement]]] = []
    for file, parent in _files(op):
        key = (file.context_path, file.image_path)
        if key in seen and file.status != "unresolved":
            continue
        seen.add(key)
        if file.status != "read":
            if file.status == "unresolved" and not options.report_unresolved:
                continue  # the build chooses the file (an argument with no value): nothing to change here
            if file.status == "missing" and dockerfile.context is not None and dockerfile.context.unknown:
                continue  # the build context is not known: a file missing from the fallback says nothing
            if file.image_path is not None and _produced_in_build(dockerfile, stage, instruction, op, file):
                continue  # made in the build: nothing in the Dockerfile to fix, and its pins cannot be read
            unread_key = None if file.status == "unresolved" else (file.context_path, file.image_path, file.status)
            yield _unread(dockerfile, stage, instruction, op, file, parent), unread_key
            continue
        if file.constraint or not is_requirements_file(file) or pins.unknown:
            continue
        unpinned = []
        for requirement in file.requirements:
            if pinned(requirement, "pip") is not False:
                continue
            if (not options.report_caps and capped(requirement)) or closed_line(requirement):
                continue  # a cap, or a range that closes a finished release line: as DF401 leaves them
            if not options.report_series and series_pin(requirement, "pip"):
                continue  # a release series chosen on purpose (`~=1.1.5`, `>=0.13,<0.14`)
            if python_installer(requirement.name) and not options.include_installers:
                continue
            if requirement.name is not None and requirement.name in pins.names:
                continue
            if requirement.name in settled and requirement.kind == "name" and not _bounded_above(requirement):
                continue  # an earlier install of the stage decides its version: a floor here keeps it
            if not options.check_every_package and not substance(requirement):
                continue  # a helper (`gunicorn`, `grpcio>=1.64.1`): its float changes little, as DF401 judges
            unpinned.append(requirement)
        if unpinned:
            unpinned_files.append((file, unpinned))
    # a file that is also the package's dependency list (or that one includes) keeps its ranges; a
    # constraints file pins the image
    packaged = {
        each.context_path
        for file, _parent in _files(op)
        if is_package_requirements(dockerfile, file.context_path)
        for each in file.walk()
    }
    shared = [file.context_path or "?" for file, _ in unpinned_files if file.context_path in packaged]
    if len(unpinned_files) == 1:
        finding = _unpinned(stage, op, *unpinned_files[0], library=bool(shared))
    elif unpinned_files:
        finding = _unpinned_files(stage, op, unpinned_files, library=shared)
    else:
        return
    if shared:
        # one decision for the package, whichever images read its files: a constraints file compiled
        # from them (told once in a run over the repository, on the first Dockerfile: `grouping.merge_shared`)
        finding = dataclasses.replace(finding, group=Group("constraints for the package", "this file"), shared_file=min(shared))
    elif len(unpinned_files) == 1 and unpinned_files[0][0].context_path is not None:
        # one file's lines: pinned in the file, one edit serves every image that installs it
        path = unpinned_files[0][0].context_path
        finding = dataclasses.replace(finding, group=Group(f"unpinned {path}", "this file"), shared_file=path)
    yield finding, None


# the advice where a file is also the Python package's own dependency list (`is_package_requirements`)
_LIBRARY_ADVICE = "(the package's own ranges); pin the image with `-c constraints.txt`"
_LIBRARY_DETAIL = (
    " also the Python package's own dependency list ({where}), where ranges belong: keep {it} as {it_is}"
    " and pin the image instead, with a constraints file compiled for it (`uv pip compile {files} -o"
    " constraints.txt`, then `pip install -r … -c constraints.txt`)"
)


def _files(op: PackageOp) -> Iterator[tuple[RequirementsFile, RequirementsFile | None]]:
    """Every file of an install with the file that includes it (None on the command line)."""

    def visit(
        file: RequirementsFile, parent: RequirementsFile | None
    ) -> Iterator[tuple[RequirementsFile, RequirementsFile | None]]:
        yield file, parent
        for include in file.includes:
            yield from visit(include, file)

    for top in op.files:
        yield from visit(top, None)


def _unpinned(
    stage: Stage, op: PackageOp, file: RequirementsFile, unpinned: list[Requirement], *, library: bool = False
) -> Finding:
    name = file.context_path or file.image_path or "?"
    listed = ", ".join(f"{name}:{r.file_line} `{r.raw}`" for r in unpinned[:_LISTED])
    more = f" and {len(unpinned) - _LISTED} more" if len(unpinned) > _LISTED else ""
    count = f"{len(unpinned)} unpinned line{'s' if len(unpinned) != 1 else ''}"
    brief = ", ".join(f"{clip(name, 30)}:{r.file_line} `{clip(r.raw or '?', 30)}`" for r in unpinned[:1])
    brief_more = f" and {len(unpinned) - 1} more" if len(unpinned) > 1 else ""
    if library:
        advice = f" {_LIBRARY_ADVICE}"
        remedy = ". It is" + _LIBRARY_DETAIL.format(where="the project's packaging reads it", it="it", it_is="it is", files=name)
    else:
        advice = f": {brief}{brief_more}; pin {'it' if len(unpinned) == 1 else 'them'} (`uv pip compile`)"
        remedy = "; pin exact versions (`==`), e.g. compile the file with pip-compile or `uv pip compile`"
    return Finding(
        META,
        op.command.span,
        f"`{clip(name)}` has {count}{advice}",
        stage=stage.name,
        detail=f"`{name}` (installed by `{invocation(op)}` in {stage.label}) has {count}: {listed}{more}{remedy}",
    )


def _unpinned_files(
    stage: Stage,
    op: PackageOp,
    files: list[tuple[RequirementsFile, list[Requirement]]],
    *,
    library: list[str],
) -> Finding:
    """One install that reads several files with unpinned lines: one decision (compile them into one
    file of pins), one finding that names each file and its lines in the detail."""
    total = sum(len(unpinned) for _, unpinned in files)
    first_file, first = files[0]
    name = first_file.context_path or first_file.image_path or "?"
    brief = f"{clip(name, 30)}:{first[0].file_line} `{clip(first[0].raw or '?', 30)}`"
    each = "; ".join(
        f"`{file.context_path or file.image_path or '?'}` ({len(unpinned)}): "
        + ", ".join(f"line {r.file_line} `{r.raw}`" for r in unpinned[:_LISTED])
        + (f" and {len(unpinned) - _LISTED} more" if len(unpinned) > _LISTED else "")
        for file, unpinned in files
    )
    if library:
        paths = " ".join(file.context_path or "?" for file, _ in files)
        which = (
            "They are"
            if len(library) == len(files)
            else f"{len(library)} of them ({', '.join(f'`{path}`' for path in library)}) are"
        )
        advice = f" {_LIBRARY_ADVICE}"
        remedy = f". {which}" + _LIBRARY_DETAIL.format(
            where="the project's packaging reads them", it="them", it_is="they are", files=paths
        )
    else:
        advice = f": {brief} and {total - 1} more; pin them (`uv pip compile`)"
        remedy = "; pin exact versions (`==`), e.g. compile them together into one file with pip-compile or `uv pip compile`"
    return Finding(
        META,
        op.command.span,
        f"{len(files)} requirements files have {total} unpinned lines{advice}",
        stage=stage.name,
        detail=f"`{invocation(op)}` in {stage.label} reads {len(files)} requirements files with {total} unpinned"
        f" lines: {each}{remedy}",
    )


def _unread(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    op: PackageOp,
    file: RequirementsFile,
    parent: RequirementsFile | None,
) -> Finding:
    kind = "constraints file" if file.constraint else "requirements file"
    if file.status == "unresolved" and file.image_path is None:
        path = _unresolved_word(op) or "(unknown)"
    else:
        path = file.image_path or file.context_path or "(unknown)"
    path = path.replace(BASE_WORKDIR, "<base image WORKDIR>")
    if parent is not None:
        path += f"` (included by `{parent.context_path or parent.image_path}`)"
    else:
        path += "`"
    produced = _produced_in_build(dockerfile, stage, instruction, op, file)
    reason = file.reason.rstrip(".").replace(BASE_WORKDIR, "<base image WORKDIR>")
    reason = reason.removesuffix("; not read")
    if produced and file.status != "not-from-context":
        reason += f"; it appears to be produced in the build ({produced})"
    elif file.status == "missing":
        reason += f" ({_looked_in(dockerfile)}; pass `--context DIR` if the image is built from another directory)"
    short_path = clip(file.context_path or file.image_path or "")
    if file.status == "missing" and not produced:
        short = f"{kind} `{short_path}` does not exist in the build context ({_where(dockerfile)}); check `--context`"
    elif file.status == "not-from-context" and file.image_path is None and file.context_path is None:
        short = f"{kind} {clip(reason, 100)}; pins not checked"  # an include pip downloads (`-c https://…`)
    elif produced and file.status != "not-from-context":
        short = f"{kind} `{short_path}` is made in the build ({clip(produced, 60)}); pins not checked"
    else:
        short = {
            "not-copied": f"{kind} `{short_path}` was not read: no COPY or ADD puts it into the image; COPY it first",
        }.get(file.status, "")
        if not short:
            named = reason.startswith(("'", "`"))  # the reason already names the file
            prefix = f"{kind}{f' `{short_path}`' if short_path and not named else ''} was not read: "
            short = prefix + clip(reason, max(60, 136 - len(prefix)))
    return Finding(
        META,
        op.command.span,
        short,
        severity=Severity.INFO if produced else None,
        stage=stage.name,
        detail=f"{kind} `{path} of `{invocation(op)}` in {stage.label} was not read: {reason}; its pins are not checked",
    )


def _where(dockerfile: Dockerfile) -> str:
    """The build context relative to the Dockerfile's folder, in words."""
    context = dockerfile.context
    if context is None:
        return "none chosen"
    folder = os.path.dirname(os.path.realpath(dockerfile.path)) if dockerfile.path not in ("", "-") else None
    relative = os.path.relpath(context.directory, folder) if folder else context.directory
    return "the Dockerfile's folder" if relative == "." else f"`{relative}` from the Dockerfile's folder"


def _looked_in(dockerfile: Dockerfile) -> str:
    """Where the build context is, relative to the Dockerfile's folder, and why it was chosen."""
    context = dockerfile.context
    if context is None:
        return "no build context was chosen"
    return f"looked in {_where(dockerfile)}, chosen as the build context: {context.reason}"


def _unresolved_word(op: PackageOp) -> str | None:
    argv = op.command.argv
    for index, word in enumerate(argv):
        value = word.value
        if value in ("-r", "--requirement", "-c", "--constraint") and index + 1 < len(argv) and argv[index + 1].value is None:
            return argv[index + 1].text
        if word.value is None and word.text.startswith(("--requirement=", "--constraint=")):
            return word.text.split("=", 1)[1]
    return None


def _produced_in_build(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp, file: RequirementsFile
) -> str | None:
    """Evidence that the file is made inside the build rather than taken from the context."""
    if file.status == "not-from-context":
        return "copied from another stage, a URL or a heredoc"
    if file.status not in ("not-copied", "missing"):
        return None
    path = file.image_path
    if path is None:
        return None
    write = last_write(dockerfile, stage, path, op.command)
    if write is None or write.command is None:
        return None  # nothing in the build writes it, or a COPY/ADD put it there last
    return f"`{write.command.text.splitlines()[0][:60]}` on line {write.command.span.line}"
