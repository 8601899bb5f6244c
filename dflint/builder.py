"""Lexed instructions → the frozen model: stages, variables in scope, shell commands, packages."""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from dflint import packages as package_extraction
from dflint import wordsplit
from dflint.context import BuildContext, ContextError, Copy, map_image_path
from dflint.indexes import config_indexes, file_index_urls, op_indexes
from dflint.model import (
    BASE_WORKDIR,
    ArgWord,
    CopySpec,
    Dockerfile,
    Flag,
    Instruction,
    KeyValue,
    PackageIndex,
    PackageOp,
    ParseError,
    RequirementsFile,
    ShellCommand,
    Span,
    Stage,
)
from dflint.parse import KEYWORDS, Options, _heredoc_markers, _Lexed, _Raw, json_arguments, split_flags
from dflint.platform import platform_args
from dflint.positions import LineIndex
from dflint.shell import parse_exec_form, parse_script
from dflint.source import excerpt
from dflint.variables import MAX_EXPANDED_CHARS, MAX_VALUE_CHARS, PREDEFINED_ARGS, ExpansionBudget, expand

_MAX_INCLUDE_DEPTH = 10
_MAX_LAYER = 64  # names set on top of a shared global-ARG snapshot before a new base is made
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
MAX_REQUIREMENTS_FILES = 500  # requirements/constraints files (includes counted) read for one Dockerfile
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_SCRIPTS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL"})  # shell-form arguments: no words
_WHOLE = frozenset({"USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER"})  # one word: all the arguments (BuildKit's parseString)


class _StageState:
    def __init__(
        self, index: int, args: dict[str, str | None], envs: dict[str, str | None], workdir: str | None, shell: tuple[str, ...]
    ) -> None:
        self.index = index
        self.args = args
        self.envs = envs
        self.workdir = workdir
        self.shell = shell
        self.copies: list[Copy] = []
        self.instructions: list[Instruction] = []
        self.platform: str | None = None  # target platform (`linux/amd64`), None when unknown
        self.pip_config: list[PackageIndex] = []  # indexes set by `pip config set` in earlier RUNs
        self.snapshot: Mapping[str, str | None] | None = None

    def env(self) -> Mapping[str, str | None]:
        if self.snapshot is None:
            self.snapshot = MappingProxyType({**self.args, **self.envs})
        return self.snapshot

    def changed(self) -> None:
        self.snapshot = None


def build(text: str, path: str, index: LineIndex, lexed: _Lexed, options: Options) -> Dockerfile:
    errors = list(lexed.errors)
    context = BuildContext.at(options.context_dir) if options.context_dir else None
    builder = _Builder(text, index, lexed, options, context, errors)
    return builder.run(path)


class _Builder:
    def __init__(
        self, text: str, index: LineIndex, lexed: _Lexed, options: Options, context: BuildContext | None, errors: list[ParseError]
    ) -> None:
        self.text = text
        self.index = index
        self.lexed = lexed
        self.options = options
        self.context = context
        self.errors = errors
        self.global_env: dict[str, str | None] = {name: options.build_args.get(name) for name in PREDEFINED_ARGS}
        self.global_defaults: dict[str, str | None] = {}
        self._run_mounts: list[Copy] = []  # `RUN --mount=type=bind` of the RUN being read, as copies
        self.count = 0
        self.budget = ExpansionBudget()
        # The global ARGs in force at each instruction before the first stages, shared: a snapshot is
        # a common base plus the few names set since, so 10,000 global ARGs do not make 10,000 copies.
        self._global_base: dict[str, str | None] = dict(self.global_env)
        self._global_changes: dict[str, str | None] = {}
        self._global_view: Mapping[str, str | None] | None = None
        self._line: int | None = None  # the instruction being read, for expansion-limit messages
        self._reported_long = False
        self._reported_exhausted = False
        self._requirements_read = 0  # requirements files read so far, against MAX_REQUIREMENTS_FILES
        self._requirements_limit_reported = False
        self.stage_keys: dict[str, int] = {}  # lower-case stage name → index, as FROM and --from name them

    def run(self, path: str) -> Dockerfile:
        global_args: list[Instruction] = []
        stages: list[tuple[Instruction, _StageState, dict[str, object]]] = []
        all_instructions: list[Instruction] = []
        state: _StageState | None = None
        stage_keys = self.stage_keys
        for raw in self.lexed.raws:
            self._note_expansion_limits(raw.first_line + 1)
            keyword = raw.keyword_text.upper()
            if keyword not in KEYWORDS:
                self.errors.append(ParseError(raw.first_line + 1, f"unknown instruction '{excerpt(raw.keyword_text, 40)}'"))
                continue
            if keyword == "FROM":
                instruction, state, info = self._from(raw, len(stages), stages, stage_keys)
                stages.append((instruction, state, info))
                all_instructions.append(instruction)
                continue
            if state is None:
                if keyword != "ARG":
                    self.errors.append(
                        ParseError(raw.first_line + 1, f"{keyword} before the first FROM (only ARG may come before FROM)")
                    )
                    continue
                instruction = self._instruction(raw, None, None)
                self._global_arg(instruction)
                global_args.append(instruction)
                all_instructions.append(instruction)
                continue
            instruction = self._instruction(raw, state, state.index)
            state.instructions.append(instruction)
            all_instructions.append(instruction)
        self._note_expansion_limits(None)
        if not stages and not self.errors:
            self.errors.append(ParseError(1, "no FROM instruction: a Dockerfile needs at least one build stage"))
        built_stages = tuple(
            Stage(
                index=position,
                name=info["name"],  # type: ignore[arg-type]
                base=info["base"],  # type: ignore[arg-type]
                base_resolved=info["resolved"],  # type: ignore[arg-type]
                base_stage=info["base_stage"],  # type: ignore[arg-type]
                platform=info["platform"],  # type: ignore[arg-type]
                from_instruction=from_instruction,
                instructions=tuple(stage_state.instructions),
                base_candidates=info["candidates"],  # type: ignore[arg-type]
                target_platform=info["target_platform"],  # type: ignore[arg-type]
                end_env=MappingProxyType(dict(stage_state.envs)),
            )
            for position, (from_instruction, stage_state, info) in enumerate(stages)
        )
        dockerignore, dockerignore_unread, dockerignore_file = self._dockerignore(path)  # before `errors`: it reports some
        return Dockerfile(
            path=path,
            text=self.text,
            directives=tuple(self.lexed.directives),
            global_args=tuple(global_args),
            stages=built_stages,
            instructions=tuple(all_instructions),
            comments=tuple(self.lexed.comments),
            errors=tuple(sorted(set(self.errors), key=lambda error: error.line)),
            target=self.options.target,
            context_dir=self.context.root if self.context else None,
            dockerignore=dockerignore,
            dockerignore_unread=dockerignore_unread,
            dockerignore_file=dockerignore_file,
        )

    def _note_expansion_limits(self, next_line: int | None) -> None:
        """Report, on the instruction that hit it, an expansion limit (once each): what depends on
        the values it made unknown cannot be checked."""
        budget, line = self.budget, self._line
        self._line = next_line
        if line is None:
            return
        if budget.long_values and not self._reported_long:
            self._reported_long = True
            self.errors.append(
                ParseError(line, f"a variable expands to more than {MAX_VALUE_CHARS} characters: its value is treated as unknown")
            )
        if budget.exhausted and not self._reported_exhausted:
            self._reported_exhausted = True
            self.errors.append(
                ParseError(
                    line,
                    f"variable expansions in this file exceed {MAX_EXPANDED_CHARS} characters in all:"
                    " from here on every expanded value is treated as unknown",
                )
            )

    def _global_snapshot(self) -> Mapping[str, str | None]:
        if self._global_view is None:
            if len(self._global_changes) > _MAX_LAYER:
                self._global_base = {**self._global_base, **self._global_changes}
                self._global_changes = {}
            self._global_view = _Layered(self._global_base, dict(self._global_changes))
        return self._global_view

    # -- instructions ---------------------------------------------------------------------------
    def _instruction(self, raw: _Raw, state: _StageState | None, stage_index: int | None, onbuild: bool = False) -> Instruction:
        keyword_text = raw.keyword_text
        keyword = keyword_text.upper()
        flags, position = split_flags(raw, keyword_text, self.index)
        arguments = raw.logical[position:].rstrip()
        arguments_start = raw.file_offset(position) if position < len(raw.logical) else raw.logical_end
        json_args = (
            json_arguments(arguments)
            if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK")
            else None
        )
        env = state.env() if state is not None else self._global_snapshot()
        workdir = state.workdir if state is not None else None
        span = self.index.span(raw.start, raw.end)
        keyword_span = self.index.span(raw.start, raw.start + len(keyword_text))
        arguments_span = self.index.span(arguments_start, max(arguments_start, raw.logical_end))
        commands: tuple[ShellCommand, ...] = ()
        package_ops: tuple[PackageOp, ...] = ()
        nested: Instruction | None = None
        words, pairs = self._words(keyword, raw, position, json_args, env)
        if keyword == "RUN" and state is not None:
            commands = tuple(self._commands(raw, position, arguments, json_args, words, env, workdir, span))
            commands = _with_brace_expansion(commands, state.shell, raw)
            ops = []
            self._run_mounts = _bind_mounts(flags, env, workdir, raw.first_line + 1)
            for command in commands:
                for op in package_extraction.extract(
                    command, lambda image_path, constraint: self._requirements_file(image_path, constraint, state)
                ):
                    indexes = op_indexes(op, env, state.pip_config)
                    ops.append(dataclasses.replace(op, indexes=indexes, platform=state.platform))
                if not onbuild:
                    state.pip_config.extend(config_indexes(command))
            self._run_mounts = []
            package_ops = tuple(ops)
        elif keyword == "ONBUILD" and not onbuild:
            nested = self._onbuild(raw, position, state, stage_index)
        copy = self._copy_spec(flags, words, env, workdir) if keyword in ("COPY", "ADD") else None
        self.count += 1
        instruction = Instruction(
            index=self.count - 1,
            keyword=keyword,
            keyword_text=keyword_text,
            flags=tuple(flags),
            arguments=arguments,
            json_args=json_args,
            heredocs=tuple(raw.heredocs),
            span=span,
            keyword_span=keyword_span,
            arguments_span=arguments_span,
            text=self.text[raw.start : raw.end],
            stage_index=stage_index,
            env=env,
            workdir=workdir,
            commands=commands,
            packages=package_ops,
            onbuild=nested,
            shell=state.shell if state is not None else ("/bin/sh", "-c"),
            empty_continuation_lines=self._empty_lines(raw.dropped),
            copy=copy,
            logical=raw.logical,
            segments=tuple(raw.segments),
            arguments_start=position,
            words=words,
            pairs=pairs,
        )
        if state is not None and not onbuild:
            self._apply(instruction, state)
        return instruction

    def _words(
        self, keyword: str, raw: _Raw, position: int, json_args: tuple[str, ...] | None, env: Mapping[str, str | None]
    ) -> tuple[tuple[ArgWord, ...], tuple[KeyValue, ...]]:
        """The argument words and, for ARG/ENV/LABEL, the pairs, split once (`dflint.wordsplit`)."""
        if json_args is None and keyword in _SCRIPTS:
            return (), ()
        escape = self.lexed.escape
        budget = self.budget

        def expand_here(text: str) -> str | None:
            return expand(text, env, undeclared=None, budget=budget)

        def expand_free(text: str) -> str | None:
            return expand(text, env, undeclared=None)

        arguments = raw.logical[position:].rstrip()
        if json_args is not None and len(wordsplit.json_strings(arguments)) != len(json_args):
            json_args = None  # the strings cannot be found one by one: read plain words instead

        def file_offset(index: int) -> int:
            return raw.file_offset(position + index)

        if json_args is not None:
            spans = wordsplit.json_strings(arguments)
            words = tuple(
                ArgWord(
                    arguments[start:end],
                    wordsplit.process(value, expand_here, escape),
                    value,
                    self.index.span(file_offset(start), file_offset(end - 1) + 1),
                    position + start,
                    position + end,
                    quoted=True,
                )
                for value, (start, end) in zip(json_args, spans)
            )
            return words, ()
        pairs: tuple[KeyValue, ...] = ()
        if keyword in ("ARG", "ENV", "LABEL"):
            cuts = wordsplit.quoted_words(arguments, escape)
            found = wordsplit.key_value_pairs(keyword, arguments, escape) or ()
            pairs = tuple(self._pair(pair, arguments, position, file_offset, escape, expand_here) for pair in found)
        elif keyword in _WHOLE:
            stripped = arguments.lstrip()
            cuts = [(len(arguments) - len(stripped), len(arguments))] if stripped else []
        else:
            cuts = wordsplit.whitespace_words(arguments)
        # the words of an ARG/ENV/LABEL (`KEY=value`) are not what it sets: their expansions are not
        # charged to the budget (nor reported as too long), the pairs' are
        expand_word = expand_free if keyword in ("ARG", "ENV", "LABEL") else expand_here
        words = tuple(
            ArgWord(
                text,
                wordsplit.process(text, expand_word, escape),
                wordsplit.unquote(text, escape),
                self.index.span(file_offset(start), file_offset(end - 1) + 1),
                position + start,
                position + end,
                quoted="'" in text or '"' in text,
            )
            for start, end in cuts
            for text in (arguments[start:end],)
        )
        return words, pairs

    def _pair(
        self,
        pair: wordsplit.RawPair,
        arguments: str,
        position: int,
        file_offset: Callable[[int], int],
        escape: str,
        expand_here: Callable[[str], str | None],
    ) -> KeyValue:
        def span(start: int, end: int) -> Span:
            return self.index.span(file_offset(start), file_offset(max(start, end - 1)) + 1)

        raw_value = arguments[pair.value_start : pair.end] if pair.has_value else None
        return KeyValue(
            pair.key,
            span(pair.start, pair.key_end),
            raw_value,
            wordsplit.process(raw_value, expand_here, escape) if raw_value is not None else None,
            wordsplit.unquote(raw_value, escape) if raw_value is not None else None,
            span(pair.start, pair.end),
            position + pair.value_start,
            position + pair.end,
            pair.legacy,
        )

    def _empty_lines(self, dropped: set[int]) -> tuple[int, ...]:
        """1-based numbers of the dropped lines inside a continuation that are empty or blank (not comments)."""
        if not dropped:
            return ()
        starts = self.index.starts
        empty = []
        for line in sorted(dropped):
            end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
            if not self.text[starts[line] : end].strip():
                empty.append(line + 1)
        return tuple(empty)

    def _onbuild(self, raw: _Raw, position: int, state: _StageState | None, stage_index: int | None) -> Instruction | None:
        rest = raw.logical[position:]
        stripped = rest.lstrip()
        if not stripped:
            return None
        skip = position + len(rest) - len(stripped)
        inner = _Raw(
            stripped.split(None, 1)[0],
            raw.logical[skip:],
            _rebase_segments(raw.segments, skip),
            raw.file_offset(skip),
            raw.end,
            raw.logical_end,
            raw.first_line,
            raw.last_line,
            raw.dropped,
            raw.continued,
            raw.heredocs,
        )
        if inner.keyword_text.upper() not in KEYWORDS or inner.keyword_text.upper() in ("ONBUILD", "FROM", "MAINTAINER"):
            return None
        return self._instruction(inner, state, stage_index, onbuild=True)

    def _apply(self, instruction: Instruction, state: _StageState) -> None:
        """Update the stage's variables, working directory, shell and copies after an instruction."""
        keyword = instruction.keyword
        env = instruction.env
        if keyword == "ARG":
            for pair in instruction.pairs:
                name = pair.key
                if name in self.options.build_args:
                    value: str | None = self.options.build_args[name]
                elif pair.raw_value is not None:
                    value = pair.value
                elif name in self.global_defaults:
                    value = self.global_defaults[name]
                else:
                    value = None
                state.args[name] = value
            state.changed()
        elif keyword == "ENV":
            if instruction.arguments.strip() and not instruction.pairs:
                self.errors.append(
                    ParseError(instruction.span.line, f"ENV: cannot read '{instruction.arguments.strip()}' (use ENV key=value)")
                )
                return
            for pair in instruction.pairs:
                state.envs[pair.key] = pair.value
            state.changed()
        elif keyword == "WORKDIR":
            value = expand(instruction.arguments.strip().strip('"'), env, undeclared=None, budget=self.budget)
            if value is None:
                state.workdir = None
            elif value.startswith("/"):
                state.workdir = posixpath.normpath(value)
            elif state.workdir is not None:
                state.workdir = posixpath.normpath(posixpath.join(state.workdir, value))
        elif keyword == "SHELL" and instruction.json_args:
            state.shell = instruction.json_args
        elif keyword in ("COPY", "ADD"):
            state.copies.append(self._copy(instruction))

    def _copy_spec(
        self, flags: list[Flag], words: tuple[ArgWord, ...], env: Mapping[str, str | None], workdir: str | None
    ) -> CopySpec:
        values = [word.value for word in words]
        destination = values[-1] if len(values) >= 2 else None
        if destination is not None and not destination.startswith("/"):
            if workdir is None:
                destination = None
            else:
                trailing = "/" if destination.endswith("/") or destination in (".", "./") else ""
                destination = posixpath.normpath(posixpath.join(workdir, destination)) + trailing
        source_stage = None
        from_flag = next((flag for flag in flags if flag.name == "from"), None)
        if from_flag is not None and from_flag.value:
            name = expand(from_flag.value, env, undeclared=None, budget=self.budget)
            if name is not None:
                source_stage = self.stage_keys.get(name.lower())
                if source_stage is None and name.isdigit():
                    source_stage = int(name)
        return CopySpec(tuple(values[:-1]), destination, source_stage)

    def _copy(self, instruction: Instruction) -> Copy:
        """The COPY/ADD as the requirements-file mapping reads it (from its `CopySpec`)."""
        spec = instruction.copy
        from_context = instruction.flag("from") is None and not instruction.heredocs
        if spec is None or spec.destination is None:
            return Copy((), None, from_context, instruction.span.line)
        sources = tuple(value for value in spec.sources if value is not None)
        if instruction.keyword == "ADD" and any("://" in source or source.startswith("git@") for source in sources):
            from_context = False
        inline = (
            tuple((heredoc.marker, heredoc.body) for heredoc in instruction.heredocs) if instruction.flag("from") is None else ()
        )
        unknown = any(value is None for value in spec.sources)
        return Copy(sources, spec.destination, from_context, instruction.span.line, inline, unknown)

    # -- FROM and global ARGs --------------------------------------------------------------------
    def _from(
        self,
        raw: _Raw,
        position: int,
        stages: list[tuple[Instruction, _StageState, dict[str, object]]],
        stage_keys: dict[str, int],
    ) -> tuple[Instruction, _StageState, dict[str, object]]:
        instruction = self._instruction(raw, None, position)
        flags = instruction.flags
        words = [word.text for word in instruction.words]
        base = words[0] if words else ""
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        if not words:
            self.errors.append(ParseError(raw.first_line + 1, "FROM needs an image"))
        resolved = expand(base, self.global_env, undeclared="", budget=self.budget) if base else None
        if not resolved:
            resolved = None  # depends on a build argument nobody set: unknown
        base_stage = None
        if resolved is not None and resolved.lower() in stage_keys:
            base_stage = stage_keys[resolved.lower()]
        platform_flag = next((flag for flag in flags if flag.name == "platform"), None)
        state = _StageState(position, {}, {}, BASE_WORKDIR, ("/bin/sh", "-c"))
        defaults = platform_args(self.options.build_args)
        state.platform = defaults["TARGETPLATFORM"]
        if base_stage is not None:
            parent = stages[base_stage][1]
            # a stage built FROM another inherits its build arguments as well as its environment
            # (docs.docker.com/build/building/variables/#scoping: "Arguments and variables are
            # inherited from parent stages"; BuildKit prints the parent's `ARG FOO=123` in the child)
            state.args = dict(parent.args)
            state.envs = dict(parent.envs)
            state.workdir = parent.workdir
            state.shell = parent.shell
            state.copies = list(parent.copies)
            state.platform = parent.platform
            state.pip_config = list(parent.pip_config)
        if platform_flag is not None and platform_flag.value:
            state.platform = expand(
                platform_flag.value, {**self.global_defaults, **defaults}, undeclared=None, budget=self.budget
            )
        if name:
            stage_keys.setdefault(name.lower(), position)
        candidates: tuple[int, ...] = ()
        if base_stage is None and base and expand(base, self.global_defaults, undeclared=None, budget=self.budget) is None:
            known = {**self.global_defaults, **platform_args(self.options.build_args)}
            candidates = _candidate_stages(base, known, stage_keys)
        info: dict[str, object] = {
            "candidates": candidates,
            "name": name,
            "base": base,
            "resolved": resolved,
            "base_stage": base_stage,
            "platform": platform_flag.value if platform_flag else None,
            "target_platform": state.platform,
        }
        return instruction, state, info

    def _global_arg(self, instruction: Instruction) -> None:
        escape = self.lexed.escape
        for pair in instruction.pairs:
            name, default = pair.key, pair.raw_value
            if name in self.options.build_args:
                value: str | None = self.options.build_args[name]
            elif default is not None:
                # in FROM, a name no ARG declared is empty (`undeclared=""`), not unknown
                value = wordsplit.process(
                    default, lambda text: expand(text, self.global_env, undeclared="", budget=self.budget), escape
                )
            else:
                value = ""  # not passed and no default: empty in FROM (BuildKit), unless --build-arg sets it
            self.global_env[name] = value
            self._global_changes[name] = value
            self._global_view = None
            self.global_defaults[name] = value if default is not None or name in self.options.build_args else None

    # -- RUN ------------------------------------------------------------------------------------
    def _commands(
        self,
        raw: _Raw,
        position: int,
        arguments: str,
        json_args: tuple[str, ...] | None,
        words: tuple[ArgWord, ...],
        env: Mapping[str, str | None],
        workdir: str | None,
        span: Span,
    ) -> list[ShellCommand]:
        if json_args is not None:
            start = raw.file_offset(position) if position < len(raw.logical) else raw.logical_end
            return parse_exec_form(
                tuple((word.literal or "", word.span) for word in words),
                self.index.span,
                env,
                workdir,
                self.index.span(start, raw.logical_end),
                arguments,
                self.budget,
            )
        start = raw.file_offset(position) if position < len(raw.logical) else raw.logical_end
        if raw.heredocs:
            return self._heredoc_commands(raw, arguments, start, env, workdir)
        start = raw.file_offset(position) if position < len(raw.logical) else raw.logical_end
        source = self._shell_source(raw, start)
        return parse_script(source, start, self.index.span, env, workdir, self.budget)

    def _heredoc_commands(
        self, raw: _Raw, arguments: str, start: int, env: Mapping[str, str | None], workdir: str | None
    ) -> list[ShellCommand]:
        """`RUN <<EOF` runs the body as a script; `RUN bash <<EOF` too; `RUN python3 <<EOF` or
        `RUN cat <<EOF > f` feed it to another program, so the body holds no shell commands."""
        command_line = _blank_markers(self._shell_source(raw, start)[: raw.logical_end - start])
        commands = parse_script(command_line, start, self.index.span, env, workdir, self.budget) if command_line.strip() else []
        runs_body = not commands or (commands[0].name in _SHELLS and _reads_script_from_stdin(commands[0]))
        if not runs_body:
            return commands
        for heredoc in raw.heredocs[:1]:
            body = heredoc.body
            if body.startswith("#!") and not re.match(r"#!\s*\S*/(?:env\s+)?(?:ba|da|a|z|k)?sh\b", body):
                continue  # a script for another interpreter (python …)
            text = self.text[heredoc.body_span.offset : heredoc.body_span.end_offset]
            commands += parse_script(text, heredoc.body_span.offset, self.index.span, env, workdir, self.budget)
        return commands

    def _shell_source(self, raw: _Raw, start: int) -> str:
        """The RUN text from `start` to the instruction's end, normalised in place for the shell
        parser (same length, so offsets stay exact): every continuation ends in `\\` + newline,
        lines Docker drops inside a continuation become continuations, CR becomes a space."""
        starts = self.index.starts
        pieces: list[str] = []
        for line in range(raw.first_line, raw.last_line + 1):
            line_end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
            piece = self.text[max(starts[line], start) : min(line_end, raw.end if line == raw.last_line else line_end)]
            if line in raw.dropped or line in raw.continued:
                if not piece.endswith("\n"):
                    pieces.append(piece.replace("\r", " "))
                    continue
                if line in raw.dropped:
                    keep = 0
                else:
                    body = piece.rstrip("\r\n").rstrip(" \t")
                    keep = len(body) - 1  # everything before the escape character
                if keep >= 0 and len(piece) >= 2:
                    pieces.append((piece[:keep] + " " * (len(piece) - keep - 2)).replace("\r", " ") + "\\\n")
                elif pieces and pieces[-1].endswith("\\\n"):
                    pieces[-1] = pieces[-1][:-2] + " "  # an empty dropped line borrows the previous line's end
                    pieces.append("\\\n")
                else:
                    pieces.append(piece)
            else:
                pieces.append(piece.replace("\r", " "))
        source = "".join(pieces)
        if len(source) != raw.end - start:  # never let a normalisation slip shift offsets
            return self.text[start : raw.end].replace("\r", " ")
        return source

    def _requirements_file(self, image_path: str, constraint: bool, state: _StageState) -> RequirementsFile:
        """The requirements file pip reads at `image_path`, with its includes. Within one install each
        file is read once: an include of a file already in the tree (a cycle, or `-r a.txt` written
        twice) adds nothing pip does not already have, so it is left out."""
        file = self._image_file(image_path, constraint, state, 0, set())
        assert file is not None  # a new tree holds no file yet
        return file

    def _image_file(
        self, image_path: str, constraint: bool, state: _StageState, depth: int, seen: set[str]
    ) -> RequirementsFile | None:
        # A RUN's bind mounts shadow what is in the image (no copy of the list without them: a
        # long stage would pay for every COPY before it on each `pip install -r`).
        copies = state.copies + self._run_mounts if self._run_mounts else state.copies
        context_path, status, reason = map_image_path(image_path, copies, self.context)
        if status in ("not-from-context", "not-copied"):
            inline = _inline_copy(image_path, copies)
            if inline is not None:
                if "image:" + image_path in seen:
                    return None
                seen.add("image:" + image_path)
                return self._inline_requirements(image_path, inline, constraint, state, depth, seen)
        if context_path is None:
            return RequirementsFile(image_path, None, status, reason, constraint)
        if "context:" + context_path in seen:
            return None
        seen.add("context:" + context_path)
        return self._read_requirements(image_path, context_path, constraint, depth, state, seen)

    def _include(
        self,
        include: str,
        constraint: bool,
        directory: str,
        state: _StageState | None,
        depth: int,
        seen: set[str],
        in_image: bool,
    ) -> RequirementsFile | None:
        """A `-r`/`-c` line of a file at `directory` (in the image, or in the context); None when
        that file is already in the tree."""
        if _URL.match(include):  # `-c https://…`: pip downloads it; it is no path, in the context or the image
            return RequirementsFile(
                None,
                None,
                "not-from-context",
                f"'{excerpt(include, 200)}' is a URL: pip downloads it, dflint does not",
                constraint,
            )
        if state is not None and (in_image or include.startswith("/")):
            # in a file read from the image, or an absolute path: a path in the image, not in the context
            return self._image_file(_image_path(include, directory), constraint, state, depth, seen)
        relative = posixpath.normpath(posixpath.join(directory, include)) if not include.startswith("/") else include
        if "context:" + relative in seen:
            return None
        seen.add("context:" + relative)
        return self._read_requirements(None, relative, constraint, depth, state, seen)

    def _count_requirements_read(self, line: int, path: str) -> bool:
        """Count one more requirements file read for this Dockerfile; False, reported once, past the limit."""
        if self._requirements_read < MAX_REQUIREMENTS_FILES:
            self._requirements_read += 1
            return True
        if not self._requirements_limit_reported:
            self._requirements_limit_reported = True
            self.errors.append(
                ParseError(
                    line,
                    f"more than {MAX_REQUIREMENTS_FILES} requirements files (includes counted) for one Dockerfile:"
                    f" '{path}' and every later one are not read",
                )
            )
        return False

    def _limited(self, image_path: str | None, context_path: str | None, constraint: bool) -> RequirementsFile:
        return RequirementsFile(
            image_path,
            context_path,
            "unreadable",
            f"this Dockerfile reached the limit of {MAX_REQUIREMENTS_FILES} requirements files read; not read",
            constraint,
        )

    def _inline_requirements(
        self, image_path: str, copy: tuple[str, int], constraint: bool, state: _StageState, depth: int, seen: set[str]
    ) -> RequirementsFile:
        """A requirements file written by a heredoc COPY: read from the Dockerfile itself."""
        body, line = copy
        if not self._count_requirements_read(self._line or line, image_path):
            return self._limited(image_path, None, constraint)
        requirements, includes = package_extraction.parse_requirements_text(body, image_path)
        nested: list[RequirementsFile] = []
        if depth < _MAX_INCLUDE_DEPTH:
            for include, is_constraint, _line in includes:
                file = self._include(include, is_constraint, posixpath.dirname(image_path), state, depth + 1, seen, in_image=True)
                if file is not None:
                    nested.append(file)
        return RequirementsFile(
            image_path,
            None,
            "read",
            f"read from the heredoc of the COPY on line {line}",
            constraint,
            tuple(requirements),
            tuple(nested),
        )

    def _read_requirements(
        self, image_path: str | None, context_path: str, constraint: bool, depth: int, state: _StageState | None, seen: set[str]
    ) -> RequirementsFile:
        if self.context is None:
            return RequirementsFile(image_path, context_path, "unreadable", "no build context", constraint)
        if not self._count_requirements_read(self._line or 1, context_path):
            return self._limited(image_path, context_path, constraint)
        try:
            text = self.context.read_text(context_path)
        except ContextError as error:
            return RequirementsFile(image_path, context_path, error.status, error.reason, constraint)
        requirements, includes = package_extraction.parse_requirements_text(text, context_path)
        nested: list[RequirementsFile] = []
        if depth < _MAX_INCLUDE_DEPTH:
            for include, is_constraint, _line in includes:
                file = self._include(
                    include, is_constraint, posixpath.dirname(context_path), state, depth + 1, seen, in_image=False
                )
                if file is not None:
                    nested.append(file)
        return RequirementsFile(
            image_path,
            context_path,
            "read",
            f"read from the build context ({context_path})",
            constraint,
            tuple(requirements),
            tuple(nested),
            file_index_urls(text),
        )

    def _dockerignore(self, path: str) -> tuple[tuple[str, ...] | None, bool, str | None]:
        """Ignore patterns: `<Dockerfile>.dockerignore` next to the Dockerfile, which BuildKit prefers,
        else `.dockerignore` at the context root; and whether one exists that could not be read (an
        input error on its first line: a FIFO, a device, not UTF-8, a symlink out of the context)."""
        if self.context is None:
            return None, False, None
        candidates = [".dockerignore"]
        if path and path != "-":
            specific = os.path.relpath(os.path.abspath(path) + ".dockerignore", self.context.root)
            if not specific.startswith(".."):
                candidates.insert(0, specific.replace(os.sep, "/"))
        for candidate in candidates:
            try:
                text = self.context.read_text(candidate)
            except ContextError as error:
                if error.status == "missing" or self.context.is_dir(candidate):
                    continue
                self.errors.append(ParseError(1, error.reason, path=self._context_path(candidate)))
                return None, True, candidate
            patterns = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
            patterns = [(number, line) for number, line in patterns if line and not line.startswith("#")]
            self._check_dockerignore(candidate, patterns)
            return tuple(line for _, line in patterns), False, candidate
        return None, False, None

    def _context_path(self, candidate: str) -> str:
        """A context file's path as error lines show it: relative to the working directory when inside it."""
        assert self.context is not None
        shown = os.path.relpath(os.path.join(self.context.root, candidate))
        return os.path.join(self.context.root, candidate) if shown.startswith("..") else shown

    def _check_dockerignore(self, candidate: str, patterns: list[tuple[int, str]]) -> None:
        """A pattern Docker refuses fails the build: an input error on its line of the .dockerignore."""
        from dflint import dockerignore

        invalid = [(number, line) for number, line in patterns if not dockerignore.valid(line)]
        if not invalid or self.context is None:
            return
        shown = self._context_path(candidate)
        for number, line in invalid:
            message = f"invalid pattern '{excerpt(line, 60)}': docker build refuses it; it excludes nothing here"
            self.errors.append(ParseError(number, message, path=shown))


class _Layered(Mapping[str, "str | None"]):
    """A read-only mapping: `top` over `base` (neither is changed after it is made)."""

    __slots__ = ("base", "top")

    def __init__(self, base: Mapping[str, str | None], top: Mapping[str, str | None]) -> None:
        self.base = base
        self.top = top

    def __getitem__(self, key: str) -> str | None:
        return self.top[key] if key in self.top else self.base[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.top
        yield from (key for key in self.base if key not in self.top)

    def __len__(self) -> int:
        return len(self.top) + sum(1 for key in self.base if key not in self.top)

    def __contains__(self, key: object) -> bool:
        return key in self.top or key in self.base


def _bind_mounts(flags: list[Flag], env: Mapping[str, str | None], workdir: str | None, line: int) -> list[Copy]:
    """`RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt`: while the RUN runs, the
    target holds that file from the build context (or from another stage with `from=`)."""
    mounts: list[Copy] = []
    for flag in flags:
        if flag.name != "mount":
            continue
        options = flag.options()
        if options.get("type", "bind") != "bind":
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        target = expand(target, env, undeclared=None) if target else None
        source = expand(options.get("source") or options.get("src") or ".", env, undeclared=None)
        if not target or source is None:
            continue
        if not target.startswith("/"):
            if workdir is None:
                continue
            target = posixpath.normpath(posixpath.join(workdir, target))
        mounts.append(Copy((source,), target, "from" not in options, line))
    return mounts


def _inline_copy(image_path: str, copies: list[Copy]) -> tuple[str, int] | None:
    """(body, line) of the heredoc COPY that last wrote `image_path`, unless a later COPY/ADD
    may have replaced it."""
    for copy in reversed(copies):
        if copy.destination is None:
            continue
        body = copy.inline_body(image_path)
        if body is not None:
            return body, copy.line
        destination = copy.destination.rstrip("/") or "/"
        if image_path == destination or image_path.startswith(destination.rstrip("/") + "/"):
            return None
    return None


def _image_path(path: str, directory: str) -> str:
    return posixpath.normpath(path if path.startswith("/") else posixpath.join(directory, path))


def _reads_script_from_stdin(shell: ShellCommand) -> bool:
    """A shell given only options (`bash`, `bash -ex`, `sh -eu -o pipefail`, `bash -l`) reads its
    script from stdin, the heredoc; `bash -c '…'` and `bash script.sh` do not."""
    values = shell.args
    index = 0
    while index < len(values):
        value = values[index]
        if value is None or not value.startswith(("-", "+")) or value in ("-", "+"):
            return False
        if value in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            index += 2
            continue
        if not value.startswith("--") and "c" in value[1:]:
            return False
        index += 1
    return True


def _blank_markers(text: str) -> str:
    """Replace heredoc markers with spaces of the same length."""
    characters = list(text)
    for match in _heredoc_markers(text):
        characters[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(characters)


def _rebase_segments(segments: list[tuple[int, int]], skip: int) -> list[tuple[int, int]]:
    rebased: list[tuple[int, int]] = []
    for logical, offset in segments:
        if logical <= skip:
            rebased = [(0, offset + (skip - logical))]
        else:
            rebased.append((logical - skip, offset))
    return rebased


__all__ = ["build", "Flag"]


_REFERENCE = re.compile(r"\$(?:\{(\w+)(?:(:?[-+])([^}]*))?\}|(\w+))")


def _candidate_stages(base: str, known: Mapping[str, str | None], stage_keys: Mapping[str, int]) -> tuple[int, ...]:
    """Earlier stages an unresolvable base may name: `install-from-${FLAVOUR}` → every stage whose
    name is `install-from-` followed by anything. Known values are put in (`$TARGETOS` is `linux`),
    `${X:+word}` of an unknown X is `word` or nothing. A base made only of unknown variables names no
    stage in particular (it is as likely an image), so it has no candidates."""
    parts: list[str] = []
    literal = ""
    position = 0
    for match in _REFERENCE.finditer(base):
        parts.append(re.escape(base[position : match.start()]))
        literal += base[position : match.start()]
        position = match.end()
        name = match.group(1) or match.group(4)
        value = known.get(name)
        operator, word = match.group(2), match.group(3) or ""
        if value is not None:
            if operator in (":+", "+"):
                value = word if value or operator == "+" else ""
            elif operator == ":-" and not value:
                value = word
            parts.append(re.escape(value))
            literal += value
        elif operator in (":+", "+"):
            parts.append(f"(?:{re.escape(word)})?")
        elif operator in (":-", "-"):
            parts.append(f"(?:{re.escape(word)}|.*)")
        else:
            parts.append(".*")
    parts.append(re.escape(base[position:]))
    literal += base[position:]
    if position == 0 or not literal:
        return ()
    matcher = re.compile("".join(parts), re.IGNORECASE)
    return tuple(sorted({index for key, index in stage_keys.items() if matcher.fullmatch(key)}))


_BRACE_SHELLS = frozenset({"bash", "zsh", "ksh"})


def _with_brace_expansion(commands: tuple[ShellCommand, ...], shell: tuple[str, ...], raw: _Raw) -> tuple[ShellCommand, ...]:
    """The RUN's commands, each marked with whether its shell expands braces: a `SHELL` of bash, zsh
    or ksh, a heredoc script for one (`RUN <<EOF bash`, a `#!/bin/bash` line), or a command inside
    `bash -c "…"`."""
    program = posixpath.basename(shell[0]) if shell else "sh"
    every = program in _BRACE_SHELLS
    if raw.heredocs and commands:
        body = raw.heredocs[0].body
        every = every or commands[0].name in _BRACE_SHELLS or bool(re.match(r"#!\s*\S*/(?:env\s+)?(?:ba|z|k)sh\b", body))
    return tuple(
        dataclasses.replace(command, braces=True) if every or _BRACE_SHELLS & set(command.wrappers) else command
        for command in commands
    )
