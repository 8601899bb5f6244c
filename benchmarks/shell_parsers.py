"""Compare bashlex and tree-sitter-bash on the RUN bodies of a Dockerfile corpus.

Usage::

    .venv/bin/python benchmarks/shell_parsers.py

The corpus directory defaults to ``../shared/corpus/files`` (beside the repository) and can be
overridden with the ``DFLINT_CORPUS`` environment variable.  Every regular
file below it is read in place as a Dockerfile.

RUN bodies are extracted with a small splitter that follows BuildKit's rules:

* parser directives (``# escape=...``) at the top of the file are honoured;
* a line ending in the escape character (optionally followed by blanks)
  continues on the next line; comment lines and blank lines inside a
  continuation are dropped and the pieces are joined without a separator;
* flags such as ``--mount=...`` or ``--network=...`` are stripped;
* exec form (``RUN ["..."]``, a JSON array of strings) is skipped, and so
  are RUNs in a stage whose shell is not a POSIX shell (``SHELL
  ["powershell", ...]``, or a Windows base image without a POSIX ``SHELL``);
* heredocs are read from the lines that follow the instruction.  When the
  command is only the heredoc marker (``RUN <<EOF``), or the marker plus a
  POSIX shell interpreter reading the script from stdin
  (``RUN <<EOF bash -ex``, ``RUN bash -ex <<EOF``), the heredoc body is the
  script.  Bodies whose shebang names a non-shell interpreter are skipped.
  Any other heredoc RUN (``RUN cat <<EOF > /etc/x``) is reconstructed the
  way BuildKit hands it to ``/bin/sh -c``: the command line followed by each
  heredoc body and its terminator.

The script prints a Markdown report with success rates, the most common
bashlex failure reasons, a few tree-sitter failures and timings.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import bashlex
import tree_sitter
import tree_sitter_bash

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "files"
CORPUS_ENV_VAR = "DFLINT_CORPUS"

IMPORT_REPEATS = 5
PARSE_REPEATS = 3
TOP_REASONS = 10
TS_EXAMPLES = 5
SNIPPET_WIDTH = 100

HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
WINDOWS_IMAGE_RE = re.compile(r"windows|nanoserver|servercore", re.IGNORECASE)

_DIRECTIVE_RE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$")
_INSTRUCTION_RE = re.compile(r"^\s*([A-Za-z]+)(?:\s+(.*))?$", re.DOTALL)
_FLAG_RE = re.compile(r"""^--[A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|[^\s"'])*)?(?:\s+|$)""")
_HEREDOC_RE = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
_POSITION_RE = re.compile(r"\s*\(position \d+\)")
_PATTERN_TOKEN_RE = re.compile(r"token = \{.*\}")
_WORD_TOKEN_RE = re.compile(r"unexpected token '[^()|&;<>]+'")


@dataclass(frozen=True)
class Heredoc:
    """A heredoc attached to an instruction, with its body already read."""

    name: str
    chomp: bool
    content: str


@dataclass(frozen=True)
class RunBody:
    """The shell script of one RUN instruction."""

    path: Path
    line: int
    script: str
    kind: str  # "shell", "heredoc" or "heredoc-inline"


@dataclass
class ExtractionStats:
    files: int = 0
    run_instructions: int = 0
    exec_form: int = 0
    non_posix_shell: int = 0
    non_shell_heredoc: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


def corpus_root() -> Path:
    return Path(os.environ.get(CORPUS_ENV_VAR, str(DEFAULT_CORPUS)))


def iter_dockerfiles(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# --------------------------------------------------------------------------
# Dockerfile splitting
# --------------------------------------------------------------------------


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _escape_char(lines: Sequence[str]) -> str:
    """Return the escape character declared by a leading parser directive."""
    for line in lines:
        match = _DIRECTIVE_RE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def _split_words(text: str) -> list[str]:
    """Split on unquoted blanks, keeping quotes and escapes in the words."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            current.append(char)
            if char == "\\" and quote == '"' and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == "\\" and i + 1 < len(text):
            current.extend((char, text[i + 1]))
            i += 1
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
        i += 1
    if current:
        words.append("".join(current))
    return words


def _parse_heredoc_word(word: str) -> tuple[str, bool] | None:
    """Return ``(name, chomp)`` when *word* is a heredoc marker like ``<<-'EOF'``."""
    match = _HEREDOC_RE.match(word)
    if match is None:
        return None
    try:
        names = shlex.split(match.group(3))
    except ValueError:
        return None
    if len(names) != 1 or not names[0]:
        return None
    return names[0], match.group(2) == "-"


def _strip_flags(args: str) -> str:
    args = args.lstrip()
    while (match := _FLAG_RE.match(args)) is not None:
        args = args[match.end() :]
    return args


def _is_exec_form(args: str) -> bool:
    if not args.startswith("["):
        return False
    try:
        value = json.loads(args)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_shell_command(words: Sequence[str]) -> bool:
    """Tell whether *words* run a shell that reads its script from stdin.

    Accepts an empty command and ``bash``, ``/bin/sh -ex`` and the like.
    """
    if not words:
        return True
    if not _is_shell_program(words[0]):
        return False
    return all(word.startswith(("-", "+")) and word not in ("-c", "+c") for word in words[1:])


def _shebang_is_shell(script: str) -> bool:
    first = script.lstrip("\n").split("\n", 1)[0]
    if not first.startswith("#!"):
        return True
    parts = first[2:].split()
    if parts and parts[0].rsplit("/", 1)[-1] == "env":
        parts = [part for part in parts[1:] if not part.startswith("-")]
    return bool(parts) and _is_shell_program(parts[0])


def _is_shell_program(program: str) -> bool:
    name = program.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
    return name in SHELLS


def _chomp(content: str) -> str:
    return re.sub(r"(?m)^\t+", "", content)


def _run_script(args: str, heredocs: Sequence[Heredoc]) -> tuple[str, str] | None:
    """Return ``(script, kind)`` for a shell-form RUN, or None if not shell."""
    if not heredocs:
        return args, "shell"
    words = _split_words(args)
    rest = [word for word in words if _parse_heredoc_word(word) is None]
    if len(heredocs) == 1 and _is_shell_command(rest):
        doc = heredocs[0]
        script = _chomp(doc.content) if doc.chomp else doc.content
        if not _shebang_is_shell(script):
            return None
        return script, "heredoc"
    full = args + "".join(f"\n{doc.content}{doc.name}" for doc in heredocs)
    return full, "heredoc-inline"


@dataclass(frozen=True)
class Instruction:
    line: int  # 1-based line of the instruction keyword
    keyword: str  # upper case
    args: str  # continuations joined, flags still present
    heredocs: tuple[Heredoc, ...]


class _LineReader:
    """Walk the physical lines of a Dockerfile the way BuildKit's parser does."""

    def __init__(self, text: str) -> None:
        self.lines = text.lstrip("\ufeff").splitlines()
        self.pos = 0
        escape = _escape_char(self.lines)
        self.continuation = re.compile(re.escape(escape) + r"[ \t]*$")

    def _skip_ignorable(self) -> None:
        while self.pos < len(self.lines) and (not self.lines[self.pos].strip() or _is_comment(self.lines[self.pos])):
            self.pos += 1

    def logical_line(self) -> tuple[int, str] | None:
        """Return the next instruction line with its continuations joined."""
        self._skip_ignorable()
        if self.pos == len(self.lines):
            return None
        start = self.pos
        pieces: list[str] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            self.pos += 1
            match = self.continuation.search(line)
            if match is None:
                pieces.append(line)
                break
            pieces.append(line[: match.start()])
            self._skip_ignorable()
        return start + 1, "".join(pieces)

    def heredoc(self, name: str, *, chomp: bool) -> str:
        """Consume a heredoc body up to and including its terminator line."""
        content: list[str] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            self.pos += 1
            if (line.lstrip("\t") if chomp else line) == name:
                break
            content.append(line + "\n")
        return "".join(content)


def iter_instructions(text: str) -> Iterator[Instruction]:
    reader = _LineReader(text)
    while (logical := reader.logical_line()) is not None:
        line, source = logical
        match = _INSTRUCTION_RE.match(source)
        if match is None:
            continue
        keyword = match.group(1).upper()
        args = match.group(2) or ""
        heredocs: list[Heredoc] = []
        if keyword in HEREDOC_INSTRUCTIONS and "<<" in args:
            for word in _split_words(args):
                marker = _parse_heredoc_word(word)
                if marker is not None:
                    name, chomp = marker
                    heredocs.append(Heredoc(name, chomp, reader.heredoc(name, chomp=chomp)))
        yield Instruction(line, keyword, args, tuple(heredocs))


class _ShellTracker:
    """Track whether the current build stage runs RUN bodies with a POSIX shell."""

    def __init__(self) -> None:
        self.stages: dict[str, bool] = {}
        self.alias: str | None = None
        self.posix = True

    def update(self, instruction: Instruction) -> None:
        if instruction.keyword == "FROM":
            words = _strip_flags(instruction.args).split()
            image = words[0].lower() if words else ""
            has_alias = len(words) >= 3 and words[1].lower() == "as"
            self.alias = words[2].lower() if has_alias else None
            self.posix = self.stages.get(image, WINDOWS_IMAGE_RE.search(image) is None)
        elif instruction.keyword == "SHELL" and _is_exec_form(instruction.args.strip()):
            program = json.loads(instruction.args)
            self.posix = bool(program) and _is_shell_program(program[0])
        if self.alias is not None:
            self.stages[self.alias] = self.posix


def extract_run_bodies(path: Path, text: str, stats: ExtractionStats) -> list[RunBody]:
    """Return the shell scripts of all shell-form RUN instructions in *text*."""
    bodies: list[RunBody] = []
    shell = _ShellTracker()
    for instruction in iter_instructions(text):
        shell.update(instruction)
        if instruction.keyword != "RUN":
            continue
        stats.run_instructions += 1
        args = _strip_flags(instruction.args).strip()
        if _is_exec_form(args):
            stats.exec_form += 1
            continue
        if not shell.posix:
            stats.non_posix_shell += 1
            continue
        result = _run_script(args, instruction.heredocs)
        if result is None:
            stats.non_shell_heredoc += 1
            continue
        script, kind = result
        stats.kinds[kind] += 1
        bodies.append(RunBody(path, instruction.line, script, kind))
    return bodies


def collect_bodies(root: Path) -> tuple[list[RunBody], ExtractionStats]:
    stats = ExtractionStats()
    bodies: list[RunBody] = []
    for path in iter_dockerfiles(root):
        stats.files += 1
        text = path.read_bytes().decode("utf-8", errors="replace")
        bodies.extend(extract_run_bodies(path, text, stats))
    return bodies, stats


# --------------------------------------------------------------------------
# Parsers
# --------------------------------------------------------------------------


def bashlex_error(script: str) -> str | None:
    """Parse with bashlex; return the failure as ``Type: message`` or None."""
    try:
        bashlex.parse(script)
    except Exception as exc:  # noqa: BLE001 - any exception is a parse failure
        lines = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {lines[0] if lines else ''}"
    return None


def normalise_reason(reason: str) -> str:
    """Drop positions and input-specific words so that failures group by cause."""
    reason = _POSITION_RE.sub("", reason).rstrip()
    reason = _PATTERN_TOKEN_RE.sub("token = {...}", reason)
    return _WORD_TOKEN_RE.sub("unexpected token <word>", reason)


def make_ts_parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


def ts_first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """Return the first ERROR or MISSING node below *node* in document order."""
    if node.is_error or node.is_missing:
        return node
    for child in node.children:
        if child.has_error:
            found = ts_first_error(child)
            if found is not None:
                return found
    return None


def bash_accepts(script: str, bash: str) -> bool:
    """Tell whether the reference ``bash -n`` accepts *script*."""
    proc = subprocess.run([bash, "-n", "-c", script], capture_output=True, check=False)
    return proc.returncode == 0


def _snippet(script: str, offset: int) -> str:
    """Return the line of *script* around byte *offset*, cut to SNIPPET_WIDTH."""
    data = script.encode()
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end != -1 else len(data)].decode(errors="replace")
    if len(line) > SNIPPET_WIDTH:
        column = max(0, offset - start - SNIPPET_WIDTH // 2)
        line = line[column : column + SNIPPET_WIDTH]
    return " ".join(line.split())


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParserSpec:
    name: str
    modules: tuple[str, ...]
    ready: str  # code that imports the parser and parses one command


PARSERS = {
    spec.name: spec
    for spec in (
        ParserSpec("bashlex", ("bashlex",), "import bashlex; bashlex.parse('true')"),
        ParserSpec(
            "tree-sitter-bash",
            ("tree_sitter", "tree_sitter_bash"),
            "import tree_sitter, tree_sitter_bash; "
            "tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language())).parse(b'true')",
        ),
    )
}


def import_time_ms(modules: Sequence[str]) -> float:
    """Median over fresh interpreters of the cumulative ``-X importtime``, in ms."""
    statement = "import " + ", ".join(modules)
    samples: list[float] = []
    for _ in range(IMPORT_REPEATS):
        proc = subprocess.run(
            [sys.executable, "-I", "-X", "importtime", "-c", statement],
            capture_output=True,
            text=True,
            check=True,
        )
        total_us = 0
        for row in proc.stderr.splitlines():
            if not row.startswith("import time:") or row.count("|") != 2:
                continue
            _, cumulative, name = row.split("|")
            # Top-level imports are indented by exactly one space.
            if not name.startswith("  ") and name.strip() in modules:
                total_us += int(cumulative)
        samples.append(total_us / 1000)
    return statistics.median(samples)


def cold_start_ms(code: str) -> float:
    """Median wall time of ``python -I -c code`` minus that of an empty one, in ms."""

    def wall(snippet: str) -> float:
        samples: list[float] = []
        for _ in range(IMPORT_REPEATS):
            begin = time.perf_counter()
            subprocess.run([sys.executable, "-I", "-c", snippet], check=True)
            samples.append(time.perf_counter() - begin)
        return statistics.median(samples)

    return (wall(code) - wall("pass")) * 1000


def best_time(func: Callable[[], object]) -> float:
    """Minimum wall time of *func* over PARSE_REPEATS runs, in seconds."""
    samples: list[float] = []
    for _ in range(PARSE_REPEATS):
        begin = time.perf_counter()
        func()
        samples.append(time.perf_counter() - begin)
    return min(samples)


# --------------------------------------------------------------------------
# Benchmark and report
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TsFailure:
    body: RunBody
    node: str
    snippet: str


@dataclass
class ParserResult:
    name: str
    failed: list[RunBody]
    parse_seconds: float = 0.0
    import_ms: float = 0.0
    cold_start_ms: float = 0.0


def run_bashlex(bodies: Sequence[RunBody]) -> tuple[ParserResult, dict[str, list[RunBody]]]:
    reasons: dict[str, list[RunBody]] = {}
    failed: list[RunBody] = []
    for body in bodies:
        reason = bashlex_error(body.script)
        if reason is not None:
            failed.append(body)
            reasons.setdefault(normalise_reason(reason), []).append(body)

    def parse_all() -> None:
        for body in bodies:
            try:
                bashlex.parse(body.script)
            except Exception:  # noqa: BLE001, S112 - failing bodies are timed too
                continue

    result = ParserResult("bashlex", failed, best_time(parse_all))
    return result, reasons


def run_tree_sitter(bodies: Sequence[RunBody]) -> tuple[ParserResult, list[TsFailure]]:
    parser = make_ts_parser()
    encoded = [body.script.encode() for body in bodies]
    failures: list[TsFailure] = []
    for body, data in zip(bodies, encoded, strict=True):
        root = parser.parse(data).root_node
        if root.has_error:
            node = ts_first_error(root) or root
            kind = f"MISSING `{node.type}`" if node.is_missing else node.type
            failures.append(TsFailure(body, kind, _snippet(body.script, node.start_byte)))

    def parse_all() -> None:
        for data in encoded:
            _ = parser.parse(data).root_node.has_error

    result = ParserResult("tree-sitter-bash", [f.body for f in failures], best_time(parse_all))
    return result, failures


@dataclass
class Benchmark:
    root: Path
    stats: ExtractionStats
    bodies: list[RunBody]
    results: list[ParserResult]
    bashlex_reasons: dict[str, list[RunBody]]
    ts_failures: list[TsFailure]
    bash_version: str | None  # None when no bash is available for reference
    bash_rejects: set[int]  # ids of the bodies that ``bash -n`` rejects


def run_benchmark(root: Path) -> Benchmark:
    bodies, stats = collect_bodies(root)
    bashlex_result, reasons = run_bashlex(bodies)
    ts_result, ts_failures = run_tree_sitter(bodies)
    results = [bashlex_result, ts_result]
    for res in results:
        spec = PARSERS[res.name]
        res.import_ms = import_time_ms(spec.modules)
        res.cold_start_ms = cold_start_ms(spec.ready)
    bash = shutil.which("bash")
    bash_rejects: set[int] = set()
    if bash is not None:
        bash_rejects = {id(body) for body in bodies if not bash_accepts(body.script, bash)}
    return Benchmark(
        root,
        stats,
        bodies,
        results,
        reasons,
        ts_failures,
        _bash_version(bash) if bash is not None else None,
        bash_rejects,
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _code(text: str) -> str:
    """Format *text* as inline code for a Markdown table cell."""
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _location(body: RunBody, root: Path) -> str:
    return f"{body.path.relative_to(root)}:{body.line}"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def _bash_version(bash: str) -> str:
    proc = subprocess.run([bash, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"version (\S+)", proc.stdout)
    return match.group(1) if match else "?"


def render_summary(bench: Benchmark) -> list[str]:
    stats = bench.stats
    distinct = len({body.script for body in bench.bodies})
    versions = (
        f"Python {platform.python_version()}, bashlex {_version('bashlex')}, "
        f"tree-sitter {_version('tree-sitter')}, tree-sitter-bash {_version('tree-sitter-bash')}"
    )
    if bench.bash_version is not None:
        versions += f"; reference: `bash -n` (bash {bench.bash_version}) rejects {len(bench.bash_rejects)} of the bodies"
    bodies = (
        f"Bodies: {len(bench.bodies)} (shell form {stats.kinds['shell']}, heredoc script "
        f"{stats.kinds['heredoc']}, command with an inline heredoc "
        f"{stats.kinds['heredoc-inline']}; distinct {distinct}). Skipped: exec form "
        f"{stats.exec_form}, non-POSIX SHELL {stats.non_posix_shell}, heredoc with a "
        f"non-shell shebang {stats.non_shell_heredoc}."
    )
    return [
        f"Corpus `{bench.root}`: {stats.files} files, {stats.run_instructions} RUN instructions.",
        bodies,
        versions + ".",
    ]


def render_table(bench: Benchmark) -> list[str]:
    total = len(bench.bodies)
    with_bash = bench.bash_version is not None
    header = (
        "| Parser | Bodies | Success | Failure | Success rate "
        f"| Parse all, s (min of {PARSE_REPEATS}) | Mean per body, µs "
        f"| Import, ms (median of {IMPORT_REPEATS}) | Cold start, ms |"
    )
    align = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    if with_bash:
        header += " Failures that `bash -n` accepts |"
        align += "---:|"
    lines = [header, align]
    for res in bench.results:
        failures = len(res.failed)
        row = (
            f"| {res.name} | {total} | {total - failures} | {failures} "
            f"| {_pct(total - failures, total)} | {res.parse_seconds:.3f} "
            f"| {res.parse_seconds / total * 1e6:.1f} | {res.import_ms:.1f} "
            f"| {res.cold_start_ms:.1f} |"
        )
        if with_bash:
            false_failures = sum(1 for body in res.failed if id(body) not in bench.bash_rejects)
            row += f" {false_failures} |"
        lines.append(row)
    return lines


def render_bashlex_reasons(bench: Benchmark) -> list[str]:
    lines = [
        f"bashlex failure reasons (top {TOP_REASONS}):",
        "",
        "| Count | Exception: message | First example |",
        "|---:|---|---|",
    ]
    ranked = sorted(bench.bashlex_reasons.items(), key=lambda item: (-len(item[1]), item[0]))
    for reason, failed in ranked[:TOP_REASONS]:
        lines.append(f"| {len(failed)} | {_code(reason)} | {_location(failed[0], bench.root)} |")
    return lines


def render_ts_failures(bench: Benchmark) -> list[str]:
    lines = [
        f"tree-sitter-bash failures (first one per file, up to {TS_EXAMPLES} files):",
        "",
        "| Location | Failures in file | First error | Line at the error |",
        "|---|---:|---|---|",
    ]
    per_file = Counter(failure.body.path for failure in bench.ts_failures)
    shown: set[Path] = set()
    for failure in bench.ts_failures:
        if failure.body.path in shown or len(shown) == TS_EXAMPLES:
            continue
        shown.add(failure.body.path)
        lines.append(
            f"| {_location(failure.body, bench.root)} | {per_file[failure.body.path]} "
            f"| {failure.node} | {_code(failure.snippet)} |"
        )
    return lines


def main() -> int:
    root = corpus_root()
    if not root.is_dir():
        print(f"corpus directory not found: {root} (set {CORPUS_ENV_VAR})", file=sys.stderr)
        return 2
    bench = run_benchmark(root)
    sections = [
        render_summary(bench),
        render_table(bench),
        render_bashlex_reasons(bench),
        render_ts_failures(bench),
    ]
    print("\n\n".join("\n".join(section) for section in sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
