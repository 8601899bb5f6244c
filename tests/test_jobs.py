"""`--jobs N`: worker processes give the same output, in the same order, as one process."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
from click.testing import CliRunner

from dflint import parallel
from dflint.cli import main
from dflint.config import build_options
from dflint.engine import Settings, lint_file, selected_rules

CASES = {
    "Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n",
    "Dockerfile.gpu": 'FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\nCMD ["python"]\n',
    "api.Dockerfile": "FROM ubuntu:22.04\nRUN apt-get update && apt-get install curl\n",
    "empty.Dockerfile": "",
    "binary.Dockerfile": b"\x00\x01\x02FROM",
    "no-from.Dockerfile": "RUN echo hi\n",
    "latin1.Dockerfile": b"FROM alpine\nLABEL a=\xe9\n",
    "heredoc.Dockerfile": "FROM alpine\nRUN <<EOF\npip install x\nEOF\n",
}


def tree(root: Path, copies: int = 3) -> Path:
    for copy in range(copies):
        for name, content in CASES.items():
            path = root / f"service-{copy}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_output_does_not_depend_on_jobs(tmp_path: Path) -> None:
    root = tree(tmp_path)
    outputs = {jobs: run("--jobs", jobs, str(root)) for jobs in ("1", "2", "3", "0")}
    outputs["default"] = run(str(root))
    assert len(set(outputs.values())) == 1, {key: value[0] for key, value in outputs.items()}
    code, text = outputs["1"]
    document = json.loads(text)
    assert code == 2  # the bad inputs are input errors
    assert document["findings"] and document["errors"]
    assert any(finding["fix"] for finding in document["findings"])


def test_order_follows_the_arguments(tmp_path: Path) -> None:
    root = tree(tmp_path, copies=4)
    files = sorted(str(path) for path in root.rglob("*") if path.is_file())
    reordered = files[::-1]
    _, text = run("--jobs", "2", *reordered)
    document = json.loads(text)
    for kind in ("findings", "errors"):
        files = [item["file"] for item in document[kind]]
        assert files and files == sorted(files, key=reordered.index)


def test_results_cross_the_process_boundary(tmp_path: Path) -> None:
    root = tree(tmp_path, copies=1)
    settings = Settings(build_args=MappingProxyType({"A": "1"}))
    rules = selected_rules(settings)
    for path in sorted(root.rglob("*.Dockerfile")) + [root / "service-0" / "Dockerfile"]:
        result = parallel.without_model(lint_file(str(path), settings, rules))
        back = pickle.loads(pickle.dumps(result))
        assert back.findings == result.findings and back.errors == result.errors and back.path == result.path
        assert back.dockerfile is None  # never a partial copy of the model
        assert back.text == (path.read_text() if result.findings else None)


def test_in_process_results_carry_the_model_the_rules_read(tmp_path: Path) -> None:
    root = tree(tmp_path, copies=1)
    settings = Settings()
    rules = selected_rules(settings)
    paths = [str(path) for path in sorted(root.rglob("*.Dockerfile"))]
    kept = parallel.lint_files(paths, settings, rules, jobs=1)
    dropped = parallel.lint_files(paths, settings, rules, jobs=1, keep_models=False)
    assert any(result.findings for result in kept)
    for result, light, path in zip(kept, dropped, paths, strict=True):
        alone = lint_file(path, settings, rules)
        if alone.dockerfile is not None and alone.dockerfile.stages:
            assert result.dockerfile == alone.dockerfile and result.dockerfile.stages  # the whole model
        assert result.text == alone.text and result.findings == light.findings and light.dockerfile is None


def test_settings_survive_pickling() -> None:
    from dflint.registry import find

    label_schema = find("label-schema")
    assert label_schema is not None and label_schema.options_type is not None
    options = build_options(label_schema, {"required-labels": {"org.opencontainers.image.version": "semver"}})
    settings = Settings(
        select=("DF301",),
        build_args=MappingProxyType({"A": "1"}),
        target="final",
        max_bytes=0,
        rule_options=MappingProxyType({label_schema.meta.code: options}),
    )
    restored = pickle.loads(pickle.dumps(settings))  # what a spawned worker receives
    assert restored == settings
    assert isinstance(restored.build_args, MappingProxyType) and isinstance(restored.rule_options, MappingProxyType)
    assert isinstance(restored.rule_options[label_schema.meta.code].required_labels, MappingProxyType)


def test_default_jobs() -> None:
    assert parallel.default_jobs(1) == 1
    assert parallel.default_jobs(parallel.MIN_FILES_FOR_WORKERS - 1) == 1
    assert parallel.default_jobs(10_000) == parallel.available_cpus()
    assert 1 <= parallel.default_jobs(parallel.MIN_FILES_FOR_WORKERS) <= parallel.available_cpus()


def test_no_worker_processes_means_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    root = tree(tmp_path, copies=2)
    paths = sorted(str(path) for path in root.rglob("*") if path.is_file())
    settings = Settings()
    rules = selected_rules(settings)
    results = parallel.lint_files(paths, settings, rules, jobs=2)
    assert [result.path for result in results] == paths


def test_command_line_in_a_fresh_process(tmp_path: Path) -> None:
    root = tree(tmp_path, copies=3)
    outputs = set()
    for jobs in ("1", "2"):
        completed = subprocess.run(
            [sys.executable, "-m", "dflint", "--format", "json", "--jobs", jobs, str(root)],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 2, completed.stderr
        assert "Traceback" not in completed.stderr
        outputs.add(completed.stdout)
    assert len(outputs) == 1
