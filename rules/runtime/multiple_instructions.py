"""## What it does
Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the same kind in the same stage
replaces. The finding points at the earlier instruction, the one with no effect. A stage may of
course override what the stage it is built `FROM` set.

This is BuildKit's `MultipleInstructionsDisallowed` check and hadolint's DL4003 (`CMD`), DL4004
(`ENTRYPOINT`) and DL3012 (`HEALTHCHECK`); hadolint points at the later instruction.

## Why is this bad?
Only the last one counts. The earlier one reads as if it mattered — a reviewer checks its health
probe or its flags — while the image runs something else. It is usually a leftover from an edit.

## Example
```dockerfile
FROM python:3.12-slim
CMD ["python", "serve.py", "--workers", "4"]
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["python", "serve.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["python", "serve.py", "--workers", "4"]
```

## References
- [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
- [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
- [hadolint DL4003](https://github.com/hadolint/hadolint/wiki/DL4003)
- [hadolint DL4004](https://github.com/hadolint/hadolint/wiki/DL4004)
- [hadolint DL3012](https://github.com/hadolint/hadolint/wiki/DL3012)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF602",
    name="multiple-instructions",
    severity=Severity.WARNING,
    summary="A `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one in the stage replaces",
)

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        last: dict[str, Instruction] = {}
        for instruction in stage.instructions_of(*_ONCE):
            last[instruction.keyword] = instruction
        for instruction in stage.instructions_of(*_ONCE):
            final = last[instruction.keyword]
            if final is instruction:
                continue
            yield Finding(
                META,
                instruction.keyword_span,
                f"{instruction.keyword} on line {instruction.span.line} has no effect: the {instruction.keyword} on line"
                f" {final.span.line} in {stage.label} replaces it; remove one",
                stage=stage.name,
            )
