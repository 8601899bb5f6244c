"""Which files a run lints: one matcher (gitignore semantics, RE2) for `--exclude`, the
configuration and `.gitignore`; explicit files; exit control, colour and the summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main, use_color
from tests.helpers import imported_modules

DIRTY = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--select", "DF301", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def linted(*args: str) -> list[str]:
    code, out, err = run("--format", "json", *args)
    assert code in (0, 1), err
    return sorted({os.path.normpath(finding["file"]) for finding in json.loads(out)["findings"]})


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("docker/api.Dockerfile", "docker/Dockerfile", "a/b/c/Dockerfile", "a/Dockerfile", "vendor/Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(DIRTY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("pattern", "left"),
    [
        ("docker/*.Dockerfile", ["a/Dockerfile", "a/b/c/Dockerfile", "docker/Dockerfile", "vendor/Dockerfile"]),
        ("docker/**", ["a/Dockerfile", "a/b/c/Dockerfile", "vendor/Dockerfile"]),
        ("a/**/Dockerfile", ["docker/Dockerfile", "docker/api.Dockerfile", "vendor/Dockerfile"]),
        ("b", ["a/Dockerfile", "docker/Dockerfile", "docker/api.Dockerfile", "vendor/Dockerfile"]),
    ],
)
def test_command_line_and_configuration_patterns_match_alike(tree: Path, pattern: str, left: list[str]) -> None:
    assert linted("--exclude", pattern, ".") == left
    (tree / ".dflint.yaml").write_text(f"exclude: ['{pattern}']\n")
    assert linted(".") == left


def test_exclude_replaces_the_configuration_and_extend_exclude_adds(tree: Path) -> None:
    (tree / ".dflint.yaml").write_text("exclude: [docker]\nextend-exclude: [vendor]\n")
    assert linted(".") == ["a/Dockerfile", "a/b/c/Dockerfile"]
    assert linted("--exclude", "a", ".") == ["docker/Dockerfile", "docker/api.Dockerfile"]  # vendor still out
    assert linted("--extend-exclude", "c/", ".") == ["a/Dockerfile"]


def test_an_excluded_directory_named_on_the_command_line_is_not_an_error(tree: Path) -> None:
    code, out, err = run("--format", "json", "--exclude", "docker", "docker", "a")
    assert code == 1 and err == ""
    assert sorted({f["file"] for f in json.loads(out)["findings"]}) == ["a/Dockerfile", "a/b/c/Dockerfile"]
    (tree / "empty").mkdir()
    code, _, err = run("empty")
    assert code == 2 and "empty:1: directory has no Dockerfile" in err


def test_gitignore_is_respected_in_directory_search(tree: Path) -> None:
    (tree / ".git" / "info").mkdir(parents=True)
    (tree / ".gitignore").write_text("vendor/\n*.Dockerfile\n")
    (tree / "a" / ".gitignore").write_text("b\n")
    (tree / "docker" / ".gitignore").write_text("!api.Dockerfile\n")
    (tree / ".git" / "info" / "exclude").write_text("/docker/Dockerfile\n")
    assert linted(".") == ["a/Dockerfile", "docker/api.Dockerfile"]
    assert linted("--no-respect-gitignore", ".") == [
        "a/Dockerfile",
        "a/b/c/Dockerfile",
        "docker/Dockerfile",
        "docker/api.Dockerfile",
        "vendor/Dockerfile",
    ]
    assert linted("vendor/Dockerfile") == ["vendor/Dockerfile"]  # named explicitly: linted
    assert linted("--force-exclude", "vendor/Dockerfile") == ["vendor/Dockerfile"]  # git's ignores are for the search


def test_gitignore_means_nothing_outside_a_work_tree(tree: Path) -> None:
    (tree / ".gitignore").write_text("vendor/\n")
    assert "vendor/Dockerfile" in linted(".")


def test_explicit_files_are_linted_unless_force_exclude(tree: Path) -> None:
    assert linted("--exclude", "docker", "docker/Dockerfile") == ["docker/Dockerfile"]
    code, out, _ = run("--format", "json", "--exclude", "docker", "--force-exclude", "docker/Dockerfile")
    assert code == 0 and json.loads(out)["findings"] == []


def test_a_pattern_that_would_backtrack_matches_in_linear_time(tree: Path) -> None:
    from dflint.pathmatch import _spec

    pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*b"
    assert type(_spec((pattern,))._backend).__module__.startswith("pathspec._backends.re2")
    name = "a" * 200 + ".Dockerfile"  # a backtracking matcher takes far longer than any test run here
    (tree / name).write_text(DIRTY)
    (tree / ".dflint.yaml").write_text(f"exclude: ['{pattern}']\n")
    assert name in linted(".")


def test_invalid_patterns_are_usage_and_configuration_errors(tree: Path) -> None:
    code, _, err = run("--exclude", "!", ".")
    assert code == 2 and err.startswith("dflint: error: invalid pattern")
    (tree / ".dflint.yaml").write_text("exclude:\n  - ok\n  - '!'\n")
    code, _, err = run(".")
    assert code == 2 and err.startswith(".dflint.yaml:3: 'exclude':")


def test_no_pattern_no_pathspec_import(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DIRTY)
    imported = imported_modules("--select", "DF301", ".", cwd=tmp_path, codes=(1,))
    assert "dflint.discover" in imported and not {"pathspec", "re2"} & imported


def test_exit_zero_and_fail_on_none(tree: Path) -> None:
    assert run("a/Dockerfile")[0] == 1
    assert run("--exit-zero", "a/Dockerfile")[0] == 0
    assert run("--fail-on", "none", "a/Dockerfile")[0] == 0
    assert run("--exit-zero", "missing/Dockerfile")[0] == 2  # an input error still fails
    (tree / ".dflint.yaml").write_text("fail-on: none\n")
    assert run("a/Dockerfile")[0] == 0
    assert run("--fail-on", "warning", "a/Dockerfile")[0] == 1


def test_summary_never_says_passed_when_an_input_failed(tree: Path) -> None:
    code, out, err = run("--no-color", "missing-path")
    assert code == 2 and "passed" not in out
    assert out.strip() == "No problems found in what could be linted (1 input); 1 input error."
    assert "missing-path:1:" in err


@pytest.mark.parametrize(
    ("flag", "tty", "environ", "expected"),
    [
        (False, True, {}, True),
        (False, False, {}, False),
        (False, False, {"FORCE_COLOR": "1"}, True),
        (False, False, {"FORCE_COLOR": ""}, False),
        (False, True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR is not set
        (False, True, {"NO_COLOR": "1"}, False),
        (False, False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, False, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_conventions(flag: bool, tty: bool, environ: dict[str, str], expected: bool) -> None:
    assert use_color(flag, tty, environ) is expected


def test_force_color_colours_a_ci_log(tree: Path) -> None:
    env = {**os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    result = subprocess.run(
        [sys.executable, "-m", "dflint", "--select", "DF301", "a/Dockerfile"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "\033[" in result.stdout
