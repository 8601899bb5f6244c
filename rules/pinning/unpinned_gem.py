"""## What it does
Flags `gem install` of gems named without a version: no `-v` / `--version` and no `name:version`
form. Local `.gem` files and installs from a Gemfile (`gem install -g`) are not flagged.

## Why is this bad?
Without a version the image gets the newest release on the day of the build: two builds of the same
commit can differ, and a major release can break the image with no change to the Dockerfile.
RubyGems keeps every published version, so a pin stays installable.

This is hadolint's DL3028.

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler
```

## Use instead
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler -v 2.5.22
```

## References
- [RubyGems: gem install](https://guides.rubygems.org/command-reference/#gem-install)
- [hadolint DL3028](https://github.com/hadolint/hadolint/wiki/DL3028)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.commands import operands
from dflint.model import Dockerfile, ShellCommand, Stage, Word
from dflint.rule import Finding, RuleMeta, Severity

from ._unpinned import command_findings, listing

META = RuleMeta(
    code="DF405",
    name="unpinned-gem",
    severity=Severity.WARNING,
    summary="`gem install` without a version",
    skip_images_nobody_deploys=True,
    needs=("gem",),
)

_VALUE_OPTIONS = frozenset(
    {
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "-s",
        "--source",
        "--platform",
        "-P",
        "--trust-policy",
        "--document",
        "--build-root",
        "-g",
        "--file",
        "--file=",
        "--without",
        "--target-rbconfig",
    }
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    yield from command_findings(dockerfile, META, _unpinned, _message)


def _message(stage: Stage, command: ShellCommand, names: list[str]) -> str:
    return (
        f"`gem install` in {stage.label} installs {listing(names)} without a version; add `-v <version>`"
        f" or write `{names[0]}:<version>`"
    )


def _unpinned(command: ShellCommand) -> list[Word]:
    if command.name != "gem":
        return []
    arguments = operands(command.argv, _VALUE_OPTIONS)
    if not arguments or arguments[0].value != "install":
        return []
    values = [word.value for word in command.argv[1:]]
    if any(
        value is not None and (value in ("-v", "--version", "-g", "--file") or value.startswith(("--version=", "--file=")))
        for value in values
    ):
        return []
    loose: list[Word] = []
    for word in arguments[1:]:
        value = word.value
        if value is None or "$" in value or ":" in value or value.endswith(".gem") or "/" in value:
            continue
        loose.append(word)
    return loose
