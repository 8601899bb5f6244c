"""## What it does
Flags a pip or uv install that looks names up on PyPI and on another index together and picks the
highest version among them, for names that are not pinned: `pip install --extra-index-url URL
name`, the same index given by `PIP_EXTRA_INDEX_URL`/`UV_EXTRA_INDEX_URL`, `pip config set
global.extra-index-url`, or an `--extra-index-url` line of a requirements file read from the build
context, and `uv pip install` with `--index-strategy unsafe-best-match` (or `UV_INDEX_STRATEGY`).
Every stage is checked: a package's build scripts run at build time.

The indexes are those the model records for the install (`dflint/indexes.py`); who publishes on
them is `dflint/data/package_indexes.json`. Only an install that searches PyPI (the default when no
`--index-url` is given, or a public mirror of it) together with another index is checked:
- PyPI and its public mirrors carry the same names: several of them together are silent;
- the PyTorch wheel index `download.pytorch.org` outside its nightly index is silent: its packages
  are builds of names the PyTorch project also holds on PyPI, and PyTorch's own report of the
  December 2022 incident says stable users were not affected. What resolution across it and PyPI
  can change is which build (CPU or CUDA) arrives, which DF203 reports. Its nightly index
  (`/whl/nightly`) is the one the incident went through, and is reported;
- any other index, or one set at build time (`--extra-index-url $INDEX`), is reported.

Silent: every name pinned with `==` (or a requirements file with `--hash`), names the other
index's owner also holds on PyPI itself, with its package or a placeholder (`nvidia-sphinx-theme`,
NVIDIA's, with `--extra-index-url https://pypi.nvidia.com`; AWS's `torch-neuron` and `neuron-cc`
placeholders for its Neuron index: `held_on_pypi` in the data, with sources), uv's default strategy
(`first-index` stops at the first index that has the name), requirements files that cannot be
read, installs whose indexes are all private or vendor indexes (no PyPI among them), and `--find-links`
pages (not counted as indexes).

## Why is this bad?
pip gives its indexes no order: with `--extra-index-url`, a name is looked up on both and the
highest version wins. Anyone can publish a name on PyPI; if it is the name of a package that lives
only on your (or a vendor's) index, a higher version on PyPI is installed instead and its code runs
in the build: dependency confusion. This happened to PyTorch's nightly index in December 2022, when
`torchtriton`, hosted only there, was registered on PyPI and installed by
`pip install --extra-index-url https://download.pytorch.org/whl/nightly/…`.

Exact pins narrow the attack to the same version number; hashes (`--require-hashes`, `--hash` in
the requirements file) close it. Better still, install the private names with `--index-url` (one
index, no merging) in their own `pip install`, or use uv, whose default looks a name up on the
first index that has it.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir --extra-index-url https://pkgs.example.com/simple acme-models fastapi==0.115.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir --index-url https://pkgs.example.com/simple acme-models==1.4.2 \
    && pip install --no-cache-dir fastapi==0.115.0
```

## References
- [pip install: `--extra-index-url` ("--index-url and --extra-index-url … should be treated as equally trusted")](https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-extra-index-url)
- [pip: Secure installs (hash-checking mode)](https://pip.pypa.io/en/stable/topics/secure-installs/)
- [uv: Searching across multiple indexes (`--index-strategy`)](https://docs.astral.sh/uv/concepts/indexes/#searching-across-multiple-indexes)
- [PyTorch: Compromised PyTorch-nightly dependency chain between December 25th and December 30th, 2022](https://pytorch.org/blog/compromised-nightly-dependency/)
- [Alex Birsan: Dependency Confusion](https://medium.com/@alex.birsan/dependency-confusion-4a5d60fec610)
"""

from __future__ import annotations

from collections.abc import Iterator

from dflint.indexes import held_on_pypi, index_owner, picks_across_indexes, searched_indexes
from dflint.model import Dockerfile, PackageIndex, PackageOp, Requirement
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF407",
    name="extra-index-dependency-confusion",
    severity=Severity.WARNING,
    summary="Unpinned names are resolved across PyPI and another index (dependency confusion)",
)

_SHOWN = 3


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            for op in instruction.packages:
                if op.manager not in ("pip", "uv") or op.verb not in ("install", "sync"):
                    continue
                if picks_across_indexes(op, instruction.env) is not True:
                    continue
                others = _other_indexes(op)
                if others is None:
                    continue
                unpinned = [r for r in _unpinned(op) if not all(held_on_pypi(index.url, r.name or "") for index in others)]
                if not unpinned:
                    continue
                where = _where(others)
                names = ", ".join(f"`{clip(r.name or '', 30)}`" for r in unpinned[:_SHOWN])
                more = f" and {len(unpinned) - _SHOWN} more" if len(unpinned) > _SHOWN else ""
                first_file = next((r for r in unpinned if r.file), None)
                from_file = f" ({first_file.file}:{first_file.file_line})" if first_file and first_file.file_line else ""
                how = "across indexes (`unsafe-best-match`)" if op.manager == "uv" else "from the highest version on any index"
                yield Finding(
                    META,
                    op.command.span,
                    f"unpinned {names}{more} resolved across PyPI and {where}; pin with hashes or use `--index-url`",
                    stage=stage.name,
                    detail=(
                        f"`{op.program} install` in {stage.label} takes {names}{more}{from_file} {how}, with PyPI and"
                        f" {where} searched together: a higher version published on PyPI under a name that lives on the"
                        " other index wins, and its code runs in the build (dependency confusion). Pin exact versions"
                        " with hashes (`--require-hashes`), or install the names of the other index in their own"
                        " `pip install --index-url …` and everything else from PyPI."
                    ),
                )


def _other_indexes(op: PackageOp) -> list[PackageIndex] | None:
    """The indexes whose names can be raced from PyPI, when the install searches them together with
    PyPI (None when there are none): any index but PyPI, its mirrors and the PyTorch stable index."""
    indexes = searched_indexes(op)
    if len(indexes) < 2:
        return None
    owners = [index_owner(index.url) for index in indexes]
    if "pypi" not in owners:
        return None  # private or vendor indexes only: no one can publish a name on them at will
    others = [index for index, owner in zip(indexes, owners) if owner in ("other", None)]
    return others or None


def _unpinned(op: PackageOp) -> Iterator[Requirement]:
    seen: set[str] = set()
    for requirement in op.packages:
        if _is_unpinned(requirement) and requirement.name not in seen:
            seen.add(requirement.name or "")
            yield requirement
    for requirements_file in op.files:
        for nested in requirements_file.walk():
            if nested.constraint or nested.status != "read":
                continue
            for requirement in nested.requirements:
                if _is_unpinned(requirement) and requirement.name not in seen:
                    seen.add(requirement.name or "")
                    yield requirement


def _is_unpinned(requirement: Requirement) -> bool:
    return requirement.name is not None and requirement.kind == "name" and requirement.pinned is False


def _where(others: list[PackageIndex]) -> str:
    from urllib.parse import urlsplit  # only when there is something to report: 1 ms of every run otherwise

    hosts = []
    for index in others:
        if index.url is None:
            host = "an index set at build time"
        else:
            try:
                host = f"`{urlsplit(index.url).hostname or clip(index.url, 40)}`"
            except ValueError:
                host = f"`{clip(index.url, 40)}`"
        if host not in hosts:
            hosts.append(host)
    return hosts[0] if len(hosts) == 1 else f"{hosts[0]} and {len(hosts) - 1} more"
