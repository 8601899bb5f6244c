"""The Dockerfile model every rule reads: frozen, built once per file.

Positions are 1-based lines and 1-based columns counted in characters; an end column is exclusive
(SARIF's convention). Offsets are 0-based character offsets into `Dockerfile.text`, which is the
decoded file with a UTF-8 BOM removed and line endings kept as they were.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from dflint.shipping import Shipping

BASE_WORKDIR = "/<base-workdir>"  # stands for a working directory the base image sets, unknown to us
EMPTY_ENV: Mapping[str, str | None] = MappingProxyType({})


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of the file: start inclusive, end exclusive (1-based lines and columns)."""

    line: int
    column: int
    end_line: int
    end_column: int
    offset: int = field(default=0, compare=False)
    end_offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Flag:
    """An instruction flag such as `--from=build` or `--mount=type=cache,target=/root/.cache`."""

    name: str
    value: str | None
    span: Span
    value_span: Span | None = None  # just the value, when it is written on one line (no continuation inside)

    def options(self) -> dict[str, str]:
        """`--mount=type=cache,target=/x` → {"type": "cache", "target": "/x"}."""
        result: dict[str, str] = {}
        for part in (self.value or "").split(","):
            key, sep, val = part.partition("=")
            if key:
                result[key.strip().lower()] = val.strip() if sep else "true"
        return result


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A heredoc attached to an instruction (`RUN <<EOF`, `COPY <<EOF /dst`)."""

    marker: str
    body: str
    body_span: Span
    strip_tabs: bool
    quoted: bool


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word: its source text, its value after quote removal and expansion (None when it
    depends on something unknown: an unresolved variable, a command substitution, a glob), and
    where it stands."""

    text: str
    value: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class ArgWord:
    """One argument word of an instruction that is not a shell script (FROM, COPY/ADD, EXPOSE, USER,
    WORKDIR, VOLUME, ARG, ENV, LABEL …, and the strings of an exec-form JSON array), split once by
    `dflint.wordsplit` as BuildKit splits it.

    `text` is the word as written (continuations joined, quotes kept; a JSON string with its quotes);
    `value` is what Docker makes of it: quotes removed, escapes applied, variables expanded with the
    ARG/ENV in force (None when it depends on an unknown value or a quote is unterminated); `literal`
    is the same with variables left as written. `start`/`end` index `Instruction.logical`."""

    text: str
    value: str | None
    literal: str | None
    span: Span
    start: int
    end: int
    quoted: bool = False  # a JSON string, or written with quotes


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One `KEY=value` of an ARG, ENV or LABEL (or the single pair of the legacy `ENV KEY value`).

    `raw_value` is the value as written (None for `ARG NAME` without a default); `value` is what
    Docker sets (quotes removed, escapes applied, variables expanded with the values from before the
    instruction; None when unknown or absent); `literal` keeps the variables as written.
    `value_start`/`value_end` index `Instruction.logical`."""

    key: str  # quotes removed
    key_span: Span
    raw_value: str | None
    value: str | None
    literal: str | None
    span: Span  # the whole `KEY=value` (legacy form: from the key to the end of the value)
    value_start: int
    value_end: int
    legacy: bool = False


@dataclass(frozen=True, slots=True)
class SplitWord:
    """An argument the shell cut at a redirection written without a space before it:
    `pip install numba>=0.57.1` hands pip `numba` and writes its output to a file named `=0.57.1`.

    `argument` is the part the command receives, `operator` the redirection (`>`, `>>`, `<` …),
    `target` its file; `span` and `text` are the whole as written (`numba>=0.57.1`)."""

    argument: Word
    operator: str
    target: Word
    span: Span
    text: str

    @property
    def writes(self) -> bool:
        """Whether the redirection writes its file (`>`, `>>`, `>|`): the command runs, its output
        goes to the file; a `<` reads one, and the command fails when it is not there."""
        return ">" in self.operator


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """A simple command inside a RUN script, after seeing through wrappers (`sudo`, `sh -c '…'`).

    `operator` is what joins it to the command before it in its list (`&&`, `||`, `;`, `|`, `&`,
    or "\\n" for a newline); None for the first command of a script.
    """

    argv: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...]
    operator: str | None
    span: Span
    text: str
    wrappers: tuple[str, ...] = ()
    cwd: str | None = None  # working directory when it runs (WORKDIR, then any `cd` before it)
    in_pipeline: bool = False
    conditional: bool = False  # inside if/while/case/||, so it may not run
    # variables the script exported before this command runs (`export PIP_NO_CACHE_DIR=1 && …`),
    # name → value (None when unknown); ARG/ENV are in `Instruction.env`, prefixes in `assignments`
    exports: Mapping[str, str | None] = field(default_factory=lambda: EMPTY_ENV, compare=False)
    redirects: tuple[Word, ...] = ()  # files its output redirections write (`> /tmp/r.txt`, `>> log`)
    split_words: tuple[SplitWord, ...] = ()  # arguments cut at a redirection without a space (`numba>=0.57.1`)
    # whether its shell expands braces (`/var/lib/{apt,dpkg}`): bash, zsh and ksh do; `/bin/sh` (dash,
    # busybox ash), the RUN default, keeps the word as written
    braces: bool = False

    @property
    def name(self) -> str | None:
        """The program's base name (`/usr/bin/pip3` → `pip3`), or None when unknown."""
        if not self.argv or self.argv[0].value is None:
            return None
        return self.argv[0].value.rsplit("/", 1)[-1]

    @property
    def args(self) -> tuple[str | None, ...]:
        return tuple(word.value for word in self.argv[1:])

    def split_word(self, span: Span | None) -> SplitWord | None:
        """The split word whose argument is written at `span` (`numba` of `numba>=0.57.1`), if any."""
        if span is None:
            return None
        for split in self.split_words:
            if split.argument.span == span:
                return split
        return None

    def cut_by_output(self, span: Span | None) -> SplitWord | None:
        """The split word at `span` whose redirection writes a file (`numba>=0.57.1`): the command gets
        the bare word and runs; a `<` makes it fail instead, which the build shows."""
        split = self.split_word(span)
        return split if split is not None and split.writes else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """A package named for installation: on a command line or in a requirements file."""

    name: str | None  # normalised (lower-case, PEP 503 for pip); None when unknown
    raw: str | None  # as written; None when it came from an unresolved variable
    spec: str = ""  # version specifier as written, e.g. "==2.1.0", ">=1", "=1.2*"
    extras: tuple[str, ...] = ()
    kind: str = "name"  # name | path | url | vcs | unknown
    pinned: bool | None = None  # None: cannot tell (unknown value)
    span: Span | None = None  # where it is written in the Dockerfile (argv), if it is
    file: str | None = None  # context-relative requirements file it came from
    file_line: int | None = None
    # in a requirements file: the comment on its line, or the comment lines right above it (`pytest  # sam2
    # requires this`), where the author says why it is there
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RequirementsFile:
    """A requirements/constraints file named by `-r`/`-c`, resolved into the build context."""

    image_path: str | None  # the path as pip sees it in the image; None if unknown
    context_path: str | None  # context-relative path it maps to, if found
    status: str  # read | missing | outside-context | not-from-context | unresolved | unreadable
    reason: str
    constraint: bool
    requirements: tuple[Requirement, ...] = ()
    includes: tuple[RequirementsFile, ...] = ()
    index_urls: tuple[str, ...] = ()  # `--index-url`/`--extra-index-url`/`--find-links` values written in the file

    def walk(self) -> Iterator[RequirementsFile]:
        yield self
        for include in self.includes:
            yield from include.walk()


@dataclass(frozen=True, slots=True)
class PackageIndex:
    """One package index an install reads (see `dflint.indexes`): `url` None when its value is
    unknown; `kind` is `index` (replaces PyPI), `extra` or `find-links`; `origin` is `option`,
    `environment`, `config` or `file`."""

    url: str | None
    kind: str
    origin: str


@dataclass(frozen=True, slots=True)
class PackageOp:
    """A package-manager operation: install, remove, update, upgrade, clean …"""

    manager: str  # apt | apk | dnf | yum | microdnf | pip | uv | conda | poetry | pipenv | npm | yarn | gem | pipx
    verb: str  # install | remove | update | upgrade | clean | sync | other
    packages: tuple[Requirement, ...]
    flags: frozenset[str]  # option names as written, e.g. {"-y", "--no-install-recommends"}
    command: ShellCommand
    program: str  # how it was invoked: "apt-get", "pip3", "python -m pip", "uv pip"
    verb_word: Word | None
    files: tuple[RequirementsFile, ...] = ()
    virtual: str | None = None  # `apk add --virtual NAME`: the group its packages can be removed by
    indexes: tuple[PackageIndex, ...] = ()  # pip/uv: every index it reads, however it is set (`dflint.indexes`)
    platform: str | None = None  # the stage's target platform (`linux/amd64`); None when unknown

    def has_flag(self, *names: str) -> bool:
        return any(name in self.flags for name in names)

    def named_requirements(self) -> Iterator[Requirement]:
        """What the install names: its command line's packages, then the requirements of every file
        it reads that pins nothing by itself (constraints files and what they include are left out)."""
        yield from self.packages
        for top in self.files:
            if top.constraint:
                continue
            for file in top.walk():
                if not file.constraint:
                    yield from file.requirements


@dataclass(frozen=True, slots=True)
class CopySpec:
    """What a COPY or ADD takes and where it puts it, with variables substituted.

    `sources` are the source words' values (None: depends on something unknown); `destination` is
    absolute (relative destinations are joined to the WORKDIR in force), None when unknown;
    `source_stage` is the index of the earlier stage `--from` names (None: the build context, an
    image, a URL or a heredoc)."""

    sources: tuple[str | None, ...]
    destination: str | None
    source_stage: int | None = None


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction with exact spans."""

    index: int
    keyword: str  # upper-case: RUN, COPY, FROM …
    keyword_text: str  # as written (for casing rules)
    flags: tuple[Flag, ...]
    arguments: str  # everything after the flags, continuations joined, comment lines dropped
    json_args: tuple[str, ...] | None  # exec form, when the arguments are a JSON array
    heredocs: tuple[Heredoc, ...]
    span: Span
    keyword_span: Span
    arguments_span: Span
    text: str  # the original text of the instruction (all its lines, heredoc bodies included)
    stage_index: int | None  # None before the first FROM
    env: Mapping[str, str | None] = field(
        default_factory=lambda: EMPTY_ENV
    )  # ARG/ENV in force here (None: declared, value unknown)
    workdir: str | None = None  # WORKDIR in force; paths under BASE_WORKDIR are relative to the base image's
    commands: tuple[ShellCommand, ...] = ()
    packages: tuple[PackageOp, ...] = ()
    onbuild: Instruction | None = None  # the instruction wrapped by ONBUILD
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    empty_continuation_lines: tuple[int, ...] = ()  # 1-based lines, empty or blank, that Docker drops inside a continuation
    copy: CopySpec | None = None  # COPY and ADD: sources and destination
    # The instruction as Docker reads it, from the keyword to the end of its arguments: continuations
    # joined, dropped lines removed (heredoc bodies are in `heredocs`). `segments` maps it back to the
    # file: (index in `logical`, file offset) where each physical piece starts (`file_offset`).
    logical: str = ""
    segments: tuple[tuple[int, int], ...] = ()
    arguments_start: int = 0  # where `arguments` starts in `logical`
    # The argument words, split once (`dflint.wordsplit`): the strings of an exec-form JSON array, the
    # words of an ARG/ENV/LABEL, all the arguments as one word for USER, WORKDIR, STOPSIGNAL and
    # MAINTAINER, or the whitespace-separated words of any other instruction (FROM: image, `AS`, name;
    # COPY/ADD: sources, then the destination); empty for the shell form of RUN, CMD, ENTRYPOINT,
    # HEALTHCHECK and SHELL (read `commands`).
    words: tuple[ArgWord, ...] = ()
    pairs: tuple[KeyValue, ...] = ()  # ARG, ENV, LABEL: what it sets (empty when Docker rejects the arguments)
    _ops_by_command: dict[int, tuple[PackageOp, ...]] = field(default_factory=dict, compare=False, repr=False)

    def file_offset(self, index: int) -> int:
        """The file offset of `logical[index]`."""
        chosen = self.segments[0] if self.segments else (0, self.span.offset)
        for segment in self.segments:
            if segment[0] > index:
                break
            chosen = segment
        return chosen[1] + (index - chosen[0])

    def ops_of(self, command: ShellCommand) -> tuple[PackageOp, ...]:
        """The package operations of one of this RUN's commands (indexed once: a RUN of a thousand
        commands asks this for each of them)."""
        if not self._ops_by_command and self.packages:
            index: dict[int, list[PackageOp]] = {}
            for op in self.packages:
                index.setdefault(id(op.command), []).append(op)
            self._ops_by_command.update((key, tuple(ops)) for key, ops in index.items())
        return self._ops_by_command.get(id(command), ())

    def expand(self, text: str) -> str | None:
        """`text` with the ARG/ENV values in force here substituted (`$V`, `${V}`, `${V:-x}` …);
        None when it depends on an unknown value."""
        from dflint.variables import expand

        return expand(text, self.env)

    def flag(self, name: str) -> Flag | None:
        for candidate in self.flags:
            if candidate.name == name:
                return candidate
        return None

    def mounts(self) -> Iterator[dict[str, str]]:
        for candidate in self.flags:
            if candidate.name == "mount":
                yield candidate.options()

    @property
    def is_exec_form(self) -> bool:
        return self.json_args is not None

    def __hash__(self) -> int:
        return hash((self.index, self.span))


@dataclass(frozen=True, slots=True)
class Stage:
    """A build stage: one FROM and the instructions up to the next."""

    index: int
    name: str | None  # as written after AS
    base: str  # the image reference as written
    base_resolved: str | None  # variables substituted; None when it depends on an unknown value
    base_stage: int | None  # index of an earlier stage this one is built FROM
    platform: str | None  # the `--platform` flag as written
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    # stages an unresolvable base may name (`FROM install-from-${FLAVOUR}` with FLAVOUR unset):
    # each earlier stage whose name fits the pattern; empty when the base is known
    base_candidates: tuple[int, ...] = ()
    # the platform the stage is built for: `--platform` resolved, else TARGETPLATFORM (default
    # linux/amd64, see `dflint.platform`); None when it depends on an unknown value
    target_platform: str | None = None
    # the ENV in force at the end of the stage, its FROM chain's included: what a container of it
    # starts with (build arguments are not part of it); None/values as `Instruction.env` gives them
    end_env: Mapping[str, str | None] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """Lower-case name, or the index as a string (how `--from` refers to it)."""
        return self.name.lower() if self.name else str(self.index)

    @property
    def label(self) -> str:
        """Brief, for messages: `stage runtime`, `stage 0`."""
        return f"stage {self.name}" if self.name else f"stage {self.index}"

    @property
    def image(self) -> str | None:
        """The resolved base image without tag or digest (`nvidia/cuda`), None for a stage base."""
        if self.base_stage is not None or self.base_resolved is None:
            return None
        return split_image(self.base_resolved)[0]

    def commands(self) -> Iterator[tuple[Instruction, ShellCommand]]:
        for instruction in self.instructions:
            for command in instruction.commands:
                yield instruction, command

    def package_ops(self, manager: str | None = None, verb: str | None = None) -> Iterator[PackageOp]:
        for instruction in self.instructions:
            for op in instruction.packages:
                if (manager is None or op.manager == manager) and (verb is None or op.verb == verb):
                    yield op

    def instructions_of(self, *keywords: str) -> Iterator[Instruction]:
        for instruction in self.instructions:
            if instruction.keyword in keywords:
                yield instruction


@dataclass(frozen=True, slots=True)
class SuppressionCode:
    """One rule named in a suppression pragma, as written and as resolved."""

    token: str  # as written: a code, a rule name, or a hadolint code
    code: str | None  # the dflint rule code it names; None when unknown or without a dflint equivalent
    span: Span
    suggestion: str | None = None  # a close known code or name, when `code` is None


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline pragma: `# dflint: ignore=…` / `ignore-file=…`, or hadolint's `# hadolint ignore=…`.

    The engine reads these before running the rules and fills in `used` once it has applied them."""

    source: str  # "dflint" | "hadolint"
    scope: str  # "line" (the next instruction or command) | "file" | "stage" | "invalid"
    span: Span  # the pragma text, from its `#` to the end of the line
    codes: tuple[SuppressionCode, ...]  # empty: every rule
    lines: tuple[int, int] | None  # first and last line covered; None for "file" and "invalid"
    problem: str | None = None  # why an "invalid" pragma cannot be read
    used: frozenset[str] | None = None  # codes it suppressed at least once; None: not worked out
    whole_line: bool = True  # the pragma is a comment line of its own (not a comment at the end of a RUN line)


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive (`# syntax=`, `# escape=`, `# check=`) at the top of the file."""

    name: str  # lower-case: syntax, escape, check
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class ParseError:
    """A problem that makes the file unbuildable, at a line."""

    line: int
    message: str
    path: str | None = None  # the file it is in when that is not the Dockerfile (its .dockerignore)


@dataclass(frozen=True, slots=True)
class Purpose:
    """What the image is for (see `dflint.purpose`): service, notebook, training, tool, job, sidecar, example, ci,
    devcontainer, toolchain, docs, testdata or unknown; and the platform that runs it, when the file says (`sagemaker`)."""

    kind: str
    evidence: str
    platform: str | None = None  # the platform that runs the image, when evidence in the file names one
    platform_evidence: str = ""
    # the platform runs the container as root and its contract needs it (SageMaker: `data/image_purposes.json`)
    platform_runs_as_root: bool = False

    @property
    def serves(self) -> bool:
        """It runs a service or a notebook server: something others connect to."""
        return self.kind in ("service", "notebook")

    @property
    def ships(self) -> bool:
        """False for a CI or test image, a development container, a documentation builder and a
        documentation sample: images nobody deploys, so the rules that judge a deployed image
        (`RuleMeta.skip_images_nobody_deploys`) do not run on them."""
        return self.kind not in ("ci", "devcontainer", "docs", "example", "testdata")

    @property
    def test_data(self) -> bool:
        """A Dockerfile kept as a test's input (a linter's or parser's test files), often wrong on
        purpose: nobody builds it, so the engine runs no rule on it unless selected by code or name."""
        return self.kind == "testdata"

    @property
    def for_development(self) -> bool:
        """A development container, a CI or test image, a toolchain or a documentation builder: build
        tools are its point."""
        return self.kind in ("devcontainer", "ci", "toolchain", "docs", "testdata")

    @property
    def keeps_build_tools(self) -> bool:
        """Development, CI and toolchain images, and a training image: its jobs build CUDA extensions
        (flash-attn, apex, Transformer Engine with `--no-build-isolation`) and compile kernels as they
        run (DeepSpeed's ops, Triton, `torch.compile`), so compilers, headers and a CUDA devel base
        are part of what it runs with."""
        return self.for_development or self.kind == "training"

    @property
    def builds_as_it_works(self) -> bool:
        """Its users or jobs compile and install as they work: development, CI, toolchain and
        training images, and a notebook or workbench (`pip install` of a package with C extensions
        from a notebook)."""
        return self.keeps_build_tools or self.kind == "notebook"


@dataclass(frozen=True, slots=True)
class Generated:
    """The comment that says a Dockerfile is generated (see `dflint.generated`): its line and text."""

    line: int
    comment: str  # the comment's text, without the `#`

    @property
    def evidence(self) -> str:
        text = self.comment if len(self.comment) <= 100 else self.comment[:99] + "…"
        return f"line {self.line}: {text}"


@dataclass(frozen=True, slots=True)
class Superseded:
    """An earlier release's Dockerfile kept beside a later release's (see `dflint.release_copies`)."""

    release: str  # the name of the directory of this file's release: `2.0.0`
    later_release: str  # the name of the latest later release's directory: `3.0.1`
    later_path: str  # that release's Dockerfile, named as this file was (else absolute)

    @property
    def evidence(self) -> str:
        return f"release {self.release}, superseded by {self.later_release}: {self.later_path}"


@dataclass(frozen=True, slots=True)
class ContextChoice:
    """The build context a Dockerfile is linted with, and why (see `dflint.context_discovery`)."""

    directory: str  # absolute, symlinks resolved
    source: str  # option | compose | build-command | copy-sources | dockerfile-directory | stdin
    reason: str
    # True when nothing says where the image is built from: no compose file or build command names it,
    # and no directory up to the repository root holds the COPY/ADD sources, or the Dockerfile copies the
    # whole context from a folder holding nothing but Dockerfiles (the Dockerfile's folder is only a
    # fallback, so a file missing from it says nothing about the Dockerfile)
    unknown: bool = False
    # the one platform the repository builds it for, when not the default (`--platform linux/arm64` in
    # every build command that builds it: `context_discovery.build_platform`), and where that is said
    platform: str | None = None
    platform_reason: str = ""


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """The model of one Dockerfile: its stages, instructions, directives and what is known around it."""

    path: str
    text: str
    directives: tuple[Directive, ...]
    global_args: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    instructions: tuple[Instruction, ...]
    comments: tuple[tuple[int, str], ...]  # (line, text) of every comment line, directives included
    errors: tuple[ParseError, ...] = ()
    target: str | None = None
    context_dir: str | None = None
    dockerignore: tuple[str, ...] | None = None  # patterns, or None when there is no .dockerignore
    # True when a .dockerignore exists but was not read (not a regular file, not UTF-8, outside the
    # context): what it excludes is unknown, and the error is in `errors`
    dockerignore_unread: bool = False
    # the ignore file read (`<Dockerfile>.dockerignore` or the context's `.dockerignore`), relative to the
    # context; None when there is none
    dockerignore_file: str | None = None
    suppressions: tuple[Suppression, ...] = ()  # inline pragmas, filled in by the engine before rules run
    context: ContextChoice | None = None  # the build context chosen and why, filled in by the engine
    purpose: Purpose | None = None  # what the shipped image is for, decided when the model is built
    # the header comment that says the file is generated from a template ("DO NOT EDIT"), decided
    # when the model is built; None: written by hand
    generated: Generated | None = None
    # the later release this file's release directory is superseded by (`2.0.0/Dockerfile` beside
    # `3.0.1/Dockerfile`), decided when the model is built; None: not an earlier release's copy
    superseded_by: Superseded | None = None
    # answers derived from the fields above, worked out on first use (`shipping()`, `shipped_stages()`)
    memo: dict[tuple[str, str | None], object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def escape(self) -> str:
        """The escape character (`# escape=` directive): `\\` or a backtick."""
        value = self.directive("escape")
        return value if value in ("\\", "`") else "\\"

    def span(self, start: int, end: int) -> Span:
        """The span of `text[start:end]` (file offsets), through the file's one line index."""
        from dflint.positions import line_index

        return line_index(self.text).span(start, end)

    def logical_span(self, instruction: Instruction, start: int, end: int) -> Span:
        """The file span of `instruction.logical[start:end]` (at least one character), across continuations."""
        return self.span(instruction.file_offset(start), instruction.file_offset(max(start, end - 1)) + 1)

    def comments_about(self, instruction: Instruction) -> tuple[str, ...]:
        """The comment lines that speak of an instruction: the block right above it (no empty line
        between) and the comment lines inside its continuation lines."""
        by_line = dict(self.comments)
        found: list[str] = []
        line = instruction.span.line - 1
        while line in by_line:
            found.append(by_line[line])
            line -= 1
        found.reverse()
        found.extend(by_line[line] for line in range(instruction.span.line, instruction.span.end_line + 1) if line in by_line)
        return tuple(found)

    def directive(self, name: str) -> str | None:
        for directive in self.directives:
            if directive.name == name:
                return directive.value
        return None

    def stage_by_key(self, key: str) -> Stage | None:
        key = key.lower()
        for stage in self.stages:
            if stage.key == key or (stage.name and stage.name.lower() == key):
                return stage
        return None

    def final_stage(self, target: str | None = None) -> Stage | None:
        target = target if target is not None else self.target
        if target:
            found = self.stage_by_key(target)
            if found is not None:
                return found
        return self.stages[-1] if self.stages else None

    def shipped_stages(self, target: str | None = None) -> tuple[Stage, ...]:
        """The stages whose installs ship (see `dflint.shipping.shipped_stages`)."""
        from dflint.shipping import shipped_stages

        key = ("shipped_stages", target)
        if key not in self.memo:
            self.memo[key] = shipped_stages(self, target)
        return cast("tuple[Stage, ...]", self.memo[key])

    def shipping(self, target: str | None = None) -> Shipping:
        """What ships, worked out once per model (see `dflint.shipping`)."""
        from dflint.shipping import shipping

        key = ("shipping", target)
        if key not in self.memo:
            self.memo[key] = shipping(self, target)
        return cast("Shipping", self.memo[key])

    def vocabulary(self) -> frozenset[str]:
        """Every instruction keyword (those ONBUILD wraps included), command name, command wrapper
        (`sudo`, `env`, `sh`) and package manager the file uses: what `RuleMeta.needs` is matched against."""
        key = ("vocabulary", None)
        if key not in self.memo:
            words: set[str] = set()
            for outer in self.instructions:
                instruction: Instruction | None = outer
                while instruction is not None:
                    words.add(instruction.keyword)
                    for command in instruction.commands:
                        words.update(command.wrappers)
                        if command.name is not None:
                            words.add(command.name)
                    words.update(op.manager for op in instruction.packages)
                    instruction = instruction.onbuild
            self.memo[key] = frozenset(words)
        return cast("frozenset[str]", self.memo[key])

    def user_at(self, stage: Stage, instruction: Instruction) -> str | None:
        """The USER in force when `instruction` of `stage` runs, as written (`huggingface`, `1000:1000`,
        `$USERNAME`), from the stages it is built FROM too; None when no USER comes before it (the base
        image's own user)."""
        found: str | None = None
        for ancestor in reversed(self.ancestry(stage)):
            for each in ancestor.instructions:
                if ancestor.index == stage.index and each.index >= instruction.index:
                    return found
                if each.keyword == "USER" and each.arguments.strip():
                    found = each.arguments.strip()
        return found

    def in_trigger(self, instruction: Instruction) -> bool:
        """The instruction is the body of an `ONBUILD` (as `dflint.onbuild`'s view shows it): it runs in
        an image built FROM this one, whose later instructions this file does not hold."""
        start = self.text.rfind("\n", 0, instruction.span.offset) + 1
        return self.text[start : instruction.span.offset].strip().upper() == "ONBUILD"

    def is_shipped(self, stage: Stage, target: str | None = None) -> bool:
        return any(s.index == stage.index for s in self.shipped_stages(target))

    def is_final(self, stage: Stage, target: str | None = None) -> bool:
        final = self.final_stage(target)
        return final is not None and final.index == stage.index

    def stage_of(self, instruction: Instruction) -> Stage | None:
        if instruction.stage_index is None:
            return None
        return self.stages[instruction.stage_index]

    def stage_at(self, line: int) -> Stage | None:
        """The stage a 1-based line belongs to: the last one whose FROM starts at or before it."""
        found = None
        for stage in self.stages:
            if stage.from_instruction.span.line > line:
                break
            found = stage
        return found

    def ancestry(self, stage: Stage) -> tuple[Stage, ...]:
        """The stage and the stages it is built FROM, nearest first."""
        chain = [stage]
        seen = {stage.index}
        while chain[-1].base_stage is not None and chain[-1].base_stage not in seen:
            parent = self.stages[chain[-1].base_stage]
            seen.add(parent.index)
            chain.append(parent)
        return tuple(chain)

    def root_image(self, stage: Stage) -> str | None:
        """The external image at the root of a stage's FROM chain, resolved, or None if unknown.
        Remembered for every stage on the way, so asking it of each stage of a long chain stays linear."""
        roots = cast("dict[int, Stage]", self.memo.setdefault(("root stages", None), {}))
        walked: list[Stage] = []
        current, seen = stage, set()
        while current.index not in roots and current.base_stage is not None and current.base_stage not in seen:
            seen.add(current.index)
            walked.append(current)
            current = self.stages[current.base_stage]
        root = roots.get(current.index, current)
        for visited in (*walked, current):
            roots[visited.index] = root
        return root.base_resolved


def split_image(reference: str) -> tuple[str, str | None, str | None]:
    """`registry:5000/ns/name:tag@sha256:…` → (`registry:5000/ns/name`, `tag`, `sha256:…`)."""
    digest = None
    if "@" in reference:
        reference, digest = reference.split("@", 1)
    tag = None
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    if colon > slash:
        reference, tag = reference[:colon], reference[colon + 1 :]
    return reference, tag, digest


def normalise_image(name: str) -> str:
    """`docker.io/library/python` and `library/python` → `python`."""
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name.startswith("library/"):
        name = name[len("library/") :]
    return name
