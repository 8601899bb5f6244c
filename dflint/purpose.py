"""What the image a Dockerfile builds is for, decided once from evidence in the file.

- `devcontainer`: a development container (a target or stage named `devcontainer`, a file under
  `.devcontainer/`, a devcontainers base image);
- `ci`: a CI or test image (a target or final stage named `test`, `ci`, `lint`, `check`…, or a
  command that runs tests: `pytest`, `tox`, `nox`, `go test`, `npm test`, `make test`);
- `notebook`: a notebook or workbench (a Jupyter or Kubeflow notebook base, a `jupyter`,
  `start-notebook`, `code-server` or `rstudio-server` command, `EXPOSE 8888`);
- `service`: it runs a service (a port is exposed, or the command is a program other than a shell or
  an interpreter's prompt);
- `toolchain`: an interactive or build image (its command is a shell or a bare interpreter:
  `CMD ["bash"]`, `CMD ["python3"]`);
- `unknown`: no command, no port, no name says it (a base image, or one whose command the deployment
  gives).

The base images this module knows are in `dflint/data/image_purposes.json`, each with its source.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from dflint.model import Dockerfile, Instruction, Purpose, Stage, normalise_image, split_image

SERVICE = "service"
NOTEBOOK = "notebook"
CI = "ci"
DEVCONTAINER = "devcontainer"
TOOLCHAIN = "toolchain"
UNKNOWN = "unknown"

_DEVCONTAINER_NAME = re.compile(r"(?:^|[-_.])dev-?containers?(?:$|[-_.])", re.IGNORECASE)
_CI_NAME = re.compile(r"(?:^|[-_.])(?:tests?|testing|ci|lint|linter|check|checks|e2e|integration)(?:$|[-_.])", re.IGNORECASE)
_TEST_RUNNERS = frozenset({"pytest", "py.test", "tox", "nox"})
_NOTEBOOK_PROGRAMS = re.compile(
    r"(?:jupyter(?:-\S+)?|jupyterhub-singleuser|start-notebook(?:\.py|\.sh)?|start-singleuser(?:\.py|\.sh)?|voila|code-server|rstudio-server)"
)
_NOTEBOOK_PORT = "8888"  # Jupyter's default port
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "fish", "pwsh", "powershell", "cmd", "cmd.exe"})
_PROMPTS = re.compile(r"(?:python[0-9.]*|node|nodejs|irb|ruby|php|R|julia|ipython[0-9]*|jshell|ghci|lua)")


def decide(dockerfile: Dockerfile, target: str | None = None) -> Purpose:
    """The purpose of the image the final (or `target`) stage builds, and the evidence for it."""
    final = dockerfile.final_stage(target)
    if final is None:
        return Purpose(UNKNOWN, "no stage")
    chain = dockerfile.ancestry(final)
    root = _root_image(chain)
    command = _command(chain)
    program, arguments = _program(command) if command is not None else (None, ())
    for name in _names(final, target):
        if _DEVCONTAINER_NAME.search(name):
            return Purpose(DEVCONTAINER, f"the stage is named '{name}'")
    if "/.devcontainer/" in "/" + dockerfile.path.replace("\\", "/"):
        return Purpose(DEVCONTAINER, "the Dockerfile is under .devcontainer/")
    known = _known(root, "devcontainer")
    if known is not None:
        return Purpose(DEVCONTAINER, f"the base image `{root}` is a development container image")
    for name in _names(final, target):
        if _CI_NAME.search(name):
            return Purpose(CI, f"the stage is named '{name}'")
    if program is not None and _runs_tests(program, arguments):
        return Purpose(CI, f"its command runs `{' '.join((program, *arguments[:1]))}`")
    if _known(root, "notebook") is not None:
        return Purpose(NOTEBOOK, f"the base image `{root}` is a notebook image")
    if program is not None and _NOTEBOOK_PROGRAMS.fullmatch(program):
        return Purpose(NOTEBOOK, f"its command runs `{program}`")
    ports = list(_exposed(chain))
    if _NOTEBOOK_PORT in ports:
        return Purpose(NOTEBOOK, f"it exposes port {_NOTEBOOK_PORT} (Jupyter)")
    if ports:
        return Purpose(SERVICE, f"it exposes port {ports[0]}")
    if program is not None:
        if program in _SHELLS and not _runs_script(arguments):
            return Purpose(TOOLCHAIN, f"its command is a shell (`{program}`)")
        if _PROMPTS.fullmatch(program) and not arguments:
            return Purpose(TOOLCHAIN, f"its command is an interpreter's prompt (`{program}`)")
        return Purpose(SERVICE, f"its command runs `{program}`")
    return Purpose(UNKNOWN, "no command, exposed port or telling name")


def base_workdir(image: str | None) -> str | None:
    """The WORKDIR a known base image sets, or None when it sets none or is not known."""
    if image is None:
        return None
    name = _plain(image)
    for entry in _data()["sets_workdir"]:
        if fnmatch.fnmatchcase(name, entry["pattern"]):
            return str(entry["workdir"])
    return None


@cache
def _data() -> dict[str, Any]:
    from dflint.data import load

    data: dict[str, Any] = load("image_purposes")
    return data


def _plain(image: str) -> str:
    name = normalise_image(split_image(image)[0].lower())
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/", "index.docker.io/", "library/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _known(image: str | None, kind: str) -> dict[str, Any] | None:
    if image is None:
        return None
    name = _plain(image)
    for entry in _data()[kind]:
        if fnmatch.fnmatchcase(name, entry["pattern"]):
            return dict(entry)
    return None


def _root_image(chain: tuple[Stage, ...]) -> str | None:
    root = chain[-1]
    return root.base_resolved if root.base_stage is None else None


def _names(final: Stage, target: str | None) -> Iterator[str]:
    if target:
        yield target
    if final.name:
        yield final.name


def _command(chain: tuple[Stage, ...]) -> Instruction | None:
    """The ENTRYPOINT, else the CMD, that the image runs: the last one along the chain. An entrypoint
    script (`docker-entrypoint.sh`) hands over to the CMD, so the CMD says what runs."""
    found: dict[str, Instruction] = {}
    for keyword in ("ENTRYPOINT", "CMD"):
        for stage in chain:  # nearest first
            instructions = list(stage.instructions_of(keyword))
            if instructions:
                found[keyword] = instructions[-1]
                break
    entrypoint = found.get("ENTRYPOINT")
    if entrypoint is not None and "CMD" in found and "entrypoint" in (_program(entrypoint)[0] or ""):
        return found["CMD"]
    return entrypoint or found.get("CMD")


def _program(instruction: Instruction) -> tuple[str | None, tuple[str, ...]]:
    """The program a CMD/ENTRYPOINT runs (its base name, lower case) and its arguments."""
    if instruction.json_args is not None:
        words = list(instruction.json_args)
    else:
        words = instruction.arguments.split()
    words = [word.strip("\"'") for word in words if word.strip("\"'")]
    while words and (words[0] in ("exec", "env", "tini", "/tini", "dumb-init", "--") or "=" in words[0]):
        words = words[1:]
    if not words:
        return None, ()
    return posixpath.basename(words[0]).lower(), tuple(words[1:])


def _runs_script(arguments: tuple[str, ...]) -> bool:
    """A shell given a script (`bash -c "…"`, `sh start.sh`) runs something; a bare shell is a prompt."""
    return any(not argument.startswith("-") or argument in ("-c", "-lc", "-ec", "-exc") for argument in arguments)


def _runs_tests(program: str, arguments: tuple[str, ...]) -> bool:
    if program in _TEST_RUNNERS:
        return True
    if re.fullmatch(r"python[0-9.]*", program) and arguments[:2] in (("-m", "pytest"), ("-m", "tox"), ("-m", "unittest")):
        return True
    if program in ("go", "npm", "yarn", "pnpm", "make", "cargo") and arguments[:1] == ("test",):
        return True
    return False


def _exposed(chain: tuple[Stage, ...]) -> Iterator[str]:
    for stage in chain:
        for instruction in stage.instructions_of("EXPOSE"):
            for port in (instruction.expand(instruction.arguments) or instruction.arguments).split():
                yield port.split("/")[0]
