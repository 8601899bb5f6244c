"""Final and shipped stages, --target, FROM-a-stage chains, whole-tree copies, case-insensitive names."""

from __future__ import annotations

from tests.helpers import model

CHAIN = """\
FROM python:3.11 AS Base
RUN pip install numpy==2.1.0
FROM base AS builder
RUN apt-get install -y gcc
FROM python:3.11-slim AS runtime
COPY --from=builder /opt/venv /opt/venv
FROM runtime AS Final
CMD ["python"]
FROM builder AS tests
"""


def test_final_stage_is_last_or_target() -> None:
    df = model(CHAIN)
    assert df.final_stage().name == "tests"  # type: ignore[union-attr]
    assert df.final_stage("FINAL").name == "Final"  # type: ignore[union-attr]
    assert model(CHAIN, target="runtime").final_stage().name == "runtime"  # type: ignore[union-attr]


def test_shipped_stages_follow_from_chains_transitively() -> None:
    df = model(CHAIN)
    assert [s.name for s in df.shipped_stages()] == ["Base", "builder", "tests"]
    assert [s.name for s in df.shipped_stages("final")] == ["runtime", "Final"]


def test_stage_links_and_names_are_case_insensitive() -> None:
    df = model(CHAIN)
    builder = df.stage_by_key("BUILDER")
    assert builder is not None and builder.base_stage == 0
    assert df.stages[0].base_resolved == "python:3.11" and df.stages[0].base_stage is None
    assert df.stages[3].base_stage == 2
    assert [s.name for s in df.ancestry(df.stages[3])] == ["Final", "runtime"]
    assert df.root_image(df.stages[1]) == "python:3.11"


def test_copying_a_whole_tree_ships_the_source_stage() -> None:
    df = model("FROM ubuntu:24.04 AS tools\nRUN apt-get install -y gcc\nFROM ubuntu:24.04\nCOPY --from=tools / /\n")
    assert [s.index for s in df.shipped_stages()] == [0, 1]
    selective = model("FROM ubuntu:24.04 AS tools\nFROM ubuntu:24.04\nCOPY --from=tools /usr/bin/x /usr/bin/x\n")
    assert [s.index for s in selective.shipped_stages()] == [1]


def test_stage_environment_inherits_env_and_args() -> None:
    """A stage built FROM another inherits its ENV and its build arguments (Docker's build-variables
    documentation: "Arguments and variables are inherited from parent stages"); a stage built FROM an
    image does not see another stage's ARG."""
    df = model("FROM alpine AS a\nARG V=1\nENV E=2\nWORKDIR /app\nFROM a\nRUN echo\nFROM alpine\nRUN echo\n")
    run = df.stages[1].instructions[0]
    assert run.env.get("E") == "2" and run.env.get("V") == "1"
    assert run.workdir == "/app"
    other = df.stages[2].instructions[0]
    assert "V" not in other.env and "E" not in other.env


def test_stage_at_is_the_stage_whose_from_precedes_the_line() -> None:
    from dflint.parse import parse

    dockerfile = parse("ARG V=1\nFROM a AS build\nRUN x\n\nFROM b\nRUN y\n", "Dockerfile")
    assert dockerfile.stage_at(1) is None
    assert [dockerfile.stage_at(line).index for line in (2, 3, 4)] == [0, 0, 0]  # type: ignore[union-attr]
    assert [dockerfile.stage_at(line).index for line in (5, 6)] == [1, 1]  # type: ignore[union-attr]
