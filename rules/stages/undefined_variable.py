"""## What it does
Flags `$VAR` / `${VAR}` in an instruction that Docker expands itself (ENV, ARG defaults, LABEL, COPY,
ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, and their flags such as `--chown`) when no ARG or ENV
in scope declares the variable and there is a reason to think it is a mistake rather than a
variable of the base image:

- it is a global ARG (declared before the first FROM) that the stage did not declare again with
  `ARG NAME`, or one of BuildKit's platform arguments (`TARGETARCH` …) used without `ARG TARGETARCH`;
- it is declared later in the stage, or only in another stage;
- its name is a near miss of a variable in scope (`$PYTHON_VERSON` when `PYTHON_VERSION` is set);
- the stage is built on `scratch`, which defines nothing.

A stage built FROM another stage has that stage's build arguments as well as its ENV (Docker's
build-variables documentation: "Arguments and variables are inherited from parent stages"), so an ARG
declared in a stage it descends from is in scope (LocalAI's `builder-base` uses the
`CUDA_MAJOR_VERSION` its ancestor `requirements-drivers` declares; two reviewers).

Other unknown names are left alone: the base image may set them (`$PATH`, `$CUDA_HOME` …), and so
is a variable extending its own value (`ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH`), the usual way
to add to what the base image set.
`${VAR:-default}` and the other forms with a fallback are never flagged, and a variable set by the
same ENV instruction is left to DF605 (env-self-reference). RUN, CMD and ENTRYPOINT are
not checked, since their shell expands variables at run time.

## Why is this bad?
An undefined variable expands to an empty string without any error: `COPY app-${VERSION}.whl /tmp/`
copies `app-.whl` (or fails to find it), `WORKDIR /opt/$APP_NAME` works in `/opt`, `ENV
PATH=$VENV/bin:$PATH` puts `/bin` first. A global ARG is the classic case: it is only visible to
FROM lines unless the stage declares it again.

This follows BuildKit's UndefinedVar check, which knows the base image's environment; dflint does
not pull images, so it only reports the cases above.

## Example
```dockerfile
ARG VERSION=1.4.2
FROM python:3.11-slim
COPY dist/app-${VERSION}-py3-none-any.whl /tmp/
```

## Use instead
```dockerfile
ARG VERSION=1.4.2
FROM python:3.11-slim
ARG VERSION
COPY dist/app-${VERSION}-py3-none-any.whl /tmp/
```

## References
- [BuildKit check UndefinedVar](https://docs.docker.com/reference/build-checks/undefined-var/)
- [Dockerfile reference: Understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
- [Dockerfile reference: Environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.variables import Reference, references

META = RuleMeta(
    code="DF150",
    name="undefined-variable",
    severity=Severity.WARNING,
    summary="A variable that no ARG or ENV in scope declares expands to an empty string",
)

_EXPANDED = frozenset({"ENV", "ARG", "LABEL", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL"})
_PLATFORM_ARGS = frozenset(
    {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"}
)
# Set by BuildKit for every stage, scratch included.
_ALWAYS = frozenset({"PATH"})


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    global_names = _global_names(dockerfile)
    escape = dockerfile.escape
    for stage in dockerfile.stages:
        scratch = _built_on_scratch(dockerfile, stage)
        for instruction in stage.instructions:
            if instruction.keyword not in _EXPANDED:
                continue
            after = len(instruction.keyword_text)  # the flags and the arguments
            text = instruction.logical[after:]
            if "$" not in text:
                continue
            set_here = _set_here(instruction)
            for reference in references(text, escape):
                name = reference.name
                if reference.has_default or name in instruction.env or name in _ALWAYS:
                    continue
                span = dockerfile.logical_span(instruction, after + reference.start, after + reference.end)
                if not scratch and any(key == name and start <= span.offset < end for key, start, end in set_here):
                    continue  # `ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH` extends the base image's value
                earlier = {key for key, _, end in set_here if end <= span.offset} if instruction.keyword == "ENV" else set()
                reason = _reason(dockerfile, stage, instruction, reference, global_names, earlier, scratch)
                if reason is None:
                    continue
                yield Finding(
                    META,
                    span,
                    f"`${clip(name, 30)}` in the {instruction.keyword} of {stage.label} is undefined (empty); {_action(reason)}",
                    stage=stage.name,
                    detail=f"`${name}` in the {instruction.keyword} of {stage.label} is not defined, so it expands to an"
                    f" empty string: {reason}",
                )


def _action(reason: str) -> str:
    """The part of a reason that says what to do."""
    return reason.rsplit("; ", 1)[-1] if "; " in reason else reason


def _reason(
    dockerfile: Dockerfile,
    stage: Stage,
    instruction: Instruction,
    reference: Reference,
    global_names: set[str],
    same_instruction: set[str],
    scratch: bool,
) -> str | None:
    name = reference.name
    if name in same_instruction:
        return None  # set by the same ENV: DF605 env-self-reference reports it
    later = _declared_later(stage, instruction, name)
    if later is not None:
        return f"it is declared by the {later.keyword} on line {later.span.line}, after this line; move the declaration up"
    if name in global_names or name in _PLATFORM_ARGS:
        return f"an ARG before the first FROM is only visible to FROM lines; add `ARG {name}` to the stage"
    other = _declared_in_other_stage(dockerfile, stage, name)
    if other is not None:
        return f"it is only declared in {other.label}; declare it in this stage too"
    import difflib  # only for a finding: kept off the start-up path

    near = difflib.get_close_matches(name, [key for key in instruction.env if key not in _PLATFORM_ARGS], n=1, cutoff=0.85)
    if near:
        return f"did you mean `${near[0]}`?"
    if scratch:
        return "the stage is built on scratch, which defines no variables; declare it with ARG or ENV"
    return None


def _global_names(dockerfile: Dockerfile) -> set[str]:
    return {pair.key for instruction in dockerfile.global_args for pair in instruction.pairs}


def _set_here(instruction: Instruction) -> list[tuple[str, int, int]]:
    """The keys an ENV or ARG sets, each with the file offsets where its `KEY=value` starts and ends."""
    if instruction.keyword not in ("ENV", "ARG"):
        return []
    return [(pair.key, pair.span.offset, pair.span.end_offset) for pair in instruction.pairs]


def _declared_later(stage: Stage, instruction: Instruction, name: str) -> Instruction | None:
    for candidate in stage.instructions:
        if candidate.index <= instruction.index or candidate.keyword not in ("ARG", "ENV"):
            continue
        if name in _declared_names(candidate):
            return candidate
    return None


def _declared_in_other_stage(dockerfile: Dockerfile, stage: Stage, name: str) -> Stage | None:
    family = {ancestor.index for ancestor in dockerfile.ancestry(stage)}
    for other in dockerfile.stages:
        if other.index in family:
            continue
        for candidate in other.instructions_of("ARG", "ENV"):
            if name in _declared_names(candidate):
                return other
    return None


def _declared_names(instruction: Instruction) -> set[str]:
    """Names an ARG or ENV sets (`A=1 B`, or legacy `ENV A value`)."""
    return {pair.key for pair in instruction.pairs}


def _built_on_scratch(dockerfile: Dockerfile, stage: Stage) -> bool:
    root = dockerfile.root_image(stage)
    return root is not None and root.lower() == "scratch"
