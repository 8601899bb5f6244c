"""## What it does
Flags a `COPY` or `ADD` to a relative destination (`COPY app.py .`, `COPY src/ app/`) when no
`WORKDIR` was set earlier in the stage or in the stages it is built `FROM`. A destination that
depends on an unknown variable is left alone. One finding per stage, on the first such destination,
naming the others: one `WORKDIR` mends them all.

Only stages that ship are checked: in a build stage the files are read back by that stage's own
relative paths, or copied out by a `COPY --from` that names them. Silent when the base image sets its own WORKDIR (`dflint/data/image_purposes.json`, with sources) or when the base is not known (`FROM $BASE_IMAGE`).

This is hadolint's DL3045.

Opt-in (`--extend-select DF507`): on hand-checked random samples of default findings from real
repositories, 1 of 4 DF507 findings was worth telling the file's author. The files were used by the
same relative path afterwards (`COPY entrypoint.sh entrypoint.sh` with `ENTRYPOINT
["./entrypoint.sh"]`, a script copied, run and removed by the next RUN), which works whatever the
base's WORKDIR is, or the base was the project's own image, whose WORKDIR is the intended place.

## Why is this bad?
A relative destination is relative to the working directory of the base image, which this file does
not state: `/` for most distribution images, `/workspace` for many ML images, `/home/<user>` for
others. The files land somewhere the `CMD` may not look, and a new base image moves them.

## Example
```dockerfile
FROM python:3.12-slim
COPY app.py .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY app.py .
CMD ["python", "app.py"]
```

## References
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
- [hadolint DL3045](https://github.com/hadolint/hadolint/wiki/DL3045)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction, Stage
from dflint.purpose import base_workdir
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._copies import CopyParts, copy_parts, is_absolute

META = RuleMeta(
    code="DF507",
    name="copy-relative-dest-without-workdir",
    severity=Severity.WARNING,
    summary="`COPY` to a relative destination before any `WORKDIR`",
    skip_images_nobody_deploys=True,
    default_enabled=False,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    workdir_set: dict[int, bool] = {}
    shipped = {stage.index for stage in dockerfile.shipped_stages()}
    for stage in dockerfile.stages:
        is_set = workdir_set.get(stage.base_stage, False) if stage.base_stage is not None else False
        if stage.base_stage is None and (stage.base_resolved is None or base_workdir(stage.base_resolved) is not None):
            is_set = True  # the base sets its own WORKDIR, or the base is not known
        relative: list[tuple[Instruction, CopyParts]] = []  # reported once per stage, on the first
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                is_set = True
                continue
            if is_set or instruction.keyword not in ("COPY", "ADD") or stage.index not in shipped:
                continue
            written = instruction.json_args if instruction.json_args is not None else instruction.arguments.split()
            if not written or written[-1].strip("\"'").startswith("/"):
                continue  # absolute as written: nothing to expand
            parts = copy_parts(dockerfile, instruction)
            if parts is None or parts.destination is None:
                continue
            value = parts.destination.value
            if value is None or not value or is_absolute(value):
                continue
            relative.append((instruction, parts))
        if relative:
            yield _finding(stage, relative)
        workdir_set[stage.index] = is_set


def _finding(stage: Stage, relative: list[tuple[Instruction, CopyParts]]) -> Finding:
    """One finding per stage, on its first relative destination: one WORKDIR mends them all."""
    instruction, parts = relative[0]
    assert parts.destination is not None
    more = len(relative) - 1
    also = f" (and {more} more)" if more else ""
    lines = ", ".join(str(other.span.line) for other, _ in relative[1:])
    return Finding(
        META,
        parts.destination.span,
        f"{instruction.keyword} to relative `{clip(parts.destination.text)}` in {stage.label} before any WORKDIR{also};"
        " add `WORKDIR /app` first",
        stage=stage.name,
        detail=f"`{instruction.keyword}` to relative `{parts.destination.text}` in {stage.label} before any WORKDIR"
        + (f" (and the COPY/ADD on line{'s' if more > 1 else ''} {lines})" if more else "")
        + ": it lands in the base image's working directory, which this file does not set and which may change; add"
        " `WORKDIR /app` (or use an absolute destination)",
    )
