"""## What it does
Flags `ADD` when every source is a local file or directory that is not a tar archive: nothing that
`ADD` does differently from `COPY` applies. `ADD` of a URL, of a git repository, or of a file with
an archive extension (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.tar.zst`, …) is left alone, and so is
an `ADD` whose sources depend on an unknown variable.

This is hadolint's DL3020. BuildKit has no such check.

Opt-in (`--extend-select DF502`): for a local file or directory that is not an archive, `ADD` and
`COPY` do exactly the same thing, so the change is one of wording. On the shared corpus of 776 real
Dockerfiles it gave 32 findings, all of that kind (`ADD ./pkg/ /go/src/…`, `ADD . /app`, `ADD main.c .`).
Reviewers reading the files judged every sampled finding right but few worth telling the file's
author (0 of the 4 in the two latest random samples of 50 default findings: "cosmetic"), and nothing
in a file separates the ones that were.

## Why is this bad?
`ADD` has extra behaviours — it downloads URLs, clones git repositories and unpacks local tar
archives, deciding by the file's content — so a reader has to wonder which one is meant, and a file
that happens to be a tar archive (a model bundle, say) is unpacked instead of copied. `COPY` does
exactly one thing.

## Example
```dockerfile
FROM python:3.12-slim
ADD requirements.txt /app/
ADD src/ /app/src/
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt /app/
COPY src/ /app/src/
```

## Fix safety
Unsafe: `ADD` unpacks a local tar archive whatever its name, judging by its content, and `COPY` does
not. A source without an archive extension is very probably not one, but dflint cannot look inside
it. The fix is not offered when the instruction uses flags only `ADD` has (`--checksum`,
`--keep-git-dir`, `--unpack`).

## References
- [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
- [Docker: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
- [hadolint DL3020](https://github.com/hadolint/hadolint/wiki/DL3020)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

from ._copies import copy_parts, is_heredoc, is_remote

META = RuleMeta(
    code="DF502",
    name="add-instead-of-copy",
    severity=Severity.WARNING,
    summary="`ADD` of local files that `COPY` would copy the same way",
    fixable=True,
    default_enabled=False,
    skip_images_nobody_deploys=True,
    needs=("ADD",),
)

ARCHIVE_SUFFIXES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
    ".tar.lz", ".tlz", ".tar.lzma", ".tar.z", ".taz", ".tz", ".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".z",
)  # fmt: skip
_ADD_ONLY_FLAGS = ("checksum", "keep-git-dir", "unpack")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("ADD"):
            parts = copy_parts(dockerfile, instruction)
            if parts is None or instruction.heredocs:
                continue
            if any(is_heredoc(word) or is_remote(word) for word in parts.sources):
                continue
            values = [word.value for word in parts.sources]
            if any(value is None or value.lower().endswith(ARCHIVE_SUFFIXES) for value in values):
                continue
            listed = ", ".join(f"`{value}`" for value in values)
            yield Finding(
                META,
                instruction.keyword_span,
                f"ADD of local {listed} in {stage.label}: use COPY, which only copies (ADD also unpacks tar archives"
                " and downloads URLs)",
                fix=_fix(dockerfile, instruction),
                stage=stage.name,
            )


def _fix(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    if any(instruction.flag(name) is not None for name in _ADD_ONLY_FLAGS):
        return None
    span = instruction.keyword_span
    written = dockerfile.text[span.offset : span.end_offset]
    if written.upper() != "ADD":
        return None
    replacement = "copy" if written == "add" else "COPY"
    return Fix.unsafe("Use COPY", Edit(span.offset, span.end_offset, replacement))
