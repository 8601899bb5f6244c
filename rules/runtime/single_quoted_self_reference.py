"""## What it does
Flags an `ENV` value that refers to the variable it sets inside single quotes:
`ENV LD_LIBRARY_PATH '/usr/local/lib:$LD_LIBRARY_PATH'` or `ENV PATH='/opt/bin:$PATH'`. Only a
reference to the variable being set is reported: a single-quoted `$` elsewhere may be meant for a
shell that reads the value later (`ENV PROMPT_COMMAND='echo $PWD'`).

It is reported only where the variable has a value to lose: `PATH` (every image sets it), a variable an
earlier ARG or ENV of the stage or of a stage it is built FROM sets, or one the base image may set. A base
image known to set nothing but `PATH` (`ubuntu`, `debian`: `dflint/data/base_images.json`
`environment`, from each image's configuration) has no `LD_LIBRARY_PATH` or `LIBRARY_PATH` to drop, and
the literal entry the quotes leave in the list names no directory; nothing changes at run time. On the
shared corpus this leaves out three of DF612's four findings (TensorFlow Serving's MKL images on
`ubuntu:22.04`, where nothing set `LIBRARY_PATH` or `LD_LIBRARY_PATH` before), which every reviewer
who drew one judged true but of no effect; the fourth follows an ENV that gave the variable a value.
Nor is a value that keeps every entry the variable held: on such a base, one earlier ENV gave it only
literal entries and itself (`ENV LD_LIBRARY_PATH="/usr/local/lib:${LD_LIBRARY_PATH}"`), and the
single-quoted value lists each of them again (`'/usr/local/lib:$LD_LIBRARY_PATH'`), so nothing is
dropped (that fourth finding; two reviewers judged its `error` a no-op).

## Why is this bad?
Docker expands variables in an `ENV` value the way a shell does, and single quotes keep what they
hold literal: the example sets `LD_LIBRARY_PATH` to `/usr/local/lib:$LD_LIBRARY_PATH`, with the
characters `$LD_LIBRARY_PATH` in it, and the directories the base image put there are lost. Libraries
the base provides (CUDA's, MKL's) are then not found at run time. The finding's detail shows the
value Docker sets.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
ENV LD_LIBRARY_PATH='/usr/local/lib:$LD_LIBRARY_PATH'
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
ENV LD_LIBRARY_PATH="/usr/local/lib:$LD_LIBRARY_PATH"
```

Where the base may not set the variable (`ubuntu:22.04` sets no `LD_LIBRARY_PATH`), `:$LD_LIBRARY_PATH`
would leave an empty entry at the end, which the loader reads as the current directory; add the
separator only when there is something to add:

```dockerfile
FROM ubuntu:22.04
ENV LD_LIBRARY_PATH="/usr/local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
```

## References
- [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
- [Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from dflint.data import load
from dflint.model import Dockerfile, Instruction, normalise_image, split_image
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.variables import single_quoted_references

META = RuleMeta(
    code="DF612",
    name="single-quoted-self-reference",
    severity=Severity.ERROR,
    summary="An `ENV` value refers to its own variable inside single quotes, which Docker keeps literal",
    needs=("ENV",),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        if instruction.keyword != "ENV" or "'" not in instruction.arguments:
            continue
        set_before: set[str] = set()
        for pair in instruction.pairs:
            raw_value = pair.raw_value or ""
            for reference in single_quoted_references(raw_value, dockerfile.escape):
                if reference.name != pair.key or not _has_value(dockerfile, instruction, pair.key, set_before):
                    continue
                if _keeps_all(dockerfile, instruction, pair.key, pair.value, set_before):
                    continue  # `/usr/local/lib:` before, `/usr/local/lib:$LD_LIBRARY_PATH` now: nothing is dropped
                text = raw_value[reference.start : reference.end]
                span = dockerfile.logical_span(instruction, pair.value_start + reference.start, pair.value_start + reference.end)
                stage = dockerfile.stage_of(instruction)
                shown = f"`{pair.value}`" if pair.value is not None else "a value with it in"
                yield Finding(
                    META,
                    span,
                    f"`{clip(text, 30)}` in single quotes stays literal; use double quotes to extend {clip(pair.key, 30)}",
                    stage=stage.name if stage is not None else None,
                    detail=f"single quotes keep `{text}` literal, so {pair.key} is set to {shown}: whatever it held before"
                    " (from the base image or an earlier ENV) is dropped and the literal text is kept. Write the value in"
                    f' double quotes (`"…{text}"`) to extend it; where {pair.key} may be unset, write'
                    f" `${{{pair.key}:+:${pair.key}}}` instead of `:{text}`, so that an unset variable adds no empty entry"
                    " (an empty entry in a search path means the current directory)",
                )
            set_before.add(pair.key)


def _has_value(dockerfile: Dockerfile, instruction: Instruction, name: str, set_before: set[str]) -> bool:
    """Whether the variable may hold something here that the literal value drops: PATH always; one an
    earlier ARG or ENV sets (in this stage, a stage it is built FROM, or this ENV's earlier pairs); one
    the base image may set, unless the base is an image known to set nothing but PATH."""
    if name == "PATH" or name in set_before or name in instruction.env:
        return True
    stage = dockerfile.stage_of(instruction)
    root = dockerfile.root_image(stage) if stage is not None else None
    if root is None:
        return True  # the base is unknown: it may set the variable
    return normalise_image(split_image(root)[0]) not in _only_path_images()


def _keeps_all(dockerfile: Dockerfile, instruction: Instruction, name: str, value: str | None, set_before: set[str]) -> bool:
    """The literal value keeps every entry the variable held: on a base image known to set nothing
    but PATH, the file's last earlier ENV of it gave it only literal entries and itself (TensorFlow
    Serving's MKL image: `ENV LD_LIBRARY_PATH="/usr/local/lib:${LD_LIBRARY_PATH}"` on `ubuntu:22.04`,
    so `/usr/local/lib:`), and each of those is an entry of the new value (`'/usr/local/lib:$LD_LIBRARY_PATH'`)."""
    if name == "PATH" or name in set_before or value is None:
        return False
    stage = dockerfile.stage_of(instruction)
    root = dockerfile.root_image(stage) if stage is not None else None
    if stage is None or root is None or normalise_image(split_image(root)[0]) not in _only_path_images():
        return False
    earlier = [
        pair
        for ancestor in reversed(dockerfile.ancestry(stage))
        for other in ancestor.instructions
        if other.keyword in ("ENV", "ARG") and other.span.offset < instruction.span.offset
        for pair in other.pairs
        if pair.key == name
    ]
    if len(earlier) != 1:
        return False  # never set before (the base's value, unknown), or set several times
    raw = earlier[0].raw_value or ""
    entries = [entry.strip("\"'") for entry in raw.split(":")]
    literal = [entry for entry in entries if entry and "$" not in entry]
    if any("$" in entry and entry.strip("{}$") != name for entry in entries if entry):
        return False  # it read another variable
    kept = set(value.split(":"))
    return bool(literal) and all(entry in kept for entry in literal)


@cache
def _only_path_images() -> frozenset[str]:
    return frozenset(load("base_images")["environment"]["only_path"])
