"""## What it does
Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD python serve.py`) in a stage that has not
changed its shell with `SHELL`.

This is BuildKit's `JSONArgsRecommended` check and hadolint's DL3025. Like BuildKit, dflint accepts
shell form once `SHELL` has set a shell on purpose; hadolint flags it anyway, and also flags
`HEALTHCHECK CMD` in shell form, which dflint does not: a health check is not the container's main
process, so signal handling does not apply to it. Arguments that try to be a JSON array but are not
valid JSON (`CMD ['python', 'serve.py']`) are reported by DF609 instead.

On an Alpine or busybox base (`alpine:3.21`, `python:3.12-alpine`), `/bin/sh` is busybox's ash,
which replaces itself with the last command of `sh -c` (after `&&` and `;` lists, redirections,
variables and `$(…)`; not in a pipeline, a background job, a subshell, a compound command, under a
`trap`, or when the program is followed by an `||` fallback): that command is the main process and gets the signal, so such a
shell-form `CMD` is left alone there, and a shell-form `ENTRYPOINT`
is reported only for what it still does wrong, dropping CMD and the `docker run` arguments. Debian's
and Ubuntu's `/bin/sh` (dash) does not: it stays and waits (measured, with the sources, in
`dflint/data/base_images.json` `bin_sh`; `dflint/binsh.py`). BuildKit and hadolint report both.

A `CMD` whose `&&`/`;` list ends with `exec` (`CMD . /venv/bin/activate && exec uvicorn app:app`) is
left alone on any base: the server replaces the shell and gets the signals itself (a shell-form
`ENTRYPOINT` of that kind is still reported for dropping CMD and the run arguments). A list that does
not end with `exec`, which the exec form cannot hold, gets that advice: `exec` its last command (an
init such as `tini` in the ENTRYPOINT hands the signal to the shell only, so the advice holds there
too). When that last command is a shell script (`CMD umask 0002 && ./start_linux.sh --listen`,
text-generation-webui's images), `exec` hands the signal to the script, which must in turn `exec` its
server: the advice says so where the build context's copy of the script does not end with `exec`, or
where the script is not in the context to read (cloned at build time), and names the other way, an
init that signals the whole process group (`tini -g`); two reviewers found `exec` alone would change
nothing there, the script starting `python one_click.py` as a child. A `CMD` that is a shell alone (`CMD /bin/bash`) starts an interactive shell and is left alone.
A command that is itself a shell given a list of commands (`CMD /bin/bash -c "source activate py3 &&
jupyter notebook … && source deactivate"`, LightGBM's GPU image, under `tini --`) keeps that shell in
front of the server in either form: the advice is to end its script with `exec` and the server (a
reviewer found "use the exec form" would change nothing there). A command that starts processes in the
background (`redis-server & celery worker & uvicorn app && fg`, Roboflow Inference's parallel images)
cannot be written in exec form either: the advice is a start script that `exec`s the main process,
under an init that signals the whole group (`tini -g`), and no fix is offered (reviewers found the
exec-form advice impossible there). So is a Python entrypoint copied from the build context that starts
its servers that way itself (`os.system("redis-server & celery worker & gunicorn app && fg")`, Roboflow
Inference's GPU parallel image: `dflint/project_files.py`, `background_launcher`): in exec form the
script is PID 1, which has no SIGTERM handler (three reviewers).

A shell-form `CMD` under an init that sends the stop signal to the whole process group is left alone
too: `tini -g` or `dumb-init` (which does so by default, unless `--single-child`) as the ENTRYPOINT in
force, the file's own or, when the file sets none, the base image's (the Jupyter Docker Stacks' images
run `tini -g -- start.sh`: `dflint/data/base_images.json` `group_signalling_entrypoints`, with
sources). The server gets SIGTERM beside the shell.

An image that every compose service of the repository building it runs with a terminal attached
(`tty: true` and `stdin_open: true`, as `docker run -it`: text-generation-webui's images, a web UI its
user starts and stops from that terminal) is left alone: Ctrl-C there sends SIGINT to the terminal's
whole foreground process group, the server included, and all that a shell in front costs is a slower
`docker stop` (`dflint/deployment.py`, `runs_attached`; reviewers judged all ten findings drawn on those
images not worth telling).

## Why is this bad?
Shell form runs the command as `/bin/sh -c "…"`. The shell, not your server, is the container's main
process, and a shell does not pass on `SIGTERM`: on `docker stop` or a Kubernetes rollout the
inference server never hears that it should stop, finishes no in-flight requests, and is killed
after the grace period. A shell-form `ENTRYPOINT` also ignores `CMD` and every argument given to
`docker run`.

## Example
```dockerfile
FROM python:3.12-slim
CMD python -m uvicorn app:api --host 0.0.0.0 --port 8000
```

## Use instead
```dockerfile
FROM python:3.12-slim
CMD ["python", "-m", "uvicorn", "app:api", "--host", "0.0.0.0", "--port", "8000"]
```

When you need the shell (variables, `&&`), let it hand over to the server with `exec`:

```dockerfile
FROM python:3.12-slim
CMD ["/bin/sh", "-c", "exec python -m uvicorn app:api --port ${PORT:-8000}"]
```

## Fix safety
The fix is offered when the command is plain words with no shell syntax (no `$`, quotes, `&&`, `|`,
`;`, redirections, globs, `~` or shell builtins), so the shell had nothing to do and the JSON form
runs the same program with the same arguments. It is safe for `CMD`. It is unsafe for
`ENTRYPOINT`: in exec form the entrypoint starts receiving `CMD` and `docker run` arguments, which
the shell form silently dropped.

## References
- [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
- [BuildKit check JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
- [hadolint DL3025](https://github.com/hadolint/hadolint/wiki/DL3025)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import lru_cache

from dflint.binsh import execs_last_command
from dflint.commands import SHELLS
from dflint.data import load
from dflint.deployment import runs_attached
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage, split_image
from dflint.purpose import last_along
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip

from ._exec_form import attempted_json

META = RuleMeta(
    code="DF601",
    name="json-args-recommended",
    severity=Severity.WARNING,
    summary="`CMD`/`ENTRYPOINT` in shell form: the shell, not the server, gets the stop signal",
    fixable=True,
    skip_images_nobody_deploys=True,
)

_PLAIN = re.compile(r"[A-Za-z0-9_./:,@%+=-]+")
_BUILTINS = frozenset(
    "! . : [ [[ alias bg break builtin case cd command continue declare do done elif else esac eval exec exit export false"  # noqa: SIM905
    " fc fg for function getopts hash if jobs kill let local read readonly return select set shift source test then"
    " time trap true type typeset ulimit umask unalias unset until wait while".split()
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if runs_attached(dockerfile) is not None:
        return  # every compose service runs it with a terminal attached: Ctrl-C reaches the whole group
    inherited = _shell_changed_before(dockerfile)
    for stage in dockerfile.stages:
        if inherited[stage.index]:
            continue
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL":
                break  # from here on the author chose the shell deliberately
            if instruction.keyword not in ("CMD", "ENTRYPOINT") or instruction.is_exec_form:
                continue
            if not instruction.arguments.strip() or attempted_json(instruction) is not None:
                continue  # an attempt at JSON that is not valid JSON is DF609's
            words = instruction.arguments.split()
            if len(words) == 1 and posixpath.basename(words[0]) in SHELLS:
                continue  # `CMD /bin/bash`: an interactive shell, nothing to shut down gracefully
            last = _last_listed(instruction.arguments)
            execs = last is not None and "exec" in last.wrappers
            if execs and instruction.keyword == "CMD":
                continue  # `… && exec server`: the server replaces the shell and gets the signals itself
            handed_over = execs or (_hands_over(instruction.arguments) and execs_last_command(dockerfile, stage))
            if handed_over and instruction.keyword == "CMD":
                continue  # busybox's sh execs the command: it is the main process and gets SIGTERM
            if instruction.keyword == "CMD" and _signals_group(dockerfile, stage) is not None:
                continue  # `tini -g` or dumb-init in front signals the whole process group: the server hears it
            fix = _fix(dockerfile, instruction)
            exec_form = fix.edits[0].replacement if fix is not None else '["…", "…"]'
            shown = clip(instruction.keyword + " " + exec_form, 50)
            if handed_over:  # an ENTRYPOINT that hands over to its program: the signal arrives, CMD does not
                why = (
                    "its last command is run with `exec`, so the signals do arrive"
                    if execs
                    else "busybox's sh does hand the signals over: it execs the command"
                )
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"shell-form ENTRYPOINT in {stage.label} drops CMD and run arguments; use the exec form",
                    fix=fix,
                    stage=stage.name,
                    detail=f"shell-form ENTRYPOINT in {stage.label} runs under `/bin/sh -c`, which drops CMD and every argument"
                    f" given to `docker run` ({why}); use the exec"
                    f" form `ENTRYPOINT {exec_form}`",
                )
                continue
            jobs = sum(1 for command in _commands(instruction.arguments.strip()) if command.operator == "&")
            launcher = _background_launcher(dockerfile, stage, instruction) if not jobs else None
            if launcher is not None:
                # `python3 entrypoint.py`, which runs `os.system("redis-server & celery worker & gunicorn …")`
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"`{clip(launcher, 30)}` starts its servers in the background; run them from a script under `tini -g`",
                    stage=stage.name,
                    detail=f"shell-form {instruction.keyword} in {stage.label} runs `{launcher}`, which starts processes in"
                    ' the background through a shell (`os.system("… & … && fg")`): neither the shell in front of it nor'
                    " the script, in exec form the container's PID 1 with no SIGTERM handler, passes the stop signal on,"
                    " so none of the servers can shut down gracefully. Start them from a script that ends with `exec` of"
                    ' the main one, under an init that signals the whole process group (`ENTRYPOINT ["tini", "-g", "--",'
                    ' "/start.sh"]`), or use a process supervisor',
                )
                continue
            if jobs:
                # `redis-server & celery worker & uvicorn app && fg`: several processes, which no exec form holds
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"shell-form {instruction.keyword} in {stage.label} runs {jobs} background job{'s' if jobs > 1 else ''};"
                    " start them from a script under `tini -g`",
                    stage=stage.name,
                    detail=f"shell-form {instruction.keyword} in {stage.label} starts {jobs} process{'es' if jobs > 1 else ''}"
                    " in the background under `/bin/sh -c`, which gets SIGTERM alone and does not pass it on, so none of"
                    " them can shut down gracefully; the exec form cannot hold several processes. Move the commands into"
                    " a start script that ends with `exec` of the main one, and run it under an init that signals the"
                    ' whole process group (`ENTRYPOINT ["tini", "-g", "--", "/start.sh"]`), or use a process supervisor',
                )
                continue
            script = _shell_script(instruction.arguments)
            inner = _last_listed(script) if script is not None else None
            if inner is not None and "exec" not in inner.wrappers:
                # `bash -c "source activate py3 && jupyter … && source deactivate"`: in either form the shell it
                # names stays in front of the server, so the exec form alone changes nothing
                shell = posixpath.basename(instruction.arguments.split()[0])
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"`{shell} -c` script of the {instruction.keyword} in {stage.label} does not pass SIGTERM on; end it with"
                    " `exec <server>`",
                    stage=stage.name,
                    detail=f"shell-form {instruction.keyword} in {stage.label} runs `{shell} -c` with a list of commands"
                    f" whose last is `{clip(inner.name or '…', 30)}`: `{shell}` stays in front of the server and does not"
                    " pass SIGTERM on (the exec form alone would keep it there, and an init such as tini hands the signal"
                    " to the shell only), so the server cannot shut down gracefully; make the server the script's last"
                    " command, started with `exec`, and write the CMD in exec form",
                )
                continue
            if fix is None and last is not None and not execs:
                # a list the exec form cannot hold (`. venv/bin/activate && uvicorn …`): `exec` its last command
                program = last.name or "…"
                launcher = _script_without_exec(dockerfile, stage, instruction, program)
                inside = (
                    f"; `{clip(posixpath.basename(program), 30)}` must in turn `exec` the server, not start it as a child"
                    f" ({launcher}), or run it under an init that signals the whole process group (`tini -g`)"
                    if launcher is not None
                    else ""
                )
                yield Finding(
                    META,
                    instruction.arguments_span,
                    f"shell-form {instruction.keyword} in {stage.label} does not pass SIGTERM on; `exec` its last command"
                    f" (`… && exec {clip(program, 30)} …`)" + (", and the server in it" if launcher is not None else ""),
                    stage=stage.name,
                    detail=f"shell-form {instruction.keyword} in {stage.label} runs under `/bin/sh -c`, which stays in front of"
                    f" `{clip(program, 30)}` and does not pass SIGTERM on (an init such as tini hands the signal to the shell"
                    f" only), so the server cannot shut down gracefully; start the last command with `exec` so that it"
                    f" replaces the shell, or move the steps before it into an entrypoint script that ends with"
                    f' `exec "$@"`{inside}',
                )
                continue
            yield Finding(
                META,
                instruction.arguments_span,
                f"shell-form {instruction.keyword} in {stage.label} does not pass SIGTERM on; use the exec form `{shown}`",
                fix=fix,
                stage=stage.name,
                detail=f"shell-form {instruction.keyword} in {stage.label} runs under `/bin/sh -c`: the shell is the main"
                f" process and does not pass SIGTERM on, so the server cannot shut down gracefully; use the exec form"
                f" `{instruction.keyword} {exec_form}`",
            )


# What keeps busybox's sh in front of the program: a pipeline, an `||` fallback (the program is the
# command before it), a command in the background, a subshell or group, a compound command, a trap.
_SHELL_STAYS = re.compile(r"\||(?<![&>])&(?![&>])|(?<!\$)\(|(?:^|[;&|]\s*)(?:if|for|while|until|case|\{)\s|\btrap\b|\n")


def _shell_script(arguments: str) -> str | None:
    """The script of a command that is a shell given one (`/bin/bash -c "source activate py3 && jupyter …"`
    → `source activate py3 && jupyter …`), as the core's shell parser reads it; None otherwise."""
    outer = [c for c in _commands(arguments.strip()) if not set(c.wrappers) & SHELLS]
    if len(outer) != 1 or outer[0].name not in SHELLS or len(outer[0].args) < 2:
        return None
    option, script = outer[0].args[0], outer[0].args[1]
    if option is None or not re.fullmatch(r"-[a-z]*c", option):
        return None
    return script


def _script_without_exec(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, program: str) -> str | None:
    """Why the shell script a CMD's list ends with may keep the signal from the server too: the build
    context's copy of it (`dflint.start_script.script_run_by`) does not end with `exec`, or it is not
    there to read (cloned or written at build time). None when the program is no `.sh` script, or the
    script execs its last command."""
    if not program.endswith(".sh"):
        return None
    from dflint.start_script import script_run_by  # only for a list that ends with a script

    script = script_run_by(dockerfile, stage, instruction, program)
    if script is None:
        return "it is not in the build context, so whether it does is unknown"
    last = script.commands[-1] if script.commands else None
    if last is not None and "exec" in last.wrappers:
        return None
    return f"its last command is `{clip(last.name or '…', 30)}`, without `exec`" if last is not None else "it runs no command"


@lru_cache(maxsize=64)
def _background_launcher(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str | None:
    """The Python script the command runs (`python3 entrypoint.py`), when the build context's copy of it
    starts processes in the background through a shell (`project_files.background_launcher`)."""
    commands = _commands(instruction.arguments.strip())
    if len(commands) != 1 or not (commands[0].name or "").startswith("python"):
        return None
    script = next((value for value in commands[0].args if value and value.endswith(".py")), None)
    if script is None:
        return None
    from dflint.filesystem import absolute, context_path, last_write  # only for a Python script's command
    from dflint.project_files import background_launcher

    path = absolute(script, instruction.workdir)
    write = last_write(dockerfile, stage, path, instruction) if path is not None and path.startswith("/") else None
    relative = context_path(write, path) if write is not None and path is not None else None
    return script if relative is not None and background_launcher(dockerfile, relative) else None


def _commands(text: str) -> tuple[ShellCommand, ...]:
    """The commands of a CMD/ENTRYPOINT's shell form, read once by the core's shell parser (a `sh -c`
    script's commands carry the shell among their wrappers)."""
    if not text:
        return ()
    from dflint.positions import line_index
    from dflint.shell import parse_script

    return tuple(parse_script(text, 0, line_index(text).span, {}, None))


def _hands_over(arguments: str) -> bool:
    """Whether busybox's sh execs the program of `sh -c 'ARGUMENTS'`: it execs the last command, after
    `&&` and `;` lists, redirections, variables and `$(…)` (measured, `data/base_images.json` `bin_sh`),
    and stays for a pipeline, a background job, a subshell or group, a compound command or a trap;
    after `server || fallback` the program is not the last command."""
    text = arguments.strip()
    return bool(text) and _SHELL_STAYS.search(text) is None


def _last_listed(arguments: str) -> ShellCommand | None:
    """The last command of a `&&`/`;` list (`. /venv/bin/activate && exec uvicorn app:app` → `uvicorn`,
    with `exec` among its wrappers), as the core's shell parser reads it; None when the command is not
    such a list or holds what keeps a shell in front whatever it ends with (a pipeline, a background
    job, a subshell, a compound command, a condition)."""
    text = arguments.strip()
    if not text or _SHELL_STAYS.search(text) is not None:
        return None
    commands = [c for c in _commands(text) if not set(c.wrappers) & SHELLS]
    if len(commands) < 2 or any(c.in_pipeline or c.conditional for c in commands):
        return None
    if any(c.operator not in ("&&", ";") for c in commands[1:]) or commands[-1].name is None:
        return None
    return commands[-1]


def _signals_group(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """The init in front of the stage's CMD when it sends a stop signal to the command's whole process
    group, so that the server under a shell-form CMD gets SIGTERM too: the ENTRYPOINT in force (the
    last one of the stage or of the stages it is built FROM), `tini -g` or `dumb-init` (which does so
    by default, unless `--single-child`), or, with none in the file, the base image's
    (`data/base_images.json` `group_signalling_entrypoints`: the Jupyter Docker Stacks' `tini -g`)."""
    chain = dockerfile.ancestry(stage)
    entrypoint = last_along(chain, "ENTRYPOINT")
    if entrypoint is not None:
        words = entrypoint.json_args if entrypoint.json_args is not None else tuple(entrypoint.arguments.split())
        return _group_init(words)
    root = chain[-1]
    if root.base_stage is not None:
        return None
    data = load("base_images")["group_signalling_entrypoints"]
    owner, _, image = split_image(root.base_resolved or root.base)[0].rpartition("/")
    if image in data["images"] and owner.lower() in data["owners"]:
        return f"the base image's ENTRYPOINT `{' '.join(data['entrypoint'])}`"
    return None


def _group_init(words: tuple[str, ...]) -> str | None:
    """`tini -g -- …` or `dumb-init …` (not `--single-child`/`-c`) at the head of an ENTRYPOINT."""
    if not words:
        return None
    program = posixpath.basename(words[0])
    options = words[1 : words.index("--")] if "--" in words else tuple(word for word in words[1:] if word.startswith("-"))
    if program in ("tini", "tini-static") and any(o.startswith("-") and not o.startswith("--") and "g" in o for o in options):
        return "`tini -g`"
    if program == "dumb-init" and not any(o in ("-c", "--single-child") for o in options):
        return "`dumb-init`"
    return None


def _shell_changed_before(dockerfile: Dockerfile) -> dict[int, bool]:
    """For each stage, whether a stage it is built FROM set a SHELL (each answer builds on its base's,
    so a chain of thousands of stages is walked once)."""
    answers: dict[int, bool] = {}
    for current in dockerfile.stages:
        parent = current.base_stage
        answers[current.index] = (
            parent is not None
            and parent < current.index
            and (answers[parent] or any(instruction.keyword == "SHELL" for instruction in dockerfile.stages[parent].instructions))
        )
    return answers


def _fix(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    span = instruction.arguments_span
    written = dockerfile.text[span.offset : span.end_offset]
    if "\n" in written or written.strip() != instruction.arguments.strip():
        return None
    words = written.split()
    if not words or not all(_PLAIN.fullmatch(word) for word in words) or "=" in words[0] or words[0] in _BUILTINS:
        return None
    import json  # only for a finding: the module loads for most files

    replacement = "[" + ", ".join(json.dumps(word) for word in words) + "]"
    trailing = len(written) - len(written.rstrip())
    edit = Edit(span.offset, span.end_offset - trailing, replacement)
    title = f"Use the exec form {instruction.keyword} {replacement}"
    return Fix.safe(title, edit) if instruction.keyword == "CMD" else Fix.unsafe(title, edit)
