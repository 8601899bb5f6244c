"""## What it does
Flags `apt-get install` (also `apt install` and `aptitude install`) in a shipped stage without
`--no-install-recommends` (aptitude: `-R` / `--without-recommends`), unless
`-o APT::Install-Recommends=false` is given or an earlier RUN in the stage wrote
`APT::Install-Recommends` to the APT configuration.

Silent for an install of local `.deb` files only (`apt-get install -y /tmp/cuda-keyring.deb`): what
they recommend is rarely anything, and the step names exactly what it installs.

Still reported for a package that recommends nothing itself (`apt-utils`): apt follows the
Recommends of every package the install pulls in (on Debian 12 `curl` recommends nothing, but its
`libcurl4` recommends `ca-certificates`), so whether the option changes anything depends on the
whole dependency closure and on what the base already holds. dflint has no such data per release and
base, so it does not guess; the finding is `info`.

## Why is this bad?
Debian and Ubuntu install every *Recommends* of a package by default: documentation, optional
helpers, sometimes whole toolchains (`python3-pip` recommends `build-essential`, `python3-dev` and
`g++` through its dependencies' recommends). In an image nobody logs into, they are dead weight that
every pull downloads and every scanner reports.

This is also a size rule, so like the other size rules it only looks at the stages that ship (the
final stage and what it is built FROM): a build-only stage may install what it likes. It is
hadolint's DL3015 and Trivy's DS-0029.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*
```

## Fix safety
Unsafe (applied with `--unsafe-fixes`): the build still installs every hard dependency, but a program
may rely on a recommended package at run time. `libvulkan1`, for one, recommends the GPU's Vulkan
driver (`mesa-vulkan-drivers`): without it a Vulkan backend finds no device. Test the image, and add
back by name what it needs.

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.

## References
- [apt-get(8): --no-install-recommends](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
- [Docker: Dockerfile best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [hadolint DL3015](https://github.com/hadolint/hadolint/wiki/DL3015)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.commands import add_option_after_verb, all_runs
from dflint.model import Dockerfile, PackageOp
from dflint.rule import Finding, Fix, RuleMeta, Severity

from ._apt import apt_option, configured, is_false

META = RuleMeta(
    code="DF306",
    name="apt-no-install-recommends",
    severity=Severity.INFO,
    summary="`apt-get install` without `--no-install-recommends` ships optional packages",
    fixable=True,
    skip_images_nobody_deploys=True,
    needs=("apt",),
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: whether build stages are checked too."""

    include_build_stages: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    stages = dockerfile.stages if options.include_build_stages else dockerfile.shipped_stages()
    for stage, instruction in all_runs(dockerfile, stages):
        for op in instruction.packages:
            if op.manager != "apt" or op.verb != "install" or op.verb_word is None:
                continue
            if op.verb_word.value not in ("install", "reinstall") or not op.packages:
                continue
            if _skips_recommends(op) or configured(dockerfile, stage, instruction, "Install-Recommends"):
                continue
            if op.has_flag(*_SIMULATE):
                continue  # `apt-get install -s`: a dry run installs nothing
            if all((package.raw or "").endswith(".deb") for package in op.packages):
                continue  # only local .deb files (a keyring package): nothing from the index to recommend
            flag = "--without-recommends" if op.program == "aptitude" else "--no-install-recommends"
            added = add_option_after_verb(dockerfile, op, flag)
            # unsafe: what the image installs changes, and a program may need a recommended package
            # at run time (`libvulkan1` recommends the GPU's Vulkan driver)
            fix = Fix.unsafe(added.title, *added.edits) if added is not None else None
            yield Finding(
                META,
                op.command.span,
                f"`{op.program} {op.verb_word.value}` in {stage.label} also installs recommended packages; add `{flag}`",
                fix=fix,
                stage=stage.name,
            )


_SIMULATE = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")


def _skips_recommends(op: PackageOp) -> bool:
    if op.has_flag("--no-install-recommends", "--without-recommends", "-R"):
        return True
    return is_false(apt_option(op, "APT::Install-Recommends"))
