"""## What it does
Flags `apk add` of packages named without any version constraint (`apk add curl`). A constraint of
any kind counts: an exact pin (`curl=8.9.1-r0`), a fuzzy one (`curl~8.9`) or a bound (`curl>8`).
Packages from an unresolved variable, local `.apk` files and `--virtual` group names are not
flagged, nor are the packages of a `--virtual` group that the same RUN removes again (`apk add
--virtual .build-deps gcc … && apk del .build-deps`): temporary build dependencies that never reach
the image, and whose versions the build's result does not depend on.

## Why is this bad?
Without a constraint the image gets whatever the repository holds on the day of the build, so two
builds of the same commit can differ, and a major update of a library arrives unannounced.

The rule is `info` and accepts fuzzy pins on purpose. Alpine's repositories keep only the newest
build of each package in a branch, so an exact pin such as `curl=8.9.1-r0` breaks the build as soon
as `-r1` is published (the same problem that makes most teams turn off exact apt pins, see
hadolint#1253). Pinning the base image to an Alpine release (`alpine:3.20`) plus a fuzzy
constraint (`curl~8.9`) gives reproducible major and minor versions while still receiving security
rebuilds.

Opt-in (`--select DF403`): on a base pinned to an Alpine release the branch already fixes the
major and minor version of nearly every package, so the finding rarely tells the author anything;
in a hand-checked sample of default findings on the shared corpus every DF403 was judged not worth
reporting (the official images' runtime packages, a builder's `git`). dflint does not port the apt
counterpart (DL3008) for the same reason.

This is hadolint's DL3018.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache "curl~8.9"
```

## References
- [Alpine wiki: Alpine Package Keeper, package pinning](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Advanced_APK_Usage)
- [hadolint DL3018](https://github.com/hadolint/hadolint/wiki/DL3018)
- [hadolint#1253: exact distribution pins break builds](https://github.com/hadolint/hadolint/pull/1253)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from dflint.commands import all_runs
from dflint.model import Dockerfile, PackageOp, Requirement
from dflint.rule import Finding, RuleMeta, Severity, clip

from ._unpinned import listing, words_span

META = RuleMeta(
    code="DF403",
    name="unpinned-apk-package",
    severity=Severity.INFO,
    summary="`apk add` of a package without a version constraint",
    default_enabled=False,
    skip_images_nobody_deploys=True,
    needs=("apk",),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for op in instruction.packages:
            if op.manager != "apk" or op.verb != "install" or _removed_again(instruction.packages, op):
                continue
            loose = [requirement for requirement in op.packages if _unconstrained(requirement)]
            if not loose:
                continue
            names = [requirement.raw or "" for requirement in loose]
            yield Finding(
                META,
                words_span([requirement.span for requirement in loose if requirement.span is not None]),
                f"`apk add` of {clip(listing(names), 50)} in {stage.label} has no version; pin `{clip(names[0])}~<major.minor>`",
                stage=stage.name,
                detail=f"`apk add` in {stage.label} installs {listing(names)} without a version constraint; add a fuzzy pin"
                f" such as `{names[0]}~<major.minor>`",
            )


def _removed_again(operations: Sequence[PackageOp], op: PackageOp) -> bool:
    """The op installs a `--virtual` group that an `apk del` of the same RUN removes."""
    if op.virtual is None:
        return False
    return any(
        other.manager == "apk" and other.verb == "remove" and any(package.raw == op.virtual for package in other.packages)
        for other in operations
    )


def _unconstrained(requirement: Requirement) -> bool:
    if requirement.span is None or requirement.raw is None or requirement.kind != "name" or requirement.name is None:
        return False
    raw = requirement.raw
    if raw.endswith(".apk") or "/" in raw or raw.startswith("."):
        return False
    return not requirement.spec
