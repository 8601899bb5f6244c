r"""## What it does
Flags an empty (or blank) line inside a line continuation:

```text
RUN apt-get update && \
                                   <- this line
    apt-get install -y --no-install-recommends curl
```

When the line after the empty one starts a new instruction (an instruction keyword at the start of
the line, or indented and in capitals: `  RUN update-alternatives …`), the finding says so: the `\`
before the empty line then swallows that instruction.

This is BuildKit's `NoEmptyContinuation` check; hadolint has no equivalent.

Left alone on a generated Dockerfile: its line continuations are the template's (an empty line there
is usually an empty template block), and the fix belongs in the template.

## Why is this bad?
Docker skips the empty line and carries on with the instruction, which is easy to misread: the
empty line looks like the end of the `RUN`, and a trailing `\` left on its last command silently
joins the next instruction into it (`RUN make \` + empty line + `COPY . .` runs `make COPY . .`).
Docker warns that empty continuation lines will become errors.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && \

    apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```

## Fix safety
Safe: the fix deletes the empty line, which Docker ignores. It is not offered when the next line
starts a new instruction, since then the instruction before probably lacks an end rather than
having an extra line.

## References
- [Dockerfile reference: format](https://docs.docker.com/reference/dockerfile/#format)
- [BuildKit check NoEmptyContinuation](https://docs.docker.com/reference/build-checks/no-empty-continuation/)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile, Span
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF607",
    name="empty-continuation-line",
    severity=Severity.WARNING,
    summary="Empty line inside a line continuation",
    fixable=True,
    judges_form=True,
)

_KEYWORDS = (  # noqa: SIM905
    "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL"
).split()
_INSTRUCTION = re.compile(r"(?i)(?:" + "|".join(_KEYWORDS) + r")(?:\s|$)")
# indented, only in capitals: `  RUN update-alternatives …` after an empty line is an instruction its
# author indented, where `    env FOO=1 make` would be a shell command of the continuation
_INDENTED_INSTRUCTION = re.compile(r"[ \t]+(?:" + "|".join(_KEYWORDS) + r")[ \t]")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if not any(instruction.empty_continuation_lines for instruction in dockerfile.instructions):
        return
    text = dockerfile.text
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    lines = text.split("\n")
    for instruction in dockerfile.instructions:
        for line in instruction.empty_continuation_lines:
            start = starts[line - 1]
            content = lines[line - 1]
            end = start + len(content.rstrip("\r"))
            following = _next_content_line(lines, line)
            stage = dockerfile.stage_of(instruction)
            if following is not None and (
                _INSTRUCTION.match(lines[following - 1]) or _INDENTED_INSTRUCTION.match(lines[following - 1])
            ):
                message = (
                    f"empty line {line} continues {instruction.keyword} (line {instruction.span.line}) into line {following};"
                    " remove the trailing escape if it should end here"
                )
                fix = None
            else:
                message = (
                    f"empty line {line} inside the continuation of {instruction.keyword} (line {instruction.span.line}); Docker"
                    " skips it now but warns it will become an error"
                )
                newline_end = starts[line] if line < len(starts) else len(text)
                fix = Fix.safe("Delete the empty line", Edit(start, newline_end, ""))
            yield Finding(
                META,
                Span(line, 1, line, end - start + 1, start, end),
                message,
                fix=fix,
                stage=stage.name if stage is not None else None,
            )


def _next_content_line(lines: list[str], line: int) -> int | None:
    """The first line after `line` (1-based) that is neither blank nor a comment."""
    for number in range(line + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None
