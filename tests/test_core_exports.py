"""`ShellCommand.exports`: what `export` put into the environment of later commands in a RUN."""

from __future__ import annotations

from tests.helpers import model


def _exports(text: str) -> list[tuple[str, dict[str, str | None]]]:
    df = model("FROM python:3.11\n" + text)
    return [(command.text, dict(command.exports)) for command in df.stages[0].instructions[0].commands]


def test_export_with_value_reaches_later_commands_only() -> None:
    assert _exports("RUN pip --version && export PIP_NO_CACHE_DIR=1 && pip install x\n") == [
        ("pip --version", {}),
        ("pip install x", {"PIP_NO_CACHE_DIR": "1"}),
    ]


def test_export_of_an_assigned_name_and_reassignment() -> None:
    assert _exports("RUN A=1; export A; pip install x; A=2; pip install y\n") == [
        ("pip install x", {"A": "1"}),
        ("pip install y", {"A": "2"}),
    ]


def test_plain_assignment_and_prefix_are_not_exports() -> None:
    assert _exports("RUN A=1; C=3 pip install q\n") == [("C=3 pip install q", {})]


def test_declare_x_and_nested_shell_inherit() -> None:
    result = _exports("RUN declare -x B=2 && sh -c 'pip install w'\n")
    assert result == [("sh -c 'pip install w'", {"B": "2"}), ("pip install w", {"B": "2"})]


def test_unknown_value_is_none() -> None:
    assert _exports("RUN export V=$UNSET_SOMEWHERE && pip install x\n") == [("pip install x", {"V": None})]


def test_exports_do_not_break_equality_or_hashing() -> None:
    import dataclasses
    from types import MappingProxyType

    command = model("FROM python:3.11\nRUN export A=1 && pip install x\n").stages[0].instructions[0].commands[-1]
    again = model("FROM python:3.11\nRUN export A=1 && pip install x\n").stages[0].instructions[0].commands[-1]
    assert command.exports == {"A": "1"}
    assert command == again and hash(command) == hash(again) and len({command, again}) == 1
    # exports are context, not identity: the same command with other exports is the same command
    other = dataclasses.replace(command, exports=MappingProxyType({"A": "2"}))
    assert other == command and hash(other) == hash(command)
