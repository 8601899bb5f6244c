"""What an image is for, decided once in the model from its command, ports, names and base."""

from __future__ import annotations

import pytest

from dflint.model import Purpose
from dflint.parse import Options, parse
from dflint.purpose import base_workdir


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["uvicorn", "app:api"]\n', Purpose("service", "it exposes port 8000")),
        ('FROM python:3.11-slim\nCMD ["uvicorn", "app:api"]\n', Purpose("service", "its command runs `uvicorn`")),
        ("FROM python:3.11-slim\nCMD exec gunicorn app:api\n", Purpose("service", "its command runs `gunicorn`")),
        (
            'FROM node:22\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "server.js"]\n',
            Purpose("service", "its command runs `node`"),
        ),
        ('FROM python:3.11-slim\nCMD ["python3"]\n', Purpose("toolchain", "its command is an interpreter's prompt (`python3`)")),
        ('FROM ubuntu:24.04\nCMD ["/bin/bash"]\n', Purpose("toolchain", "its command is a shell (`bash`)")),
        ('FROM ubuntu:24.04\nCMD ["bash", "-c", "exec ./serve"]\n', Purpose("service", "its command runs `bash`")),
        ("FROM python:3.11-slim\nRUN true\n", Purpose("unknown", "no command, exposed port or telling name")),
        ('FROM python:3.11-slim\nCMD ["pytest", "-q"]\n', Purpose("ci", "its command runs `pytest -q`")),
        ('FROM python:3.11-slim\nCMD ["python", "-m", "pytest"]\n', Purpose("ci", "its command runs `python -m`")),
        ("FROM python:3.11-slim AS unit-tests\nRUN true\n", Purpose("ci", "the stage is named 'unit-tests'")),
        (
            "FROM quay.io/jupyter/base-notebook:2024-10-07\nRUN true\n",
            Purpose("notebook", "the base image `quay.io/jupyter/base-notebook:2024-10-07` is a notebook image"),
        ),
        ('FROM python:3.11-slim\nCMD ["jupyter", "lab"]\n', Purpose("notebook", "its command runs `jupyter`")),
        ("FROM python:3.11-slim\nEXPOSE 8888\n", Purpose("notebook", "it exposes port 8888 (Jupyter)")),
        (
            "FROM mcr.microsoft.com/devcontainers/python:3.11\nRUN true\n",
            Purpose(
                "devcontainer", "the base image `mcr.microsoft.com/devcontainers/python:3.11` is a development container image"
            ),
        ),
        ("FROM python:3.11 AS devcontainer\nEXPOSE 8000\n", Purpose("devcontainer", "the stage is named 'devcontainer'")),
    ],
)
def test_purpose(text: str, expected: Purpose) -> None:
    assert parse(text, "Dockerfile").purpose == expected


def test_the_target_decides_which_stage_is_judged() -> None:
    text = 'FROM python:3.11 AS devcontainer\nRUN true\nFROM python:3.11-slim AS runtime\nCMD ["uvicorn", "app:api"]\n'
    assert parse(text, "Dockerfile").purpose == Purpose("service", "its command runs `uvicorn`")
    chosen = parse(text, "Dockerfile", Options(target="devcontainer")).purpose
    assert chosen is not None and chosen.kind == "devcontainer"


def test_a_dockerfile_under_devcontainer_is_a_development_container() -> None:
    purpose = parse("FROM python:3.11\nEXPOSE 8000\n", "repo/.devcontainer/Dockerfile").purpose
    assert purpose == Purpose("devcontainer", "the Dockerfile is under .devcontainer/")


def test_purpose_properties() -> None:
    assert Purpose("notebook", "").serves and Purpose("service", "").serves and not Purpose("unknown", "").serves
    assert Purpose("toolchain", "").for_development and not Purpose("service", "").for_development


@pytest.mark.parametrize(
    ("image", "workdir"),
    [
        ("golang:1.22", "/go"),
        ("docker.io/library/golang:1.22-alpine", "/go"),
        ("quay.io/jupyter/scipy-notebook", "/home/jovyan"),
        ("python:3.11", None),
        (None, None),
    ],
)
def test_known_base_workdirs(image: str | None, workdir: str | None) -> None:
    assert base_workdir(image) == workdir
