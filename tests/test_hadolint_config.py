"""A repository's hadolint configuration (`dflint/hadolint_config.py`): where it is found, what its
`ignored:` list turns off, what wins over it, and what a file dflint cannot use does."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dflint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text())
# DF401 (hadolint DL3013) on line 2, DF302 (DL3009) on line 3, DF103 (DL3006) on line 1
DOCKERFILE = "FROM python\nRUN pip install --no-cache-dir onnxruntime\nRUN apt-get update && apt-get install -y --no-install-recommends git\n"
IGNORES = (
    "# the repository's hadolint settings\n---\nignored:\n  - DL3006\n  - DL3013\n  - SC2086\noverride:\n  error: [DL3009]\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code, out, err = run("--format", "json", *args)
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    return code, document, err


def codes(document: dict, file: str) -> set[str]:  # type: ignore[type-arg]
    return {f["code"] for f in document["findings"] if f["file"] == file}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (`.git`) with two Dockerfiles; the tests run from its root, as CI does."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name in ("python/Dockerfile", "pytorch/Dockerfile"):
        (root / name).parent.mkdir(parents=True)
        (root / name).write_text(DOCKERFILE)
    monkeypatch.chdir(root)
    return root


def put(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_without_a_hadolint_configuration_every_default_rule_runs(repo: Path) -> None:
    _, document, _ = report("python/Dockerfile")
    assert {"DF103", "DF302", "DF401"} <= codes(document, "python/Dockerfile")
    assert "hadolint_config" not in document["files"][0] and "hadolint_ignored" not in document["files"][0]


@pytest.mark.parametrize(
    "where",
    [
        ".github/linters/.hadolint.yaml",
        ".github/linters/.hadolint.yml",
        ".hadolint.yaml",
        ".hadolint.yml",
        "python/.hadolint.yaml",
    ],
)
def test_its_ignored_codes_turn_their_rules_off(repo: Path, where: str) -> None:
    config = put(repo, where, IGNORES)
    code, document, err = report("python/Dockerfile")
    assert code == 1 and err == ""
    found = codes(document, "python/Dockerfile")
    assert "DF401" not in found and "DF103" not in found
    assert "DF302" in found  # DL3009 is only overridden, not ignored: `override` is not read
    entry = document["files"][0]
    assert entry["hadolint_config"] == str(config)
    assert entry["hadolint_ignored"] == {"DL3006": ["DF103"], "DL3013": ["DF401"]}  # SC2086 has no dflint rule


def test_verbose_says_where_the_ignores_came_from(repo: Path) -> None:
    put(repo, ".github/linters/.hadolint.yaml", IGNORES)
    _, out, _ = run("--verbose", "python/Dockerfile")
    expected = "python/Dockerfile: the hadolint configuration .github/linters/.hadolint.yaml ignores DL3006, DL3013: DF103, DF401 not run"
    assert expected in out.splitlines()


def test_the_nearest_file_wins_and_is_used_alone(repo: Path) -> None:
    put(repo, ".github/linters/.hadolint.yaml", "ignored: [DL3013]\n")
    put(repo, ".hadolint.yaml", "ignored: [DL3006]\n")
    put(repo, "python/.hadolint.yml", "ignored: [DL3009]\n")
    _, document, _ = report("python/Dockerfile", "pytorch/Dockerfile")
    assert {"DF103", "DF401"} <= codes(document, "python/Dockerfile") and "DF302" not in codes(document, "python/Dockerfile")
    assert {"DF302", "DF401"} <= codes(document, "pytorch/Dockerfile") and "DF103" not in codes(document, "pytorch/Dockerfile")


def test_a_dflint_configuration_wins(repo: Path) -> None:
    put(repo, ".github/linters/.hadolint.yaml", IGNORES)
    put(repo, ".dflint.yaml", "ignore: [DF306]\n")
    _, document, _ = report("python/Dockerfile")
    assert {"DF103", "DF401"} <= codes(document, "python/Dockerfile")
    assert "hadolint_config" not in document["files"][0]


@pytest.mark.parametrize("option", [["--isolated"], ["--config", "other.yaml"], ["--select", "DF1,DF3,DF4"]])
def test_isolated_config_and_select_leave_it_out(repo: Path, option: list[str]) -> None:
    put(repo, ".github/linters/.hadolint.yaml", IGNORES)
    put(repo, "other.yaml", "ignore: [DF306]\n")
    _, document, _ = report(*option, "python/Dockerfile")
    assert {"DF103", "DF401"} <= codes(document, "python/Dockerfile")


def test_ignore_on_the_command_line_adds_to_it(repo: Path) -> None:
    put(repo, ".hadolint.yaml", IGNORES)
    _, document, _ = report("--ignore", "DF302", "python/Dockerfile")
    assert not {"DF103", "DF302", "DF401"} & codes(document, "python/Dockerfile")


def test_nothing_above_the_repository_root_is_read(repo: Path) -> None:
    put(repo.parent, ".hadolint.yaml", IGNORES)
    put(repo.parent, ".github/linters/.hadolint.yaml", IGNORES)
    _, document, _ = report("python/Dockerfile")
    assert {"DF103", "DF401"} <= codes(document, "python/Dockerfile")


def test_outside_a_repository_the_search_stops_at_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(tmp_path, ".hadolint.yaml", IGNORES)
    put(tmp_path, "work/.hadolint.yaml", "ignored: [DL3009]\n")
    put(tmp_path, "work/app/Dockerfile", DOCKERFILE)
    monkeypatch.chdir(tmp_path / "work")
    _, document, _ = report("app/Dockerfile")
    assert {"DF103", "DF401"} <= codes(document, "app/Dockerfile") and "DF302" not in codes(document, "app/Dockerfile")
    monkeypatch.chdir(tmp_path / "work" / "app")
    _, document, _ = report("Dockerfile")
    assert {"DF103", "DF302", "DF401"} <= codes(document, "Dockerfile")


def test_codes_without_a_dflint_rule_turn_nothing_off(repo: Path) -> None:
    put(repo, ".hadolint.yaml", "ignored:\n  - DL3008\n  - SC2086\n")
    _, document, err = report("python/Dockerfile")
    assert {"DF103", "DF302", "DF401"} <= codes(document, "python/Dockerfile") and err == ""
    assert "hadolint_config" not in document["files"][0]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("ignored: [DL3013\n", 2, "invalid YAML"),
        ("ignored: DL3013\n", 1, "'ignored' must be a list of rule codes"),
        ("ignored:\n  - {DL3013: yes}\n", 2, "'ignored' must be a list of rule codes"),
        ("- DL3013\n", 1, "a hadolint configuration is a mapping"),
        ("a: &a [*a]\n", 1, "invalid YAML"),
    ],
)
def test_a_bad_file_is_one_input_error_and_every_file_is_still_linted(repo: Path, text: str, line: int, message: str) -> None:
    put(repo, ".github/linters/.hadolint.yaml", text)
    code, document, err = report("python/Dockerfile", "pytorch/Dockerfile")
    assert code == 2
    assert len(document["errors"]) == 1  # once, not once per Dockerfile it would apply to
    error = document["errors"][0]
    assert error["file"] == ".github/linters/.hadolint.yaml" and error["line"] == line and message in error["message"]
    assert "\n" not in error["message"]
    for file in ("python/Dockerfile", "pytorch/Dockerfile"):
        assert {"DF103", "DF401"} <= codes(document, file)  # linted without it
    code, out, err = run("python/Dockerfile")
    assert code == 2 and err.startswith(f".github/linters/.hadolint.yaml:{line}: ") and len(err.splitlines()) == 1
    assert "DF401" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_reported_without_blocking(repo: Path) -> None:
    os.mkfifo(repo / ".hadolint.yaml")
    code, document, _ = report("python/Dockerfile")
    assert code == 2 and "FIFO" in document["errors"][0]["message"]
    assert "DF401" in codes(document, "python/Dockerfile")


def test_a_symlink_out_of_the_repository_is_not_followed(repo: Path) -> None:
    outside = put(repo.parent, "elsewhere/hadolint.yaml", IGNORES)
    (repo / ".hadolint.yaml").symlink_to(outside)
    code, document, _ = report("python/Dockerfile")
    assert code == 2 and "outside" in document["errors"][0]["message"]
    assert "DF401" in codes(document, "python/Dockerfile")


def test_an_empty_file_ignores_nothing(repo: Path) -> None:
    put(repo, ".hadolint.yaml", "# nothing yet\n")
    code, document, err = report("python/Dockerfile")
    assert code == 1 and err == "" and "DF401" in codes(document, "python/Dockerfile")
