"""DF119 and DF102 each report their own images, never the same FROM twice; DF206 and DF407 read
what the model says about Poetry installs and package indexes."""

from __future__ import annotations

from dflint.engine import Settings, lint_source
from dflint.registry import find
from dflint.rule import Finding


def _lint(codes: tuple[str, ...], text: str) -> list[Finding]:
    rules = [rule for rule in (find(code) for code in codes) if rule is not None]
    result = lint_source(text, "Dockerfile", Settings(select=codes), rules, None)
    assert not result.errors, result.errors
    return list(result.findings)


SERVICE = '\nCOPY app/ /app/\nEXPOSE 8000\nCMD ["python", "-m", "app.server"]\n'


def test_a_pytorch_devel_service_image_is_reported_once_by_df102() -> None:
    found = _lint(("DF102", "DF119"), "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel" + SERVICE)
    assert [f.code for f in found] == ["DF102"]


def test_an_ngc_service_image_is_reported_once_by_df119() -> None:
    found = _lint(("DF102", "DF119"), "FROM nvcr.io/nvidia/pytorch:24.01-py3" + SERVICE)
    assert [f.code for f in found] == ["DF119"]
    assert found[0].savings is None and "MB" not in found[0].message  # no size is claimed without a measured pair


def test_the_jupyter_counterpart_keeps_the_rest_of_the_tag() -> None:
    (finding,) = _lint(("DF119",), "FROM tensorflow/tensorflow:2.15.0-jupyter" + SERVICE)
    assert finding.message.endswith("use `tensorflow/tensorflow:2.15.0`")


def test_poetry_dev_group_through_a_copied_system_site_packages() -> None:
    text = (
        "FROM python:3.11-slim AS build\nENV POETRY_VIRTUALENVS_CREATE=false\nRUN pip install poetry==1.8.3\n"
        "COPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n\n"
        "FROM python:3.11-slim\nCOPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n"
        'CMD ["python", "-m", "app"]\n'
    )
    (finding,) = _lint(("DF206",), text)
    assert finding.span.line == 5 and "dev group" in finding.message


def test_pinned_names_with_an_extra_index_are_silent_and_one_unpinned_name_is_named() -> None:
    text = "FROM python:3.11-slim\nRUN pip install --extra-index-url https://pkgs.example.com/simple acme==1.0 tool>=2\n"
    (finding,) = _lint(("DF407",), text)
    assert "`tool`" in finding.message and "`acme`" not in finding.message
