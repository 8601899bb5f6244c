"""## What it does
Flags a `COPY` or `ADD` source from the build context that `.dockerignore` excludes (or
`<Dockerfile>.dockerignore` next to the Dockerfile). Matching follows Docker's rules: patterns are
relative to the context root, `*` stops at `/`, `**` spans directories, a `!pattern` re-includes, the
last matching pattern wins, and a path is excluded when a parent directory is. A source that is a
directory is not flagged when a `!` exception may bring some of its files back, nor is a wildcard
source when the file has exceptions. A wildcard is otherwise matched as written, as BuildKit does.

This is BuildKit's (experimental) `CopyIgnoredFile` check. BuildKit skips the check entirely when the
`.dockerignore` has any `!` exception; dflint applies the exceptions instead. hadolint never reads the
build context.

## Why is this bad?
Excluded files are never sent to the builder, so the `COPY` fails with "not found" — or, for a
wildcard, copies fewer files than it seems to. The `.dockerignore` and the Dockerfile disagree about
what the image needs; one of them is wrong.

## Example
With this `.dockerignore`:

```dockerignore
.git
*.onnx
```

```dockerfile
FROM python:3.12-slim
COPY model.onnx /models/
```

## Use instead
Re-include the file with an exception (or keep it out of the image and fetch it at run time):

```dockerignore
.git
*.onnx
!model.onnx
```

```dockerfile
FROM python:3.12-slim
COPY model.onnx /models/
```

## References
- [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
- [BuildKit check CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.dockerignore import Matcher, clean
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._copies import copies

META = RuleMeta(
    code="DF505",
    name="copy-ignored-file",
    severity=Severity.ERROR,
    summary="`COPY`/`ADD` of a file that `.dockerignore` excludes from the build context",
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.dockerignore is None:
        return
    matcher = Matcher(dockerfile.dockerignore)
    if not matcher.patterns:
        return
    for stage in dockerfile.stages:
        for parts in copies(dockerfile, stage):
            for word in parts.context_sources():
                if word.value is None:
                    continue
                path = clean(word.value)
                if any(char in path for char in "*?[") and matcher.has_exceptions:
                    continue  # a wildcard may still match files an exception re-includes
                pattern = matcher.deciding_pattern(path)
                if pattern is None or matcher.may_reinclude_below(path):
                    continue
                keyword = parts.instruction.keyword
                yield Finding(
                    META,
                    word.span,
                    f"{keyword} source `{clip(word.text, 30)}` in {stage.label} is excluded by .dockerignore"
                    f" (`{clip(pattern.text, 30)}`); fix one of them",
                    stage=stage.name,
                    detail=f"`{keyword}` source `{word.text}` in {stage.label} is excluded by .dockerignore (pattern"
                    f" `{pattern.text}`), so it is not in the build context and the copy fails or copies nothing; fix the"
                    f" .dockerignore or the {keyword}",
                )
