"""## What it does
Flags a whole-system upgrade in a shipped stage: `apt-get upgrade` / `dist-upgrade` / `full-upgrade`,
`apk upgrade`, and `yum` / `dnf` / `microdnf` `update` / `upgrade` / `distro-sync` with no package
named. An upgrade of named packages (`apk upgrade openssl`, `dnf upgrade openssl`,
`apt-get install --only-upgrade openssl`) is not flagged.

## Why is this bad?
Upgrading everything inside the Dockerfile rebuilds the base image by hand, badly:

- Every upgraded file is written again in a new layer while the old copy stays in the base layer,
  so the image carries both (on a large base such as `nvidia/cuda`, this can be hundreds of MB).
- What gets installed depends on the day of the build, not on the Dockerfile, so two builds of the
  same commit differ, and the layer cache hides the upgrade until something above it changes.
- The base image's maintainers already publish rebuilt tags with the same fixes.

Rebuild on a fresh base instead: bump the tag or digest (a bot such as Renovate or Dependabot can do
it) and build with `--pull`. Upgrade single packages by name when a fix cannot wait for the base.

This is a judgement call, so the rule is `info` and opt-in (select it by code or name,
`--select DF308`): Docker removed "avoid `apt-get upgrade`" from its
best practices (docker/docs#12571), hadolint dropped DL3005 (hadolint#562) and Trivy deprecated
DS-0024, because upgrading is better than shipping known vulnerabilities when the base image is not
rebuilt often. If that is your case, ignore this rule.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:bookworm-20241111-slim
RUN apt-get update && apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*
```

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.

## References
- [Docker: Rebuild your images often (best practices)](https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often)
- [docker/docs#12571: remove the apt-get upgrade advice](https://github.com/docker/docs/pull/12571)
- [hadolint#562: remove DL3005](https://github.com/hadolint/hadolint/issues/562)
- [Trivy DS-0024](https://avd.aquasec.com/misconfig/ds024)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.commands import all_runs
from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF308",
    name="package-upgrade",
    severity=Severity.INFO,
    summary="Upgrading every system package in the Dockerfile instead of rebuilding on a fresh base image",
    default_enabled=False,
)

_MANAGERS = frozenset({"apt", "apk", "yum", "dnf", "microdnf"})


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build stages are checked too."""

    include_build_stages: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    stages = dockerfile.stages if options.include_build_stages else dockerfile.shipped_stages()
    for stage, instruction in all_runs(dockerfile, stages):
        for op in instruction.packages:
            if op.manager not in _MANAGERS or op.verb != "upgrade" or op.packages or op.verb_word is None:
                continue
            shown = f"{op.program} {op.verb_word.value}"
            yield Finding(
                META,
                op.command.span,
                f"`{clip(shown)}` in {stage.label} upgrades the whole base in a new layer; use a newer base tag instead",
                stage=stage.name,
                detail=f"`{shown}` in {stage.label} upgrades every package of the base image in a new layer (old and new"
                " files both ship, and the result depends on the build date); use a newer base image tag and"
                " build with `--pull`, or upgrade the packages you need by name",
            )
