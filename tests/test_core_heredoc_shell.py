"""A heredoc fed to a shell that is given only options (`RUN <<EOF bash -ex`) is the RUN's script."""

from __future__ import annotations

import pytest

from tests.helpers import model


def _names(run: str) -> list[str | None]:
    df = model("FROM ubuntu:24.04\n" + run)
    return [command.name for command in df.stages[0].instructions[0].commands]


@pytest.mark.parametrize(
    "command_line",
    ['<<"EOF" bash -ex', "<<EOF bash -ex", "bash -eux <<EOF", "<<EOF sh -e -o pipefail", "<<EOF bash -l", "<<EOF bash --norc -e"],
)
def test_shell_with_options_runs_the_heredoc(command_line: str) -> None:
    names = _names(f"RUN {command_line}\napt-get update\napt-get install -y curl\nEOF\n")
    assert names[-2:] == ["apt-get", "apt-get"]


@pytest.mark.parametrize(
    "command_line", ["<<EOF bash -c 'echo hi'", "<<EOF bash -ec 'echo hi'", "<<EOF bash script.sh", "<<EOF python3 -u"]
)
def test_other_readers_do_not_run_the_heredoc(command_line: str) -> None:
    assert "apt-get" not in _names(f"RUN {command_line}\napt-get update\nEOF\n")
