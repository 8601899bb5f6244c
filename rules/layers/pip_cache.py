"""## What it does
Flags `pip install` (also `pip3`, `python -m pip`, a venv's `bin/pip`, and `uv pip install`) in a
shipped stage when the package cache is written into the layer: no `--no-cache-dir` (uv:
`--no-cache`), no `PIP_NO_CACHE_DIR` (uv: `UV_NO_CACHE`) in scope, no `RUN --mount=type=cache` over
the cache directory, and no removal of the cache in the same RUN.

## Why is this bad?
pip keeps every wheel it downloads or builds under `/root/.cache/pip`. In an inference image that
is a second copy of torch, CUDA libraries or tensorflow: hundreds of megabytes to gigabytes that
stay in the layer even when a later `RUN rm -rf /root/.cache` deletes them.

Note on `PIP_NO_CACHE_DIR`: pip reads it as a boolean option and disables the cache for any valid
value, `false` and `0` included (a long-standing quirk of pip's option handling), so any value
counts here.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install torch==2.4.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0
```

Or keep the cache out of the image but reuse it between builds:

```dockerfile
FROM python:3.11-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install torch==2.4.0
```

## Fix safety
Safe: adding `--no-cache-dir` (`--no-cache` for uv) changes what the layer keeps, not what is
installed.

## Options
- `include-build-stages` (default `false`): also check stages that do not ship.

## References
- [pip: Caching](https://pip.pypa.io/en/stable/topics/caching/)
- [uv: Caching](https://docs.astral.sh/uv/concepts/cache/)
- [Docker: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, PackageOp
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF301",
    name="pip-cache",
    severity=Severity.WARNING,
    summary="`pip install` keeps its download cache in the image layer",
    fixable=True,
)

_CACHE_DIRS = {"pip": ("/root/.cache/pip", "~/.cache/pip", ".cache/pip"), "uv": ("/root/.cache/uv", "~/.cache/uv", ".cache/uv")}
_NO_CACHE_FLAGS = {"pip": ("--no-cache-dir", "--no-cache"), "uv": ("--no-cache", "-n")}
_NO_CACHE_ENV = {"pip": "PIP_NO_CACHE_DIR", "uv": "UV_NO_CACHE"}
_FALSY = {"", "0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Options:
    include_build_stages: bool = False


def check(dockerfile: Dockerfile, options: Options) -> Iterator[Finding]:
    stages = dockerfile.stages if options.include_build_stages else dockerfile.shipped_stages()
    for stage in stages:
        for instruction in stage.instructions:
            for op in instruction.packages:
                if op.verb != "install" or op.manager not in ("pip", "uv") or not op.program.endswith("pip") and op.program != "uv pip" and "pip" not in op.program:
                    continue
                if _keeps_cache(op, instruction):
                    flag = _NO_CACHE_FLAGS[op.manager][0]
                    yield Finding(
                        META,
                        op.command.span,
                        f"`{op.program} install` in {stage.label} keeps its cache in the layer; add `{flag}`"
                        f" or set {_NO_CACHE_ENV[op.manager]}=1",
                        fix=_fix(dockerfile, op, flag),
                        stage=stage.name,
                    )


def _keeps_cache(op: PackageOp, instruction: Instruction) -> bool:
    manager = op.manager
    if op.has_flag(*_NO_CACHE_FLAGS[manager]):
        return False
    variable = _NO_CACHE_ENV[manager]
    for name, word in op.command.assignments:
        if name == variable and (manager == "pip" or (word.value or "").lower() not in _FALSY):
            return False
    if variable in instruction.env:
        value = instruction.env[variable]
        if manager == "pip" or value is None or value.lower() not in _FALSY:
            return False
    if instruction.mounts_cache(*_CACHE_DIRS[manager]):
        return False
    return not _removed_later_in_same_run(op, instruction)


def _removed_later_in_same_run(op: PackageOp, instruction: Instruction) -> bool:
    after = False
    for command in instruction.commands:
        if command is op.command:
            after = True
            continue
        if not after:
            continue
        if command.name == "rm" and any(
            value is not None and value.rstrip("/*").endswith((".cache", ".cache/pip", ".cache/uv")) for value in command.args
        ):
            return True
        if command.name in ("pip", "pip3") and command.args[:2] == ("cache", "purge"):
            return True
    return False


def _fix(dockerfile: Dockerfile, op: PackageOp, flag: str) -> Fix | None:
    verb = op.verb_word
    if verb is None or dockerfile.text[verb.span.offset : verb.span.end_offset] != "install":
        return None
    return Fix.safe(f"Add `{flag}`", Edit.insert(verb.span.end_offset, f" {flag}"))
