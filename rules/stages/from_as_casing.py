"""## What it does
Flags a `FROM … AS name` whose `AS` keyword is not in the same case as `FROM`: `FROM x as y` or
`from x AS y`. A `FROM` keyword in mixed case (`From`) is left to DF115.

Only a file that spells `AS` two ways is reported: a file that writes `FROM … as` throughout is consistent, whatever BuildKit's style check prefers.
One finding per file, on the first `AS` to change, naming the other lines: making the file consistent
is one decision, and the fix changes them all.

This is BuildKit's `FromAsCasing` check; hadolint has no equivalent.

Opt-in (`--extend-select DF114`): it is style with no effect on the image, and `docker build` already
prints BuildKit's `FromAsCasing` warning for it on every build, so by default dflint leaves it to BuildKit,
as ruff's default rule set leaves style out (DF604 and DF307 made the same move). On the shared
corpus of 776 real Dockerfiles it gave 19 default findings; in eleven random samples of 50 default
findings, independent reviewers reading each file judged 12 of them right and 5 (0 of the 4 in the three samples of this stop) worth
telling the file's author. Turn it on to keep a code base in one case.

Left alone on a generated Dockerfile: the case of its keywords is the template's, and a change
belongs there.

## Why is this bad?
It is harmless to Docker, which reads keywords in any case, but it is inconsistent: the same file
reads `FROM … as` in one place and `FROM … AS` in another, and search-and-replace or review tools
that look for one spelling miss the other.

## Example
```dockerfile
FROM python:3.12-slim as build
FROM python:3.12-slim AS runtime
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
FROM python:3.12-slim AS runtime
```

## Fix safety
Safe: only the case of the `AS` keyword changes, which Docker ignores.

## References
- [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
- [BuildKit check FromAsCasing](https://docs.docker.com/reference/build-checks/from-as-casing/)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.imagerefs import from_words
from dflint.model import ArgWord, Dockerfile, Stage
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF114",
    name="from-as-casing",
    severity=Severity.STYLE,
    summary="`AS` and `FROM` are written in different cases",
    fixable=True,
    skip_images_nobody_deploys=True,
    default_enabled=False,
    judges_form=True,
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    spellings = {word.text for stage in dockerfile.stages if (word := from_words(dockerfile, stage).as_keyword) is not None}
    if len(spellings) < 2:
        return  # one spelling throughout the file: consistent, whatever it is
    found: list[tuple[Stage, ArgWord, str, str, Edit | None]] = []
    for stage in dockerfile.stages:
        keyword = stage.from_instruction.keyword_text
        if keyword == keyword.upper():
            wanted = "AS"
        elif keyword == keyword.lower():
            wanted = "as"
        else:
            continue
        written = stage.from_instruction.arguments.split()
        if len(written) < 3 or written[1].lower() != "as" or written[1] == wanted:
            continue
        word = from_words(dockerfile, stage).as_keyword
        if word is None or word.text == wanted:
            continue
        edit = None
        if dockerfile.text[word.span.offset : word.span.end_offset] == word.text:
            edit = Edit(word.span.offset, word.span.end_offset, wanted)
        found.append((stage, word, keyword, wanted, edit))
    if not found:
        return
    # one decision for the file: one finding, on the first line to change, naming the others
    stage, first, keyword, wanted, _ = found[0]
    edits = [edit for *_, edit in found if edit is not None]
    fix = (
        Fix.safe(f"Write `{wanted}`" if len(found) == 1 else "Write `AS` in the case of its `FROM`", *edits)
        if len(edits) == len(found)
        else None
    )
    others = [f[1].span.line for f in found[1:]]
    more = f" (and lines {', '.join(map(str, others))})" if others else ""
    yield Finding(
        META,
        first.span,
        f"`{first.text}` does not match the case of `{keyword}`{more}; write `{keyword} … {wanted}`",
        fix=fix,
        stage=stage.name,
    )
