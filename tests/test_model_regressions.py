"""Findings that depend on one fact of the model, each pinned whole (severity and message), for
the cases where two rules used to answer the same question differently (#10)."""

from __future__ import annotations

from pathlib import Path

from dflint.rule import Finding, Severity
from dflint.testing import lint_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _findings(case: str) -> list[Finding]:
    path = FIXTURES / case
    result = lint_fixture(path, path.parent.name)
    assert not result.errors
    return list(result.findings)


def test_a_requirements_file_the_same_run_writes_is_produced_not_missing() -> None:
    """The file is made in the build (`grep -v torch requirements.txt > /tmp/r.txt`): nothing to fix in
    the Dockerfile and nothing to read, so no finding; a missing file, with the context known, is one."""
    assert _findings("DF402/produced-in-same-run") == []


def test_a_clone_elsewhere_does_not_produce_a_file_a_later_add_puts_there() -> None:
    (finding,) = _findings("DF402/added-after-clone")
    assert finding.effective_severity is Severity.WARNING
    assert finding.message.startswith("requirements file `requirements/serve.txt` does not exist in the build context")
    assert finding.detail is not None and "git clone" not in finding.detail and "produced" not in finding.detail


def test_the_context_copied_into_a_build_stage_is_not_said_to_go_into_the_image() -> None:
    (finding,) = _findings("DF504/build-stage-export")
    assert (
        finding.message == "`COPY .` in stage wheel (not shipped) copies the whole context, which has no .dockerignore; add one"
    )


def test_the_context_copied_into_a_shipped_stage_goes_into_the_image() -> None:
    messages = [f.message for f in _findings("DF504/no-ignore") if f.span.line == 10]
    assert len(messages) == 1 and "not shipped" not in messages[0]


def test_every_index_spelling_gives_the_cpu_wheel_size() -> None:
    # the fixture's installs are one finding for the stage, the CPU wheel counted once;
    # tests/test_pip_cache_sizes.py checks each spelling on its own
    (finding,) = _findings("DF301/index-spellings.Dockerfile")
    assert finding.savings is not None and finding.savings.mb == 191.8, finding
    assert finding.detail is not None and "torch 2.13.0+cpu 191.8 MB" in finding.detail
    assert finding.detail.endswith("; the same holds on lines 7, 8, 9, 10, 12 in this stage")
    assert [span.line for span in finding.also] == [7, 8, 9, 10, 12]


def test_onbuild_bodies_are_read_by_every_rule_and_reported_as_onbuild() -> None:
    (cache,) = _findings("DF301/onbuild.Dockerfile")
    (pin,) = _findings("DF401/onbuild.Dockerfile")
    for finding in (cache, pin):
        assert finding.message.startswith("ONBUILD: ")
        assert finding.detail is not None and finding.detail.endswith("in every image built FROM this one.")


def test_torch_from_pypi_on_arm64_is_the_cpu_build() -> None:
    assert _findings("DF203/platform-arm64.Dockerfile") == []
    (finding,) = _findings("DF203/platform-build.Dockerfile")
    assert finding.span.line == 10 and "pulls CUDA torch" in finding.message


def test_the_user_in_force_when_an_instruction_runs() -> None:
    from dflint.parse import parse

    text = "FROM python:3.11-slim AS base\nUSER app\nRUN a\nFROM base\nRUN b\nUSER root\nRUN c\nFROM python:3.11-slim\nRUN d\n"
    df = parse(text, "Dockerfile")
    runs = [(stage, i) for stage in df.stages for i in stage.instructions if i.keyword == "RUN"]
    assert [df.user_at(stage, i) for stage, i in runs] == ["app", "app", "root", None]


def test_a_requirement_whose_version_is_a_variable_keeps_its_name() -> None:
    from dflint.parse import parse

    text = 'FROM python:3.12\nARG V\nRUN pip install "ludwig[full]==${V}" torch==$T "x${Y}==1"\n'
    (op,) = parse(text, "Dockerfile").stages[0].package_ops(verb="install")
    assert [(r.name, r.extras, r.kind, r.pinned) for r in op.packages] == [
        ("ludwig", ("full",), "name", None),  # the package is known; whether it is pinned is not
        ("torch", (), "name", None),
        (None, (), "unknown", None),  # a name made of a variable stays unknown
    ]
