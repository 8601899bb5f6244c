"""A hostile repository (an attacker's pull request, linted in CI) can make dflint print no secret,
read or write no file outside the project, and hang on no special file.

Every fixture (symlinks, FIFOs, devices) is built in a temporary directory at test time; the time
bound of each test is enforced by pytest-timeout, never by a wall-clock assertion. `docs/security.md`
lists each promise with the test that keeps it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.reading import ReadError, read_file, read_stdin

pytestmark = pytest.mark.timeout(60)

CANARY = "ghp_CANARY0123456789secret"
FIXABLE = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"  # DF301 adds --no-cache-dir
CLEAN = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    """The command line in this process (from `cwd`); stdout and stderr together."""
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["--no-color", *args])
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def run_process(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: int | None = None) -> tuple[int, str]:
    """dflint in its own process: for what only a real process shows (its environment in /proc,
    its standard streams)."""
    completed = subprocess.run(
        [sys.executable, "-m", "dflint", "--no-color", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=stdin,
        capture_output=True,
        check=False,
        timeout=50,
    )
    return completed.returncode, completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(the repository under lint, a directory outside it holding secrets and a Dockerfile)."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (outside / "passwd").write_text(f"root:x:0:0:{CANARY}:/root:/bin/bash\n")
    (outside / "secret.yaml").write_text(f"select: [{CANARY}]\n")
    (outside / "Dockerfile").write_text(FIXABLE)
    (repo / "Dockerfile").write_text(CLEAN)
    yield repo, outside


# -- item 1: no secret on stderr through a symlinked configuration ---------------------------------


def test_a_config_linked_to_the_process_environment_prints_no_secret(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / ".dflint.yaml").symlink_to("/proc/self/environ")
    code, output = run_process("Dockerfile", cwd=repo, env={"CANARY": CANARY})
    assert code == 2
    assert CANARY not in output
    assert ".dflint.yaml:1: the configuration file resolves outside the current directory through a symlink" in output


def test_a_pyproject_linked_to_the_process_environment_prints_no_secret(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "pyproject.toml").symlink_to("/proc/self/environ")
    code, output = run_process("Dockerfile", cwd=repo, env={"CANARY": CANARY, "X": "dflint"})
    assert code == 1 and "DF203" in output  # linted: a pyproject.toml dflint may not read holds no [tool.dflint]
    assert CANARY not in output and "pyproject.toml" not in output


def test_a_config_linked_to_a_file_outside_is_not_read(world: tuple[Path, Path]) -> None:
    repo, outside = world
    (repo / ".dflint.yaml").symlink_to(outside / "secret.yaml")
    code, output = run("Dockerfile", cwd=repo)
    assert code == 2 and CANARY not in output
    assert "resolves outside the current directory through a symlink; not read" in output


def test_a_config_linked_inside_the_project_is_read(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "config").mkdir()
    (repo / "config" / "dflint.yaml").write_text("select: [DF999]\n")
    (repo / ".dflint.yaml").symlink_to("config/dflint.yaml")
    code, output = run("Dockerfile", cwd=repo)
    assert code == 2 and "unknown rule" in output and "DF999" in output


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (".dflint.yaml", f"select: [DF301]\nignore: '{CANARY}\n"),  # an unclosed quote
        (".dflint.yaml", f"select: [DF301]\n{CANARY}\0\n"),  # a NUL byte
        ("pyproject.toml", f'[tool.dflint]\nselect = ["DF301"]\n{CANARY} = = 1\n'),
    ],
    ids=["yaml-syntax", "yaml-nul", "toml-syntax"],
)
def test_a_config_that_does_not_parse_is_reported_by_position_only(world: tuple[Path, Path], name: str, document: str) -> None:
    repo, _ = world
    (repo / name).write_text(document)
    code, output = run("Dockerfile", cwd=repo)
    assert code == 2 and f"{name}:" in output
    assert CANARY not in output, output


# -- item 2: compose `dockerfile:` stays in the project ---------------------------------------------


@pytest.mark.parametrize("dockerfile", ["ABSOLUTE", "../outside/passwd", "../../repo/../outside/passwd"])
def test_a_compose_dockerfile_outside_the_project_is_not_read(world: tuple[Path, Path], dockerfile: str) -> None:
    repo, outside = world
    value = str(outside / "passwd") if dockerfile == "ABSOLUTE" else dockerfile
    (repo / "compose.yaml").write_text(f"services:\n  app:\n    build:\n      context: .\n      dockerfile: {value}\n")
    code, output = run("compose.yaml", cwd=repo)
    assert code == 2 and CANARY not in output
    assert "compose.yaml:5: service 'app': Dockerfile" in output and "is outside the compose project directory" in output


def test_fix_through_compose_never_writes_outside_the_project(world: tuple[Path, Path]) -> None:
    repo, outside = world
    (repo / "compose.yaml").write_text(
        "services:\n  app:\n    build:\n      context: .\n      dockerfile: ../outside/Dockerfile\n"
        "  linked:\n    build:\n      context: .\n      dockerfile: Linked.Dockerfile\n"
    )
    (repo / "Linked.Dockerfile").symlink_to(outside / "Dockerfile")
    code, output = run("--fix", "compose.yaml", cwd=repo)
    assert code == 2
    assert output.count("is outside the compose project directory") == 2, output
    assert (outside / "Dockerfile").read_text() == FIXABLE


# -- item 3: directory scans follow no symlink out of the scanned tree -----------------------------


def test_a_scanned_symlink_out_of_the_tree_is_not_echoed(world: tuple[Path, Path]) -> None:
    repo, outside = world
    (repo / "Dockerfile.leak").symlink_to(outside / "passwd")
    code, output = run(".", cwd=repo)
    assert code == 2 and CANARY not in output
    assert "Dockerfile.leak:1: file resolves outside the current directory through a symlink; not read" in output


def test_a_scanned_symlink_to_dev_zero_is_refused(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to("/dev/zero")
    code, output = run(str(repo))
    assert code == 2 and "svc/Dockerfile:1: file resolves outside" in output


def test_a_scanned_symlink_inside_the_tree_is_linted(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "base").mkdir()
    (repo / "base" / "Dockerfile").write_text(FIXABLE)
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to("../base/Dockerfile")
    code, output = run("--select", "DF301", str(repo))
    assert code == 1 and "svc/Dockerfile:2:5: DF301" in output


def test_the_scanned_tree_is_the_boundary_not_the_current_directory(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to("../Dockerfile")  # inside the repository, outside `svc`
    code, output = run("svc", cwd=repo)
    assert code == 2 and "svc/Dockerfile:1: file resolves outside 'svc' through a symlink; not read" in output


def test_fix_on_a_directory_never_writes_through_a_symlink_out_of_it(world: tuple[Path, Path]) -> None:
    repo, outside = world
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to(outside / "Dockerfile")
    code, output = run("--fix", ".", cwd=repo)
    assert code == 2 and "resolves outside" in output
    assert (outside / "Dockerfile").read_text() == FIXABLE


# -- item 4: special files never block, never exhaust memory ---------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fifo", [".dockerignore", "requirements.txt", "Dockerfile", "scanned"])
def test_a_fifo_never_blocks_the_run(world: tuple[Path, Path], fifo: str, jobs: str) -> None:
    repo, _ = world
    (repo / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    )
    if fifo != "requirements.txt":
        (repo / "requirements.txt").write_text("torch==2.4.0\n")
    name = "svc/Dockerfile" if fifo == "scanned" else fifo
    (repo / name).parent.mkdir(exist_ok=True)
    if fifo == "Dockerfile":
        (repo / name).unlink()
    os.mkfifo(repo / name)
    code, output = run("--jobs", jobs, ".", cwd=repo)
    if fifo in ("Dockerfile", "scanned"):
        assert code == 2 and f"{name}:1: file is a FIFO (named pipe), not a regular file; not read" in output
    elif fifo == "requirements.txt":
        assert "'requirements.txt' is a FIFO (named pipe), not a regular file" in output
    else:  # not read: an input error on the .dockerignore, and nothing claimed about what it excludes
        assert code == 2 and ".dockerignore:1: '.dockerignore' is a FIFO (named pipe), not a regular file" in output, output
        assert "DF504" not in output and "DF401" not in output and "DF203" in output, output


def test_a_device_as_requirements_file_is_not_read(world: tuple[Path, Path]) -> None:
    repo, _ = world
    (repo / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    )
    try:
        os.mknod(repo / "requirements.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    code, output = run(".", cwd=repo)
    assert "'requirements.txt' is a character device, not a regular file" in output, output


def test_the_reader_refuses_a_device_without_opening_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, flags: int, *args: object, **kwargs: object) -> int:
        opened.append(os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    with pytest.raises(ReadError, match="is a character device, not a regular file") as raised:
        read_file("/dev/zero", limit=100, boundary="/dev")
    assert raised.value.status == "special" and "zero" not in opened


def test_stdin_from_dev_zero_stops_at_the_limit() -> None:
    with open("/dev/zero", "rb") as zero, pytest.raises(ReadError, match="over the 0.0 MB limit"):
        read_stdin(1000, zero)


def test_dflint_reading_dev_zero_on_stdin_is_an_input_error(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        code, output = run_process("-", cwd=tmp_path, stdin=zero.fileno())
    assert code == 2 and "-:1: standard input is over the 10.0 MB limit (see --max-file-size)" in output


def test_a_file_growing_past_the_limit_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"#" * 5000)
    with pytest.raises(ReadError) as raised:
        read_file(str(path), limit=4096, boundary=str(tmp_path))
    assert raised.value.status == "too-large" and raised.value.size == 5000
