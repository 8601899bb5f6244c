"""## What it does
Flags `ADD` of a remote source that is not pinned:

- an HTTP(S) URL without `--checksum=sha256:…`;
- a git repository (`https://…/repo.git#ref`, `git@host:org/repo.git`, `github.com/org/repo`) whose
  ref is not a full commit hash and that has no `--checksum=<commit>`.

A download of a document the image only carries — a license, notice or readme text (`LICENSE`,
`THIRD-PARTY-PROGRAMS.txt`, `README.md`), or any file put under `/licenses`, `/usr/share/doc` or
`/usr/share/licenses` — is left alone: nothing in the build runs or parses it, and a checksum of a
text fetched from a branch breaks the build on every upstream edit, so no author would add one. A
`.txt` file is a document only by such a name or destination (`requirements.txt` is installed from).

hadolint has no equivalent (its ADD rule only says to prefer `COPY`); BuildKit verifies
`--checksum` but does not ask for it.

Opt-in (`--extend-select DF503`): on the shared corpus of 776 real Dockerfiles it gave 30 findings,
mostly release archives fetched at a version tag (`…/archive/refs/tags/v3.0.1.tar.gz`) and downloads
whose version is a build argument, where a fixed checksum would break overriding the version.
Independent reviewers reading the files judged all 8 sampled findings right and none worth telling
the file's author. Turn it on where every remote input must be verified (a supply-chain policy).

## Why is this bad?
Without a checksum the build trusts whatever the server returns on the day: a moved release asset, a
re-uploaded model file, a compromised mirror, or a branch or tag that now points at another commit.
The image changes with no change to the Dockerfile, and nothing tells you. For model weights fetched
at build time, that can be a different model.

## Example
```dockerfile
FROM python:3.12-slim
ADD https://example.com/models/resnet50.onnx /models/
ADD https://github.com/org/inference-kernels.git#main /src/kernels
```

## Use instead
```dockerfile
FROM python:3.12-slim
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/models/resnet50.onnx /models/
ADD https://github.com/org/inference-kernels.git#4f3c2a1d9e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c /src/kernels
```

## References
- [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [Dockerfile reference: adding files from a git repository](https://docs.docker.com/reference/dockerfile/#adding-private-git-repositories)
- [Docker: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._copies import copy_parts, is_remote

META = RuleMeta(
    code="DF503",
    name="add-remote-without-checksum",
    severity=Severity.WARNING,
    summary="`ADD` of a URL without `--checksum`, or of a git ref that is not a commit",
    default_enabled=False,
    needs=("ADD",),
)

_COMMIT = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_DOCUMENT_NAME = re.compile(r"(?i)(licen[cs]e|copying|notice|third[-_]?party|readme|authors|changelog)")
_DOCUMENT_SUFFIX = (".md", ".rst", ".adoc")
_DOCUMENT_DIRS = ("/licenses", "/usr/share/doc", "/usr/share/licenses")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("ADD"):
            parts = copy_parts(dockerfile, instruction)
            if parts is None:
                continue
            checksum = instruction.flag("checksum")
            has_checksum = checksum is not None and bool(checksum.value)
            destination = parts.destination.value if parts.destination is not None else None
            for word in parts.sources:
                if not is_remote(word):
                    continue
                url = word.literal or word.text
                if not is_git(url) and is_document(url, destination):
                    continue  # a license or readme text the image only carries: nothing runs it
                if is_git(url):
                    ref = git_ref(url)
                    if has_checksum or (ref is not None and _COMMIT.fullmatch(ref)):
                        continue
                    what = f"ref `{ref}`" if ref else "the default branch"
                    short = f"`ADD {clip(url, 50)}` in {stage.label} follows {clip(what)}; pin a full commit (`#<sha>`)"
                    message = (
                        f"`ADD {url}` in {stage.label} follows {what}, which can move to another commit; pin a full commit"
                        " hash (`#<sha>`) or add `--checksum=<commit>`"
                    )
                elif has_checksum:
                    continue
                else:
                    short = f"`ADD {clip(url, 50)}` in {stage.label} is not verified; add `--checksum=sha256:…`"
                    message = (
                        f"`ADD {url}` in {stage.label} downloads without `--checksum=sha256:…`: the build trusts whatever the"
                        " server returns; add the file's checksum"
                    )
                yield Finding(META, word.span, short, stage=stage.name, detail=message)


def is_document(url: str, destination: str | None) -> bool:
    """A text the image only carries: a license, notice or readme by its name, a `.md`/`.rst` file,
    or any file put in a documentation or license directory."""
    name = re.split(r"[#?]", url, maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]
    if destination is not None:
        folder = destination if destination.endswith("/") else destination.rsplit("/", 1)[0] + "/"
        if any(folder.startswith(directory + "/") for directory in _DOCUMENT_DIRS):
            return True
    lowered = name.lower()
    if lowered.endswith(_DOCUMENT_SUFFIX):
        return True
    stem, dot, extension = lowered.rpartition(".")
    if not dot:
        stem, extension = lowered, "txt"
    return extension == "txt" and _DOCUMENT_NAME.search(stem) is not None


def is_git(url: str) -> bool:
    """A git source as BuildKit recognises one."""
    lowered = url.lower()
    if lowered.startswith(("git://", "git@", "github.com/", "ssh://")):
        return True
    base = re.split(r"[#?]", lowered, maxsplit=1)[0]
    return lowered.startswith(("http://", "https://")) and base.endswith(".git")


def git_ref(url: str) -> str | None:
    """The commit, tag or branch a git URL names (`#ref`, `#ref:subdir`, `?ref=…&commit=…`)."""
    if "#" in url:
        fragment = url.split("#", 1)[1]
        return fragment.split(":", 1)[0] or None
    if "?" in url:
        query = dict(part.partition("=")[::2] for part in url.split("?", 1)[1].split("&"))
        return query.get("commit") or query.get("ref") or query.get("tag") or query.get("branch") or None
    return None
