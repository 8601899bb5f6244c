"""## What it does
Flags the `MAINTAINER` instruction.

This is BuildKit's `MaintainerDeprecated` check and hadolint's DL4000.

Left alone on a generated Dockerfile: the `MAINTAINER` line is the template's, and the label belongs
there.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: it fills a legacy `Author` field that registries
and scanners do not show, and the OCI image spec has a standard label for the same information,
`org.opencontainers.image.authors`, which tools do read.

## Example
```dockerfile
FROM python:3.12-slim
MAINTAINER ML Platform <ml-platform@example.com>
```

## Use instead
```dockerfile
FROM python:3.12-slim
LABEL org.opencontainers.image.authors="ML Platform <ml-platform@example.com>"
```

## Fix safety
Safe: the fix replaces the instruction with `LABEL org.opencontainers.image.authors="…"` holding the
same text. It is offered only when the text has no quote, backslash, `$` or line continuation, so
the label's value is exactly what `MAINTAINER` said. The image's legacy `Author` field is no longer
set; nothing reads it but `docker inspect`.

## References
- [Dockerfile reference: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
- [BuildKit check MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
- [OCI image spec: pre-defined annotation keys](https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys)
- [hadolint DL4000](https://github.com/hadolint/hadolint/wiki/DL4000)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF116",
    name="maintainer-deprecated",
    severity=Severity.WARNING,
    summary="`MAINTAINER` is deprecated; use the `org.opencontainers.image.authors` label",
    fixable=True,
    skip_images_nobody_deploys=True,
    judges_form=True,
    needs=("MAINTAINER",),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        if instruction.keyword != "MAINTAINER":
            continue
        stage = dockerfile.stage_of(instruction)
        yield Finding(
            META,
            instruction.keyword_span,
            'MAINTAINER is deprecated: write `LABEL org.opencontainers.image.authors="…"` instead',
            fix=_fix(dockerfile, instruction),
            stage=stage.name if stage is not None else None,
        )


def _fix(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    author = instruction.arguments.strip()
    escape = dockerfile.directive("escape") or "\\"
    span = instruction.span
    original = dockerfile.text[span.offset : span.end_offset]
    if not author or any(char in author for char in ('"', "\\", "$", "`", escape)) or "\n" in original:
        return None
    if not original.startswith(instruction.keyword_text) or original[len(instruction.keyword_text) :].strip() != author:
        return None
    keyword = "label" if instruction.keyword_text == instruction.keyword_text.lower() else "LABEL"
    replacement = f'{keyword} org.opencontainers.image.authors="{author}"'
    return Fix.safe("Replace with the `org.opencontainers.image.authors` label", Edit(span.offset, span.end_offset, replacement))
