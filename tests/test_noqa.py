"""`# noqa: DFnnn` at the end of a RUN line: an alias of the trailing `# dflint: ignore=` pragma."""

from __future__ import annotations

from dflint.engine import Settings, lint_source, selected_rules


def codes(text: str, *select: str) -> list[tuple[str, int]]:
    settings = Settings(select=select or ("DF301", "DF401", "DF690", "DF691"))
    result = lint_source(text, "Dockerfile", settings, selected_rules(settings), None)
    return [(finding.code, finding.span.line) for finding in result.findings]


def test_noqa_on_a_run_line_suppresses_the_named_rules_there() -> None:
    text = (
        "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch  # noqa: DF401\nRUN pip install --no-cache-dir onnxruntime\n"
    )
    assert codes(text) == [("DF401", 3)]
    # (not torch: its CUDA build makes the image large, and DF301 leaves the light install after it)
    both = "FROM python:3.11-slim\nRUN pip install vllm \\\n    numpy  # noqa: DF401, pip-cache\nRUN pip install onnxruntime\n"
    assert codes(both) == [("DF301", 4), ("DF401", 4)]  # the command the noqa's line belongs to, whole


def test_other_tools_codes_and_bare_noqa_are_left_alone() -> None:
    text = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch  # noqa: E501\nRUN pip install --no-cache-dir onnxruntime  # noqa\n"
    assert codes(text) == [("DF401", 2), ("DF401", 3)]
    mixed = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch  # noqa: E501,DF401\n"
    assert codes(mixed) == []


def test_unknown_and_unused_noqa_codes_are_reported() -> None:
    text = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0  # noqa: DF401,DF4O1,DF999\n"
    found = codes(text)
    assert ("DF690", 2) in found and ("DF691", 2) in found


def test_noqa_after_other_instructions_is_not_a_pragma() -> None:
    text = "FROM python:3.11 # noqa: DF102\n"
    settings = Settings(select=("DF102",))
    result = lint_source(text, "Dockerfile", settings, selected_rules(settings), None)
    assert result.dockerfile is not None and result.dockerfile.suppressions == ()
