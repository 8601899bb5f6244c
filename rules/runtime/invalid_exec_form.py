"""## What it does
Flags arguments written as a JSON array that Docker cannot read as JSON, in `RUN`, `CMD`,
`ENTRYPOINT`, `SHELL`, `COPY`, `ADD` and `VOLUME`: single quotes (`CMD ['python', 'app.py']`), a
missing `]`, a trailing comma, an unescaped backslash.

Neither hadolint nor BuildKit reports this as such: both see shell form, and hadolint's DL3025 /
BuildKit's `JSONArgsRecommended` then recommend the JSON form the line already tries to use.

## Why is this bad?
When the array is not valid JSON, Docker silently falls back to shell form and runs the whole text
through `/bin/sh -c`: `CMD ['python', 'app.py']` starts `/bin/sh -c "['python', 'app.py']"`, which
fails when the container starts ("[python,: not found") — after the image was built, pushed and
deployed. `SHELL` only accepts JSON, so there the build fails; in `COPY`, `ADD` and `VOLUME` the
brackets and quotes become part of the paths.

## Example
```dockerfile
FROM python:3.12-slim
CMD ['python', '-m', 'uvicorn', 'app:api']
```

## Use instead
```dockerfile
FROM python:3.12-slim
CMD ["python", "-m", "uvicorn", "app:api"]
```

## Fix safety
Unsafe: the fix rewrites the array as JSON when its meaning is unambiguous (a list of quoted
strings, as Python would read it). That changes what the instruction does — from the shell-form
accident to the command the line spells out — which is the point, but it is a change in behaviour.

## References
- [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
- [Dockerfile reference: exec form is parsed as a JSON array](https://docs.docker.com/reference/dockerfile/#exec-form)
- [hadolint DL3025](https://github.com/hadolint/hadolint/wiki/DL3025), which reports such a line as shell form
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip

from ._exec_form import attempted_json, repaired, why_invalid

META = RuleMeta(
    code="DF609",
    name="invalid-exec-form",
    severity=Severity.ERROR,
    summary="Arguments meant as a JSON array are not valid JSON, so Docker runs them as a shell command",
    fixable=True,
)

_CONSEQUENCE = {
    "SHELL": "SHELL only accepts a JSON array, so the build fails",
    "COPY": "Docker reads it in shell form, so the brackets and quotes become part of the paths",
    "ADD": "Docker reads it in shell form, so the brackets and quotes become part of the paths",
    "VOLUME": "Docker reads it in shell form, so the brackets and quotes become part of the paths",
}


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        text = attempted_json(instruction)
        if text is None:
            continue
        consequence = _CONSEQUENCE.get(
            instruction.keyword,
            f"Docker falls back to shell form and runs `/bin/sh -c '{text}'`, which fails when it runs",
        )
        stage = dockerfile.stage_of(instruction)
        yield Finding(
            META,
            instruction.arguments_span,
            f"{instruction.keyword} arguments are not a valid JSON array ({clip(why_invalid(text), 60)}); fix the JSON",
            fix=_fix(dockerfile, instruction, text),
            stage=stage.name if stage is not None else None,
            detail=f"{instruction.keyword} arguments look like a JSON array but {why_invalid(text)}: {consequence}",
        )


def _fix(dockerfile: Dockerfile, instruction: Instruction, text: str) -> Fix | None:
    items = repaired(text)
    span = instruction.arguments_span
    written = dockerfile.text[span.offset : span.end_offset]
    if items is None or written.strip() != text:
        return None
    start = span.offset + (len(written) - len(written.lstrip()))
    import json  # only for a finding: the module loads for most files

    replacement = "[" + ", ".join(json.dumps(item) for item in items) + "]"
    return Fix.unsafe("Write the array as JSON", Edit(start, start + len(text), replacement))
