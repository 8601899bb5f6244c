"""## What it does
Flags a `COPY` or `ADD` with several sources whose destination does not end in `/`
(`COPY requirements.txt setup.py /app`). Heredoc sources count. A destination that depends on an
unknown variable is left alone, and so is `.`, which BuildKit treats as a directory.

This is hadolint's DL3021; hadolint also flags `.`.

## Why is this bad?
With more than one source the destination must be a directory, and Docker only knows that from the
trailing slash: the classic builder stops with "When using COPY with more than one source file, the
destination must be a directory and end with a /", and other builders (kaniko, older BuildKit) may
stop or write the sources over one another as a single file.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app/
```

## Fix safety
Safe: adding the trailing `/` states what the instruction already requires; where it was accepted
before, the files land in the same place.

## References
- [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
- [hadolint DL3021](https://github.com/hadolint/hadolint/wiki/DL3021)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import ArgWord, Dockerfile
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

from ._copies import copies

META = RuleMeta(
    code="DF506",
    name="copy-dest-not-directory",
    severity=Severity.ERROR,
    summary="`COPY`/`ADD` with several sources needs a destination ending in `/`",
    fixable=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for parts in copies(dockerfile, stage, min_words=3):
            destination = parts.destination
            if destination is None or len(parts.sources) < 2 or destination.value is None:
                continue
            value = destination.value
            if value.endswith(("/", "\\")) or value == ".":
                continue
            keyword = parts.instruction.keyword
            yield Finding(
                META,
                destination.span,
                f"`{keyword}` of {len(parts.sources)} sources in {stage.label} to `{destination.text}`: with several sources"
                f" the destination must be a directory ending in `/` (`{value}/`)",
                fix=_fix(dockerfile, destination),
                stage=stage.name,
            )


def _fix(dockerfile: Dockerfile, destination: ArgWord) -> Fix | None:
    start, end = destination.span.offset, destination.span.end_offset
    written = dockerfile.text[start:end]
    if written != destination.text:
        return None
    at = end - 1 if written[-1] in "\"'" and len(written) >= 2 and written[0] == written[-1] else end
    return Fix.safe("Add a trailing `/` to the destination", Edit.insert(at, "/"))
