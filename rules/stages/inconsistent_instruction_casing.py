"""## What it does
Flags instruction keywords whose case differs from the majority of the file: a `run` among `RUN`s,
and any keyword in mixed case (`Run`, `From`). The majority is counted over the keywords written all
in upper or all in lower case; a tie counts as upper case. Keywords inside `ONBUILD` count too.

This is BuildKit's `ConsistentInstructionCasing` check; hadolint has no equivalent.

Opt-in (`--extend-select DF115`): it is style with no effect on the image, and `docker build` already
prints BuildKit's `ConsistentInstructionCasing` warning for it on every build, so by default dflint leaves it to BuildKit,
as ruff's default rule set leaves style out (DF604 and DF307 made the same move). On the shared
corpus of 776 real Dockerfiles it gave 1 default finding; in eleven random samples of 50 default
findings, independent reviewers reading each file judged the 1 drawn right and not worth
telling the file's author. Turn it on to keep a code base in one case.

Left alone on a generated Dockerfile: the case of its keywords is the template's, and a change
belongs there.

## Why is this bad?
Docker reads keywords in any case, so nothing breaks, but a file that mixes `RUN` and `run` is
harder to read and to search (`grep '^RUN'` misses half of it), and it is usually the sign of lines
pasted from elsewhere without review.

## Example
```dockerfile
FROM python:3.12-slim
run pip install --no-cache-dir fastapi==0.115.0
COPY app /app
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir fastapi==0.115.0
COPY app /app
```

## Fix safety
Safe: the fix rewrites the keyword in the majority's case, which Docker ignores.

## References
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
- [BuildKit check ConsistentInstructionCasing](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF115",
    name="inconsistent-instruction-casing",
    severity=Severity.STYLE,
    summary="Instruction keyword is not in the case the rest of the file uses",
    fixable=True,
    skip_images_nobody_deploys=True,
    default_enabled=False,
    judges_form=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    keywords = list(_keywords(dockerfile))
    lower = sum(1 for instruction in keywords if instruction.keyword_text == instruction.keyword_text.lower())
    upper = sum(1 for instruction in keywords if instruction.keyword_text == instruction.keyword_text.upper())
    majority_lower = lower > upper
    casing = "lower case" if majority_lower else "upper case"
    if upper or lower:
        reason = f"most instructions in this file are in {casing} ({upper} upper, {lower} lower)"
    else:
        reason = "write instruction keywords in one case, upper case by convention"
    for instruction in keywords:
        written = instruction.keyword_text
        wanted = written.lower() if majority_lower else written.upper()
        if written == wanted:
            continue
        span = instruction.keyword_span
        fix = None
        if dockerfile.text[span.offset : span.end_offset] == written:
            fix = Fix.safe(f"Write `{wanted}`", Edit(span.offset, span.end_offset, wanted))
        stage = dockerfile.stage_of(instruction)
        yield Finding(
            META,
            span,
            f"`{written}` should be `{wanted}`: {reason}",
            fix=fix,
            stage=stage.name if stage is not None else None,
        )


def _keywords(dockerfile: Dockerfile) -> Iterator[Instruction]:
    for instruction in dockerfile.instructions:
        yield instruction
        if instruction.onbuild is not None:
            yield instruction.onbuild
