"""## What it does
Flags two things Poetry leaves in an image that ships:

- `poetry install` (or `poetry sync`) that does not choose its dependency groups: without
  `--only main`, `--without dev` (Poetry 1.2+) or the older `--no-dev`, Poetry installs every
  non-optional group, so the `dev` group (test runners, linters, type checkers) ships. `--only-root`
  installs no dependencies and is silent; `--all-groups` is reported. An install in a build-only
  stage counts when a shipped stage copies the environment it installs into (`COPY --from=builder
  /app/.venv /app/.venv`): the project's `.venv` with `virtualenvs.in-project`, the active
  `VIRTUAL_ENV`, `POETRY_VIRTUALENVS_PATH`, Poetry's cache directory, or the system site-packages
  with `virtualenvs.create false`.
- Poetry itself installed in a shipped stage (`pip install poetry`, `pipx install poetry`, the
  `install.python-poetry.org` script) and not uninstalled later (`info`): the service runs the
  installed packages, not the tool that resolved them.

Development containers, CI or test images and toolchains (`dflint/purpose.py`) are not checked: a
test image needs the dev group. Build-only stages are not checked unless their environment is copied.

dflint does not read `pyproject.toml`, so it cannot tell a project that has no dev group: the
finding then asks for `--only main`, which installs exactly the same packages and states the intent.

## Why is this bad?
The dev group of an ML service typically holds pytest, ruff, mypy, jupyter and their
dependencies: megabytes to hundreds of megabytes of code the server never imports, scanned by
every vulnerability scanner and pulled by every node. Poetry itself brings its resolver, keyring,
virtualenv and HTTP stack, used only at build time.

Poetry 2.0 removed `--no-dev` (`The option "--no-dev" does not exist`); `--only main` works from
Poetry 1.2 on.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir poetry==1.8.3
COPY pyproject.toml poetry.lock ./
RUN poetry config virtualenvs.create false && poetry install --no-root
```

## Use instead
```dockerfile
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir poetry==1.8.3 poetry-plugin-export==1.8.0
COPY pyproject.toml poetry.lock ./
RUN poetry export --only main -o requirements.txt

FROM python:3.11-slim
COPY --from=build /requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```

Or keep Poetry in a build stage that installs into a virtual environment with
`poetry install --only main` and copy only that environment.

## References
- [Poetry: `install` command options (`--without`, `--with`, `--only`, `--only-root`)](https://python-poetry.org/docs/cli/#install)
- [Poetry: dependency groups ("must only contain dependencies you need in your development process")](https://python-poetry.org/docs/managing-dependencies/)
- [Poetry 2.0: `--no-dev` removed (python-poetry/poetry discussion 10096)](https://github.com/orgs/python-poetry/discussions/10096)
- [poetry-plugin-export](https://github.com/python-poetry/poetry-plugin-export)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, PackageOp, ShellCommand, Stage
from dflint.rule import Finding, RuleMeta, Severity
from dflint.shipping import lineage

META = RuleMeta(
    code="DF206",
    name="poetry-in-shipped-stage",
    severity=Severity.WARNING,
    summary="`poetry install` ships the dev group, or Poetry itself ships",
    skip_images_nobody_deploys=True,
)

_GROUP_OPTIONS = ("--only", "--without")
_INSTALLER = "install.python-poetry.org"
_FALSE = ("false", "0", "no", "off")
_TRUE = ("true", "1", "yes", "on")
_SYSTEM_PATHS = ("/usr/local/lib/python", "/usr/lib/python", "/usr/local", "/usr")


@dataclass(frozen=True, slots=True)
class _Install:
    """A poetry install in a stage, with the COPY --from that ships it when its stage is build-only."""

    stage: Stage
    instruction: Instruction
    op: PackageOp
    via: Instruction | None  # the COPY --from that ships it out of a build-only stage


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.for_development:
        return  # a CI or test image needs its dev group; development images carry their tools
    for install in _poetry_installs(dockerfile):
        problem = _selection_problem(install.op)
        if problem is None:
            continue
        via = f" (shipped through the COPY at line {install.via.span.line})" if install.via is not None else ""
        yield Finding(
            META,
            install.op.command.span,
            f"`poetry {install.op.verb_word.value if install.op.verb_word else 'install'}` in {install.stage.label}"
            f" {problem}; add `--only main`",
            stage=install.stage.name,
            detail=(
                f"`poetry {install.op.verb_word.value if install.op.verb_word else 'install'}` in {install.stage.label}{via}"
                f" {problem}: every non-optional dependency group is installed, so the dev group (tests, linters,"
                " notebooks) ships. Add `--only main` (Poetry 1.2+; `--without dev` leaves other groups in), or"
                " `poetry export --only main` in a build stage and `pip install -r` in the image. A project without"
                " a dev group gets the same packages with `--only main`."
            ),
        )
    yield from _poetry_shipped(dockerfile)


# -- the dev group --------------------------------------------------------------------------------


def _selection_problem(op: PackageOp) -> str | None:
    """Why the install takes every group, or None when it chooses them."""
    if op.has_flag("--all-groups"):
        return "installs every group (`--all-groups`)"
    if op.has_flag("--no-dev", "--only-root", *_GROUP_OPTIONS):
        return None
    if any("$" in word.text for word in op.command.argv):
        return None  # options from a variable (`poetry install $POETRY_ARGS`): unknown
    return "installs the dev group too"


def _poetry_installs(dockerfile: Dockerfile) -> Iterator[_Install]:
    shipped = dockerfile.shipped_stages()
    shipped_indexes = {stage.index for stage in shipped}
    for stage in shipped:
        for instruction, op in _ops(stage):
            yield _Install(stage, instruction, op, None)
    seen: set[int] = set()
    for copy in dockerfile.shipping().copies:
        for stage in lineage(dockerfile, copy.source):
            if stage.index in shipped_indexes:
                continue
            for instruction, op in _ops(stage):
                if id(op) in seen:
                    continue
                locations = _locations(dockerfile, stage, instruction, op)
                if any(_overlaps(path, location) for path in copy.paths if path is not None for location in locations):
                    seen.add(id(op))
                    yield _Install(stage, instruction, op, copy.instruction)


def _ops(stage: Stage) -> Iterator[tuple[Instruction, PackageOp]]:
    for instruction in stage.instructions:
        for op in instruction.packages:
            if op.manager == "poetry" and op.verb in ("install", "sync") and not op.packages:
                yield instruction, op


def _locations(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> tuple[str, ...]:
    """Where a `poetry install` puts the project's packages (every candidate that applies)."""
    env = _scope(instruction.env, op.command)
    config = _config(dockerfile, stage, instruction)
    if env.get("VIRTUAL_ENV"):
        return (str(env["VIRTUAL_ENV"]),)
    create = (env.get("POETRY_VIRTUALENVS_CREATE") or config.get("virtualenvs.create") or "").lower()
    if create in _FALSE:
        return _SYSTEM_PATHS
    found: list[str] = []
    in_project = (env.get("POETRY_VIRTUALENVS_IN_PROJECT") or config.get("virtualenvs.in-project") or "").lower()
    cwd = op.command.cwd or instruction.workdir
    if in_project in _TRUE and cwd and cwd.startswith("/"):
        found.append(posixpath.join(cwd, ".venv"))
    path = env.get("POETRY_VIRTUALENVS_PATH") or config.get("virtualenvs.path")
    if path:
        found.append(path)
    cache = env.get("POETRY_CACHE_DIR") or config.get("cache-dir") or "/root/.cache/pypoetry"
    found.append(posixpath.join(cache, "virtualenvs"))
    return tuple(found)


def _scope(env: Mapping[str, str | None], command: ShellCommand) -> dict[str, str | None]:
    return {**env, **command.exports, **{name: word.value for name, word in command.assignments}}


def _config(dockerfile: Dockerfile, stage: Stage, before: Instruction) -> dict[str, str]:
    """`poetry config KEY VALUE` run earlier in the stage or the stages it is built FROM."""
    found: dict[str, str] = {}
    for ancestor in reversed(dockerfile.ancestry(stage)):
        for instruction in ancestor.instructions:
            if instruction.index > before.index:
                break
            for command in instruction.commands:
                values = [value or "" for value in command.args]
                if command.name != "poetry" or "config" not in values:
                    continue
                rest = [value for value in values[values.index("config") + 1 :] if not value.startswith("-")]
                if len(rest) >= 2:
                    found[rest[0]] = rest[1]
    return found


def _overlaps(copied: str, location: str) -> bool:
    copied, location = copied.rstrip("/") or "/", location.rstrip("/") or "/"
    if copied == location or copied == "/":
        return True
    return (
        location.startswith(copied + "/")
        or copied.startswith(location + "/")
        or (location in _SYSTEM_PATHS[:2] and copied.startswith(location))
    )


# -- Poetry itself --------------------------------------------------------------------------------


def _poetry_shipped(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions:
            for command in instruction.commands:
                how = _installs_poetry(instruction, command)
                if how is None or _removed_later(dockerfile, instruction, command):
                    continue
                yield Finding(
                    META,
                    command.span,
                    f"Poetry ({how}) ships in {stage.label}; export requirements or install in a build stage",
                    severity=Severity.INFO,
                    stage=stage.name,
                    detail=(
                        f"Poetry, installed by {how} in {stage.label}, stays in the image with its resolver, keyring,"
                        " virtualenv and HTTP dependencies, used only to install packages. Run `poetry export --only main"
                        " -o requirements.txt` (poetry-plugin-export) in a build stage and `pip install -r` it in the"
                        " image, or install with Poetry in a build stage and copy only the virtual environment."
                    ),
                )


def _installs_poetry(instruction: Instruction, command: ShellCommand) -> str | None:
    for op in instruction.packages:
        if op.command is not command or op.verb != "install":
            continue
        if any(requirement.name == "poetry" for requirement in op.packages):
            return f"`{op.program} install poetry`"
    if command.name in ("curl", "wget") and any(_INSTALLER in (word.value or word.text) for word in command.argv):
        return "the install.python-poetry.org script"
    return None


def _removed_later(dockerfile: Dockerfile, at: Instruction, installed: ShellCommand) -> bool:
    """Poetry uninstalled after it was installed, anywhere in the shipped stages."""
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions:
            if instruction.index < at.index:
                continue
            uses_installer = _INSTALLER in instruction.text
            for command in instruction.commands:
                if instruction.index == at.index and command.span.offset <= installed.span.offset:
                    continue
                for op in instruction.packages:
                    if op.command is command and op.verb == "remove" and any(r.name == "poetry" for r in op.packages):
                        return True
                values = [value or "" for value in command.args]
                if uses_installer and "--uninstall" in values:
                    return True
                if command.name == "rm" and any("pypoetry" in value or value.rstrip("/").endswith("/poetry") for value in values):
                    return True
    return False
