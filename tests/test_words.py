"""The model's argument words: split once by `dflint.wordsplit`, with exact spans, as BuildKit reads them."""

from __future__ import annotations

from dflint import wordsplit
from dflint.model import Dockerfile, Instruction
from dflint.parse import parse


def _at(dockerfile: Dockerfile, keyword: str, nth: int = 0) -> Instruction:
    return [instruction for instruction in dockerfile.instructions if instruction.keyword == keyword][nth]


def _written(dockerfile: Dockerfile, start: int, end: int) -> str:
    return dockerfile.text[start:end]


def test_copy_words_across_a_continuation_keep_their_file_spans() -> None:
    text = "FROM python:3.12\nARG APP=/srv\nCOPY --chown=1:1 a.txt \\\n  # dropped comment\n   'b c' ${APP}/\n"
    dockerfile = parse(text)
    copy = _at(dockerfile, "COPY")
    assert [word.text for word in copy.words] == ["a.txt", "'b", "c'", "${APP}/"]
    assert [word.value for word in copy.words] == ["a.txt", None, None, "/srv/"]  # a quote split by whitespace is broken
    destination = copy.words[-1]
    assert (destination.span.line, destination.span.column, destination.span.end_column) == (5, 10, 17)
    assert _written(dockerfile, destination.span.offset, destination.span.end_offset) == "${APP}/"
    assert destination.literal == "${APP}/" and copy.logical[destination.start : destination.end] == "${APP}/"
    assert copy.copy is not None and copy.copy.destination == "/srv/"


def test_exec_form_strings_are_words_with_their_quotes_in_text() -> None:
    dockerfile = parse('FROM scratch\nCOPY ["a b.txt", \\\n     "/dst/"]\nCMD ["serve", "--port=8080"]\n')
    copy = _at(dockerfile, "COPY")
    assert [(word.text, word.value, word.quoted) for word in copy.words] == [
        ('"a b.txt"', "a b.txt", True),
        ('"/dst/"', "/dst/", True),
    ]
    assert (copy.words[1].span.line, copy.words[1].span.column) == (3, 6)
    assert [word.literal for word in _at(dockerfile, "CMD").words] == ["serve", "--port=8080"]


def test_shell_scripts_have_no_words_but_their_commands() -> None:
    dockerfile = parse("FROM scratch\nRUN echo a b\nCMD serve --port 1\n")
    assert _at(dockerfile, "RUN").words == () and _at(dockerfile, "CMD").words == ()
    assert [word.value for word in _at(dockerfile, "RUN").commands[0].argv] == ["echo", "a", "b"]


def test_user_and_workdir_are_one_word() -> None:
    dockerfile = parse('FROM scratch\nENV HOME=/home/app\nWORKDIR "$HOME/my dir"\nUSER app:app\n')
    workdir = _at(dockerfile, "WORKDIR")
    assert [(word.text, word.value) for word in workdir.words] == [('"$HOME/my dir"', "/home/app/my dir")]
    assert [word.value for word in _at(dockerfile, "USER").words] == ["app:app"]


def test_env_pairs_expand_with_the_values_from_before_and_keep_single_quotes() -> None:
    dockerfile = parse("FROM scratch\nENV A=1\nENV A=2 B=$A C='$A' D=\"x y\"\n")
    env = _at(dockerfile, "ENV", 1)
    assert [(pair.key, pair.raw_value, pair.value, pair.literal) for pair in env.pairs] == [
        ("A", "2", "2", "2"),
        ("B", "$A", "1", "$A"),
        ("C", "'$A'", "$A", "$A"),
        ("D", '"x y"', "x y", "x y"),
    ]
    d = env.pairs[3]
    assert _written(dockerfile, d.key_span.offset, d.key_span.end_offset) == "D"
    assert _written(dockerfile, d.span.offset, d.span.end_offset) == 'D="x y"'
    assert env.logical[d.value_start : d.value_end] == '"x y"'
    later = _at(dockerfile, "ENV", 1)
    assert dict(later.env)["A"] == "1"  # in force at the instruction: before it


def test_legacy_env_and_label_forms() -> None:
    dockerfile = parse("FROM scratch\nENV PATH /opt/bin:$PATH\nLABEL maintainer someone else\nENV A=1 B\n")
    (path,) = _at(dockerfile, "ENV").pairs
    assert path.legacy and path.key == "PATH" and path.raw_value == "/opt/bin:$PATH"
    assert _written(dockerfile, path.span.offset, path.span.end_offset) == "PATH /opt/bin:$PATH"
    (label,) = _at(dockerfile, "LABEL").pairs
    assert label.legacy and label.value == "someone else"
    assert _at(dockerfile, "ENV", 1).pairs == ()  # `B` has no `=`: Docker rejects it
    assert any("ENV: cannot read" in error.message for error in dockerfile.errors)


def test_arg_pairs_with_and_without_defaults() -> None:
    dockerfile = parse('ARG BASE=python:3.12 TAG\nFROM $BASE\nARG "QUOTED"="a b" EMPTY=\n')
    top = dockerfile.global_args[0]
    assert [(pair.key, pair.raw_value, pair.literal) for pair in top.pairs] == [
        ("BASE", "python:3.12", "python:3.12"),
        ("TAG", None, None),
    ]
    arg = _at(dockerfile, "ARG", 1)
    assert [(pair.key, pair.value) for pair in arg.pairs] == [("QUOTED", "a b"), ("EMPTY", "")]
    assert dockerfile.stages[0].base_resolved == "python:3.12"


def test_escaped_dollar_in_a_default_stays_literal() -> None:
    dockerfile = parse('FROM scratch\nARG SCRIPT="echo \\"\\$PKG\\""\nRUN bash -c "${SCRIPT}"\n')
    assert _at(dockerfile, "ARG").pairs[0].value == 'echo "$PKG"'
    assert dict(_at(dockerfile, "RUN").env)["SCRIPT"] == 'echo "$PKG"'


def test_from_words_and_flag_value_spans() -> None:
    dockerfile = parse("FROM --platform=linux/arm64 python:3.12 AS build\nFROM scratch\nCOPY --from=build /a /b\n")
    image, as_word, name = dockerfile.stages[0].from_instruction.words
    assert (image.text, as_word.text, name.text) == ("python:3.12", "AS", "build")
    assert (name.span.column, name.span.end_column) == (44, 49)
    platform = dockerfile.stages[0].from_instruction.flag("platform")
    assert platform is not None and platform.value_span is not None
    assert _written(dockerfile, platform.value_span.offset, platform.value_span.end_offset) == "linux/arm64"
    copy_from = _at(dockerfile, "COPY").flag("from")
    assert copy_from is not None and copy_from.value_span is not None and copy_from.value_span.column == 13


def test_escape_directive_changes_the_escape_character() -> None:
    dockerfile = parse("# escape=`\nFROM scratch\nENV A=`$B C=x\\y\n")
    assert dockerfile.escape == "`"
    assert [(pair.key, pair.value) for pair in _at(dockerfile, "ENV").pairs] == [("A", "$B"), ("C", "x\\y")]


def test_logical_span_maps_indexes_across_continuations() -> None:
    dockerfile = parse("FROM scratch\nLABEL a=1 \\\n\n      b=2\n")
    label = _at(dockerfile, "LABEL")
    b = label.pairs[1]
    span = dockerfile.logical_span(label, b.value_start, b.value_end)
    assert (span.line, span.column, span.end_column) == (4, 9, 10)
    assert dockerfile.span(span.offset, span.end_offset) == span


def test_splitter_functions() -> None:
    assert wordsplit.whitespace_words(' a  "b c" ') == [(1, 2), (4, 6), (7, 9)]
    assert wordsplit.quoted_words(' a  "b c" d\\ e') == [(1, 2), (4, 9), (10, 14)]
    assert wordsplit.unquote('\'a b\'"c\\""d') == 'a bc"d'
    assert wordsplit.unquote("'open") is None
    assert wordsplit.process("$A'$A'\"$A\"", lambda text: text.replace("$A", "x")) == "x$Ax"
    assert wordsplit.process("$A", lambda text: None) is None
    assert wordsplit.key_value_pairs("ENV", "K") is None
    pairs = wordsplit.key_value_pairs("ARG", "A B=1")
    assert pairs is not None and [(pair.key, pair.has_value) for pair in pairs] == [("A", False), ("B", True)]
