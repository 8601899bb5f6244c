"""Who publishes on an index, and whether an install picks versions across its indexes (`dflint.indexes`)."""

from __future__ import annotations

from dflint.indexes import held_on_pypi, index_owner, picks_across_indexes, searched_indexes
from dflint.model import PackageOp
from dflint.parse import Options, parse


def _ops(text: str) -> list[tuple[PackageOp, dict[str, str | None]]]:
    df = parse(text, "Dockerfile", Options())
    return [(op, dict(i.env)) for s in df.stages for i in s.instructions for op in i.packages]


def test_owners() -> None:
    assert index_owner("https://pypi.org/simple") == "pypi"
    assert index_owner("https://mirrors.aliyun.com/pypi/simple/") == "pypi"
    assert index_owner("https://mirrors.aliyun.com/other/simple/") == "other"
    assert index_owner("https://download.pytorch.org/whl/cpu") == "framework"
    assert index_owner("https://download.pytorch.org/whl/nightly/cu121") == "other"
    assert index_owner("https://pkgs.example.com/simple") == "other"
    assert index_owner(None) is None


def test_names_an_index_owner_also_holds_on_pypi() -> None:
    assert held_on_pypi("https://pypi.nvidia.com", "nvidia-sphinx-theme")
    assert held_on_pypi("https://PYPI.nvidia.com/simple/", "NVIDIA_Sphinx.Theme")  # host and name normalised
    assert not held_on_pypi("https://pypi.nvidia.com", "cudf-cu12")
    assert not held_on_pypi("https://pkgs.example.com/simple", "nvidia-sphinx-theme")
    assert not held_on_pypi(None, "nvidia-sphinx-theme")
    assert held_on_pypi("https://pip.repos.neuron.amazonaws.com", "torch-neuron")  # AWS's placeholder holds the name


def test_pypi_is_searched_when_no_index_is_given() -> None:
    ((op, _),) = _ops("FROM python:3.11-slim\nRUN pip install --extra-index-url https://pkgs.example.com/simple acme\n")
    assert [(i.url, i.kind) for i in searched_indexes(op)] == [
        ("https://pypi.org/simple", "index"),
        ("https://pkgs.example.com/simple", "extra"),
    ]
    ((op, _),) = _ops("FROM python:3.11-slim\nRUN pip install -i https://pkgs.example.com/simple acme\n")
    assert [i.url for i in searched_indexes(op)] == ["https://pkgs.example.com/simple"]


def test_pip_always_and_uv_only_with_unsafe_best_match() -> None:
    text = (
        "FROM python:3.11-slim\nRUN pip install acme\nRUN uv pip install acme\n"
        "RUN uv pip install --index-strategy unsafe-best-match acme\n"
        "RUN uv pip install --index-strategy=unsafe-first-match acme\n"
        "ENV UV_INDEX_STRATEGY=unsafe-best-match\nRUN uv pip install acme\n"
    )
    assert [picks_across_indexes(op, env) for op, env in _ops(text)] == [True, False, True, False, True]
