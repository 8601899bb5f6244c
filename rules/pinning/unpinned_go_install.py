"""## What it does
Flags `go install` (and the older `go get`) of a remote package without a version suffix
(`go install github.com/go-delve/delve/cmd/dlv`) or with a moving one (`@latest`, `@master`,
`@main`, `@HEAD`). Local packages (`./cmd/server`, `.`, `./...`) are not flagged.

A development container (`dflint/purpose.py`) follows its tools' latest releases on purpose and is not checked.

## Why is this bad?
`@latest` and branch names resolve to whatever is newest on the day of the build, so two builds of
the same commit can differ. Without any suffix, `go install` either fails outside a module ("go
install requires a version when current directory is not in a module") or takes the version from
the `go.mod` of the current directory, which is easy to miss when reading the Dockerfile. Write the
version where it is used: `@v1.23.1` or a commit hash.

This is hadolint's DL3062.

## Example
```dockerfile
FROM golang:1.23 AS tools
RUN go install github.com/go-delve/delve/cmd/dlv@latest
```

## Use instead
```dockerfile
FROM golang:1.23 AS tools
RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1
```

## References
- [Go: go install](https://go.dev/ref/mod#go-install)
- [hadolint DL3062](https://github.com/hadolint/hadolint/wiki/DL3062)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.model import Dockerfile, ShellCommand, Stage, Word
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._unpinned import command_findings, listing

META = RuleMeta(
    code="DF406",
    name="unpinned-go-install",
    severity=Severity.WARNING,
    summary="`go install` of a remote package without a fixed `@version`",
    skip_images_nobody_deploys=True,
    needs=("go",),
)

_MOVING = frozenset({"latest", "master", "main", "head", "upgrade", "patch", "trunk", "develop"})
_VALUE_FLAGS = frozenset(
    {
        "-tags",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-mod",
        "-modfile",
        "-p",
        "-exec",
        "-toolexec",
        "-pkgdir",
        "-overlay",
        "-pgo",
        "-C",
        "-buildmode",
        "-compiler",
        "-gccgoflags",
        "-installsuffix",
    }
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.kind == "devcontainer":
        return  # a development container follows the tools' latest releases on purpose
    yield from command_findings(dockerfile, META, _unpinned, _message)


def _message(stage: Stage, command: ShellCommand, names: list[str]) -> str:
    return (
        f"`go {command.argv[1].value}` of {clip(listing(names), 50)} in {stage.label} has no fixed version; end it with `@v1.2.3`"
    )


def _unpinned(command: ShellCommand) -> list[Word]:
    if command.name != "go" or len(command.argv) < 3 or command.argv[1].value not in ("install", "get"):
        return []
    loose: list[Word] = []
    words = command.argv[2:]
    position = 0
    while position < len(words):
        word = words[position]
        value = word.value
        position += 1
        if value is None:
            continue
        if value.startswith("-"):
            name = "-" + value.lstrip("-").partition("=")[0]
            if "=" not in value and name in _VALUE_FLAGS:
                position += 1
            continue
        if "$" in value or value.startswith((".", "/")) or value in ("std", "cmd", "all"):
            continue
        path, at, version = value.partition("@")
        if "." not in path.split("/", 1)[0]:
            continue  # not a remote module path (`golang.org/x/…`, `github.com/…` have a dot)
        if not at or version.lower() in _MOVING:
            loose.append(word)
    return loose
