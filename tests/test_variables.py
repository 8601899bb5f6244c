"""ARG/ENV resolution: global ARGs, --build-arg, defaults, ${V:-x} forms; unknown stays unknown."""

from __future__ import annotations

from dflint.variables import expand
from tests.helpers import model


def test_expand_forms() -> None:
    env = {"A": "x", "EMPTY": "", "UNKNOWN": None}
    assert expand("$A-${A}", env) == "x-x"
    assert expand("${MISSING:-d}", env, undeclared="") == "d"
    assert expand("${EMPTY:-d}", env) == "d"
    assert expand("${EMPTY-d}", env) == ""
    assert expand("${A:+alt}", env) == "alt"
    assert expand("${MISSING:+alt}", env) == ""
    assert expand("$UNKNOWN", env) is None
    assert expand("${UNKNOWN:-d}", env) is None
    assert expand("$MISSING", env) is None  # may come from the base image
    assert expand("\\$A", env) == "$A"
    assert expand("${A/x/y}", env) is None  # a form we do not model


def test_from_resolves_through_global_args_and_build_args() -> None:
    text = "ARG REGISTRY=docker.io\nARG TAG\nFROM ${REGISTRY}/python:${TAG:-3.11}-slim\nFROM $UNSET_BASE\n"
    df = model(text)
    assert df.stages[0].base_resolved == "docker.io/python:3.11-slim"
    assert df.stages[1].base_resolved is None  # an unset build argument: unknown
    overridden = model(text, build_args={"TAG": "3.12", "UNSET_BASE": "alpine:3.20"})
    assert overridden.stages[0].base_resolved == "docker.io/python:3.12-slim"
    assert overridden.stages[1].base_resolved is None  # never declared with ARG: Docker ignores the build-arg
    declared = model("ARG BASE\nFROM $BASE\n", build_args={"BASE": "alpine:3.20"})
    assert declared.stages[0].base_resolved == "alpine:3.20"


def test_run_sees_args_and_env_in_scope() -> None:
    text = "ARG TF=tensorflow-cpu\nFROM python:3.11\nARG TF\nARG OTHER\nENV PKG=${TF}\nRUN pip install ${PKG}==2.15.0 $OTHER\n"
    df = model(text)
    argv = [w.value for w in df.stages[0].instructions[-1].commands[0].argv]
    assert argv == ["pip", "install", "tensorflow-cpu==2.15.0", None]
    op = df.stages[0].instructions[-1].packages[0]
    assert [(r.name, r.pinned) for r in op.packages] == [("tensorflow-cpu", True), (None, None)]
    assert model(text, build_args={"TF": "tensorflow"}).stages[0].instructions[-1].packages[0].packages[0].name == "tensorflow"


def test_shell_assignments_and_export_carry_to_later_commands() -> None:
    df = model("FROM python:3.11\nRUN V=1.2.3 && export P=torch && pip install $P==$V\n")
    assert [w.value for w in df.instructions[1].commands[-1].argv] == ["pip", "install", "torch==1.2.3"]


def test_predefined_platform_args_are_declared_but_unknown() -> None:
    df = model("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN echo $TARGETARCH\n")
    assert df.stages[0].platform == "$BUILDPLATFORM"
    assert df.stages[0].instructions[1].commands[0].argv[1].value is None
