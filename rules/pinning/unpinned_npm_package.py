"""## What it does
Flags `npm install` / `npm i` / `npm add`, `yarn add`, `yarn global add` and `pnpm add` of a registry
package named without a version (`npm install -g pm2`) or with a version that accepts anything
(`pm2@*`, `pm2@x`, `pm2@`). A version or range after `@` counts as a pin (`pm2@5.4.2`,
`@anthropic/sdk@^0.27`). `npm install` and `npm ci` without package names, which install from
`package.json` and the lock file, are not flagged; neither are local paths, tarballs, URLs and git
references.

Two deliberate choices are left alone:

- **An explicit dist-tag** (`pm2@latest`, `@next`, `@canary`): the author asked for whatever the tag
  points to, on purpose (a CVE refresh that wants the newest release). hadolint's DL3016 also counts
  a tag as a pin. Set `report-tags` to report them too (the message then says the package follows a
  moving tag).
- **Global installs in a RUN that later runs `npm update -g`** (`npm up -g`, `npm upgrade --global`):
  that command moves every global package to its newest release, so a pin would be undone on
  purpose.

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

## Options
- `report-tags` (default `false`): also report packages named with a dist-tag (`pm2@latest`, `@next`).

## References
- [npm docs: npm install](https://docs.npmjs.com/cli/commands/npm-install)
- [npm docs: npm update](https://docs.npmjs.com/cli/commands/npm-update)
- [npm docs: npm dist-tag](https://docs.npmjs.com/cli/commands/npm-dist-tag)
- [hadolint DL3016](https://github.com/hadolint/hadolint/wiki/DL3016)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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

_ANY = frozenset({"", "*", "x", "X"})  # `pkg@`, `pkg@*`, `pkg@x`: any version
_NAME = re.compile(r"(@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*", re.IGNORECASE)
_TAG = re.compile(r"[a-z][\w.-]*", re.IGNORECASE)  # a dist-tag: `latest`, `next`, `canary`, `beta` …
_VERSION_LIKE = re.compile(r"v?\d")  # `1.2.3`, `v1`: a version, not a tag
_VALUE_OPTIONS = frozenset(
    {"--prefix", "--registry", "--cache", "--omit", "--include", "-w", "--workspace", "--tag", "--cwd", "--modules-folder"}
)
_UPDATE_VERBS = frozenset({"update", "up", "upgrade", "udpate"})  # `npm update` and its aliases
_GLOBAL = frozenset({"-g", "--global"})


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: report dist-tags too."""

    report_tags: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    for stage, instruction in all_runs(dockerfile):
        ops = list(instruction.packages)
        for position, op in enumerate(ops):
            if _global_npm(op) and any(_updates_globals(later) for later in ops[position + 1 :]):
                continue  # `npm update -g` later in this RUN moves every global package on purpose
            loose = [(word, kind) for word in _package_words(op) if (kind := _kind(word, options)) is not None]
            if not loose:
                continue
            names = [word.value or "" for word, _ in loose]
            kinds = {kind for _, kind in loose}
            many = len(names) > 1
            yield Finding(
                META,
                words_span([word for word, _ in loose]),
                f"`{op.program} {_verb(op)}` of {clip(listing(names), 50)} in {stage.label} {_problem(kinds, many)};"
                + (" pin each as `name@<version>`" if many else f" pin `{clip(_bare(names[0]))}@<version>`"),
                stage=stage.name,
            )


def _problem(kinds: set[str], many: bool) -> str:
    if kinds == {"bare"}:
        return "have no version" if many else "has no version"
    if kinds == {"any"}:
        return "accept any version" if many else "accepts any version"
    if kinds == {"tag"}:
        return "follow a moving tag" if many else "follows a moving tag"
    return "have no fixed version"


def _global_npm(op: PackageOp) -> bool:
    return op.manager == "npm" and op.verb == "install" and bool(op.flags & _GLOBAL)


def _updates_globals(op: PackageOp) -> bool:
    return (
        op.manager == "npm"
        and op.verb_word is not None
        and (op.verb_word.value or "") in _UPDATE_VERBS
        and bool(op.flags & _GLOBAL)
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


def _kind(word: Word, options: Options) -> str | None:
    """Why a package word is not a pin (`bare`, `any`, `tag`), or None when it is one or is not a
    registry package."""
    value = word.value
    if value is None or "$" in value:
        return None
    if value.startswith((".", "/", "~")) or ":" in value or value.endswith((".tgz", ".tar.gz")):
        return None  # paths, tarballs, URLs, git and `npm:` / `github:` / `file:` specs
    scoped = value.startswith("@")
    name, at, version = value[1:].partition("@") if scoped else value.partition("@")
    if not _NAME.fullmatch(("@" if scoped else "") + name):
        return None
    if not at:
        return None if not scoped and "/" in name else "bare"  # `user/repo` is a GitHub shorthand
    version = version.strip()
    if version in _ANY:
        return "any"
    if _TAG.fullmatch(version) and not _VERSION_LIKE.match(version):
        return "tag" if options.report_tags else None  # a dist-tag, named on purpose
    return None


def _bare(value: str) -> str:
    if value.startswith("@"):
        return "@" + value[1:].partition("@")[0]
    return value.partition("@")[0]
