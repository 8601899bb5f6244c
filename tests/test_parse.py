"""Exact spans for instructions and for the commands inside RUN, through every syntax form."""

from __future__ import annotations

from dflint.filesystem import mounted
from tests.helpers import at, model, source


def test_instruction_spans_cover_continuations_and_comments() -> None:
    df = model('FROM alpine:3.20\n\nRUN apk add \\\n    # a comment\n    curl\nCMD ["sh"]\n')
    run = df.instructions[1]
    assert run.keyword == "RUN"
    assert at(run.span) == (3, 1, 5, 9)
    assert at(run.keyword_span) == (3, 1, 3, 4)
    assert run.arguments == "apk add     curl"
    assert df.instructions[2].json_args == ("sh",)
    assert (4, "    # a comment") in df.comments


def test_command_spans_inside_a_multiline_run() -> None:
    text = (
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && \\\n"
        "    # comment inside the continuation\n"
        "    DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n"
        "\n"
        "      curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    df = model(text)
    commands = df.instructions[1].commands
    assert [c.name for c in commands] == ["apt-get", "apt-get", "rm"]
    assert at(commands[0].span) == (2, 5, 2, 19)
    assert at(commands[1].span) == (4, 5, 6, 11)
    assert source(df, commands[1].span).startswith("DEBIAN_FRONTEND=noninteractive apt-get")
    assert [w.value for w in commands[1].argv] == ["apt-get", "install", "-y", "curl"]
    assert commands[1].assignments[0][0] == "DEBIAN_FRONTEND"
    assert at(commands[2].span) == (7, 8, 7, 35)
    assert commands[2].operator == "&&"
    package = commands[1].argv[3]
    assert at(package.span) == (6, 7, 6, 11)


def test_heredoc_script_body_commands() -> None:
    text = "FROM python:3.11-slim\nRUN <<EOF\nset -e\npip install torch==2.4.0\nEOF\nRUN echo done\n"
    df = model(text)
    run = df.instructions[1]
    assert at(run.span) == (2, 1, 5, 4)
    assert run.heredocs[0].marker == "EOF" and run.heredocs[0].body == "set -e\npip install torch==2.4.0\n"
    assert [c.name for c in run.commands] == ["set", "pip"]
    assert at(run.commands[1].span) == (4, 1, 4, 25)
    assert df.instructions[2].keyword == "RUN" and at(df.instructions[2].span) == (6, 1, 6, 14)


def test_heredoc_forms_strip_tabs_quoted_and_fed_to_a_program() -> None:
    text = "FROM python:3.11-slim\nRUN <<-'EOT' bash\n\tpip install a==1\n\tEOT\nRUN python3 <<EOF\nimport os\nEOF\nCOPY <<EOF /app/conf\nx=1\nEOF\n"
    df = model(text)
    first, second, third = df.instructions[1:]
    assert first.heredocs[0].strip_tabs and first.heredocs[0].quoted
    assert [c.name for c in first.commands] == ["bash", "pip"]
    assert [c.name for c in second.commands] == ["python3"]  # the body is Python, not shell
    assert third.keyword == "COPY" and third.heredocs[0].body == "x=1\n"
    assert not df.errors


def test_sh_c_and_sudo_are_seen_through_with_exact_spans() -> None:
    df = model("FROM ubuntu:24.04\nRUN sudo -E sh -c 'apt-get update && apt-get install -y gcc'\n")
    names = [(c.name, c.wrappers) for c in df.instructions[1].commands]
    assert names == [("sh", ("sudo",)), ("apt-get", ("sudo", "sh")), ("apt-get", ("sudo", "sh"))]
    inner = df.instructions[1].commands[2]
    assert source(df, inner.span) == "apt-get install -y gcc"


def test_exec_form_run_and_flags() -> None:
    df = model('FROM python:3.11\nRUN --mount=type=cache,target=/root/.cache/pip --network=none ["pip", "install", "x==1"]\n')
    run = df.instructions[1]
    assert [f.name for f in run.flags] == ["mount", "network"]
    assert run.flags[0].options() == {"type": "cache", "target": "/root/.cache/pip"}
    assert at(run.flags[0].span) == (2, 5, 2, 47)
    assert run.json_args == ("pip", "install", "x==1")
    assert [w.value for w in run.commands[0].argv] == ["pip", "install", "x==1"]
    assert mounted(run, ("/root/.cache/pip",))
    assert mounted(run, ("~/.cache/pip/wheels",))
    assert not mounted(run, ("/root/.cache/uv",))


def test_crlf_bom_and_escape_directive() -> None:
    crlf = model("FROM alpine:3.20\r\nRUN apk add \\\r\n    curl\r\n")
    run = crlf.instructions[1]
    assert at(run.span) == (2, 1, 3, 9)
    assert [w.value for w in run.commands[0].argv] == ["apk", "add", "curl"]
    escaped = model("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\n")
    assert escaped.directive("escape") == "`"
    assert escaped.instructions[1].arguments == "echo a     b"
    assert at(escaped.instructions[1].span) == (3, 1, 4, 6)


def test_directives_only_at_the_top() -> None:
    df = model("# syntax=docker/dockerfile:1.7\n# check=skip=all\nFROM alpine\n# escape=`\nRUN echo\n")
    assert [d.name for d in df.directives] == ["syntax", "check"]
    assert df.directive("escape") is None


def test_parse_errors_are_reported_with_lines_and_the_rest_is_modelled() -> None:
    df = model("FROM alpine\nRUNN echo\nRUN echo ok\n")
    assert [(e.line, e.message) for e in df.errors] == [(2, "unknown instruction 'RUNN'")]
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN"]
    unterminated = model("FROM alpine\nRUN <<EOF\necho\n")
    assert unterminated.errors and "unterminated heredoc" in unterminated.errors[0].message
    trailing = model("FROM alpine\nRUN echo \\\n")
    assert trailing.errors and "continuation at the end" in trailing.errors[0].message
    before = model("RUN echo\nFROM alpine\n")
    assert before.errors[0].line == 1 and "before the first FROM" in before.errors[0].message


def test_onbuild_wraps_an_instruction() -> None:
    df = model("FROM python:3.11\nONBUILD RUN pip install flask\n")
    wrapper = df.instructions[1]
    assert wrapper.keyword == "ONBUILD" and wrapper.onbuild is not None
    assert wrapper.onbuild.keyword == "RUN"
    assert wrapper.onbuild.commands[0].name == "pip"
    assert source(df, wrapper.onbuild.commands[0].span) == "pip install flask"


def test_unicode_columns_are_characters() -> None:
    df = model("FROM alpine\nRUN echo 'é' && apk add curl\n")
    command = df.instructions[1].commands[1]
    assert at(command.span) == (2, 17, 2, 29)


def test_an_escaped_escape_at_the_end_of_a_line_does_not_continue() -> None:
    df = model("FROM hello-world\nENV C trailing\\\\backslash\\\\\nENV D not appended\nENV E hello\\\n\\\nworld\n")
    assert [(i.keyword, i.span.line, i.span.end_line) for i in df.instructions] == [
        ("FROM", 1, 1),
        ("ENV", 2, 2),
        ("ENV", 3, 3),
        ("ENV", 4, 6),
    ]


def test_arguments_after_a_redirection_are_the_commands() -> None:
    # tree-sitter-bash keeps `scipy==1.11.0` inside the redirection `>=0.57.1 scipy==1.11.0`; the
    # shell gives it to pip, and so does the model
    df = model(
        "FROM python:3.11-slim\n"
        "RUN pip install numba>=0.57.1 scipy==1.11.0 && cmd a 2>/dev/null b >>log c\n"
        "RUN pip install -U pip && pip install x>1 --extra-index-url=https://example.org/simple\n"
    )
    pip, cmd = df.instructions[1].commands
    assert [w.value for w in pip.argv] == ["pip", "install", "numba", "scipy==1.11.0"]
    assert [w.value for w in pip.redirects] == ["=0.57.1"]
    assert [w.value for w in cmd.argv] == ["cmd", "a", "b", "c"]
    assert [w.value for w in cmd.redirects] == ["/dev/null", "log"]
    assert cmd.split_words == ()
    last = df.instructions[2].commands[-1]
    assert [w.value for w in last.argv] == ["pip", "install", "x", "--extra-index-url=https://example.org/simple"]


def test_a_redirection_after_a_heredoc_marker_writes_its_file() -> None:
    # tree-sitter-bash keeps `> /tmp/requirements.txt` inside the heredoc redirection; the file is
    # still written (a RUN heredoc script that writes a requirements file and installs from it)
    df = model(
        "FROM python:3.12-slim\n"
        "RUN <<EOF\n"
        "cat <<EOT >/tmp/requirements.txt\n"
        "cmake<4\n"
        "EOT\n"
        "pip install -r /tmp/requirements.txt\n"
        "EOF\n"
    )
    cat, pip = df.instructions[1].commands
    assert [w.value for w in cat.argv] == ["cat"]
    assert [w.value for w in cat.redirects] == ["/tmp/requirements.txt"]
    assert pip.redirects == ()


def test_a_word_cut_at_a_redirection_without_a_space_is_one_split_word() -> None:
    df = model("FROM python:3.11-slim\nRUN pip install a>1.0 b>=2 c >=3 d<in\n")
    (pip,) = df.instructions[1].commands
    splits = [(s.argument.value, s.operator, s.target.value, s.text, s.writes) for s in pip.split_words]
    assert splits == [("a", ">", "1.0", "a>1.0", True), ("b", ">", "=2", "b>=2", True), ("d", "<", "in", "d<in", False)]
    assert source(df, pip.split_words[1].span) == "b>=2"
    assert pip.split_word(pip.argv[3].span) is pip.split_words[1]
    assert pip.split_word(pip.argv[4].span) is None  # `c >=3`: a redirection after a space cuts no word
