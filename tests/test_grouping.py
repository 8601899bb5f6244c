"""One finding for one decision written in several places (`dflint.grouping`), and how the outputs
carry its other places."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.engine import Settings, lint_source, selected_rules
from dflint.grouping import merge_groups
from dflint.model import Span
from dflint.registry import find
from dflint.rule import Applicability, Edit, Finding, Fix, Group, Savings

ROOT = Path(__file__).resolve().parents[1]
JSON_SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
META = find("DF301").meta  # type: ignore[union-attr]
TEXT = (
    "FROM python:3.11-slim\n"
    "RUN pip install transformers==4.44.2\n"
    "RUN pip install --no-cache-dir numpy==2.1.0\n"
    "RUN pip install fastapi==0.115.0 && pip install uvicorn==0.32.0\n"
)


def _span(line: int) -> Span:
    return Span(line, 5, line, 20, line * 100, line * 100 + 15)


def _finding(
    line: int, group: Group | None, fix: Fix | None = None, savings: Savings | None = None, path: str = "Dockerfile"
) -> Finding:
    return Finding(
        META, _span(line), "x keeps a cache; add `--no-cache-dir`", fix=fix, savings=savings, path=path, detail="why", group=group
    )


def test_the_places_of_one_decision_become_one_finding_on_the_first() -> None:
    group = Group("0:pip", "this stage")
    safe = Fix("Add `--no-cache-dir`", (Edit(205, 205, " --no-cache-dir"),), Applicability.SAFE)
    also_safe = Fix("Add `--no-cache-dir`", (Edit(405, 405, " --no-cache-dir"),), Applicability.SAFE)
    torch = Savings(797.0, "torch 797 MB")
    merged = merge_groups(
        [
            _finding(4, group, also_safe, torch),
            _finding(2, group, safe, torch),  # the same wheel twice: one copy in the cache
            _finding(3, None),  # no group: left alone
            _finding(5, group, safe, path="other/Dockerfile"),  # another file: its own finding
        ]
    )
    first = next(f for f in merged if f.path == "Dockerfile" and f.group is not None)
    assert first.span.line == 2 and [span.line for span in first.also] == [4]
    assert first.message == "x keeps a cache (and 1 more in this stage); add `--no-cache-dir`"
    assert first.detail == "why; the same holds on line 4 in this stage"
    assert first.fix is not None and first.fix.applicability is Applicability.SAFE
    assert [edit.start for edit in first.fix.edits] == [205, 405]
    assert first.savings == torch
    assert sorted((f.path, f.span.line, len(f.also)) for f in merged) == [
        ("Dockerfile", 2, 1),
        ("Dockerfile", 3, 0),
        ("other/Dockerfile", 5, 0),
    ]


def test_places_whose_fixes_differ_in_safety_stay_apart() -> None:
    group = Group("0:pip", "this stage")
    safe = Fix("Add", (Edit(205, 205, " --no-cache-dir"),), Applicability.SAFE)
    unsafe = Fix("Add", (Edit(305, 305, " --no-cache-dir"),), Applicability.UNSAFE)
    merged = merge_groups([_finding(2, group, safe), _finding(3, group, unsafe), _finding(4, group), _finding(5, group, safe)])
    assert sorted((f.span.line, [s.line for s in f.also], f.fix.applicability.value if f.fix else None) for f in merged) == [
        (2, [5], "safe"),
        (3, [], "unsafe"),
        (4, [], None),
    ]


def test_the_parts_of_the_places_estimates_add_up() -> None:
    group = Group("0:pip", "this stage")
    a, b = Savings(797.0, "torch"), Savings(12.5, "transformers")
    (merged,) = merge_groups([_finding(2, group, None, a), _finding(3, group, None, b), _finding(4, group)])
    assert merged.fix is None
    assert merged.savings is not None and merged.savings.mb == 809.5 and merged.savings.parts == (a, b)
    # the whole is more than the first place says, and one place's size is unknown: a floor
    assert merged.message.startswith("x keeps a cache (and 2 more, at least 810 MB)")
    assert merged.detail is not None and "the same holds on lines 3, 4 in this stage" in merged.detail


def test_closures_share_dependencies_so_the_largest_stands_for_them() -> None:
    group = Group("0:apt", "this stage")
    gcc, cmake = Savings(180.0, "gcc", overlaps=True), Savings(147.4, "cmake", overlaps=True)
    wheel = Savings(76.5, "pip cmake")
    (merged,) = merge_groups([_finding(2, group, None, gcc), _finding(3, group, None, cmake), _finding(4, group, None, wheel)])
    assert merged.savings is not None and merged.savings.mb == 256.5 and merged.savings.parts == (gcc, wheel)
    assert merged.message.startswith("x keeps a cache (and 2 more, ~256 MB in all)")


def test_a_pragma_silences_the_place_it_covers_and_the_rest_stays_one_finding() -> None:
    settings = Settings(select=("DF301",))
    rules = selected_rules(settings)
    (whole,) = lint_source(TEXT, "Dockerfile", settings, rules, None).findings
    assert whole.span.line == 2 and [span.line for span in whole.also] == [4, 4]
    assert whole.fix is not None and len(whole.fix.edits) == 3
    pragma = TEXT.replace("RUN pip install transformers", "# dflint: ignore=DF301\nRUN pip install transformers")
    (rest,) = lint_source(pragma, "Dockerfile", settings, rules, None).findings
    assert rest.span.line == 5 and [span.line for span in rest.also] == [5]
    assert "(and 1 more in this stage)" in rest.message
    assert rest.fix is not None and len(rest.fix.edits) == 2


def test_the_outputs_carry_the_other_places(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["--select", "DF301", "--format", "json", str(dockerfile)]).stdout
    document = json.loads(out)
    jsonschema.validate(document, JSON_SCHEMA)
    (finding,) = document["findings"]
    assert [(place["line"], place["column"]) for place in finding["also"]] == [(4, 5), (4, 37)]
    sarif = json.loads(runner.invoke(main, ["--select", "DF301", "--format", "sarif", str(dockerfile)]).stdout)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    assert not list(validator.iter_errors(sarif))
    (result,) = sarif["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [place["physicalLocation"]["region"]["startLine"] for place in related] == [4, 4]
    assert [place["id"] for place in related] == [1, 2]


def _shared_context(root: Path, dockerignore: str | None) -> None:
    (root / ".git").mkdir()
    for name in ("api", "worker"):
        folder = root / "backend" / name
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(
            f'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "{name}"]\n', encoding="utf-8"
        )
        (folder / "server.py").write_text("print('hi')\n", encoding="utf-8")
    if dockerignore is not None:
        (root / ".dockerignore").write_text(dockerignore, encoding="utf-8")
    # both are built from the repository's root, as a CI matrix would
    (root / "Makefile").write_text(
        "images:\n\tdocker build -f backend/api/Dockerfile .\n\tdocker build -f backend/worker/Dockerfile .\n", encoding="utf-8"
    )


def test_one_edit_of_a_shared_dockerignore_is_one_finding_in_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Dockerfiles built from the same context with the same gap in its .dockerignore: one DF504,
    on the first, naming the other; linted alone, each file still gets its own."""
    _shared_context(tmp_path, "*.md\n")
    monkeypatch.chdir(tmp_path)
    document = json.loads(CliRunner().invoke(main, ["--format", "json", "--select", "DF504", "."]).output)
    findings = document["findings"]
    assert [finding["file"] for finding in findings] == ["./backend/api/Dockerfile"]
    assert findings[0]["detail"].endswith("; the same holds for 1 more Dockerfile of this run: ./backend/worker/Dockerfile")
    alone = json.loads(CliRunner().invoke(main, ["--format", "json", "--select", "DF504", "backend/worker/Dockerfile"]).output)
    assert [finding["file"] for finding in alone["findings"]] == ["backend/worker/Dockerfile"]


def test_different_gaps_or_different_ignore_files_stay_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _shared_context(tmp_path, "*.md\n")
    # the worker has its own ignore file (`Dockerfile.dockerignore`, which BuildKit prefers): another edit
    (tmp_path / "backend" / "worker" / "Dockerfile.dockerignore").write_text("*.log\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    document = json.loads(CliRunner().invoke(main, ["--format", "json", "--select", "DF504", "."]).output)
    assert sorted(finding["file"] for finding in document["findings"]) == [
        "./backend/api/Dockerfile",
        "./backend/worker/Dockerfile",
    ]


def test_one_requirements_file_installed_by_several_images_is_one_finding_in_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two Dockerfiles install the same requirements file with unpinned lines: pinned in the file, one
    edit serves both, so a run over the repository tells it once (DF402), naming the other image; a
    file that only one of them installs keeps its own finding."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("torch>=2.4\nonnxruntime\nuvicorn\n", encoding="utf-8")
    (tmp_path / "requirements-gpu.txt").write_text("onnxruntime-gpu>=1.18\n", encoding="utf-8")
    for name, extra in (("cpu", ""), ("gpu", " -r requirements-gpu.txt")):
        (tmp_path / f"Dockerfile.{name}").write_text(
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements*.txt ./\n"
            f"RUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir -r requirements.txt{extra}\n"
            'CMD ["uvicorn", "app:api"]\n',
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    document = json.loads(CliRunner().invoke(main, ["--format", "json", "--select", "DF402", "."]).output)
    told = [(finding["file"], finding["line"]) for finding in document["findings"]]
    assert told == [("./Dockerfile.cpu", 4), ("./Dockerfile.gpu", 5)]
    first = document["findings"][0]
    assert first["message"].startswith("`requirements.txt` has 2 unpinned lines")
    assert first["detail"].endswith("; the same holds for 1 more Dockerfile of this run: ./Dockerfile.gpu")
