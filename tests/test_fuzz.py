"""Fuzzing: whatever the input, dflint reports findings or input errors (exit 2), never a traceback.

Random bytes, Dockerfile-flavoured random text, and corpus files mutated the ways real edits and
bad merges break them (lines deleted, duplicated, swapped; a cut mid-line; stray backslashes,
heredoc markers, NUL bytes). Every rule runs, opt-in ones included. Findings must point inside the
file and fixes must edit inside it.

`DFLINT_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py` runs longer (default 200 per test). Every
crash found is kept in `REGRESSIONS` below.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.cli import main
from dflint.engine import FileResult, Settings, lint_bytes, lint_source
from dflint.registry import all_rules
from dflint.source import InputError
from tests.corpus import corpus_files

EXAMPLES = int(os.environ.get("DFLINT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
RULES = list(all_rules())
SETTINGS = Settings(select=tuple(rule.meta.code for rule in RULES), max_bytes=0)

FRAGMENTS = (
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "ENV",
    "ARG",
    "WORKDIR",
    "USER",
    "CMD",
    "ENTRYPOINT",
    "ONBUILD",
    "HEALTHCHECK",
    "SHELL",
    "LABEL",
    "EXPOSE",
    "VOLUME",
    "STOPSIGNAL",
    "MAINTAINER",
    "from",
    "run",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "\\\n",
    " \\\n",
    "`",
    "`\n",
    "#",
    "# ",
    "\n# comment\n",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "# dflint: ignore=DF301\n",
    "# hadolint ignore=DL3008\n",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    '<<"EOT"',
    "<<EOF\n",
    "EOF",
    "EOF\n",
    "\tEOF\n",
    "<<<",
    '"',
    "'",
    "$",
    "${",
    "}",
    "$A",
    "${A}",
    "${A:-b}",
    "${A:+x}",
    "${A#*/}",
    "$((1+2))",
    "$(echo hi)",
    "`id`",
    "&&",
    "||",
    ";",
    "|",
    "&",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "=",
    ":",
    "/",
    "..",
    "*",
    "~",
    "!",
    '["sh", "-c", "x"]',
    '["pip", "install", "torch"]',
    '["',
    "--mount=type=cache,target=/root/.cache/pip",
    "--mount=type=bind,source=.,target=/src",
    "--from=build",
    "--from=0",
    "--platform=$BUILDPLATFORM",
    "--chown=1:1",
    "--link",
    "AS build",
    "AS",
    "python:3.11-slim",
    "nvidia/cuda:12.4.1-devel-ubuntu22.04",
    "ubuntu@sha256:abc",
    "scratch",
    "$BASE",
    "apt-get update",
    "apt-get install -y",
    "apt install",
    "apk add",
    "yum install",
    "dnf -y install",
    "pip install",
    "pip3 install --no-cache-dir",
    "python -m pip install",
    "uv pip install",
    "conda install -y",
    "-r requirements.txt",
    "-c constraints.txt",
    "-e .",
    "torch==2.4.0",
    "numpy>=1",
    "pkg[extra]",
    "git+https://x/y.git@main",
    "https://example.invalid/a.whl",
    "gcc",
    "build-essential",
    "curl",
    "wget",
    "sudo",
    "sh -c",
    "bash -lc",
    "cd /app",
    "rm -rf /var/lib/apt/lists/*",
    "rm -rf /root/.cache",
    "&& \\\n",
    "useradd -m app",
    "chmod 777 /",
    "curl x | sh",
    "KEY=value",
    "KEY value",
    "1234",
    "80/tcp",
    "SIGTERM",
    "CMD echo",
    "NONE",
    "/app",
    "./",
    ".",
    "\x00",
    "\x0b",
    "\x0c",
    "\x1b",
    "é",
    "ñ",
    "\u2028",
    "\u00a0",
    "\ufeff",
    "😀",
    "\U0010ffff",
    "\udcff",
)
fragment_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=120).map("".join)

# Structured Dockerfiles reach the shell parser, package extraction and every rule; the free-form
# fragments above reach the lexer's corners.
PROGRAMS = (
    "apt-get",
    "apt",
    "apk",
    "yum",
    "dnf",
    "microdnf",
    "pip",
    "pip3",
    "python -m pip",
    "python3",
    "uv",
    "uv pip",
    "conda",
    "mamba",
    "poetry",
    "pipenv",
    "npm",
    "yarn",
    "gem",
    "go",
    "curl",
    "wget",
    "git",
    "rm",
    "cd",
    "mkdir",
    "chmod",
    "chown",
    "useradd",
    "echo",
    "export",
    "sudo",
    "env",
    "xargs",
    "sh -c",
    "bash -c",
    "tar",
    "make",
    "cmake",
    "gcc",
    "nvcc",
    "ldconfig",
)
WORDS = (
    "install",
    "add",
    "update",
    "upgrade",
    "remove",
    "purge",
    "clean",
    "autoremove",
    "sync",
    "uninstall",
    "config",
    "set",
    "-y",
    "-q",
    "--yes",
    "--no-install-recommends",
    "--no-cache",
    "--no-cache-dir",
    "--user",
    "--upgrade",
    "-U",
    "-e",
    ".",
    "-r",
    "requirements.txt",
    "-c",
    "constraints.txt",
    "--index-url",
    "https://download.pytorch.org/whl/cu121",
    "-f",
    "torch",
    "torch==2.4.0",
    "numpy>=1.26",
    "vllm[all]==0.6.0",
    "git+https://github.com/x/y.git@v1",
    "./wheel.whl",
    "build-essential",
    "gcc",
    "cuda-toolkit-12-4",
    "curl",
    "ca-certificates",
    "libgl1=1.0-1",
    "python3-dev",
    "/var/lib/apt/lists/*",
    "/root/.cache/pip",
    "~/.cache",
    "-rf",
    "-fsSL",
    "-o",
    "/tmp/x",
    "|",
    "777",
    "app",
    "-m",
    "$HOME",
    "${VERSION}",
    "${VERSION:-1.0}",
    "$(nproc)",
    "'quoted words'",
    '"double $X"',
    "`date`",
    "\\",
    "*",
    "--",
    "-",
    "global.no-cache-dir",
    "false",
    "PIP_NO_CACHE_DIR=1",
    "DEBIAN_FRONTEND=noninteractive",
    "A=1",
)
OPERATORS = (" && ", " || ", "; ", " | ", " & ", "\n", " && \\\n    ", " \\\n && ")
FLAGS = {
    "RUN": (
        "--mount=type=cache,target=/root/.cache/pip",
        "--mount=type=cache,target=/var/cache/apt,sharing=locked",
        "--mount=type=bind,source=requirements.txt,target=/tmp/r.txt",
        "--mount=type=secret,id=x",
        "--network=none",
    ),
    "COPY": ("--from=build", "--from=0", "--from=nvidia/cuda:12.4.1-runtime", "--chown=app:app", "--link", "--chmod=755"),
    "ADD": ("--checksum=sha256:00", "--chown=1000", "--keep-git-dir=true"),
    "FROM": ("--platform=linux/amd64", "--platform=$BUILDPLATFORM"),
}
ARGUMENTS = {
    "FROM": (
        "python:3.11-slim",
        "nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build",
        "build",
        "base AS final",
        "$BASE",
        "${IMAGE}:${TAG}",
        "ubuntu",
        "ubuntu:latest",
        "scratch",
        "pytorch/pytorch@sha256:" + "a" * 64,
        "0",
    ),
    "COPY": (
        ". .",
        ". /app",
        "requirements.txt /app/",
        "requirements.txt constraints.txt ./",
        "/ /",
        "--from=build /usr /usr",
        "/opt/venv /opt/venv",
        "<<EOF /app/requirements.txt",
        "*.py /app/",
        "$SRC $DST",
        '["a", "b/"]',
    ),
    "ADD": ("https://example.invalid/model.bin /models/", "app.tar.gz /app", "git@github.com:x/y.git /src", ". ."),
    "ENV": (
        "PIP_NO_CACHE_DIR=1",
        "PATH=/opt/venv/bin:$PATH",
        "A 1",
        'A=1 B="two words"',
        "HOME=/app",
        "A=${A:-x}",
        "PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=on",
        "DEBIAN_FRONTEND=noninteractive",
    ),
    "ARG": ("VERSION=2.4.0", "BASE=python:3.11", "TARGETARCH", "A", "CUDA=12.4 TORCH=2.4", "TOKEN=secret"),
    "WORKDIR": ("/app", "app", "$HOME/app", "/", "..", "~"),
    "USER": ("app", "1000:1000", "root", "0", "$USER"),
    "CMD": ('["python", "-m", "app"]', "python -m app", '["sh", "-c", "exec python app.py"]', "[]", '["a"'),
    "ENTRYPOINT": ('["/entrypoint.sh"]', "/entrypoint.sh", '["tini", "--"]'),
    "EXPOSE": ("8000", "22", "80/tcp 443/udp", "$PORT", "99999", "abc"),
    "LABEL": ("a=b", 'org.opencontainers.image.source="x"', "maintainer=me"),
    "SHELL": ('["/bin/bash", "-o", "pipefail", "-c"]', '["powershell", "-Command"]', "[]", "bash"),
    "HEALTHCHECK": ("CMD curl -f http://localhost/ || exit 1", "NONE", "--interval=5s CMD true"),
    "VOLUME": ("/data", '["/a", "/b"]'),
    "STOPSIGNAL": ("SIGTERM", "9"),
    "ONBUILD": ("RUN pip install -r requirements.txt", "COPY . /app", "ONBUILD RUN x", "FROM x"),
    "MAINTAINER": ("me",),
}


@st.composite
def shell_script(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        words = [draw(st.sampled_from(PROGRAMS))]
        words += draw(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=6))
        parts.append(" ".join(words))
        parts.append(draw(st.sampled_from(OPERATORS)))
    return "".join(parts[:-1]).replace("\\n", "\n")


@st.composite
def instruction(draw: st.DrawFn) -> str:
    keyword = draw(st.sampled_from(("RUN",) * 6 + tuple(ARGUMENTS)))
    flags = draw(st.lists(st.sampled_from(FLAGS.get(keyword, ("--x",))), max_size=2 if keyword in FLAGS else 0))
    if keyword == "RUN":
        form = draw(st.sampled_from(("shell", "shell", "heredoc", "exec", "sh-c")))
        script = draw(shell_script())
        if form == "heredoc":
            marker = draw(st.sampled_from(("EOF", "EOT", "'EOF'", "-EOF")))
            name = marker.strip("'-")
            arguments = f"<<{marker}\n{script}\n{name}"
        elif form == "exec":
            arguments = "[" + ", ".join('"' + word.replace('"', "") + '"' for word in script.split()[:6]) + "]"
        elif form == "sh-c":
            arguments = "sh -c '" + script.replace("'", "") + "'"
        else:
            arguments = script
    else:
        arguments = draw(st.sampled_from(ARGUMENTS[keyword]))
        if keyword == "COPY" and arguments.startswith("<<EOF"):
            arguments += "\ntorch\nnumpy==1.26.4\nEOF"
    line = " ".join([draw(st.sampled_from((keyword, keyword.lower()))), *flags, arguments])
    if draw(st.booleans()):
        comment = draw(st.sampled_from(("# dflint: ignore=DF301", "# hadolint ignore=DL3008", "# dflint: ignore-file", "# note")))
        line = comment + "\n" + line
    return line


@st.composite
def structured_dockerfile(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(("", "# syntax=docker/dockerfile:1\n", "# escape=`\n", "ARG BASE=python:3.11-slim\n")))
    lines = [head + "FROM " + draw(st.sampled_from(ARGUMENTS["FROM"]))]
    lines += draw(st.lists(instruction(), min_size=1, max_size=25))
    return draw(st.sampled_from(("\n", "\r\n"))).join(lines) + draw(st.sampled_from(("\n", "", "\n\n", " \\\n")))


dockerfile_text = st.one_of(
    structured_dockerfile(),
    structured_dockerfile(),
    fragment_text,
    st.tuples(st.sampled_from(("FROM python:3.11-slim\n", "FROM a AS b\nFROM b\n")), fragment_text).map("".join),
)


# -- the checks ----------------------------------------------------------------------------------


def check_result(result: FileResult, text: str | None) -> None:
    for error in result.errors:
        assert isinstance(error, InputError)
        assert isinstance(error.message, str) and error.message
    for finding in result.findings:
        assert finding.message and finding.code
        if text is None:
            continue
        span = finding.span
        assert 1 <= span.line <= span.end_line and span.column >= 1, (finding.code, span)
        assert 0 <= span.offset <= span.end_offset <= len(text), (finding.code, span, len(text))
        if finding.fix is not None:
            previous_end = 0
            for edit in finding.fix.edits:  # sorted, non-overlapping, inside the text
                assert previous_end <= edit.start <= edit.end <= len(text), (finding.code, finding.fix)
                previous_end = edit.end


def lint_text(text: str, context: str) -> None:
    """The parser and every rule on text as given (NUL and lone surrogates included)."""
    check_result(lint_source(text, "Dockerfile", SETTINGS, RULES, context), text)


def lint_raw(data: bytes, context: str) -> None:
    """What a file's bytes go through: decoding (and its input errors), then parse and rules."""
    result = lint_bytes(data, "Dockerfile", SETTINGS, RULES, context)
    check_result(result, result.dockerfile.text if result.dockerfile is not None else None)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small build context: requirements files, a .dockerignore, a symlink out of it."""
    root = tmp_path_factory.mktemp("context")
    (root / "requirements.txt").write_text("torch\nnumpy==1.26.4\n-r nested.txt\n-c ../../outside.txt\n")
    (root / "nested.txt").write_text("-r requirements.txt\ntransformers>=4\n")  # a cycle
    (root / ".dockerignore").write_text("*.md\n!README.md\n.git\n")
    (root / "link.txt").symlink_to("/etc/hostname")
    return str(root)


# -- random input ---------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(data: bytes, context: str) -> None:
    lint_raw(data, context)


@FUZZ
@given(text=dockerfile_text)
def test_random_dockerfile_text(text: str, context: str) -> None:
    lint_text(text, context)
    lint_raw(text.encode("utf-8", "surrogatepass"), context)


# -- mutated corpus files -------------------------------------------------------------------------


@cache
def corpus_texts() -> tuple[str, ...]:
    texts = []
    for path in corpus_files():
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return tuple(texts)


MARKERS = (
    "\\",
    "\\\n",
    "<<EOF",
    "<<EOF\n",
    "<<-'EOT'\n",
    "\nEOF\n",
    "\x00",
    "\r",
    '"',
    "'",
    "`",
    "$(",
    "${",
    "&&",
    "\n\n",
    "#",
    "\t",
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(corpus_texts()))
    for _ in range(draw(st.integers(1, 6))):
        lines = text.split("\n")
        operation = draw(st.sampled_from(("delete", "duplicate", "swap", "cut", "insert", "crlf", "truncate-line")))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[j])
        elif operation == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "truncate-line":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        text = "\n".join(lines)
        if operation == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.one_of(st.sampled_from(MARKERS), st.sampled_from(FRAGMENTS))) + text[at:]
        elif operation == "crlf":
            text = text.replace("\n", "\r\n")
    return text


requires_corpus = pytest.mark.skipif(not corpus_files(), reason="the shared corpus is not present (set DFLINT_CORPUS)")


@requires_corpus
@FUZZ
@given(text=mutated())
def test_mutated_corpus_files(text: str, context: str) -> None:
    lint_text(text, context)
    lint_raw(text.encode("utf-8", "surrogatepass"), context)


# -- the command line -----------------------------------------------------------------------------


@settings(FUZZ, max_examples=max(10, EXAMPLES // 4))
@given(data=st.one_of(st.binary(max_size=512), dockerfile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_command_line_exit_codes(data: bytes) -> None:
    for output_format in ("text", "json", "sarif"):
        result = CliRunner().invoke(
            main, ["--format", output_format, "--jobs", "1", "--select", SETTINGS.select[0], "-"], input=data
        )
        assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
        assert result.exit_code in (0, 1, 2)
        assert "Traceback" not in result.stderr


# -- every crash found so far, and the corners they live in ---------------------------------------

REGRESSIONS: tuple[str, ...] = (
    # tree-sitter-bash read out of bounds on a high code point after `{`: a segfault, now and then
    # (tests/test_core_astral.py); found by test_random_dockerfile_text's structured Dockerfiles.
    'FROM ubuntu\r\nSHELL ["powershell", "-Command"]\r\nRUN gcc \x18~\U0001ea2a\u00cd{\U00086433 $(nproc)\r\n',
    "FROM a\nRUN yum | \U000147a2\u00a5{\U00105508\u00bb @\U0003a63a\x1f\U0006f4b2\ucbf1\u00de\n",
)
EDGE_CASES = (
    "FROM a\nRUN \\",  # a continuation at the end of the file
    "FROM a\nRUN <<EOF\napt-get install -y gcc\n",  # an unterminated heredoc
    "FROM a\nRUN <<EOF <<EOT\na\nEOF\nb\n",  # the second heredoc never closes
    "FROM a\nCOPY <<EOF\nEOF\n",  # a heredoc COPY with no destination
    "# escape=`\nFROM a\nRUN echo `\n  hi && apt-get install `\n`",
    "# escape=x\nFROM a\n",
    "FROM a\nRUN echo \udcff && pip install \ud800torch\n",  # lone surrogates
    "FROM a\nRUN pip install torch\x00==1\n",
    "FROM a\nONBUILD ONBUILD RUN x\nONBUILD\nONBUILD FROM b\n",
    "FROM\nFROM AS\nFROM a AS\nFROM --platform= \n",
    'FROM a\nCMD []\nENTRYPOINT [\nSHELL []\nRUN []\nRUN [""]\n',
    "FROM a\nRUN sh -c\nRUN sh -c ''\nRUN bash -c \"sh -c 'sh -c \\\"pip install x\\\"'\"\n",
    "FROM a\nRUN " + "sh -c '" * 30 + "pip install x" + "'" * 30 + "\n",  # deep nesting
    "FROM a\nRUN " + "(" * 500 + "true" + ")" * 500 + "\n",
    "FROM a\nARG A=${A\nENV B=${B:-${C:-${D\nRUN echo ${A:?}${!B}${#C}${D/x/y}\n",
    "FROM a\nRUN pip install -r \nRUN pip install -r '' -c\nRUN uv pip sync\n",
    "FROM a\nCOPY --from= . .\nCOPY --from=-1 / /\nCOPY --from=a / /\n",
    "FROM a AS a\nFROM a AS a\nFROM a\n",  # a stage built FROM itself, duplicate names
    "FROM a\r\nRUN apt-get install \\\r\n  curl\r\n\r",
    "\ufeffFROM a\nRUN echo\u2028hi\n",
    "FROM a\n" + "RUN pip install x\n" * 500,  # 2,000 took minutes before DF203 and DF301 went linear
    "FROM a\nRUN " + "x" * 200_000 + "\n",
)


@pytest.mark.parametrize("text", REGRESSIONS + EDGE_CASES, ids=range(len(REGRESSIONS + EDGE_CASES)))
def test_regressions_and_edge_cases(text: str, context: str) -> None:
    lint_text(text, context)
    lint_raw(text.encode("utf-8", "surrogatepass"), context)


def test_python_warnings_never_reach_the_user(context: str) -> None:
    """A near-JSON `CMD ['a\\;']` is read with ast.literal_eval, which warns of the escape
    (a SyntaxWarning, shown by default from Python 3.12 on); found by fuzzing."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lint_text("FROM a\nCMD ['echo', 'a\\;', '\\d']\nENTRYPOINT ['x\\ y']\n", context)
    assert not caught, [str(warning.message) for warning in caught]


@requires_corpus
def test_corpus_files_as_they_are(context: str) -> None:
    """Corpus files unmutated (every fifth; all of them on a longer run)."""
    texts = corpus_texts()
    for text in texts if EXAMPLES > 200 else texts[::5]:
        lint_text(text, context)


def test_fixture_files_lint_without_error() -> None:
    """Every fixture and every expected fix result, linted by every rule in its own build context:
    no input error and a well-formed result."""
    root = Path(__file__).resolve().parents[1] / "fixtures"
    paths = sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and (path.name in ("Dockerfile", "Dockerfile.fixed") or path.name.endswith((".Dockerfile", ".Dockerfile.fixed")))
    )
    assert len(paths) > 200
    for path in paths:
        result = lint_bytes(path.read_bytes(), str(path), SETTINGS, RULES, str(path.parent))
        assert result.dockerfile is not None, path
        check_result(result, result.dockerfile.text)
        assert not result.errors, (path, [str(error) for error in result.errors])
