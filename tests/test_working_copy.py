"""What a working copy of the build context may hold (`dflint.working_copy`), and how DF504 asks it:
only what can be in the context (`.git` at a repository's root, what git ignores there), and never
`.git` when the build reads the history."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.engine import Settings, lint_file, selected_rules
from dflint.model import Dockerfile
from dflint.parse import Options, parse
from dflint.working_copy import working_copy

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "app"]\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def df504(context: Path, dockerfile: str = "Dockerfile") -> list[tuple[int, str, str]]:
    settings = Settings(select=("DF504",), context_dir=str(context))
    result = lint_file(str(context / dockerfile), settings, selected_rules(settings))
    return [(finding.span.line, finding.message, finding.detail or "") for finding in result.findings]


def model_at(context: Path) -> Dockerfile:
    return parse("FROM scratch\n", str(context / "Dockerfile"), Options(context_dir=str(context)))


def test_outside_a_work_tree_nothing_is_known(tmp_path: Path) -> None:
    assert working_copy(model_at(tmp_path)) is None


def test_a_subfolder_of_a_work_tree_reads_the_ignore_files_from_the_root_down(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "__pycache__/\n*.pt\n", "service/.gitignore": "!keep.pt\n"})
    copy = working_copy(model_at(tmp_path / "service"))
    assert copy is not None
    assert copy.repository == str(tmp_path)
    assert not copy.holds_history  # the context is a subfolder: the history is not in it
    assert copy.git_ignores("sub/__pycache__")
    assert copy.git_ignores("model.pt")
    assert not copy.git_ignores("keep.pt")  # the deepest .gitignore decides
    assert not copy.git_ignores("weights.safetensors")


def test_outside_a_work_tree_every_expected_path_is_asked_for(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".dockerignore": ".git\n"})
    [(line, message, _)] = df504(tmp_path)
    assert line == 3
    assert message == (
        "`COPY .` in stage 0: .dockerignore does not exclude `**/*.pt`, `**/*.ckpt`, `**/*.safetensors`, `**/*…; add them"
    )


def test_committed_weights_are_not_asked_to_be_excluded(tmp_path: Path) -> None:
    # the project commits the `.pt` files its code loads (git does not ignore them): excluding
    # `**/*.pt` would break the image; only what git ignores and the history are asked for
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".gitignore": ".venv\n", ".dockerignore": "build/\n", "spk2info.pt": "x"})
    [(_, message, detail)] = df504(tmp_path)
    assert message == "`COPY .` in stage 0: .dockerignore does not exclude `.git`, `.venv`; add them"
    assert detail.endswith(
        "(the context is the repository's root, so `.git` is in it; git ignores `.venv` here, so a working copy can hold"
        " them and `docker build` sends them); add them to .dockerignore"
    )


def test_nothing_to_ask_for_is_silent(tmp_path: Path) -> None:
    # a subfolder context (no history in it) whose repository ignores nothing expected
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"app/Dockerfile": DOCKERFILE, ".gitignore": "*.log\n"})
    assert df504(tmp_path / "app") == []


@pytest.mark.parametrize(
    ("files", "run"),
    [
        (
            {"pyproject.toml": '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'},
            "pip install --no-cache-dir .",
        ),
        ({"setup.py": "import versioneer\nsetup(version=versioneer.get_version())\n"}, "pip install --no-cache-dir -e ."),
        ({"Makefile": "VERSION := $(shell git describe --tags)\nbuild:\n\tgo build .\n"}, "make build"),
        ({"Cargo.lock": 'version = 3\n\n[[package]]\nname = "vergen"\nversion = "8.3.2"\n'}, "cargo build --release"),
        ({}, "git submodule update --init"),
    ],
)
def test_a_build_that_reads_the_history_keeps_git(tmp_path: Path, files: dict[str, str], run: str) -> None:
    (tmp_path / ".git").mkdir()
    text = f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {run}\n"
    write(tmp_path, {"Dockerfile": text, ".dockerignore": "*.log\n", ".gitignore": ".venv/\n", **files})
    [(_, message, _)] = df504(tmp_path)
    assert message == "`COPY .` in stage 0: .dockerignore does not exclude `.venv`; add it"


def test_a_clone_elsewhere_does_not_read_the_contexts_history(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        "RUN git clone https://github.com/org/lib /opt/lib && cd /opt/lib && git checkout v1.2.0\n"
    )
    write(tmp_path, {"Dockerfile": text, ".dockerignore": "*.log\n"})
    [(_, message, _)] = df504(tmp_path)
    assert message == "`COPY .` in stage 0: .dockerignore does not exclude `.git`; add it"


def test_no_dockerignore_at_a_work_trees_root_names_what_goes_in(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"Dockerfile": DOCKERFILE, ".gitignore": ".venv/\n"})
    [(_, message, detail)] = df504(tmp_path)
    assert message == "`COPY .` in stage 0 copies the whole context, which has no .dockerignore; add one"
    assert "what a working copy holds there (`.git`, `.venv`) go into the image" in detail
