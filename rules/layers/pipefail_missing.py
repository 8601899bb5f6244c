"""## What it does
Flags a RUN with a pipeline (`curl … | tar -x`) whose shell does not have `pipefail` set: no
`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or another shell with `-o pipefail`) in force, no
`set -o pipefail` (alone or bundled, as in `set -euxo pipefail`) earlier in the script, and no
`bash -o pipefail -c` around it. Pipelines whose only producers cannot fail (`echo`, `printf`,
`yes`, `true`) are not flagged. One finding per RUN, on its first such pipeline.

Nothing is hidden, so nothing is flagged, when the pipeline's last command fails by itself on the
empty (or cut-short) input a failed producer leaves it, or when the pipeline's status is ignored on
purpose. The last commands that fail that way, as checked with GNU grep 3.8, coreutils and GnuPG:
- `grep PATTERN` reading the pipe (no file operand, not `-r`, not `-L`): it exits 1 when no line is
  selected, also with `-v`, `-c` and `-q` (`pip freeze | grep torch`, `ldconfig -p | grep -q libnpp`);
- `sha256sum -c` (any `*sum -c` / `--check`) reading the pipe (no file or `-`): "no properly
  formatted checksum lines found", exit 1 (`grep " node.tar.xz$" SHASUMS256.txt | sha256sum -c -`);
- `gpg --dearmor` reading the pipe and `apt-key add -`: "no valid OpenPGP data found", exit 2, on
  an empty or cut-short armored key (`curl -fsSL …/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg`).

A producer that fails after writing what the last command accepts (a download cut off after the
line `grep` looks for) would still pass; that is rare, and the message would then be about the
download, not the pipeline. Every other last command stays flagged: `sh`/`bash` run an empty script
and succeed, as `tee`, `sed`, `awk`, `jq` and GNU `patch` do on empty input; `tar -x` is
not relied on either (GNU tar 1.34 stops on an empty or cut-off archive, exit 2, but which tar the
image runs is not known, and with `pipefail` the download's own failure stops the build).

A pipeline whose status is ignored on purpose is not flagged either: followed by `|| true`, `|| :`,
`|| echo …`, `|| printf …` or `|| exit 0` (`ls /opt/*.whl | head -1 || echo "(none)"`), or ending
in `| true` or `| :` (`rm -rf /root/.cache | true`, a discarded status), the author has said a
failure does not matter.

Left alone on a generated Dockerfile: its shell idioms are the template's. docker-library's
`find … | xargs -r apt-mark manual` under `set -eux` is one (a failed `find` there only leaves fewer
packages marked manual), and a `SHELL` with `pipefail`, or a rewritten pipeline, belongs in the
template, for every image made from it.

Opt-in (`--extend-select DF313`): on hand-checked random samples of default findings from real
repositories, 2 of 10 DF313 findings were worth telling the file's author. The producer's failure
usually shows at the very next step (`curl … get-pip.py | python` then `pip install`), the pipe is a
house idiom (`find … | xargs -r apt-mark manual` followed by a smoke test), or the repository turned
hadolint's DL4006 off. Select it where a silent failure in a pipe must stop the build.

## Why is this bad?
A shell reports a pipeline's status as the status of its *last* command. In
`RUN curl -fsSL https://example.com/model.tar.gz | tar -xz`, a failed download still lets `tar` exit
0 on its empty input, so the build succeeds and ships an image without the model. With `pipefail`
the pipeline fails when any command in it fails.

Docker runs shell-form RUN with `/bin/sh -c`; on Debian and Ubuntu that is `dash`, which has no
`pipefail` option in the releases these images use, so the fix is a `SHELL` instruction that
switches to bash with the option set, or `bash -o pipefail -c '…'` for one RUN.

Images based on Alpine or BusyBox are not checked by default: they have no bash, so the fix hadolint's
DL4006 usually suggests (`SHELL ["/bin/bash", …]`) would break the build. BusyBox `ash` does support
the option, though; turn on `check-bashless-bases` to be told to use
`SHELL ["/bin/ash", "-eo", "pipefail", "-c"]` there too.

This is hadolint's DL4006.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/model.tar.gz | tar -xz -C /models
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/model.tar.gz | tar -xz -C /models
```

## Options
- `check-bashless-bases` (default `false`): also check stages whose base image is Alpine or BusyBox.

## References
- [Docker: Dockerfile best practices, using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
- [Bash manual: pipelines and `pipefail`](https://www.gnu.org/software/bash/manual/html_node/Pipelines.html)
- [hadolint DL4006](https://github.com/hadolint/hadolint/wiki/DL4006)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from dflint.commands import SHELLS, all_runs, covering, operands, pipelines, short_options
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage, normalise_image, split_image
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF313",
    name="pipefail-missing",
    severity=Severity.WARNING,
    summary="A RUN pipeline without `pipefail` hides failures of every command but the last",
    judges_form=True,
    default_enabled=False,
)

_CANNOT_FAIL = frozenset({"echo", "printf", "yes", "true", ":"})
_IGNORES_STATUS = frozenset({"true", ":", "echo", "printf"})
_GREPS = frozenset({"grep", "egrep", "fgrep"})
# grep's options that take a value (GNU grep 3.8), and those that make it read something else than the pipe
_GREP_VALUE_OPTIONS = frozenset(
    {
        *(f"-{letter}" for letter in "efmABCdD"),
        "--regexp",
        "--file",
        "--max-count",
        "--after-context",
        "--before-context",
        "--context",
        "--directories",
        "--devices",
        "--include",
        "--exclude",
        "--exclude-dir",
        "--exclude-from",
        "--label",
    }
)
_GREP_PATTERN_OPTIONS = frozenset({"-e", "-f", "--regexp", "--file"})
_GREP_NOT_THE_PIPE = frozenset({"-r", "-R", "-L", "--recursive", "--dereference-recursive", "--files-without-match"})
_CHECKSUMS = frozenset({"md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum"})
_GPG = frozenset({"gpg", "gpg2"})
_GPG_VALUE_OPTIONS = frozenset({"-o", "--output", "--keyring", "--homedir"})
_NON_POSIX = ("pwsh", "powershell", "cmd")


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether bases that may lack bash are checked."""

    check_bashless_bases: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    for stage, instruction in all_runs(dockerfile):
        shell = _shell_of(instruction)
        if shell is None or _has_pipefail(shell):
            continue
        bashless = _bashless(dockerfile, stage)
        if bashless and not options.check_bashless_bases:
            continue
        for pipeline in pipelines(instruction.commands):
            if all(command.name in _CANNOT_FAIL for command in pipeline[:-1]):
                continue
            if pipeline[-1].name in ("true", ":") or _fails_without_input(pipeline[-1]):
                continue  # the status is thrown away on purpose, or the last command fails on empty input
            if _status_ignored(instruction.commands, pipeline[-1]):
                continue
            if _enabled_before(instruction.commands, pipeline[0]):
                continue
            yield _finding(stage, pipeline, bashless, shell)
            break


def _shell_of(instruction: Instruction) -> tuple[str, ...] | None:
    """The shell that runs the script (None when it is not a POSIX shell, or for exec form)."""
    if instruction.is_exec_form:
        return ()  # `RUN ["bash", "-c", "…"]`: the shell is the first command, seen as a wrapper
    shell = instruction.shell
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if shell else ""
    if any(program.startswith(name) for name in _NON_POSIX):
        return None
    return shell


def _has_pipefail(words: Iterable[str | None]) -> bool:
    """`-o pipefail` among a shell's or `set`'s arguments (`-eo pipefail`, `-euxo pipefail` too)."""
    previous = ""
    for word in words:
        if word is None:
            previous = ""
            continue
        if word == "pipefail" and previous.startswith("-") and "o" in previous:
            return True
        if word in ("-opipefail", "--pipefail"):
            return True
        previous = word
    return False


def _fails_without_input(command: ShellCommand) -> bool:
    """The command reads the pipe and exits non-zero when it is empty or cut short (see the docstring)."""
    name = command.name
    if name in _GREPS:
        return _grep_reads_pipe(command)
    if name in _CHECKSUMS:
        checks = any(option in ("-c", "--check") for option, _, _ in short_options(command.argv))
        return checks and all(word.value == "-" for word in operands(command.argv))
    if name == "apt-key":
        words = [arg for arg in command.args if arg is not None]
        return "add" in words and words[-1] == "-" and words.index("add") < len(words) - 1
    if name in _GPG:
        if not any(arg in ("--dearmor", "--dearmour") for arg in command.args):
            return False
        return not operands(command.argv, _GPG_VALUE_OPTIONS)
    return False


def _grep_reads_pipe(command: ShellCommand) -> bool:
    """grep selects from its standard input: no file operand (or `-`), not recursive, not `-L`."""
    options = [option for option, _, _ in short_options(command.argv, _GREP_VALUE_OPTIONS)]
    if any(option in _GREP_NOT_THE_PIPE for option in options):
        return False
    files = operands(command.argv, _GREP_VALUE_OPTIONS)
    if not any(option in _GREP_PATTERN_OPTIONS for option in options):
        files = files[1:]  # the first operand is the pattern
    return all(word.value == "-" for word in files)


def _status_ignored(commands: tuple[ShellCommand, ...], last: ShellCommand) -> bool:
    """The pipeline is followed by `|| true` (`:`, `echo`, `printf`, `exit 0`): its failure is ignored on purpose."""
    for index, command in enumerate(commands):
        if command is last:
            following = commands[index + 1] if index + 1 < len(commands) else None
            if following is None or following.operator != "||":
                return False
            after = commands[index + 2] if index + 2 < len(commands) else None
            if after is not None and after.operator == "&&" and after.name in ("exit", "false", "return"):
                return False  # `|| echo failed && exit 1`: the failure is handled, not ignored
            return following.name in _IGNORES_STATUS or (following.name == "exit" and following.args == ("0",))
    return False


def _enabled_before(commands: tuple[ShellCommand, ...], first: ShellCommand) -> bool:
    for command in commands:
        if command is first:
            return False
        if (command.name == "set" or command.name in SHELLS) and _has_pipefail(command.args):
            return True
    return False


def _bashless(dockerfile: Dockerfile, stage: Stage) -> bool:
    root = dockerfile.root_image(stage)
    if root is None:
        return False
    name, tag, _ = split_image(root)
    name = normalise_image(name.lower())
    base = name.rsplit("/", 1)[-1]
    return base in ("alpine", "busybox") or "alpine" in (tag or "").lower()


def _finding(stage: Stage, pipeline: tuple[ShellCommand, ...], bashless: bool, shell: tuple[str, ...]) -> Finding:
    names = [command.name or "…" for command in pipeline]
    shown = " | ".join(names)
    producers = ", ".join(f"`{name}`" for name in dict.fromkeys(names[:-1]))
    wrapped = [name for name in pipeline[0].wrappers if name in SHELLS]
    if wrapped:
        runner = "bash" if wrapped[-1] in ("sh", "dash") else wrapped[-1]
        advice = f"run the script with `{runner} -o pipefail -c` or start it with `set -o pipefail`"
    elif bashless:
        advice = 'add `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]` before this RUN'
    elif shell and shell[0].rsplit("/", 1)[-1] in ("bash", "zsh", "ksh", "ash"):
        advice = f"add `-o pipefail` to the SHELL instruction ({shell[0]}) or `set -o pipefail` at the start of the script"
    else:
        advice = 'add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before this RUN'
    return Finding(
        META,
        covering(pipeline[0].span, pipeline[-1].span),
        f"`{clip(shown)}` in {stage.label} hides a failure of {clip(producers)}; set `pipefail`",
        stage=stage.name,
        detail=f"`{shown}` in {stage.label} runs without `pipefail`: the RUN succeeds even when {producers} fails; {advice}",
    )
