"""## What it does
Flags `npm install` / `npm i` / `npm add`, `yarn add`, `yarn global add` and `pnpm add` of a registry
package named without a version (`npm install -g pm2`) or with a moving tag (`pm2@latest`, `@next`,
`@*`). A version or range after `@` counts as a pin (`pm2@5.4.2`, `@anthropic/sdk@^0.27`).
`npm install` and `npm ci` without package names, which install from `package.json` and the lock file,
are not flagged; neither are local paths, tarballs, URLs and git references.

## Why is this bad?
Without a version the image gets whatever the registry's `latest` tag points to on the day of the
build: two builds of the same commit can differ, and a major release can break the image without
any change to the Dockerfile. The npm registry keeps every published version, so an exact pin stays
installable.

This is hadolint's DL3016.

## Example
```dockerfile
FROM node:20-slim
RUN npm install -g pm2
```

## Use instead
```dockerfile
FROM node:20-slim
RUN npm install -g pm2@5.4.2
```

## References
- [npm docs: npm install](https://docs.npmjs.com/cli/commands/npm-install)
- [hadolint DL3016](https://github.com/hadolint/hadolint/wiki/DL3016)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.commands import all_runs
from dflint.model import Dockerfile, PackageOp, Word
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._unpinned import listing, words_span

META = RuleMeta(
    code="DF404",
    name="unpinned-npm-package",
    severity=Severity.WARNING,
    summary="`npm install` of a package without a version",
    skip_images_nobody_deploys=True,
    needs=("npm", "yarn", "pnpm"),
)

_MOVING = frozenset({"", "latest", "next", "*", "x", "canary", "beta", "alpha", "rc"})
_NAME = re.compile(r"(@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*", re.IGNORECASE)
_VALUE_OPTIONS = frozenset(
    {"--prefix", "--registry", "--cache", "--omit", "--include", "-w", "--workspace", "--tag", "--cwd", "--modules-folder"}
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for op in instruction.packages:
            words = _package_words(op)
            loose = [word for word in words if _unpinned(word)]
            if not loose:
                continue
            names = [word.value or "" for word in loose]
            yield Finding(
                META,
                words_span(loose),
                f"`{op.program} {_verb(op)}` of {clip(listing(names), 50)} in {stage.label} has no version; pin"
                f" `{clip(_bare(names[0]))}@<version>`",
                stage=stage.name,
            )


def _verb(op: PackageOp) -> str:
    verb = op.verb_word.value if op.verb_word is not None else "install"
    return "global add" if verb == "global" else verb or "install"


def _package_words(op: PackageOp) -> list[Word]:
    if op.manager not in ("npm", "yarn", "pnpm") or op.verb_word is None:
        return []
    verb = op.verb_word.value
    if op.manager == "npm" and op.verb == "install" and verb != "ci":
        return _operands(op, op.verb_word)
    if op.manager in ("yarn", "pnpm") and verb == "add":
        return _operands(op, op.verb_word)
    if op.manager == "yarn" and verb == "global":
        words = list(op.command.argv)
        at = words.index(op.verb_word)
        if at + 1 < len(words) and words[at + 1].value == "add":
            return _operands(op, words[at + 1])
    return []


def _operands(op: PackageOp, after: Word) -> list[Word]:
    words = list(op.command.argv)
    result: list[Word] = []
    position = words.index(after) + 1
    while position < len(words):
        word = words[position]
        value = word.value
        position += 1
        if value is None:
            continue
        if value.startswith("-"):
            if "=" not in value and value in _VALUE_OPTIONS:
                position += 1
            continue
        result.append(word)
    return result


def _unpinned(word: Word) -> bool:
    value = word.value
    if value is None or "$" in value:
        return False
    if value.startswith((".", "/", "~")) or ":" in value or value.endswith((".tgz", ".tar.gz")):
        return False  # paths, tarballs, URLs, git and `npm:` / `github:` / `file:` specs
    scoped = value.startswith("@")
    name, at, version = value[1:].partition("@") if scoped else value.partition("@")
    if not _NAME.fullmatch(("@" if scoped else "") + name):
        return False
    if not at:
        return not (not scoped and "/" in name)  # `user/repo` is a GitHub shorthand
    return version.strip().lower() in _MOVING


def _bare(value: str) -> str:
    if value.startswith("@"):
        return "@" + value[1:].partition("@")[0]
    return value.partition("@")[0]
