"""Core additions used by the hygiene rules: empty continuation lines, `Instruction.expand`, and
rule options in fixture headers."""

from __future__ import annotations

from pathlib import Path

from dflint.parse import parse
from dflint.testing import settings_for


def test_empty_lines_inside_a_continuation_are_recorded() -> None:
    text = "FROM alpine:3.20\nRUN echo a \\\n\n   \n    # a comment\n    && echo b\nRUN echo c\n"
    dockerfile = parse(text)
    run, other = dockerfile.stages[0].instructions
    assert run.empty_continuation_lines == (3, 4)  # the comment line is dropped too, but it is not empty
    assert other.empty_continuation_lines == ()


def test_empty_lines_outside_continuations_are_not_recorded() -> None:
    dockerfile = parse("FROM alpine:3.20\n\nRUN echo a\n\nRUN echo b\n")
    assert all(instruction.empty_continuation_lines == () for instruction in dockerfile.instructions)


def test_expand_uses_the_variables_in_scope() -> None:
    text = "ARG GLOBAL=1\nFROM alpine:3.20\nARG DIR=/srv\nENV APP=$DIR/app\nARG LATER\nCOPY x ${APP}/y\n"
    dockerfile = parse(text)
    copy = dockerfile.stages[0].instructions[-1]
    assert copy.expand("${APP}/y") == "/srv/app/y"
    assert copy.expand("$LATER/x") is None  # declared without a value: unknown
    assert copy.expand("$GLOBAL") is None  # a global ARG is not in scope inside a stage unless redeclared
    assert copy.expand("plain") == "plain"


def test_fixture_header_passes_rule_options(tmp_path: Path) -> None:
    fixture = tmp_path / "case.Dockerfile"
    fixture.write_text('# dflint-test: target=app option=trusted-registries=["*.gcr.io","docker.io"]\nFROM python:3.12\n')
    settings = settings_for(fixture, "DF105")
    assert settings.target == "app"
    options = settings.rule_options["DF105"]
    assert options.trusted_registries == ("*.gcr.io", "docker.io")


def test_dockerfile_specific_dockerignore_wins(tmp_path: Path) -> None:
    from dflint.parse import Options

    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    (tmp_path / "api.Dockerfile.dockerignore").write_text("# comment\n*.pt\n\n!keep.pt\n", encoding="utf-8")
    text = "FROM python:3.12\nCOPY . .\n"
    specific = parse(text, str(tmp_path / "api.Dockerfile"), Options(context_dir=str(tmp_path)))
    assert specific.dockerignore == ("*.pt", "!keep.pt")
    plain = parse(text, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path)))
    assert plain.dockerignore == (".git",)
    assert parse(text, str(tmp_path / "Dockerfile")).dockerignore is None  # no context: unknown
