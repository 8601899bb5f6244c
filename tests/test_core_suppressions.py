"""Inline pragmas through the real CLI: scopes, names, reasons, hadolint compatibility, reports of
unknown codes (DF691) and unused pragmas (opt-in DF690), and opt-in rule selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.engine import Settings, selected_rules
from dflint.hadolint import equivalents, mapping
from dflint.registry import find


def lint(tmp_path: Path, text: str, *args: str) -> tuple[int, list[tuple[str, int]]]:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    result = CliRunner().invoke(main, ["--isolated", "--format", "json", *args, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    document = json.loads(result.stdout)
    assert not document["errors"], document["errors"]
    return result.exit_code, sorted((f["code"], f["line"]) for f in document["findings"])


PIP = "--select=DF301,DF691"


def test_line_pragma_covers_the_next_instruction_only(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\n# dflint: ignore=DF301\n\n# other comment\nRUN pip install a==1\nRUN pip install b==1\n"
    assert lint(tmp_path, text, PIP)[1] == [("DF301", 6)]


def test_names_work_like_codes_and_a_reason_may_follow(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\n# dflint: ignore=pip-cache, DF302 the cache is a mount in CI\nRUN pip install a==1\n"
    assert lint(tmp_path, text, PIP) == (0, [])


def test_bare_ignore_and_ignore_file(tmp_path: Path) -> None:
    assert lint(tmp_path, "FROM python:3.11-slim\n# dflint: ignore\nRUN pip install a==1\n", PIP)[1] == []
    assert lint(tmp_path, "FROM python:3.11-slim\nRUN pip install a==1\n# dflint: ignore-file\n", PIP)[1] == []
    text = "FROM python:3.11-slim\nRUN pip install a==1 && apt-get update\n# dflint: ignore-file=pip-cache\n"
    assert lint(tmp_path, text, "--select=DF301,DF302")[1] == [("DF302", 2)]


def test_pragma_inside_a_run_continuation_and_at_the_end_of_a_run_line(tmp_path: Path) -> None:
    # DF305 reports each command of a RUN (DF301 reports a RUN's installs once)
    text = (
        "FROM debian:12\n"
        "RUN apt-get install a && \\\n"
        "    # dflint: ignore=DF305\n"
        "    apt-get install b && \\\n"
        "    apt-get install c\n"
        "RUN apt-get install d  # dflint: ignore=DF305\n"
        "RUN apt-get install e && \\\n"
        "    apt-get install f  # dflint: ignore=DF305\n"
    )
    assert lint(tmp_path, text, "--select=DF305,DF691")[1] == [("DF305", 2), ("DF305", 5), ("DF305", 7)]


def test_unknown_codes_are_reported_not_fatal(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\n# dflint: ignore=DF3O1,pip-cahce\nRUN pip install a==1\n"
    code, found = lint(tmp_path, text, PIP)
    assert code == 1 and found == [("DF301", 3), ("DF691", 2), ("DF691", 2)]
    result = CliRunner().invoke(main, ["--isolated", PIP, str(tmp_path / "Dockerfile")])
    assert "did you mean `DF301`?" in result.stdout and "did you mean `pip-cache`?" in result.stdout


def test_hadolint_pragmas_are_honoured_for_mapped_rules(tmp_path: Path) -> None:
    hadolint = next(code for code, codes in mapping().items() if "DF302" in codes)
    text = f"FROM debian:12-slim\n# hadolint ignore={hadolint},SC2086\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update\n"
    assert lint(tmp_path, text, "--select=DF302")[1] == [("DF302", 4)]
    text = f"# hadolint global ignore={hadolint}\nFROM debian:12-slim\nRUN apt-get update\n"
    assert lint(tmp_path, text, "--select=DF302")[1] == []
    text = f"FROM debian:12-slim AS a\nRUN apt-get update\n# hadolint stage ignore={hadolint}\nFROM debian:12-slim\nRUN apt-get update\n"
    assert lint(tmp_path, text, "--select=DF302", "--target=a")[1] == [("DF302", 2)]


def test_hadolint_map_points_at_rules_that_exist() -> None:
    assert mapping(), "no hadolint equivalents"
    for hadolint, codes in mapping().items():
        assert hadolint.startswith("DL") and codes
        for code in codes:
            assert find(code) is not None, f"{hadolint} maps to unknown {code}"
    assert equivalents("dl9999") == ()


def test_unused_pragma_rule_is_opt_in(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install --no-cache-dir a==1\n"
    assert "DF690" not in {c for c, _ in lint(tmp_path, text)[1]}
    assert ("DF690", 2) in lint(tmp_path, text, "--extend-select", "DF690")[1]
    assert ("DF690", 2) in lint(tmp_path, text, "--select", "unused-suppression")[1]
    assert "DF690" not in {c for c, _ in lint(tmp_path, text, "--select", "DF6")[1]}  # a prefix does not enable it
    assert "DF690" not in {c for c, _ in lint(tmp_path, text, "--select", "ALL")[1]}


def test_unused_pragma_is_judged_whatever_the_selection(tmp_path: Path) -> None:
    used = "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install a==1\n"
    assert lint(tmp_path, used, "--select", "DF690")[1] == []  # DF301 is not selected, but it would fire here
    assert lint(tmp_path, used, "--select", "DF690", "--ignore", "DF301")[1] == []


def test_selected_rules_skips_opt_in_rules_unless_named() -> None:
    assert "DF690" not in {rule.meta.code for rule in selected_rules(Settings())}
    assert "DF690" in {rule.meta.code for rule in selected_rules(Settings(extend_select=("DF690",)))}
    rule = find("DF690")
    assert rule is not None and not rule.meta.default_enabled


def test_rules_command_shows_opt_in_rules() -> None:
    result = CliRunner().invoke(main, ["rules"])
    line = next(line for line in result.stdout.splitlines() if line.startswith("DF690"))
    assert "opt-in" in line
    data = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).stdout)
    assert next(rule for rule in data if rule["code"] == "DF690")["default_enabled"] is False


@pytest.mark.parametrize("comment", ["# dflint-test: target=x", "# see dflint: docs", "# dflint:ignore=DF301"])
def test_what_is_and_is_not_a_pragma(tmp_path: Path, comment: str) -> None:
    text = f"FROM python:3.11-slim\n{comment}\nRUN pip install a==1\n"
    expected = [] if comment == "# dflint:ignore=DF301" else [("DF301", 3)]
    assert lint(tmp_path, text, PIP)[1] == expected


def test_dflint_ignore_stage_covers_the_stage_whose_from_follows(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim AS base\nRUN pip install a==1\n"
        "# dflint: ignore-stage=pip-cache the wheels are removed with the stage\n"
        "FROM base\nRUN pip install b==1\nRUN pip install c==1\n"
    )
    assert lint(tmp_path, text, PIP)[1] == [("DF301", 2)]
    everything = "# dflint: ignore-stage\nFROM python:3.11-slim\nRUN pip install a==1\n"
    assert lint(tmp_path, everything, PIP)[1] == []
