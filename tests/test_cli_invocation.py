"""`--target` and `--build-arg` checked against the Dockerfile as `docker build` would."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dflint.cli import main

TEXT = "ARG BASE=python:3.11-slim\nFROM $BASE AS build\nRUN pip install a==1\nFROM $BASE AS runtime\nARG EXTRA\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--select", "DF301", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_unknown_target_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(TEXT)
    other = tmp_path / "b" / "Dockerfile"
    other.parent.mkdir()
    other.write_text("FROM python:3.11-slim AS buidler\nRUN pip install a==1\n")
    code, out, err = run("--no-color", "--target", "buidl", str(dockerfile), str(other))
    assert code == 2
    assert f"{dockerfile}:1: target stage 'buidl' not found (did you mean 'build'?); its stages: build, runtime" in err
    assert f"{other}:1: target stage 'buidl' not found (did you mean 'buidler'?)" in err
    assert "DF301" not in out  # the file is not linted as if no target was given
    assert run("--target", "build", str(dockerfile))[0] == 1
    assert run("--target", "BUILD", str(dockerfile))[0] == 1  # stage names are case-insensitive


def test_unknown_compose_target_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(TEXT)
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build:\n      context: .\n      target: runtme\n")
    code, _, err = run(str(tmp_path / "compose.yaml"))
    assert code == 2 and "service 'api': target stage 'runtme' not found (did you mean 'runtime'?)" in err


def test_undeclared_build_arg_is_a_warning(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(TEXT)
    code, out, err = run("--format", "json", "--build-arg", "EXTRAS=x", "--build-arg", "BASE=python:3.12-slim", str(dockerfile))
    assert code == 0 and json.loads(out)["errors"] == []
    assert err.splitlines() == [
        f"{dockerfile}:1: warning: build argument 'EXTRAS' is not declared by any ARG; the build ignores it (did you mean 'EXTRA'?)"
    ]
    assert run("--build-arg", "HTTP_PROXY=http://proxy:3128", "--build-arg", "EXTRA=y", str(dockerfile))[2] == ""
