"""The composite GitHub Action in action.yml: its metadata is what GitHub requires, every input
reaches the scripts through `env:` only, and its scripts run here as a runner would run them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("id") or step["name"]: step for step in ACTION["runs"]["steps"]}
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DIRTY = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_metadata_has_what_github_requires() -> None:
    assert isinstance(ACTION["name"], str) and isinstance(ACTION["description"], str)
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["branding"]) == {"icon", "color"}
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name) and spec["description"], name
        assert isinstance(spec.get("default", ""), str), name  # inputs are strings
    for name, spec in ACTION["outputs"].items():
        assert spec["description"] and EXPRESSION.fullmatch(spec["value"]), name
    for step in ACTION["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step), step["name"]
        if "run" in step:
            assert step["shell"] == "bash", step["name"]  # composite run steps must name their shell
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]


def test_inputs_reach_scripts_only_through_env() -> None:
    declared = set(ACTION["inputs"])
    ids = {step["id"] for step in ACTION["runs"]["steps"] if "id" in step}
    used: set[str] = set()
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"{step['name']}: an expression spliced into a script"
        for text in [*map(str, step.get("env", {}).values()), *map(str, step.get("with", {}).values()), step.get("if", "")]:
            for expression in EXPRESSION.findall(text) + ([text] if "if" in step and text == step["if"] else []):
                used.update(re.findall(r"inputs\.([a-z0-9-]+)", expression))
                for step_id in re.findall(r"steps\.([\w-]+)\.", expression):
                    assert step_id in ids, step_id
    assert used <= declared and declared <= used, (declared - used, used - declared)


def _run(step: str, tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = tmp_path / "github-output"
    output.touch()
    full = {
        **{key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")},
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "GITHUB_OUTPUT": str(output),
        **env,
    }
    result = subprocess.run(
        ["bash", "-c", STEPS[step]["run"]], cwd=tmp_path, env=full, capture_output=True, text=True, check=False
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return result, outputs


def _inputs(**overrides: str) -> dict[str, str]:
    """The env a runner gives the lint step: each input's default, then the overrides."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update({key.replace("_", "-"): value for key, value in overrides.items()})
    env: dict[str, Any] = {}
    for key, value in STEPS["lint"]["env"].items():
        (name,) = re.findall(r"inputs\.([a-z0-9-]+)", value)
        env[key] = values[name]
    return env


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_lint_script_writes_sarif_and_defers_the_failure(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(DIRTY)
    result, outputs = _run("lint", tmp_path, _inputs(format="sarif", args="--select DF301"))
    assert result.returncode == 0, result.stderr  # the upload step still runs
    assert outputs == {"exit-code": "1", "sarif-file": "dflint.sarif"}
    document = json.loads((tmp_path / "dflint.sarif").read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["DF301"]
    final = subprocess.run(
        ["bash", "-c", STEPS["Fail on findings"]["run"]],
        env={**os.environ, "DFLINT_EXIT_CODE": outputs["exit-code"]},
        check=False,
    )
    assert final.returncode == 1


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_lint_script_annotates_and_honours_fail_on(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DIRTY)
    result, outputs = _run("lint", tmp_path, _inputs(args="--select DF301", paths="Dockerfile"))
    assert outputs == {"exit-code": "1"}
    assert result.stdout.startswith("::warning file=Dockerfile,line=2,")
    _, outputs = _run("lint", tmp_path, _inputs(args="--select DF301", fail_on="error"))
    assert outputs == {"exit-code": "0"}
    result, outputs = _run("lint", tmp_path, _inputs(format="html"))
    assert outputs == {"exit-code": "2"} and "::error title=dflint::format must be github or sarif" in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_install_script_installs_this_ref_or_a_pinned_version(tmp_path: Path) -> None:
    shim = tmp_path / "bin"
    shim.mkdir()
    log = tmp_path / "calls"
    (shim / "python").write_text(f'#!/bin/sh\necho "python $*" >> "{log}"\n')
    (shim / "dflint").write_text(f'#!/bin/sh\necho "dflint $*" >> "{log}"\n')
    for tool in shim.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', '')}", "DFLINT_ACTION_PATH": str(ROOT)}
    script = STEPS["install"]["run"]
    assert subprocess.run(["bash", "-c", script], env={**env, "DFLINT_VERSION": ""}, check=False).returncode == 0
    assert subprocess.run(["bash", "-c", script], env={**env, "DFLINT_VERSION": "0.1.0"}, check=False).returncode == 0
    assert log.read_text().splitlines() == [
        f"python -m pip install --disable-pip-version-check --quiet {ROOT}",
        "dflint --version",
        "python -m pip install --disable-pip-version-check --quiet dflint==0.1.0",
        "dflint --version",
    ]
