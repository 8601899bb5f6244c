"""RUN scripts → simple commands, with a real shell parser (tree-sitter-bash).

tree-sitter was chosen over bashlex after measuring both on the RUN bodies of the corpus (see
`benchmarks/shell-parsers.md`): it parses arithmetic, `case` and heredocs that bashlex rejects, and
imports faster. It is imported on first use only.

Positions: the parser sees a copy of the script whose every character stands at the same offset
as in the file (continuations normalised in place), so a node's offset plus the script's base
offset is its offset in the file.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from dflint.model import EMPTY_ENV, ShellCommand, Span, SplitWord, Word
from dflint.variables import ExpansionBudget, expand

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_PARSER: Parser | None = None

# Programs that run the rest of their arguments as a command.
_PREFIX_COMMANDS = frozenset(
    {
        "sudo",
        "env",
        "nohup",
        "time",
        "exec",
        "nice",
        "ionice",
        "stdbuf",
        "command",
        "builtin",
        "eatmydata",
        "gosu",
        "su-exec",
        "chroot",
        "xargs",
        "timeout",
        "tini",
        "dumb-init",
    }
)
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
# Options of prefix commands that take a value (the value is not the command).
_PREFIX_VALUE_OPTIONS = {
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-R", "-T", "-U", "--user", "--group", "--chdir"},
    "env": {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"},
    "nice": {"-n", "--adjustment"},
    "ionice": {"-c", "-n", "-p"},
    "timeout": {"-s", "--signal", "-k", "--kill-after"},
    "xargs": {
        "-I",
        "-L",
        "-n",
        "-P",
        "-d",
        "-E",
        "-s",
        "-a",
        "--arg-file",
        "--max-args",
        "--max-procs",
        "--delimiter",
        "--replace",
    },
    "stdbuf": {"-i", "-o", "-e"},
}
_CONDITIONAL_PARENTS = frozenset(
    {
        "if_statement",
        "elif_clause",
        "else_clause",
        "while_statement",
        "until_statement",
        "case_statement",
        "case_item",
        "function_definition",
        "for_statement",
        "c_style_for_statement",
    }
)
_MAX_DEPTH = 8


def _parser() -> Parser:
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        from dflint.submodule import load_submodule

        # The grammar only: `tree_sitter_bash/__init__` imports importlib.resources for queries.
        tree_sitter_bash = load_submodule("tree_sitter_bash", "_binding", required=("language",))
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


SpanOf = Callable[[int, int], Span]

# Any character beyond the Basic Multilingual Plane (four bytes in UTF-8).
_ASTRAL = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}")
_ASTRAL_STAND_IN = "\U00010000".encode()  # LINEAR B SYLLABLE B008 A: a letter, four bytes too


def _parser_safe(data: bytes) -> bytes:
    """The bytes tree-sitter-bash parses, with every astral character replaced by one of the same
    length. tree-sitter-bash 0.25.1 reads out of bounds on a high code point after `{` (`{` then
    U+E0000, say, an emoji tag) and crashes the process now and then; a stand-in letter keeps every
    offset and the script's structure (the shell gives these characters no meaning), and words are
    still read from the original bytes."""
    return _ASTRAL.sub(_ASTRAL_STAND_IN, data) if max(data, default=0) >= 0xF0 else data


class ScriptReader:
    """Walks one parsed script and collects its simple commands."""

    def __init__(
        self,
        source: str,
        base: int,
        file_span: SpanOf,
        env: Mapping[str, str | None],
        cwd: str | None,
        depth: int = 0,
        wrappers: tuple[str, ...] = (),
        fixed: Span | None = None,
        budget: ExpansionBudget | None = None,
    ) -> None:
        self.source = source
        self.budget = budget  # the file's expansion budget, shared with nested `sh -c` scripts
        self.data = source.encode("utf-8", "surrogatepass")  # text from the API may hold lone surrogates
        self.ascii = len(self.data) == len(source)
        self.base = base  # file offset of the script's first character
        self.file_span = file_span  # file offsets → Span
        self.fixed = fixed  # every span, when offsets inside the script are not exact
        self.env = dict(env)
        self.exports: dict[str, str | None] = {}  # what `export` put in the environment of later commands
        self.cwd = cwd
        self.depth = depth
        self.wrappers = wrappers
        self.commands: list[ShellCommand] = []
        self._operator: str | None = None
        self._char_offsets: list[int] | None = None
        self._last_word: tuple[Node, Word] | None = None  # the last argument read, for a redirection glued to it

    # -- positions -------------------------------------------------------------------------
    def _char(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        if self._char_offsets is None:
            offsets = [0] * (len(self.data) + 1)
            position = 0
            for index, char in enumerate(self.source):
                size = len(char.encode("utf-8", "surrogatepass"))
                for k in range(size):
                    offsets[position + k] = index
                position += size
            offsets[position] = len(self.source)
            self._char_offsets = offsets
        return self._char_offsets[byte_offset]

    def node_span(self, node: Node) -> Span:
        if self.fixed is not None:
            return self.fixed
        return self.file_span(self.base + self._char(node.start_byte), self.base + self._char(node.end_byte))

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # -- walking ---------------------------------------------------------------------------
    def read(self) -> list[ShellCommand]:
        tree = _parser().parse(self.data if self.ascii else _parser_safe(self.data))
        self._walk(tree.root_node, conditional=False, in_pipeline=False)
        return self.commands

    def _walk(self, root: Node, conditional: bool, in_pipeline: bool) -> None:
        """Visit the tree in source order with an explicit stack: a script of a thousand `&&`s or
        nested `( … )` is a tree as deep, deeper than Python's recursion limit."""
        stack: list[tuple[Node, bool, bool] | str | _Attach] = [(root, conditional, in_pipeline)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                self._operator = item  # an operator between two siblings, met in source order
                continue
            if isinstance(item, _Attach):
                targets, arguments, splits = self._redirections(item.nodes)
                if self.commands:
                    last = self.commands[-1]
                    self.commands[-1] = dataclasses.replace(
                        last,
                        argv=last.argv + tuple(arguments),
                        redirects=last.redirects + targets,
                        split_words=last.split_words + splits,
                    )
                continue
            node, conditional, in_pipeline = item
            kind = node.type
            if kind == "command":
                self._command(node, conditional, in_pipeline)
                continue
            if kind == "redirected_statement":
                body = node.child_by_field_name("body")
                redirections = [child for child in node.named_children if child.type == "file_redirect"]
                # `cat <<EOT > f`: tree-sitter-bash keeps a redirection written after a heredoc's
                # marker inside the heredoc redirection
                redirections += [
                    inner
                    for child in node.named_children
                    if child.type == "heredoc_redirect"
                    for inner in child.named_children
                    if inner.type == "file_redirect"
                ]
                if body is not None and body.type == "command":
                    self._command(body, conditional, in_pipeline, redirections)
                    continue
                if body is not None and body.type == "list" and redirections:
                    # `a && b > f`: the redirection binds to the last command, `b`
                    stack.append(_Attach(tuple(redirections)))
                    stack.append((body, conditional, in_pipeline))
                    continue
            if kind in ("variable_assignment", "variable_assignments"):
                self._assignment(node, conditional)
                continue
            if kind == "declaration_command":
                self._declaration(node)
                continue
            if kind == "heredoc_body":
                continue
            stack.extend(reversed(self._visits(node, conditional, in_pipeline)))

    def _visits(self, node: Node, conditional: bool, in_pipeline: bool) -> list[tuple[Node, bool, bool] | str]:
        """A node's named children to walk, with the operators between them, in source order."""
        kind = node.type
        is_conditional = conditional or kind in _CONDITIONAL_PARENTS
        child_pipeline = in_pipeline or kind == "pipeline"
        visits: list[tuple[Node, bool, bool] | str] = []
        for child in node.children:
            child_kind = child.type
            if not child.is_named:
                if child_kind in ("&&", "||", ";", "|", "&", "|&", ";;"):
                    visits.append(child_kind)
                    if child_kind == "||":
                        is_conditional = True
                elif child_kind == "\n":
                    visits.append("\n")
                continue
            visits.append((child, is_conditional, child_pipeline))
        return visits

    def _declaration(self, node: Node) -> None:
        exporting = _declares_export(node, self.node_text)
        for child in node.named_children:
            if child.type == "variable_assignment":
                self._assignment(child)
                name_node = child.child_by_field_name("name")
                if exporting and name_node is not None:
                    self.exports[self.node_text(name_node)] = self.env.get(self.node_text(name_node))
            elif exporting and child.type == "variable_name":
                self.exports[self.node_text(child)] = self.env.get(self.node_text(child))

    def _assignment(self, node: Node, conditional: bool = False) -> None:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        if name_node is None:
            return
        name = self.node_text(name_node)
        value = self.word_value(value_node) if value_node is not None else ""
        if conditional and (name not in self.env or self.env[name] != value):
            value = None  # set in a branch that may not run (`if …; then V=a; else V=b; fi`): unknown after it
        self.env[name] = value
        if name in self.exports:
            self.exports[name] = self.env[name]

    def _redirections(self, nodes: Sequence[Node]) -> tuple[tuple[Word, ...], list[Word], tuple[SplitWord, ...]]:
        """What a command's file redirections hold: the files its output redirections write (`> f`,
        `>> f`, `&> f`, `2> f`); the arguments written after a redirection's file, which the command
        receives (`cmd > f arg`: tree-sitter-bash keeps `arg` inside the redirection); and the
        arguments cut at a redirection written right after them, without a space (`numba>=0.57.1`)."""
        targets: list[Word] = []
        arguments: list[Word] = []
        splits: list[SplitWord] = []
        for node in nodes:
            operator = "".join(child.type for child in node.children if not child.is_named)
            words = [child for child in node.named_children if child.type != "file_descriptor"]
            if not words:
                continue
            target = self._word(words[0])
            if operator in (">", ">>", "&>", "&>>", ">|"):
                targets.append(target)
            glued = self._last_word
            if glued is not None and glued[0].end_byte == node.start_byte and len(words) == len(node.named_children):
                start = glued[0]
                span = self.fixed or self.file_span(
                    self.base + self._char(start.start_byte), self.base + self._char(words[0].end_byte)
                )
                text = self.data[start.start_byte : words[0].end_byte].decode("utf-8", "replace")
                splits.append(SplitWord(glued[1], operator, target, span, text))
            self._last_word = None
            for extra in words[1:]:
                fields = self._fields(extra)
                arguments.extend(fields)
                if fields:
                    self._last_word = (extra, fields[-1])
        return tuple(targets), arguments, tuple(splits)

    def _command(self, node: Node, conditional: bool, in_pipeline: bool, redirections: Sequence[Node] = ()) -> None:
        assignments: list[tuple[str, Word]] = []
        argv: list[Word] = []
        self._last_word = None
        for child in node.named_children:
            if child.type == "variable_assignment":
                name_node = child.child_by_field_name("name")
                value_node = child.child_by_field_name("value")
                if name_node is not None:
                    value = self.word_value(value_node) if value_node is not None else ""
                    assignments.append((self.node_text(name_node), Word(self.node_text(child), value, self.node_span(child))))
            elif child.type == "command_name":
                target = child.named_children[0] if child.named_children else child
                argv.append(self._word(target))
                self._last_word = (target, argv[-1])
            elif child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect", "redirected_statement"):
                continue
            else:
                fields = self._fields(child)
                argv.extend(fields)
                self._last_word = (child, fields[-1]) if fields else None
        redirects, arguments, splits = self._redirections(redirections)
        argv.extend(arguments)
        operator, self._operator = self._operator, None
        self._emit(node, argv, assignments, operator, conditional, in_pipeline, redirects, splits)

    def _emit(
        self,
        node: Node,
        argv: list[Word],
        assignments: list[tuple[str, Word]],
        operator: str | None,
        conditional: bool,
        in_pipeline: bool,
        redirects: tuple[Word, ...] = (),
        splits: tuple[SplitWord, ...] = (),
    ) -> None:
        wrappers = self.wrappers
        argv, wrappers, inner_env = _strip_prefixes(argv, wrappers)
        for name, word in inner_env:
            assignments.append((name, word))
        if not argv:
            for name, word in assignments:
                self.env[name] = word.value
            return
        program = argv[0].value.rsplit("/", 1)[-1] if argv[0].value else None
        span = self.node_span(node)
        text = self.source[self._char(node.start_byte) : self._char(node.end_byte)]
        command = ShellCommand(
            tuple(argv),
            tuple(assignments),
            operator,
            span,
            text,
            wrappers,
            self.cwd,
            in_pipeline,
            conditional,
            MappingProxyType(dict(self.exports)) if self.exports else EMPTY_ENV,
            redirects,
            splits,
        )
        if program in _SHELLS and self.depth < _MAX_DEPTH:
            script = _shell_c_script(argv)
            if script is not None:
                self.commands.append(command)
                self._nested(script, operator, wrappers + (program,))
                return
        self.commands.append(command)
        if program == "cd" and not in_pipeline:
            target = argv[1].value if len(argv) > 1 else None
            if target is None or target == "-":
                self.cwd = None
            elif self.cwd is not None or target.startswith("/"):
                self.cwd = posixpath.normpath(posixpath.join(self.cwd or "/", target))
        if program == "export":
            for word in argv[1:]:
                if word.value and "=" in word.value:
                    key, _, val = word.value.partition("=")
                    self.env[key] = val
                    self.exports[key] = val

    def _nested(self, script: Word, operator: str | None, wrappers: tuple[str, ...]) -> None:
        """`sh -c '…'`: parse the string as a script of its own."""
        assert script.value is not None
        exact = self.fixed is None and script.text[:1] in ("'", '"') and script.text[1:-1] == script.value
        fixed = None if exact else script.span
        reader = ScriptReader(
            script.value, script.span.offset + 1, self.file_span, self.env, self.cwd, self.depth + 1, wrappers, fixed, self.budget
        )
        reader._operator = operator
        reader.exports = dict(self.exports)
        self.commands.extend(reader.read())
        self.cwd = reader.cwd

    # -- words -----------------------------------------------------------------------------
    def _word(self, node: Node) -> Word:
        return Word(self.node_text(node), self.word_value(node), self.node_span(node))

    def _fields(self, node: Node) -> list[Word]:
        """An argument after field splitting: an unquoted `$VAR` whose value holds blanks
        (`BUILD_DEPS="gcc make"`) becomes several words sharing the expansion's text and span;
        one that expands to nothing disappears, as in the shell."""
        word = self._word(node)
        if node.type not in ("simple_expansion", "expansion") or word.value is None:
            return [word]
        fields = word.value.split()
        if fields == [word.value]:
            return [word]
        return [Word(word.text, field, word.span) for field in fields]

    def word_value(self, node: Node) -> str | None:
        kind = node.type
        if kind in ("word", "number"):
            return _unescape(self.node_text(node))  # a glob keeps its pattern: `/var/lib/apt/lists/*`
        if kind == "raw_string":
            return self.node_text(node)[1:-1]
        if kind == "ansi_c_string":
            return None
        if kind == "string":
            parts: list[str] = []
            for child in node.children:
                if child.type == '"':
                    continue
                if child.type == "string_content":
                    parts.append(_unescape_double(self.node_text(child)))
                else:
                    value = self.word_value(child)
                    if value is None:
                        return None
                    parts.append(value)
            return "".join(parts)
        if kind == "concatenation":
            parts = []
            for child in node.children:
                value = self.word_value(child)
                if value is None:
                    return None
                parts.append(value)
            return "".join(parts)
        if kind in ("simple_expansion", "expansion"):
            return expand(self.node_text(node), self.env, undeclared=None, budget=self.budget)
        return None


@dataclass(frozen=True, slots=True)
class _Attach:
    """Redirections to add to the last command read, once a list's walk is done."""

    nodes: tuple[Node, ...]


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            if char != "\n":
                out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


def _unescape_double(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '$`"\\\n':
            if text[index + 1] != "\n":
                out.append(text[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _strip_prefixes(argv: list[Word], wrappers: tuple[str, ...]) -> tuple[list[Word], tuple[str, ...], list[tuple[str, Word]]]:
    """See through `sudo -E`, `env A=b`, `nohup` … to the command they run."""
    assignments: list[tuple[str, Word]] = []
    while argv and argv[0].value is not None:
        program = argv[0].value.rsplit("/", 1)[-1]
        if program not in _PREFIX_COMMANDS or len(argv) == 1:
            break
        rest = argv[1:]
        value_options = _PREFIX_VALUE_OPTIONS.get(program, set())
        while rest:
            value = rest[0].value
            if value is None:
                break
            if program == "env" and "=" in value and not value.startswith("-"):
                name, _, val = value.partition("=")
                assignments.append((name, Word(rest[0].text, val, rest[0].span)))
                rest = rest[1:]
                continue
            if value in ("gosu", "su-exec") or program in ("gosu", "su-exec", "chroot") and rest is argv[1:]:
                rest = rest[1:]  # the user (or root directory) argument
                continue
            if value.startswith("-") and value != "-":
                rest = rest[2:] if value in value_options else rest[1:]
                continue
            if program == "timeout" and value[:1].isdigit():
                rest = rest[1:]
                continue
            break
        wrappers = wrappers + (program,)
        argv = rest
    return argv, wrappers, assignments


def _declares_export(node: Node, text_of: Callable[[Node], str]) -> bool:
    """`export A=1`, `declare -x A=1`, `typeset -gx A`: the names go into the environment."""
    keyword = node.children[0] if node.children else None
    if keyword is None:
        return False
    if text_of(keyword) == "export":
        return True
    return any(child.type == "word" and text_of(child).startswith("-") and "x" in text_of(child) for child in node.named_children)


def _shell_c_script(argv: list[Word]) -> Word | None:
    """The script of `sh -c 'script'` / `bash -lc "script"`, when its value is known."""
    for position, word in enumerate(argv[1:], start=1):
        value = word.value
        if value is None:
            return None
        if value.startswith("-") and not value.startswith("--") and "c" in value[1:]:
            if position + 1 < len(argv) and argv[position + 1].value is not None:
                return argv[position + 1]
            return None
        if value.startswith("-") or value.startswith("+"):
            continue
        return None
    return None


def parse_script(
    source: str,
    base: int,
    file_span: SpanOf,
    env: Mapping[str, str | None],
    cwd: str | None,
    budget: ExpansionBudget | None = None,
) -> list[ShellCommand]:
    """Parse a script whose first character stands at file offset `base`."""
    return ScriptReader(source, base, file_span, env, cwd, budget=budget).read()


def parse_exec_form(
    words: tuple[tuple[str, Span], ...],
    file_span: SpanOf,
    env: Mapping[str, str | None],
    cwd: str | None,
    span: Span,
    text: str,
    budget: ExpansionBudget | None = None,
) -> list[ShellCommand]:
    """`RUN ["pip", "install", "x"]`: one command, no shell (so no variable expansion)."""
    argv = tuple(Word(value, value, word_span) for value, word_span in words)
    if not argv:
        return []
    stripped, wrappers, assignments = _strip_prefixes(list(argv), ())
    commands = [ShellCommand(tuple(stripped), tuple(assignments), None, span, text, wrappers, cwd)]
    if stripped and stripped[0].value and stripped[0].value.rsplit("/", 1)[-1] in _SHELLS:
        script = _shell_c_script(stripped)
        if script is not None and script.value is not None:
            reader = ScriptReader(script.value, 0, file_span, env, cwd, 1, wrappers, fixed=script.span, budget=budget)
            commands += reader.read()
    return commands
