"""Field splitting of unquoted expansions: `apt-get install $BUILD_DEPS` names each package."""

from __future__ import annotations

from tests.helpers import model, source


def test_unquoted_expansion_splits_into_words_sharing_its_span() -> None:
    df = model('FROM debian:bookworm\nENV BUILD_DEPS="gcc make"\nRUN apt-get install -y $BUILD_DEPS\n')
    command = df.stages[0].instructions[1].commands[0]
    assert command.args == ("install", "-y", "gcc", "make")
    op = df.stages[0].instructions[1].packages[0]
    assert [p.name for p in op.packages] == ["gcc", "make"]
    assert all(source(df, p.span) == "$BUILD_DEPS" for p in op.packages if p.span is not None)


def test_shell_variable_set_in_the_script_splits_too() -> None:
    df = model("FROM debian:bookworm\nRUN deps='gcc libc6-dev'; apt-get install -y ${deps}; apt-get purge -y $deps\n")
    ops = df.stages[0].instructions[0].packages
    assert [[p.name for p in op.packages] for op in ops] == [["gcc", "libc6-dev"], ["gcc", "libc6-dev"]]


def test_quoted_and_empty_expansions() -> None:
    df = model('FROM debian:bookworm\nENV A="x y" E=""\nRUN echo "$A" $E end\n')
    command = df.stages[0].instructions[1].commands[0]
    assert command.args == ("x y", "end")


def test_unknown_expansion_stays_one_unknown_word() -> None:
    df = model("FROM debian:bookworm\nRUN apt-get install -y $UNSET_IN_BASE\n")
    op = df.stages[0].instructions[0].packages[0]
    assert len(op.packages) == 1 and op.packages[0].name is None
