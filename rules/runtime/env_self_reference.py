"""## What it does
Flags an `ENV` that sets several variables and uses one of them in the value of another:
`ENV CUDA_HOME=/usr/local/cuda PATH=$CUDA_HOME/bin:$PATH`. A variable that refers to its own
previous value (`PATH=…:$PATH`) is fine.

This is hadolint's DL3044. hadolint only flags a variable not defined before the instruction;
dflint flags it either way, because the value used is then the old one, which is just as surprising.

When the variable is not set earlier in the file, the value used is the base image's, which may
even be the same (a dev-container base that sets `NVM_DIR=/usr/local/share/nvm` itself): the finding
is then a warning, not an error (a reviewer found the error overstated on such a file).

Several uses of one variable in the same `ENV` (`SPARK_HOME=/opt/spark PATH=$SPARK_HOME/bin:$SPARK_HOME/sbin:$PATH
PYTHONPATH=$SPARK_HOME/python`) are one finding, on the first, which counts the others: one fix (set
the variable in an earlier ENV) mends them all (reviewers counted three findings on one Spark ENV as
duplicates).

## Why is this bad?
Docker expands every value of an `ENV` with the variables as they were *before* the instruction, so
the reference does not see the value set next to it: in the example `PATH` gets an empty `CUDA_HOME`
(`/bin:…`), and `nvcc` is not found. The line reads as if it worked.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
ENV CUDA_HOME=/usr/local/cuda PATH=$CUDA_HOME/bin:$PATH
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
ENV CUDA_HOME=/usr/local/cuda
ENV PATH=$CUDA_HOME/bin:$PATH
```

## References
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
- [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
- [hadolint DL3044](https://github.com/hadolint/hadolint/wiki/DL3044)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF605",
    name="env-self-reference",
    severity=Severity.ERROR,
    summary="`ENV` uses a variable that the same `ENV` sets",
)

_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    escape = dockerfile.escape
    for instruction in dockerfile.instructions:
        if instruction.keyword != "ENV" or "$" not in instruction.arguments:
            continue
        pairs = instruction.pairs
        if len(pairs) < 2:
            continue  # the legacy form sets one variable
        keys = {pair.key for pair in pairs}
        references = [
            (pair, start, end, name)
            for pair in pairs
            for start, end, name in _references(pair.raw_value or "", escape)
            if name != pair.key and name in keys
        ]
        counts = Counter(name for _pair, _start, _end, name in references)
        told: set[str] = set()  # one finding per variable of an ENV: one fix (set it in an earlier ENV)
        for pair, start, end, name in references:
            raw_value = pair.raw_value or ""
            if name in told:
                continue
            told.add(name)
            setter = next(other for other in pairs if other.key == name)
            if _refers_to_itself(setter.raw_value or "", name, escape):
                continue  # `GRPC_MAKEFLAGS=${GRPC_MAKEFLAGS}` in the same ENV: old and new are one value
            more = counts[name] - 1
            more_text = f" (and {more} more use{'s' if more != 1 else ''} in this ENV)" if more else ""
            new = setter.value
            from_base = name not in instruction.env  # not set earlier in the file: the base image's, if any
            if from_base:
                old = f"the base image's {name} if it sets one (empty if not)"
            else:
                before = instruction.env[name]
                old = "an unknown earlier value" if before is None else (f"`{before}`" if before else "an empty value")
            new_text = f"`{new}`" if new is not None else "the new value"
            span = dockerfile.logical_span(instruction, pair.value_start + start, pair.value_start + end)
            stage = dockerfile.stage_of(instruction)
            yield Finding(
                META,
                span,
                f"`{clip(raw_value[start:end], 30)}` in {clip(pair.key, 30)}= gets the old value{more_text}; set"
                f" {clip(name, 30)} in an earlier ENV",
                stage=stage.name if stage is not None else None,
                # a base may set the same value (a dev-container base's NVM_DIR): the outcome is unknown
                severity=Severity.WARNING if from_base else None,
                detail=f"`{raw_value[start:end]}` in {pair.key}=… refers to {name}, which this same ENV sets: ENV"
                f" expands with the values from before it, so `{raw_value[start:end]}` there is {old}, not {new_text}"
                f"{' unless the base sets that too' if from_base else ''}; set {name} in an earlier ENV",
            )


def _refers_to_itself(raw: str, name: str, escape: str) -> bool:
    """The value is nothing but a reference to the variable it sets (`X=${X}`, `X="$X"`): the ENV
    keeps its value, so a reference to it beside it in the same ENV gets that same value."""
    stripped = raw.strip().strip('"')
    found = list(_references(stripped, escape))
    return len(found) == 1 and found[0][0] == 0 and found[0][1] == len(stripped) and found[0][2] == name


def _references(value: str, escape: str) -> Iterator[tuple[int, int, str]]:
    """Variable references outside single quotes and not escaped: (start, end, name)."""
    quote = ""
    index = 0
    while index < len(value):
        char = value[index]
        if quote == "'":
            if char == "'":
                quote = ""
        elif char == escape:
            index += 2
            continue
        elif char == "'" and not quote:
            quote = "'"
        elif char == '"':
            quote = "" if quote == '"' else '"'
        elif char == "$":
            match = _REFERENCE.match(value, index)
            if match:
                name = match.group(1) or match.group(2)
                end = match.end() if match.group(2) else value.find("}", index) + 1 or match.end()
                yield index, end, name
                index = end
                continue
        index += 1
