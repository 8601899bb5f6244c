"""CI-gate and editor options through the real CLI: --output-file, --statistics, --quiet, --fail-on,
and stdin with --stdin-filename (JSON with end positions and fix edits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main

DIRTY = (
    "FROM python:3.11-slim-bookworm AS base\nRUN apt-get update && apt-get install -y ffmpeg\nRUN pip install a==1\n"
    "FROM base\nRUN pip install b==1\n"
)  # two stages: the pip installs of a stage are one DF301 finding


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--isolated", "--select", "DF301,DF302,DF306", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def dockerfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DIRTY)
    return "Dockerfile"


def test_output_file(dockerfile: str, tmp_path: Path) -> None:
    code, out, _ = run("--format", "sarif", "--output-file", "reports/dflint.sarif", dockerfile)
    assert code == 1 and out == ""
    assert json.loads((tmp_path / "reports" / "dflint.sarif").read_text())["runs"][0]["results"]


def test_statistics(dockerfile: str) -> None:
    code, out, _ = run("--statistics", dockerfile)
    assert code == 1
    assert out.splitlines() == [
        "2  DF301  [*] pip-cache",
        "1  DF302  [*] apt-lists-not-removed",
        "1  DF306  [*] apt-no-install-recommends",
    ]
    code, out, _ = run("--statistics", "--format", "json", dockerfile)
    assert [(row["code"], row["count"]) for row in json.loads(out)] == [("DF301", 2), ("DF302", 1), ("DF306", 1)]
    assert run("--statistics", "--format", "sarif", dockerfile)[0] == 2


def test_quiet_prints_findings_only(dockerfile: str) -> None:
    _, loud, _ = run(dockerfile)
    code, quiet, _ = run("--quiet", dockerfile)
    assert code == 1 and "Found 4 problems" in loud and "Found" not in quiet
    assert quiet.splitlines() == [line for line in loud.splitlines() if line.split(":")[1:2] and line.split(":")[1].isdigit()]
    assert run("-q", "--fail-on", "error", dockerfile)[0] == 0


def test_fail_on(dockerfile: str) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(main, ["--isolated", "--select", "DF306", dockerfile]).exit_code == 0
    )  # info is below the default threshold
    assert runner.invoke(main, ["--isolated", "--select", "DF306", "--fail-on", "info", dockerfile]).exit_code == 1


def test_stdin_for_editors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "requirements.txt").write_text("numpy==2.1.0\n")
    code, out, _ = run("--format", "json", "-", "--stdin-filename", "svc/Dockerfile", stdin=DIRTY.encode())
    assert code == 1
    findings = json.loads(out)["findings"]
    assert {f["file"] for f in findings} == {"svc/Dockerfile"}
    pip = next(f for f in findings if f["code"] == "DF301")
    assert (pip["line"], pip["column"], pip["end_line"], pip["end_column"]) == (3, 5, 3, 21)
    edit = pip["fix"]["edits"][0]
    fixed = DIRTY[: edit["start"]] + edit["replacement"] + DIRTY[edit["end"] :]
    assert "pip install --no-cache-dir a==1" in fixed
