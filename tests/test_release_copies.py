"""A Dockerfile kept as an earlier release beside a later one (`tgi/gpu/2.0.0/Dockerfile` beside
`tgi/gpu/3.0.1/Dockerfile`) is a model fact; no rule runs on it unless selected by its own code or
name, or `include-superseded` is on, and the output says so."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.config import Overrides, load_config, merge
from dflint.engine import Settings, lint_file, selected_rules
from dflint.model import Superseded
from dflint.release_copies import detect, release

# DF620 (root user) and DF301 (pip cache) both fire on it by default
SERVICE = 'FROM python:3.12-slim\nRUN pip install fastapi==0.115.0\nEXPOSE 8080\nCMD ["uvicorn", "app:app"]\n'


def repository(root: Path, files: list[str], *, git: bool = True) -> Path:
    if git:
        (root / ".git").mkdir(parents=True)
    for relative in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SERVICE, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2.0.0", (2, 0, 0)),
        ("v1.4.2", (1, 4, 2)),
        ("V10.0.12", (10, 0, 12)),
        ("3.11", None),  # a release line
        ("2.20", None),
        ("1.2.3.4", None),
        ("1.10.0-cuda11.3-ubuntu20.04", None),  # a variant of a release
        ("2.0.0-rc1", None),  # a pre-release
        ("latest", None),
        ("py311", None),
    ],
)
def test_a_release_is_exactly_three_numbers(name: str, expected: tuple[int, int, int] | None) -> None:
    assert release(name) == expected


def test_an_earlier_release_beside_a_later_one_is_superseded(tmp_path: Path) -> None:
    root = repository(tmp_path, ["tgi/gpu/1.4.2/Dockerfile", "tgi/gpu/2.10.0/Dockerfile", "tgi/gpu/2.9.1/Dockerfile"])
    earlier = root / "tgi/gpu/1.4.2/Dockerfile"
    assert detect(str(earlier)) == Superseded("1.4.2", "2.10.0", str(root / "tgi/gpu/2.10.0/Dockerfile"))
    assert detect(str(root / "tgi/gpu/2.9.1/Dockerfile")) == Superseded(
        "2.9.1", "2.10.0", str(root / "tgi/gpu/2.10.0/Dockerfile")
    )
    assert detect(str(root / "tgi/gpu/2.10.0/Dockerfile")) is None  # the latest release is linted


def test_the_later_path_is_named_as_the_file_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repository(tmp_path, ["containers/1.0.0/Dockerfile", "containers/1.1.0/Dockerfile"])
    monkeypatch.chdir(root)
    assert detect("containers/1.0.0/Dockerfile") == Superseded("1.0.0", "1.1.0", "containers/1.1.0/Dockerfile")


def test_the_same_path_below_the_release_is_needed(tmp_path: Path) -> None:
    root = repository(
        tmp_path,
        [
            "tei/1.0.0/py311/Dockerfile",
            "tei/1.1.0/py311/Dockerfile",
            "tei/1.0.0/py310/Dockerfile",  # no later py310
            "tei/1.0.0/Dockerfile.cpu",  # no later Dockerfile.cpu
            "tei/1.1.0/Dockerfile.gpu",
        ],
    )
    assert detect(str(root / "tei/1.0.0/py311/Dockerfile")) == Superseded(
        "1.0.0", "1.1.0", str(root / "tei/1.1.0/py311/Dockerfile")
    )
    assert detect(str(root / "tei/1.0.0/py310/Dockerfile")) is None
    assert detect(str(root / "tei/1.0.0/Dockerfile.cpu")) is None


def test_the_latest_of_an_earlier_enclosing_release_is_superseded_by_the_later_one(tmp_path: Path) -> None:
    root = repository(
        tmp_path,
        [
            "inference/gpu/2.2.2/transformers/4.41.1/py311/Dockerfile",
            "inference/gpu/2.2.2/transformers/4.44.0/py311/Dockerfile",
            "inference/gpu/2.2.2/transformers/4.44.0/py310/Dockerfile",  # no later py310 image
            "inference/gpu/2.3.1/transformers/4.48.0/py311/Dockerfile",
            "inference/gpu/2.3.1/transformers/4.47.0/py311/Dockerfile",
        ],
    )
    gpu = root / "inference/gpu"
    assert detect(str(gpu / "2.2.2/transformers/4.41.1/py311/Dockerfile")) == Superseded(
        "4.41.1", "4.44.0", str(gpu / "2.2.2/transformers/4.44.0/py311/Dockerfile")
    )
    assert detect(str(gpu / "2.2.2/transformers/4.44.0/py311/Dockerfile")) == Superseded(
        "2.2.2", "2.3.1", str(gpu / "2.3.1/transformers/4.48.0/py311/Dockerfile")
    )
    assert detect(str(gpu / "2.2.2/transformers/4.44.0/py310/Dockerfile")) is None
    assert detect(str(gpu / "2.3.1/transformers/4.48.0/py311/Dockerfile")) is None  # the latest of the latest
    assert detect(str(gpu / "2.3.1/transformers/4.47.0/py311/Dockerfile")) is not None


def test_a_release_with_no_later_sibling_is_not_superseded(tmp_path: Path) -> None:
    root = repository(tmp_path, ["tgi/tpu/0.2.2/Dockerfile", "tgi/gpu/3.0.1/Dockerfile", "tgi/tpu/0.1.0/Dockerfile"])
    assert detect(str(root / "tgi/tpu/0.2.2/Dockerfile")) is None  # 3.0.1 is under another parent
    assert detect(str(root / "tgi/tpu/0.1.0/Dockerfile")) is not None


def test_release_lines_and_variants_are_not_releases(tmp_path: Path) -> None:
    root = repository(
        tmp_path,
        [
            "python/3.11/slim/Dockerfile",
            "python/3.12/slim/Dockerfile",  # several lines are maintained at once
            "dockerfiles/1.10.0-cuda11.3-ubuntu20.04/Dockerfile",
            "dockerfiles/1.10.2-cuda11.3-ubuntu20.04/Dockerfile",
            "rc/2.0.0-rc1/Dockerfile",
            "rc/2.0.0/Dockerfile",
        ],
    )
    assert detect(str(root / "python/3.11/slim/Dockerfile")) is None
    assert detect(str(root / "dockerfiles/1.10.0-cuda11.3-ubuntu20.04/Dockerfile")) is None
    assert detect(str(root / "rc/2.0.0-rc1/Dockerfile")) is None


def test_the_later_release_must_hold_a_regular_file(tmp_path: Path) -> None:
    root = repository(tmp_path, ["app/1.0.0/Dockerfile"])
    (root / "app/1.1.0/Dockerfile").mkdir(parents=True)  # a directory named Dockerfile
    (root / "app/1.2.0").mkdir()
    os.mkfifo(root / "app/1.2.0/Dockerfile")  # a special file: never opened, not a release's Dockerfile
    assert detect(str(root / "app/1.0.0/Dockerfile")) is None


def test_a_later_release_linked_from_outside_the_repository_is_not_looked_into(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "2.0.0").mkdir(parents=True)
    (outside / "2.0.0" / "Dockerfile").write_text(SERVICE)
    root = repository(tmp_path / "repo", ["app/1.0.0/Dockerfile"])
    (root / "app" / "2.0.0").symlink_to(outside / "2.0.0", target_is_directory=True)
    assert detect(str(root / "app/1.0.0/Dockerfile")) is None


def test_nothing_above_the_repository_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "2.0.0").mkdir()
    (tmp_path / "2.0.0" / "Dockerfile").write_text(SERVICE)
    root = repository(tmp_path / "1.0.0", ["Dockerfile"])  # the repository itself is named for a release
    assert detect(str(root / "Dockerfile")) is None


def test_without_a_repository_only_a_few_levels_are_read(tmp_path: Path) -> None:
    repository(tmp_path, ["a/1.0.0/b/c/d/Dockerfile", "a/1.1.0/b/c/d/Dockerfile"], git=False)
    assert detect(str(tmp_path / "a/1.0.0/b/c/d/Dockerfile")) is None  # 1.0.0's folder is four levels up
    repository(tmp_path, ["x/1.0.0/y/Dockerfile", "x/1.1.0/y/Dockerfile"], git=False)
    assert detect(str(tmp_path / "x/1.0.0/y/Dockerfile")) is not None


def _findings(path: Path, settings: Settings | None = None) -> list[str]:
    settings = settings or Settings()
    return [finding.code for finding in lint_file(str(path), settings, selected_rules(settings)).findings]


def test_no_rule_runs_on_an_earlier_release_unless_selected_or_included(tmp_path: Path) -> None:
    root = repository(tmp_path, ["app/1.0.0/Dockerfile", "app/1.1.0/Dockerfile", "app/3.11/Dockerfile", "app/3.12/Dockerfile"])
    latest = _findings(root / "app/1.1.0/Dockerfile")
    assert "DF620" in latest and "DF301" in latest
    assert _findings(root / "app/1.0.0/Dockerfile") == []
    assert _findings(root / "app/3.11/Dockerfile") == latest  # a release line is linted
    assert _findings(root / "app/1.0.0/Dockerfile", Settings(select=("DF620",))) == ["DF620"]
    assert _findings(root / "app/1.0.0/Dockerfile", Settings(select=("DF6",))) == []  # a prefix is not a rule's own code
    assert _findings(root / "app/1.0.0/Dockerfile", Settings(include_superseded=True)) == latest
    result = lint_file(str(root / "app/1.0.0/Dockerfile"), Settings(), selected_rules(Settings()))
    assert result.superseded_by == Superseded("1.0.0", "1.1.0", str(root / "app/1.1.0/Dockerfile"))
    assert result.superseded_included is False


def test_the_configuration_key_includes_them(tmp_path: Path) -> None:
    (tmp_path / ".dflint.yaml").write_text("include-superseded: true\n")
    assert merge(load_config(str(tmp_path / ".dflint.yaml")), Overrides()).include_superseded is True
    (tmp_path / ".dflint.yaml").write_text("select: [DF620]\n")
    assert merge(load_config(str(tmp_path / ".dflint.yaml")), Overrides()).include_superseded is False
    assert merge(None, Overrides(include_superseded=True)).include_superseded is True


def test_the_output_says_the_file_is_an_earlier_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repository(tmp_path, ["tgi/gpu/2.0.0/Dockerfile", "tgi/gpu/3.0.1/Dockerfile"])
    monkeypatch.chdir(root)
    earlier, later = "tgi/gpu/2.0.0/Dockerfile", "tgi/gpu/3.0.1/Dockerfile"
    output = CliRunner().invoke(main, ["--verbose", earlier, later]).output
    assert (
        f"{earlier}: an earlier release (2.0.0) kept beside a later one ({later}); no rule ran on it unless selected by"
        " its code or name (--include-superseded lints it)"
    ) in output
    assert f"{earlier}:1:" not in output and f"{earlier}:2:" not in output
    assert f"{later}: an earlier release" not in output
    quiet = CliRunner().invoke(main, [earlier]).output
    assert quiet.rstrip().endswith("1 earlier-release file not checked (see --verbose; --include-superseded checks it)."), quiet
    included = CliRunner().invoke(main, ["--verbose", "--include-superseded", earlier]).output
    assert f"{earlier}: an earlier release (2.0.0) kept beside a later one ({later}); linted like any other file" in included
    assert f"{earlier}:1:1: DF620" in included
    document = json.loads(CliRunner().invoke(main, ["--format", "json", earlier, later]).output)
    assert not any(finding["file"] == earlier for finding in document["findings"])
    first, second = document["files"]
    assert (first["superseded_by"], first["release"], first["superseded_release"], first["superseded_included"]) == (
        later,
        "2.0.0",
        "3.0.1",
        False,
    )
    assert "superseded_by" not in second
