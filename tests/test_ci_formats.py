"""CI formats: SARIF (validated against the official 2.1.0 schema), GitHub workflow commands, GitLab
Code Quality and checkstyle, each a round trip back to the findings of `--format json`."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dflint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
DIRTY = """FROM python:3.11 AS build
RUN pip install --no-cache-dir build==1.2.2

FROM python:3.11-slim-bookworm
# a comment, "quotes", 100% & <xml> characters
RUN apt-get update && apt-get install -y ffmpeg
RUN pip install transformers==4.44.2 numpy
"""


SELECT = ("--select", "DF301,DF302,DF306")  # a fixed set: warnings, an info, safe fixes


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*SELECT, *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "worker dir").mkdir()
    (tmp_path / "worker dir" / "Dockerfile").write_text(
        "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==2.1.0\n", encoding="utf-8"
    )
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "Dockerfile").write_text("FROM python:3.11-slim\nRUNN echo\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(*paths: str) -> list[tuple[str, str, int, int, int, int, str, str]]:
    _, out, _ = run("--format", "json", *paths)
    document = json.loads(out)
    return sorted(
        (f["file"], f["code"], f["line"], f["column"], f["end_line"], f["end_column"], f["severity"], f["message"])
        for f in document["findings"]
    )


def test_sarif_validates_against_the_official_schema(project: Path) -> None:
    code, out, _ = run("--format", "sarif", "api/Dockerfile", "worker dir/Dockerfile", "broken/Dockerfile")
    assert code == 2  # the broken file is an input error; the others are still reported
    document = json.loads(out)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-schema-2.1.0.json")
    run_ = document["runs"][0]
    notifications = run_["invocations"][0]["toolExecutionNotifications"]
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notifications] == ["broken/Dockerfile"]


def test_sarif_meets_github_code_scanning_upload_requirements(project: Path) -> None:
    _, out, _ = run("--format", "sarif", "api/Dockerfile", "worker dir/Dockerfile")
    run_ = json.loads(out)["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "dflint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith("## What it does")
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///") and run_["originalUriBaseIds"]["%SRCROOT%"][
        "uri"
    ].endswith("/")
    assert run_["results"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        assert re.fullmatch(r"[0-9a-f]{16}:\d+", result["partialFingerprints"]["dflint/v1"])
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run_["results"]}
    assert uris == {"api/Dockerfile"}  # the clean file has no result; a space would be %20


def test_sarif_round_trip_and_fixes(project: Path) -> None:
    _, out, _ = run("--format", "sarif", "api/Dockerfile")
    run_ = json.loads(out)["runs"][0]
    levels = {"error": "error", "warning": "warning", "note": ("info", "style")}
    got = []
    for result in run_["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        got.append(
            (
                result["ruleId"],
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
                result["message"]["text"],
            )
        )
        assert result["properties"]["severity"] in levels[result["level"]]
    expected = [(f[1], f[2], f[3], f[4], f[5], f[7]) for f in findings("api/Dockerfile")]
    assert sorted(got) == expected
    fixed = [result for result in run_["results"] if result["ruleId"] == "DF301"]
    assert (
        fixed
        and fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"].strip() == "--no-cache-dir"
    )


def test_sarif_fingerprints_survive_lines_added_above(project: Path) -> None:
    _, before, _ = run("--format", "sarif", "api/Dockerfile")
    text = (project / "api" / "Dockerfile").read_text()
    (project / "api" / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n\n# new comment\n" + text)
    _, after, _ = run("--format", "sarif", "api/Dockerfile")

    def prints(out: str) -> dict[str, tuple[str, int]]:
        results = json.loads(out)["runs"][0]["results"]
        return {
            r["partialFingerprints"]["dflint/v1"] + r["ruleId"]: (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in results
        }

    old, new = prints(before), prints(after)
    assert old.keys() == new.keys()
    assert all(new[key][1] == old[key][1] + 3 for key in old)


def test_github_annotations_round_trip(project: Path) -> None:
    code, out, _ = run("--format", "github", "api/Dockerfile", "broken/Dockerfile")
    assert code == 2
    pattern = re.compile(r"^::(error|warning|notice) (.*?)::(.*)$")
    got = []
    errors = []
    for line in out.splitlines():
        match = pattern.match(line)
        assert match, line
        properties = dict(part.split("=", 1) for part in match.group(2).split(","))
        message = match.group(3).replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        if properties["title"] == "dflint input error":
            errors.append((properties["file"], properties["line"], message))
            continue
        code_ = properties["title"].split()[0]
        got.append(
            (
                properties["file"],
                code_,
                int(properties["line"]),
                int(properties["col"]),
                int(properties["endLine"]),
                int(properties["endColumn"]),
                message,
            )
        )
    assert sorted(got) == [(f[0], f[1], f[2], f[3], f[4], f[5], f[7]) for f in findings("api/Dockerfile")]
    assert errors == [("broken/Dockerfile", "2", "unknown instruction 'RUNN'")]


def test_github_escapes_properties_and_data() -> None:
    from dflint.formats.github import escape_data, escape_property

    assert escape_data("100% done\nnext") == "100%25 done%0Anext"
    assert escape_property("a,b:c") == "a%2Cb%3Ac"


def test_gitlab_code_quality_round_trip(project: Path) -> None:
    _, out, _ = run("--format", "gitlab", "api/Dockerfile", "worker dir/Dockerfile")
    issues = json.loads(out)
    assert isinstance(issues, list) and issues
    prints = [issue["fingerprint"] for issue in issues]
    assert len(prints) == len(set(prints))
    severities = {"critical": "error", "major": "warning", "minor": "info", "info": "style"}
    got = []
    for issue in issues:
        assert issue["type"] == "issue" and issue["check_name"] and issue["description"]
        assert issue["severity"] in severities
        begin, end = issue["location"]["positions"]["begin"], issue["location"]["positions"]["end"]
        assert issue["location"]["lines"]["begin"] == begin["line"]
        message = issue["description"].split(": ", 1)[1]
        got.append(
            (
                issue["location"]["path"],
                issue["check_name"].split()[0],
                begin["line"],
                begin["column"],
                end["line"],
                end["column"],
                severities[issue["severity"]],
                message,
            )
        )
    assert sorted(got) == findings("api/Dockerfile", "worker dir/Dockerfile")


def test_checkstyle_round_trip(project: Path) -> None:
    _, out, _ = run("--format", "checkstyle", "api/Dockerfile", "worker dir/Dockerfile", "broken/Dockerfile")
    root = ET.fromstring(out)
    assert root.tag == "checkstyle"
    names = [element.get("name") for element in root.findall("file")]
    assert names == ["api/Dockerfile", "worker dir/Dockerfile", "broken/Dockerfile"]
    got = []
    for element in root.findall("file"):
        for error in element.findall("error"):
            source = error.get("source", "")
            if source == "dflint.input-error":
                assert element.get("name") == "broken/Dockerfile" and error.get("line") == "2"
                continue
            got.append(
                (
                    element.get("name"),
                    source.split(".")[1],
                    int(error.get("line", "0")),
                    int(error.get("column", "0")),
                    error.get("message"),
                )
            )
    assert sorted(got) == sorted((f[0], f[1], f[2], f[3], f[7]) for f in findings("api/Dockerfile", "worker dir/Dockerfile"))


def test_format_choices_include_every_registered_format() -> None:
    from dflint.cli import FORMAT_CHOICES
    from dflint.formats import FORMATS

    assert set(FORMAT_CHOICES) == set(FORMATS)


def test_gitlab_fingerprints_are_unique_per_finding_and_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.engine import FileResult
    from dflint.formats.gitlab import issues
    from dflint.source import InputError

    same = [InputError("compose.yaml", line, "service 'a': build context '..' is outside") for line in (3, 9)]
    twice = [FileResult("compose.yaml", (), (same[0],)), FileResult("compose.yaml", (), (same[1], same[1]))]
    prints = [issue["fingerprint"] for issue in issues(twice)]
    assert len(prints) == 3 == len(set(prints))
    (tmp_path / "Dockerfile").write_text(DIRTY)
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    build: .\n  b:\n    build: .\n")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("--format", "gitlab", "compose.yaml")
    prints = [issue["fingerprint"] for issue in json.loads(out)]
    assert len(prints) == 6 == len(set(prints))  # one Dockerfile, two services, three findings each
