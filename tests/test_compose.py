"""`dflint compose.yaml`: each service's Dockerfile with its own context, dockerfile, target and
build args (and `dockerfile_inline`); findings name the service; bad services are input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.compose import interpolate, is_compose_file

API = """ARG BASE=python:3.11
FROM ${BASE} AS runtime
RUN pip install torch==2.4.0

FROM python:3.11-slim AS test
RUN pip install pytest==8.3.3
"""
WORKER = "FROM python:3.11-slim\nARG EXTRA\nRUN pip install $EXTRA\n"
COMPOSE = """services:
  api:
    build:
      context: ./api
      target: runtime
      args:
        BASE: python:3.11-slim
  worker:
    build:
      context: worker
      dockerfile: docker/Worker.Dockerfile
      args:
        - EXTRA=onnxruntime==1.20.1
  db:
    image: postgres:16
  inline:
    build:
      context: .
      dockerfile_inline: |
        FROM python:3.11-slim
        RUN pip install flask==3.0.3
"""


def run(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["--isolated", "--select", "DF301,DF102", "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(API)
    (tmp_path / "worker" / "docker").mkdir(parents=True)
    (tmp_path / "worker" / "docker" / "Worker.Dockerfile").write_text(WORKER)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_two_services_with_target_and_build_args(project: Path) -> None:
    code, document, _ = run("compose.yaml")
    assert code == 1 and not document["errors"]
    found = sorted((f["file"], f["line"], f["code"], f["message"].split(":", 1)[0]) for f in document["findings"])
    assert found == [
        ("api/Dockerfile", 3, "DF301", "service 'api'"),  # target runtime: the test stage does not ship
        ("compose.yaml", 21, "DF301", "service 'inline'"),  # mapped onto the compose file's line
        ("worker/docker/Worker.Dockerfile", 3, "DF301", "service 'worker'"),
    ]
    inline = next(f for f in document["findings"] if f["file"] == "compose.yaml")
    assert inline["column"] == 13 and inline["fix"] is None
    # without the service's build arg BASE would be python:3.11, a build image (DF102)
    assert all(f["code"] != "DF102" for f in document["findings"])
    assert any(f["code"] == "DF102" for f in run("--target", "runtime", "api/Dockerfile")[1]["findings"])


def test_build_arg_values_reach_the_model(project: Path) -> None:
    result = CliRunner().invoke(main, ["--isolated", "--select", "DF401", "--format", "json", "compose.yaml"])
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert not any("onnxruntime" in message for message in messages)  # EXTRA=onnxruntime==1.20.1 is pinned
    result = CliRunner().invoke(
        main, ["--isolated", "--select", "DF401", "--format", "json", "--build-arg", "EXTRA=onnxruntime", "compose.yaml"]
    )
    assert any(
        "service 'worker'" in f["message"] and "onnxruntime" in f["message"] for f in json.loads(result.stdout)["findings"]
    )


def test_missing_dockerfile_and_escaping_context_are_input_errors(project: Path) -> None:
    (project / "compose.yaml").write_text(
        "services:\n  api:\n    build:\n      context: api\n      dockerfile: Nope.Dockerfile\n  out:\n    build: ../elsewhere\n  ok:\n    build: api\n"
    )
    code, document, err = run("compose.yaml")
    assert code == 2
    assert [(e["line"], e["message"]) for e in document["errors"]] == [
        (5, "service 'api': Dockerfile 'api/Nope.Dockerfile' not found (`dockerfile` is relative to the build context 'api')"),
        (7, "service 'out': build context '../elsewhere' is outside the compose project directory; not linted"),
    ]
    assert {f["message"].split(":")[0] for f in document["findings"]} == {"service 'ok'"}


def test_remote_contexts_and_image_only_services_are_skipped(project: Path) -> None:
    (project / "docker-compose.yml").write_text(
        "services:\n  web:\n    build: https://github.com/acme/web.git#main\n  db:\n    image: postgres\n"
    )
    code, document, _ = run("docker-compose.yml")
    assert code == 0 and document == {**document, "findings": [], "errors": []}


def test_not_a_compose_file(project: Path) -> None:
    (project / "compose.yml").write_text("version: '3'\n")
    code, document, _ = run("compose.yml")
    assert code == 2 and document["errors"][0]["message"] == "not a compose file: no `services` mapping"


def test_compose_names_and_interpolation() -> None:
    assert is_compose_file("deploy/compose.yaml") and is_compose_file("docker-compose.prod.yml")
    assert not is_compose_file("Dockerfile") and not is_compose_file("composer.yaml")
    env = {"TAG": "1.2", "EMPTY": ""}
    assert interpolate("app:${TAG}", env) == "app:1.2"
    assert interpolate("${MISSING:-x}/${EMPTY:-y}/${EMPTY-z}/$$", env) == "x/y//$"
    assert interpolate("${MISSING}", env) is None


def test_compose_interpolation_rules() -> None:
    from dflint.compose import InterpolationError

    env = {"TAG": "1.2", "EMPTY": "", "BASE": "python"}
    assert interpolate("${MISSING-d}|${EMPTY-d}|${EMPTY:-d}|${TAG:+set}|${EMPTY+set}|${MISSING+set}", env) == "d||d|set|set|"
    assert interpolate("${MISSING:-${BASE}:${TAG}}", env) == "python:1.2"  # nested defaults
    assert interpolate("$$TAG $${TAG} a$", env) == "$TAG ${TAG} a$"
    assert interpolate("${TAG:?needed}", env) == "1.2"
    with pytest.raises(InterpolationError, match="required variable MISSING is unset: set it in .env"):
        interpolate("${MISSING:?set it in .env}", env)
    with pytest.raises(InterpolationError, match="required variable EMPTY is empty"):
        interpolate("${EMPTY:?}", env)
    assert interpolate("${EMPTY?x}", env) == ""  # `?` without `:` accepts an empty value


def test_the_project_env_file_feeds_interpolation(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.compose import read_env_file

    (project / ".env").write_text(
        "# settings\nexport BASE_IMAGE=python:3.11-slim  # the base\nQUOTED='a $BASE_IMAGE'\nDOUBLE=\"${BASE_IMAGE}\\n\"\nbad line\n"
    )
    assert read_env_file(str(project / ".env"), {}) == {
        "BASE_IMAGE": "python:3.11-slim",
        "QUOTED": "a $BASE_IMAGE",
        "DOUBLE": "python:3.11-slim\n",
    }
    (project / "api" / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\nRUN pip install a==1\n")
    (project / "compose.yaml").write_text(
        "services:\n  api:\n    build:\n      context: api\n      args:\n        BASE: ${BASE_IMAGE}\n    env_file: [runtime.env]\n"
    )
    monkeypatch.delenv("BASE_IMAGE", raising=False)
    code, document, err = run("--select", "DF301,DF102,DF151", "compose.yaml")
    assert err == "" and [f["code"] for f in document["findings"]] == ["DF301"]
    monkeypatch.setenv("BASE_IMAGE", "$(nope)")  # the environment wins over .env
    code, document, err = run("--select", "DF301", "compose.yaml")
    assert code == 1


def test_a_missing_required_variable_is_an_input_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTX", raising=False)
    (project / "compose.yaml").write_text("services:\n  api:\n    build:\n      context: ${CTX:?set CTX}\n")
    code, document, _ = run("compose.yaml")
    assert code == 2
    assert document["errors"][0]["line"] == 4
    assert document["errors"][0]["message"] == "service 'api': required variable CTX is unset: set CTX"


def test_env_file_replaces_the_project_env_as_compose_does(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BASE_IMAGE", raising=False)
    monkeypatch.delenv("TAG", raising=False)
    (project / ".env").write_text("OTHER=1\n")
    (project / "ci").mkdir()
    (project / "ci" / "one.env").write_text("TAG=3.11-slim\nBASE_IMAGE=python:${TAG}\n")
    (project / "ci" / "two.env").write_text("TAG=3.12-slim\n")
    (project / "api" / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\nRUN pip install a==1\n")
    (project / "compose.yaml").write_text(
        "services:\n  api:\n    build:\n      context: api\n      args:\n        BASE: ${BASE_IMAGE}\n"
    )
    code, document, _ = run("--select", "DF301,DF151", "compose.yaml")
    assert [f["code"] for f in document["findings"]] == ["DF151", "DF301"]  # BASE_IMAGE is set in no file read
    code, document, err = run("--select", "DF301,DF151", "--env-file", "ci/one.env", "--env-file", "ci/two.env", "compose.yaml")
    assert err == "" and [f["code"] for f in document["findings"]] == ["DF301"]
    code, document, _ = run("--env-file", "ci/missing.env", "compose.yaml")
    assert code == 2 and document["errors"][0]["message"].startswith("cannot read the env file: no such file")
