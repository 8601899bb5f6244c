"""On real Dockerfiles: dflint's instruction structure agrees with dockerfile-parse wherever
dockerfile-parse is known to model Docker correctly, and nothing crashes."""

from __future__ import annotations

import io
import re

from dockerfile_parse import DockerfileParser

from dflint.parse import parse
from dflint.source import InputError, read_path
from tests.corpus import corpus_files, requires_corpus

# dockerfile-parse reads heredoc bodies as instructions and ends an instruction at an empty line
# inside a continuation, where BuildKit drops the empty line and carries on: skip those files.
EMPTY_CONTINUATION = re.compile(r"\\[ \t]*\r?\n[ \t]*\r?\n")
# It also continues a line ending in an escaped escape (`\\`), which BuildKit does not (BuildKit's
# own parser test `testfiles/trailing-backslash`: "This should not be appended to C").
ESCAPED_ESCAPE_AT_END = re.compile(r"\\\\[ \t]*$", re.MULTILINE)


@requires_corpus
def test_instruction_lines_agree_with_dockerfile_parse() -> None:
    compared = 0
    disagreements = []
    for path in corpus_files():
        try:
            text = read_path(str(path))
        except InputError:
            continue
        if "<<" in text or EMPTY_CONTINUATION.search(text) or ESCAPED_ESCAPE_AT_END.search(text):
            continue
        model = parse(text, str(path))
        if model.errors:
            continue
        theirs = [
            (item["instruction"], item["startline"] + 1, item["endline"] + 1)
            for item in DockerfileParser(fileobj=io.BytesIO(text.encode())).structure
            if item["instruction"] != "COMMENT"
        ]
        ours = [(i.keyword, i.span.line, i.span.end_line) for i in model.instructions]
        compared += 1
        if theirs != ours:
            disagreements.append(str(path))
    assert compared > 500
    assert disagreements == []


@requires_corpus
def test_every_corpus_file_parses_without_exception() -> None:
    for path in corpus_files():
        try:
            text = read_path(str(path))
        except InputError:
            continue
        model = parse(text, str(path))
        assert model.text == text
        for instruction in model.instructions:
            assert 1 <= instruction.span.line <= instruction.span.end_line
            for command in instruction.commands:
                assert instruction.span.offset <= command.span.offset <= command.span.end_offset <= len(text)
