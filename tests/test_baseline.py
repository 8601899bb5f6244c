"""`--write-baseline` / `--baseline`: accept existing findings, fail only on new ones, survive lines
moving above a finding, count duplicates, and report stale entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main

# two stages: the pip installs of one stage are one DF301 finding (`dflint.grouping`)
BEFORE = "FROM python:3.11-slim AS base\nRUN pip install a==1\nFROM base\nRUN pip install b==1\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--isolated", "--select", "DF301", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(BEFORE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_then_check_passes(repo: Path) -> None:
    code, _, err = run("--write-baseline", ".dflint-baseline.json", "app")
    assert code == 0 and "wrote 2 findings" in err
    document = json.loads((repo / ".dflint-baseline.json").read_text())
    assert document["version"] == 2 and [entry["file"] for entry in document["findings"]] == ["app/Dockerfile"] * 2
    assert all("line" not in entry for entry in document["findings"])  # keyed by content, not position
    code, out, err = run("--baseline", ".dflint-baseline.json", "app")
    assert code == 0 and "All checks passed" in out and "2 findings in the baseline" in err


def test_lines_moving_above_keep_findings_baselined_and_new_ones_fail(repo: Path) -> None:
    run("--write-baseline", ".dflint-baseline.json", "app")
    moved = (
        "# syntax=docker/dockerfile:1\nFROM python:3.11-slim AS base\n\n# install\nRUN pip install a==1\n"
        "FROM base\nRUN pip install b==1\nFROM base\nRUN pip install c==1\n"
    )
    (repo / "app" / "Dockerfile").write_text(moved)
    code, out, _ = run("--baseline", ".dflint-baseline.json", "--format", "json", "app")
    assert code == 1
    assert [(f["line"], f["message"].startswith("`pip install`")) for f in json.loads(out)["findings"]] == [(9, True)]


def test_a_second_copy_of_a_baselined_finding_is_new(repo: Path) -> None:
    (repo / "app" / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install a==1\n")
    run("--write-baseline", ".dflint-baseline.json", "app")
    (repo / "app" / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install a==1\nRUN pip install a==1\n")
    assert run("--baseline", ".dflint-baseline.json", "app")[0] == 1


def test_a_new_place_of_a_baselined_decision_is_new(repo: Path) -> None:
    # the stage's installs are one finding; another install that keeps the cache makes it new
    (repo / "app" / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install a==1\nRUN pip install b==1\n")
    run("--write-baseline", ".dflint-baseline.json", "app")
    assert run("--baseline", ".dflint-baseline.json", "app")[0] == 0
    (repo / "app" / "Dockerfile").write_text(
        "FROM python:3.11-slim\nRUN pip install a==1\nRUN pip install b==1\nRUN pip install c==1\n"
    )
    code, out, err = run("--baseline", ".dflint-baseline.json", "--format", "json", "app")
    assert code == 1 and "1 stale baseline entry" in err
    (finding,) = json.loads(out)["findings"]
    assert finding["line"] == 2 and "(and 2 more in this stage)" in finding["message"]


def test_stale_entries_are_reported_and_paths_are_relative_to_the_baseline(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("--write-baseline", "ci/baseline.json", "app")
    (repo / "app" / "Dockerfile").write_text(
        "FROM python:3.11-slim AS base\nRUN pip install --no-cache-dir a==1\nFROM base\nRUN pip install b==1\n"
    )
    monkeypatch.chdir(repo / "app")  # run from elsewhere: the baseline's own directory anchors the paths
    code, _, err = run("--baseline", "../ci/baseline.json", "Dockerfile")
    assert code == 0 and "1 stale baseline entry (no longer found" in err


def test_bad_baseline_files_are_errors(repo: Path) -> None:
    assert run("--baseline", "missing.json", "app")[0] == 2
    (repo / "bad.json").write_text("{not json")
    code, _, err = run("--baseline", "bad.json", "app")
    assert code == 2 and "bad.json:1:" in err
    (repo / "other.json").write_text('{"version": 99, "findings": []}')
    assert run("--baseline", "other.json", "app")[0] == 2


def test_entries_survive_fix_editing_their_line(repo: Path) -> None:
    select = ("--select", "DF301,DF305,DF306,DF401")
    (repo / "app" / "Dockerfile").write_text(
        "FROM python:3.11-slim-bookworm\nRUN apt-get update && apt-get install ffmpeg \\\n    && pip install a==1 torch\n"
    )
    assert run(*select, "--write-baseline", "b.json", "app")[0] == 0
    assert len(json.loads((repo / "b.json").read_text())["findings"]) == 4
    code, _, _ = run("--select", "DF301,DF305", "--fix", "app/Dockerfile")  # -y and --no-cache-dir on both lines
    assert "apt-get install -y ffmpeg" in (repo / "app" / "Dockerfile").read_text()
    code, out, err = run(*select, "--baseline", "b.json", "--format", "json", "app")
    assert code == 0 and json.loads(out)["findings"] == []
    assert "2 findings in the baseline b.json not reported; 2 stale baseline entries" in err


def test_version_1_baselines_are_still_read(repo: Path) -> None:
    from dflint.baseline import fingerprint
    from dflint.engine import Settings, lint_file, selected_rules

    settings = Settings(select=("DF301",))
    result = lint_file("app/Dockerfile", settings, selected_rules(settings))
    entries = [
        {"file": "app/Dockerfile", "code": "DF301", "fingerprint": fingerprint(result, finding, 1), "count": 1}
        for finding in result.findings
    ]
    assert fingerprint(result, result.findings[0], 1) != fingerprint(result, result.findings[0])
    (repo / "v1.json").write_text(json.dumps({"version": 1, "findings": entries}))
    code, _, err = run("--baseline", "v1.json", "app")
    assert code == 0 and "2 findings in the baseline" in err
