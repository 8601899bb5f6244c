"""Bounded work on hostile input: every reproducer finishes within a time bound the test harness
enforces (pytest-timeout), never raises, and a limit that is hit is reported as `path:line: message`.

The bounds are generous next to the time each case takes once linear (well under a second), and
far below what the same input took before its fix (minutes, or a RecursionError)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from tests.helpers import model


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# -- shell trees are walked without recursion -------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("operator", ["&&", "||", ";", "|"])
def test_a_thousand_chained_commands_are_all_read(operator: str) -> None:
    dockerfile = model("FROM alpine\nRUN " + f" {operator} ".join(f"echo {i}" for i in range(1000)) + "\n")
    commands = dockerfile.instructions[1].commands
    assert [command.argv[1].value for command in commands] == [str(i) for i in range(1000)]
    assert commands[-1].operator == operator


@pytest.mark.timeout(30)
def test_a_thousand_nested_subshells_are_read() -> None:
    dockerfile = model("FROM alpine\nRUN " + "( " * 1000 + "pip install torch" + " )" * 1000 + "\n")
    (command,) = dockerfile.instructions[1].commands
    assert [word.value for word in command.argv] == ["pip", "install", "torch"]


@pytest.mark.timeout(60)
def test_a_deep_script_does_not_cost_the_other_files_their_output(tmp_path: Path) -> None:
    deep = tmp_path / "deep" / "Dockerfile"
    deep.parent.mkdir()
    deep.write_text("FROM alpine:3.20\nRUN " + " && ".join(["true"] * 1000) + "\n")
    other = tmp_path / "other" / "Dockerfile"
    other.parent.mkdir()
    other.write_text("FROM alpine\n")
    code, out, err = run_cli(str(deep), str(other), "--jobs", "1")
    assert "Traceback" not in err and "RecursionError" not in err
    assert f"{other}:1:6: DF103" in out
    assert code == 1
