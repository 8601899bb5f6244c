"""## What it does
Flags `ENV` and `LABEL` in the legacy whitespace form, `ENV KEY value`, instead of `ENV KEY=value`.

One finding per file, on the first legacy line, naming the others: writing the file in one form is
one decision, and the fix changes them all. A line whose value looks like several `KEY value`
settings run together (`ENV A 1 B 2`) is a likely mistake and gets its own finding, and so does a
line the fix cannot rewrite (see "Fix safety"). To keep
the legacy form on purpose, put `# dflint: ignore-file=DF604` in the file (a line pragma covers only
the line the finding is on).

This is BuildKit's `LegacyKeyValueFormat` check (which covers `LABEL` too, and reports every line);
hadolint has no equivalent.

Opt-in (`--extend-select DF604`): the legacy form sets the same value as `KEY=value`, and
`docker build` already prints BuildKit's `LegacyKeyValueFormat` warning for it on every build, so by
default dflint leaves this style check to BuildKit, as ruff's default rule set leaves style out. On
the shared corpus of 776 real Dockerfiles it gave 70 default findings, none of them a run-together
line; in eight random samples of 50 default findings, independent reviewers reading each file judged
all 37 DF604 findings right and 9 of them worth telling the file's author. Turn it on to keep a
code base in one form, or to catch `ENV A 1 B 2` lines, which set one variable where several were
meant.

Left alone on a generated Dockerfile: its form is the template's, and the largest family of
generated Dockerfiles, docker-library's official images, keeps the legacy form for single-value
`ENV`s on purpose (docker-library/ruby#465, docker-library/docker#279: the maintainers declined this
change).

## Why is this bad?
The legacy form sets exactly one variable, to everything after the first space, which is rarely
what a line with several words means: `ENV PYTHONUNBUFFERED 1 PYTHONDONTWRITEBYTECODE 1` sets one
variable, `PYTHONUNBUFFERED`, to `1 PYTHONDONTWRITEBYTECODE 1`, and Python then sees neither
setting. Docker has deprecated the form and may drop it.

## Example
```dockerfile
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR 1
LABEL maintainer "ml-platform@example.com"
```

## Use instead
```dockerfile
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
LABEL maintainer="ml-platform@example.com"
```

## Fix safety
Safe: the fix writes `KEY=value`, quoting the value when it holds spaces, so the variable gets the
same value as before. It is not offered when quoting would change the value (it holds quotes or
backslashes), when the value spans continuation lines, or when the value looks like several
`KEY value` settings run together: that line is probably a bug, and a fix that keeps its meaning
would hide it.

## References
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
- [BuildKit check LegacyKeyValueFormat](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction, KeyValue
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF604",
    name="legacy-env-format",
    severity=Severity.WARNING,
    summary="`ENV key value` (legacy form) instead of `ENV key=value`",
    fixable=True,
    default_enabled=False,
    skip_images_nobody_deploys=True,
    judges_form=True,
)

_SETTING = re.compile(r"[A-Z_][A-Z0-9_]*")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    plain: list[tuple[Instruction, KeyValue, Fix]] = []
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "LABEL") or "=" in (instruction.arguments.split(None, 1) or [""])[0]:
            continue  # the first word has a `=`: the KEY=value form
        if not instruction.pairs or not instruction.pairs[0].legacy:
            continue
        pair = instruction.pairs[0]
        raw_value = pair.raw_value or ""
        keyword = instruction.keyword
        words = raw_value.split()
        runs_together = instruction.keyword == "ENV" and len(words) >= 3 and any(_SETTING.fullmatch(word) for word in words[1:])
        if runs_together:  # a likely mistake, each its own finding
            message = (
                f"`{keyword} {clip(pair.key, 30)} {clip(raw_value, 30)}` sets one variable; to set several, write"
                f" `{keyword} A=1 B=2`"
            )
            stage = dockerfile.stage_of(instruction)
            yield Finding(META, pair.key_span, message, stage=stage.name if stage is not None else None)
            continue
        fix = _fix(dockerfile, instruction, pair)
        if fix is not None:
            plain.append((instruction, pair, fix))
            continue
        # a value the fix cannot rewrite (quotes, a continuation): its own finding, with no fix
        stage = dockerfile.stage_of(instruction)
        message = f"`{keyword} {pair.key} …` uses the legacy form; write `{keyword} {pair.key}=…`"
        yield Finding(META, pair.key_span, message, stage=stage.name if stage is not None else None)
    if plain:
        yield _plain_finding(dockerfile, plain)


def _plain_finding(dockerfile: Dockerfile, plain: list[tuple[Instruction, KeyValue, Fix]]) -> Finding:
    """One decision for the file: one finding, on the first legacy line, naming the others, with one
    fix for them all."""
    instruction, pair, fix = plain[0]
    keyword = instruction.keyword
    suggested = fix.edits[0].replacement
    others = [each.span.line for each, _, _ in plain[1:]]
    more = ""
    if others:
        shown = ", ".join(map(str, others[:4])) + (", …" if len(others) > 4 else "")
        more = f" (and {len(others)} more: line{'s' if len(others) > 1 else ''} {shown})"
    edits = [edit for _, _, each in plain for edit in each.edits]
    title = f"Write `{pair.key}=`" if len(plain) == 1 else "Write `key=value` in every legacy ENV and LABEL"
    combined = Fix.safe(title, *edits)
    stage = dockerfile.stage_of(instruction)
    return Finding(
        META,
        pair.key_span,
        f"`{keyword} {pair.key} …` uses the legacy form{more}; write `{keyword} {pair.key}{clip(suggested, 40)}`",
        fix=combined,
        stage=stage.name if stage is not None else None,
    )


def _fix(dockerfile: Dockerfile, instruction: Instruction, pair: KeyValue) -> Fix | None:
    key_end = pair.key_span.end_offset
    value_start = instruction.file_offset(pair.value_start)
    value_end = instruction.file_offset(pair.value_end - 1) + 1
    if value_end - value_start != pair.value_end - pair.value_start or dockerfile.text[value_start:value_end] != pair.raw_value:
        return None  # the value spans a line continuation
    gap = dockerfile.text[key_end:value_start]
    if not gap or not gap.isspace() or "\n" in gap:
        return None
    escape = dockerfile.escape
    raw = pair.raw_value or ""
    if any(char.isspace() for char in raw):
        if any(char in raw for char in ("'", '"', escape, "\\")):
            return None
        value = f'"{raw}"'
    else:
        value = raw
    return Fix.safe(f"Write `{pair.key}=`", Edit(key_end, value_end, f"={value}"))
