"""Index options written in a requirements file are kept on the model (`RequirementsFile.index_urls`)."""

from __future__ import annotations

from pathlib import Path

from dflint.indexes import file_index_urls
from dflint.parse import Options, parse


def test_index_options_are_read_from_the_text() -> None:
    text = "--index-url=https://pypi.example/simple\n-f https://download.pytorch.org/whl/torch_stable.html\n  --extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.4.0\n"
    assert file_index_urls(text) == (
        "https://pypi.example/simple",
        "https://download.pytorch.org/whl/torch_stable.html",
        "https://download.pytorch.org/whl/cpu",
    )


def test_requirements_file_in_the_context_carries_its_index_urls(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.4.0\n-r more.txt\n"
    )
    (tmp_path / "more.txt").write_text("-i https://mirror.example/simple\nnumpy==2.1.0\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt more.txt /app/\nRUN pip install -r /app/requirements.txt\n"
    df = parse(text, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path)))
    files = df.stages[0].instructions[1].packages[0].files
    assert [f.index_urls for f in files[0].walk()] == [
        ("https://download.pytorch.org/whl/cpu",),
        ("https://mirror.example/simple",),
    ]


def test_every_spelling_pip_reads_in_a_file_is_an_index() -> None:
    text = (
        "-ihttps://download.pytorch.org/whl/cpu\n--extra-index-url=https://extra.example/simple  # mirror\n"
        "--find-links \\\n    https://wheels.example/\n# --index-url https://commented.example/simple\n"
        "torch==2.4.0 --hash=sha256:00\n"
    )
    assert file_index_urls(text) == (
        "https://download.pytorch.org/whl/cpu",
        "https://extra.example/simple",
        "https://wheels.example/",
    )


def test_torch_variant_names_the_build_each_pytorch_index_serves() -> None:
    from dflint.indexes import torch_variant

    def variant(url: str) -> str | None:
        dockerfile = parse(f"FROM python:3.11-slim\nRUN pip install --index-url {url} torch==2.8.0\n")
        run = next(iter(dockerfile.stages[0].instructions_of("RUN")))
        return torch_variant(run.packages[0], run.env)

    assert variant("https://download.pytorch.org/whl/xpu") == "xpu"
    assert variant("https://download.pytorch.org/whl/nightly/xpu") == "xpu"
    assert variant("https://download.pytorch.org/whl/cpu") == "cpu"
    assert variant("https://download.pytorch.org/whl/rocm6.4") == "rocm"
    assert variant("https://download.pytorch.org/whl/cu128") == "cuda"
