"""Writes that cannot be redirected or lost, reads that cannot be raced, exits and names that
cannot lie: items 11 to 15 of the hostile-repository promises (`docs/security.md`).

Fixtures are built in a temporary directory at test time; each test's time is bounded by
pytest-timeout. Root ignores permission bits, so "unwritable" and "unreadable" are simulated by
refusing the system call itself.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.context import BuildContext, ContextError
from dflint.engine import Settings
from dflint.fix import fix_file
from dflint.registry import find

pytestmark = pytest.mark.timeout(60)

FIXABLE = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"
FIXED = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n"
DF301 = Settings(select=("DF301",))


def run(*args: str, cwd: Path | None = None, input: bytes | None = None) -> tuple[int, str]:
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["--no-color", *args], input=input)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def run_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None, **options: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "dflint", "--no-color", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        check=False,
        timeout=50,
        **options,
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if "dflint-tmp" in path.name or path.name.endswith(".tmp"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(FIXABLE)
    return tmp_path


# -- item 11: baselines are written through no fixed temporary name ------------------------------------


def test_a_planted_temporary_link_does_not_redirect_the_baseline(repo: Path) -> None:
    victim = repo.parent / f"{repo.name}-victim"
    victim.write_text("precious\n")
    (repo / ".dflint-baseline.json.tmp").symlink_to(victim)
    code, output = run("--write-baseline", ".dflint-baseline.json", "Dockerfile", cwd=repo)
    assert code == 0, output
    assert victim.read_text() == "precious\n"
    assert json.loads((repo / ".dflint-baseline.json").read_text())["findings"]


def test_a_baseline_that_is_a_link_is_replaced_not_written_through(repo: Path) -> None:
    victim = repo.parent / f"{repo.name}-victim"
    victim.write_text("precious\n")
    (repo / ".dflint-baseline.json").symlink_to(victim)
    code, _ = run("--write-baseline", ".dflint-baseline.json", "Dockerfile", cwd=repo)
    assert code == 0 and victim.read_text() == "precious\n"
    assert not (repo / ".dflint-baseline.json").is_symlink()


@pytest.mark.parametrize("failure", ["full-disk", "unwritable-directory"])
def test_a_baseline_write_failure_is_a_message_and_leaves_the_old_one(
    repo: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    (repo / ".dflint-baseline.json").write_text("OLD\n")
    real_open, real_write = os.open, os.write

    def refuse_create(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    if failure == "full-disk":
        monkeypatch.setattr(os, "write", full)
    else:
        monkeypatch.setattr(os, "open", refuse_create)
    code, output = run("--write-baseline", ".dflint-baseline.json", "Dockerfile", cwd=repo)
    monkeypatch.setattr(os, "write", real_write)
    expected = "no space left on the device" if failure == "full-disk" else "cannot write a temporary file next to it"
    assert code == 2 and f"dflint: error: .dflint-baseline.json: cannot write the baseline: {expected}" in output
    assert (repo / ".dflint-baseline.json").read_text() == "OLD\n" and leftovers(repo) == []


def test_a_baseline_in_a_missing_directory_is_created(repo: Path) -> None:
    code, _ = run("--write-baseline", "ci/baselines/dflint.json", "Dockerfile", cwd=repo)
    assert code == 0 and json.loads((repo / "ci" / "baselines" / "dflint.json").read_text())["tool"] == "dflint"


# -- item 12: a context file swapped for a symlink between check and open ---------------------------


def test_a_symlink_swapped_in_after_the_check_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (tmp_path / "secret.txt").write_text("CANARY-outside\n")
    (context / "requirements.txt").symlink_to(tmp_path / "secret.txt")
    build = BuildContext.at(str(context))
    real_realpath = os.path.realpath

    def stale(path: str, *args: object, **kwargs: object) -> str:
        # what the check saw a moment before: a regular file inside the context
        if str(path).endswith("requirements.txt"):
            return os.path.join(build.root, "requirements.txt")
        return real_realpath(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os.path, "realpath", stale)
    with pytest.raises(ContextError) as raised:
        build.read_text("requirements.txt")
    assert raised.value.status == "outside-context"


def test_a_file_swapped_with_a_symlink_in_a_loop_never_leaks(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (tmp_path / "secret.txt").write_text("CANARY-outside\n")
    target = context / "requirements.txt"
    target.write_text("torch==2.4.0\n")
    build = BuildContext.at(str(context))
    stop = threading.Event()

    def swap() -> None:
        regular, link = context / "regular.tmp", context / "link.tmp"
        while not stop.is_set():
            regular.write_text("torch==2.4.0\n")
            os.replace(regular, target)
            link.unlink(missing_ok=True)
            link.symlink_to(tmp_path / "secret.txt")
            os.replace(link, target)

    swapper = threading.Thread(target=swap)
    swapper.start()
    texts: list[str] = []
    try:
        for _ in range(300):
            try:
                texts.append(build.read_text("requirements.txt"))
            except ContextError:
                texts.append("")
    finally:
        stop.set()
        swapper.join()
    assert not any("CANARY" in text for text in texts)
    assert any(text == "torch==2.4.0\n" for text in texts) or all(text == "" for text in texts)


# -- item 13: closed streams, odd names, odd configuration keys ------------------------------------


def test_closed_stdin_is_an_input_error(repo: Path) -> None:
    completed = run_process("-", cwd=repo, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert completed.returncode == 2, completed.stderr
    assert b"-:1: standard input is closed" in completed.stderr and b"Traceback" not in completed.stderr


def test_closed_stdout_is_an_error_message(repo: Path) -> None:
    completed = run_process("Dockerfile", cwd=repo, preexec_fn=lambda: os.close(1))
    assert completed.returncode == 2 and b"standard output is closed" in completed.stderr
    assert b"Traceback" not in completed.stderr


ODD_NAME = os.fsdecode(b"Dockerfile.\xff\x1b[2J")


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "gitlab", "checkstyle", "github"])
def test_a_name_that_is_not_utf8_is_escaped_in_every_format(repo: Path, output_format: str) -> None:
    (repo / "Dockerfile").unlink()
    (repo / ODD_NAME).write_text(FIXABLE)
    completed = run_process(
        "--select", "DF301", "--format", output_format, ".", cwd=repo, env={"PYTHONIOENCODING": "utf-8:strict"}
    )
    assert completed.returncode == 1, completed.stderr
    out = completed.stdout.decode("utf-8")  # strict: valid UTF-8
    forms = ("Dockerfile.\\xff\\x1b[2J", "Dockerfile.\\\\xff\\\\x1b[2J", "Dockerfile.%5Cxff%5Cx1b%5B2J")  # text, JSON, URI
    assert any(form in out for form in forms), out[-2000:]
    assert "\x1b" not in out


def test_a_name_that_is_not_utf8_is_escaped_in_the_output_file(repo: Path) -> None:
    (repo / "Dockerfile").unlink()
    (repo / ODD_NAME).write_text(FIXABLE)
    code, _ = run("--select", "DF301", "--format", "sarif", "-o", "report.sarif", ".", cwd=repo)
    assert code == 1
    report = json.loads((repo / "report.sarif").read_bytes().decode("utf-8"))
    assert report["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "Dockerfile.%5Cxff%5Cx1b%5B2J"
    ) or "\\xff" in json.dumps(report)


def test_a_newline_in_a_file_name_cannot_inject_a_finding_line(repo: Path) -> None:
    (repo / "Dockerfile").unlink()
    name = "Dockerfile.x\nDockerfile:1:1: DF999 [error] injected"
    (repo / name).write_text(FIXABLE)
    code, output = run("--select", "DF301", ".", cwd=repo)
    assert code == 1
    assert not any(line.startswith("Dockerfile:1:1: DF999") for line in output.splitlines())
    assert "Dockerfile.x\\nDockerfile:1:1: DF999 [error] injected:2:5: DF301" in output


@pytest.mark.parametrize("key", ["null", "1", "true"])
def test_a_per_file_ignores_key_that_is_not_a_string_is_a_message(repo: Path, key: str) -> None:
    (repo / ".dflint.yaml").write_text(f"per-file-ignores:\n  {key}: [DF301]\n")
    code, output = run("Dockerfile", cwd=repo)
    assert code == 2 and ".dflint.yaml:2: 'per-file-ignores': a pattern must be a string, not" in output


# -- item 14: --fix reads bounded, compares at the last moment, keeps hard links ----------------------


def test_fix_checks_the_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.truncate(2_000_000_000)  # sparse: 2 GB that take no disk
    outcome = fix_file(str(path), DF301, [find("DF301")])  # type: ignore[list-item]
    assert [error.message for error in outcome.result.errors] == [
        "file is 2000.0 MB, over the 10.5 MB limit (see --max-file-size)"
    ]


@pytest.mark.parametrize("edit", ["new-inode", "same-size-same-mtime"])
def test_an_edit_made_while_fixing_is_never_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    import dflint.fix

    path = tmp_path / "Dockerfile"
    path.write_text(FIXABLE)
    edited = FIXABLE.replace("torch", "TORCH")
    real_verify = dflint.fix._verify

    def edit_meanwhile(*args: object, **kwargs: object) -> None:
        real_verify(*args, **kwargs)  # type: ignore[arg-type]
        if edit == "new-inode":  # an editor saves by replacing the file
            (tmp_path / "saved").write_text(edited)
            os.replace(tmp_path / "saved", path)
        else:  # written in place within the same clock tick
            before = path.stat()
            with open(path, "r+") as handle:
                handle.write(edited)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    monkeypatch.setattr(dflint.fix, "_verify", edit_meanwhile)
    outcome = fix_file(str(path), DF301, [find("DF301")])  # type: ignore[list-item]
    assert path.read_text() == edited
    assert outcome.result.errors[-1].message == "file changed while it was being fixed; fix not written"
    assert leftovers(tmp_path) == []


def test_fix_refuses_a_hard_linked_file_and_keeps_the_link(repo: Path) -> None:
    os.link(repo / "Dockerfile", repo / "Dockerfile.copy")
    code, output = run("--select", "DF301", "--fix", "Dockerfile", cwd=repo)
    assert code == 2 and "Dockerfile:1: file has 2 hard links; --fix replaces the file" in output
    assert (repo / "Dockerfile").read_text() == FIXABLE
    assert (repo / "Dockerfile").stat().st_ino == (repo / "Dockerfile.copy").stat().st_ino


def test_fix_still_writes_a_file_with_one_link(repo: Path) -> None:
    code, _ = run("--select", "DF301", "--fix", "Dockerfile", cwd=repo)
    assert code == 0 and (repo / "Dockerfile").read_text() == FIXED and leftovers(repo) == []


# -- item 15: smaller promises ---------------------------------------------------------------------------


def test_an_unreadable_named_file_is_its_own_input_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "locked.Dockerfile").write_text(FIXABLE)
    real_access, real_open = os.access, os.open

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if str(path).endswith("locked.Dockerfile") and mode & os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if os.fsdecode(path).endswith("locked.Dockerfile"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", refuse)
    code, output = run("--select", "DF301", "locked.Dockerfile", "Dockerfile", cwd=repo)
    assert code == 2
    assert "locked.Dockerfile:1: permission denied" in output
    assert "Dockerfile:2:5: DF301" in output  # the other file is linted


def test_a_negative_max_file_size_is_refused(repo: Path) -> None:
    code, output = run("--max-file-size", "-1", "Dockerfile", cwd=repo)
    assert code == 2 and "--max-file-size" in output and "-1" in output


@pytest.mark.parametrize("previous", ["OLD REPORT\n", None])
def test_the_output_file_survives_a_full_disk(repo: Path, monkeypatch: pytest.MonkeyPatch, previous: str | None) -> None:
    report = repo / "report.json"
    if previous is not None:
        report.write_text(previous)

    def full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    code, output = run("--format", "json", "-o", "report.json", "Dockerfile", cwd=repo)
    assert code == 2 and "dflint: error: cannot write report.json: no space left on the device" in output
    assert (report.read_text() if report.exists() else None) == previous and leftovers(repo) == []


def test_the_output_file_can_be_a_character_device(repo: Path) -> None:
    code, _ = run("-o", "/dev/null", "Dockerfile", cwd=repo)
    assert code == 1 and os.path.exists("/dev/null") and not os.path.islink("/dev/null")


def test_a_url_include_is_not_looked_up_in_the_context(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    real_read_text = BuildContext.read_text

    def spy(self: BuildContext, relative: str) -> str:
        looked_up.append(relative)
        return real_read_text(self, relative)

    monkeypatch.setattr(BuildContext, "read_text", spy)
    (repo / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    )
    (repo / "requirements.txt").write_text("-c https://example.com/constraints.txt\ntorch==2.4.0\n")
    (repo / "https:" / "example.com").mkdir(parents=True)
    (repo / "https:" / "example.com" / "constraints.txt").write_text("torch==1.0\n")  # a context path with that name
    code, output = run("--select", "DF402", "Dockerfile", cwd=repo)
    assert "requirements.txt" in looked_up and not any("example.com" in path for path in looked_up)
    assert "DF402" in output and "a URL" in output


SIGNALLED = """
import os, signal, sys, threading
sys.argv = ["dflint", "--no-color", "Dockerfile"]
from dflint import cli, inputs
real = inputs.lint
def interrupted(*args, **kwargs):
    raise KeyboardInterrupt
inputs.lint = interrupted
cli.main(prog_name="dflint")
"""


@pytest.mark.parametrize(
    "script",
    [
        SIGNALLED,
        # `dflint Dockerfile`: the launcher runs the plain line without click (`checkrun.run_paths`)
        SIGNALLED.replace('"--no-color", ', "").replace(
            'cli.main(prog_name="dflint")', "from dflint.launcher import main\nmain()"
        ),
    ],
)
def test_ctrl_c_exits_130_quietly(repo: Path, script: str) -> None:
    completed = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, check=False, timeout=50)
    assert completed.returncode == 130 and b"Traceback" not in completed.stderr and b"Aborted" not in completed.stderr


@pytest.mark.parametrize("line", [["--no-color", "--jobs", "1", "."], ["."]])  # `dflint .`: the plain line, without click
def test_a_closed_pipe_on_stdout_exits_141_quietly(repo: Path, line: list[str]) -> None:
    for number in range(200):  # enough output to overflow the pipe after the reader is gone
        (repo / f"Dockerfile.{number}").write_text(FIXABLE)
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write raises EPIPE (SIGPIPE is ignored by Python)
    completed = subprocess.run(
        [sys.executable, "-m", "dflint", *line],
        cwd=repo,
        stdout=writer,
        stderr=subprocess.PIPE,
        check=False,
        timeout=50,
    )
    os.close(writer)
    assert completed.returncode == 141, completed.stderr
    assert b"Traceback" not in completed.stderr and b"Exception ignored" not in completed.stderr


def test_signal_exit_codes_are_the_shells() -> None:
    from dflint.cli import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED

    assert (EXIT_INTERRUPTED, EXIT_BROKEN_PIPE) == (128 + signal.SIGINT, 128 + signal.SIGPIPE)


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="watching for worker processes needs /proc")
def test_ctrl_c_with_workers_exits_130_without_linting_the_rest(tmp_path: Path) -> None:
    for number in range(3000):
        (tmp_path / f"Dockerfile.{number}").write_text(FIXABLE)
    process = subprocess.Popen(
        [sys.executable, "-m", "dflint", "--no-color", "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # a shell that starts the suite in the background ignores SIGINT, and a child inherits that:
        # give dflint the default disposition a user's terminal gives it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    while process.poll() is None and len(_children(process.pid)) < 2:  # the workers are linting
        threading.Event().wait(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=50)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr and b"Aborted" not in stderr
