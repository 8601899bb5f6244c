"""The pre-commit hooks in .pre-commit-hooks.yaml: pick the staged files the way pre-commit does
(`files` regex with re.search, `types`/`types_or` tags) and run each hook's `entry` on them."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
BIN = str(Path(sys.executable).parent)


def tags(path: Path) -> set[str]:
    """The tags pre-commit's `identify` gives these files (the subset the hooks use)."""
    found = {"file"}
    if b"\0" not in path.read_bytes()[:8192]:
        found.add("text")
    if any(part in ("Dockerfile", "Containerfile") for part in [path.name, *path.name.split(".")]):
        found.add("dockerfile")
    if path.suffix.lower() in (".yaml", ".yml"):
        found.add("yaml")
    return found


def selected(hook: dict, repo: Path, staged: list[str]) -> list[str]:  # type: ignore[type-arg]
    chosen = []
    for name in staged:
        file_tags = tags(repo / name)
        if not re.search(hook.get("files", ""), name):
            continue
        if not set(hook.get("types", ["file"])) <= file_tags:
            continue
        if hook.get("types_or") and not set(hook["types_or"]) & file_tags:
            continue
        chosen.append(name)
    return chosen


def run_hook(hook_id: str, repo: Path) -> tuple[int, str, list[str]]:
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-only"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    hook = HOOKS[hook_id]
    files = selected(hook, repo, staged)
    command = [*shlex.split(hook["entry"]), *hook.get("args", []), *files]
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, check=False)
    return result.returncode, result.stdout + result.stderr, files


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def stage(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    subprocess.run(["git", "add", *files], cwd=repo, check=True)


def test_hook_definitions() -> None:
    hook = HOOKS["dflint"]
    assert hook["language"] == "python" and "dockerfile" in hook["types_or"]
    for name in ("Dockerfile", "Dockerfile.prod", "api.Dockerfile", "api.dockerfile", "Containerfile", "deploy/Dockerfile"):
        assert re.search(hook["files"], name), name
    for name in ("README.md", "Dockerfile.d/x.sh", "notDockerfile", "compose.yaml"):
        assert not re.search(hook["files"], name), name
    assert re.search(HOOKS["dflint-compose"]["files"], "deploy/docker-compose.prod.yml")


def test_hook_files_pattern_matches_directory_discovery() -> None:
    from dflint.discover import is_dockerfile_name

    names = [
        "Dockerfile",
        "Dockerfile.gpu",
        "Dockerfile-base",
        "Dockerfile_amd",
        "dockerfile",
        "dockerfile-cli",
        "dockerfile.gpu",
        "api.Dockerfile",
        "x.dockerfile",
        "Containerfile",
        "Containerfile.arm64",
        "README.md",
        "notDockerfile",
        "Dockerfiles",
        "compose.yaml",
        "Makefile",
    ]
    for name in names:
        assert bool(re.search(HOOKS["dflint"]["files"], name)) == is_dockerfile_name(name), name


def test_hook_fails_on_a_staged_dockerfile_with_findings(repo: Path) -> None:
    stage(
        repo,
        {
            "Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n",
            "README.md": "RUN pip install torch\n",
            ".dflint.yaml": "select: [DF301]\n",
        },
    )
    code, output, files = run_hook("dflint", repo)
    assert files == ["Dockerfile"]
    assert code == 1 and "Dockerfile:2:5: DF301" in output


def test_hook_passes_clean_files_and_honours_config_exclude(repo: Path) -> None:
    stage(
        repo,
        {
            "app.dockerfile": "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n",
            "legacy/Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n",
            ".dflint.yaml": "select: [DF301]\nexclude: [legacy]\n",
        },
    )
    code, output, files = run_hook("dflint", repo)
    assert sorted(files) == ["app.dockerfile", "legacy/Dockerfile"]
    assert code == 0, output


def test_compose_hook(repo: Path) -> None:
    stage(
        repo,
        {
            "api/Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n",
            "compose.yaml": "services:\n  api:\n    build: api\n",
            ".dflint.yaml": "select: [DF301]\n",
        },
    )
    code, output, files = run_hook("dflint-compose", repo)
    assert files == ["api/Dockerfile", "compose.yaml"] and code == 1 and output.count("[warning] service 'api'") == 1


def test_compose_hook_runs_when_only_a_service_dockerfile_is_staged(repo: Path) -> None:
    (repo / "compose.yaml").write_text("services:\n  api:\n    build:\n      context: api\n      target: runtime\n")
    (repo / ".dflint.yaml").write_text("select: [DF301]\n")
    (repo / "other").mkdir()
    (repo / "other" / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install torch==2.4.0\n")
    subprocess.run(["git", "add", "compose.yaml", ".dflint.yaml", "other"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init"], cwd=repo, check=True)
    stage(repo, {"api/Dockerfile": "FROM python:3.11-slim AS runtime\nRUN pip install torch==2.4.0\n"})
    code, output, files = run_hook("dflint-compose", repo)
    assert files == ["api/Dockerfile"]
    assert code == 1 and "service 'api'" in output and "other/Dockerfile" not in output
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "api"], cwd=repo, check=True)
    stage(repo, {"other/Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.4.1\n"})  # no service builds it
    code, output, files = run_hook("dflint-compose", repo)
    assert files == ["other/Dockerfile"] and code == 0, output
    stage(repo, {".env": "TAG=1\n"})
    code, output, files = run_hook("dflint-compose", repo)
    assert ".env" in files and code == 1 and "service 'api'" in output
