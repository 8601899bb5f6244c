"""The core's facts about image size and light caches (dflint/imagesize.py), which DF301 and DF303 ask."""

from __future__ import annotations

import pytest

from dflint.imagesize import LARGE_IMAGE_MB, frameworks_before, large_base, large_image, light_install, negligible_cache
from dflint.model import Dockerfile, Instruction, PackageOp, Stage
from tests.helpers import model


def _last_install(dockerfile: Dockerfile) -> tuple[Stage, Instruction, PackageOp]:
    stage = dockerfile.stages[-1]
    instruction = [i for i in stage.instructions if i.keyword == "RUN"][-1]
    return stage, instruction, [op for op in instruction.packages if op.verb == "install"][-1]


@pytest.mark.parametrize(
    ("image", "large"),
    [
        ("nvidia/cuda:12.1.0-devel-ubuntu22.04", True),
        ("nvcr.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04", True),
        ("nvidia/cuda:8.0-cudnn5-devel", True),
        ("nvidia/cuda:12.2.0-runtime-ubuntu20.04", True),
        ("nvidia/cuda:9.2-cudnn7-runtime-ubuntu18.04", True),
        ("nvidia/cuda:8.0-runtime", False),  # no runtime tag before 9.0 was measured
        ("nvidia/cuda:12.4.0-base-ubuntu22.04", False),  # about 115 MB
        ("rocm/pytorch:latest", True),
        ("docker.io/rocm/pytorch:rocm7.2_ubuntu24.04_py3.12_pytorch_release_2.7.1", True),
        ("nvcr.io/nvidia/pytorch:24.07-py3", True),
        ("pytorch/pytorch:2.8.0-cuda12.8-cudnn9-devel", True),
        ("pytorch/pytorch:2.8.0-cuda12.8-cudnn9-runtime", False),  # no source gives its size
        ("tensorflow/tensorflow:2.15.0-gpu", True),
        ("tensorflow/tensorflow:2.15.0", False),  # 959.6 MB: under the threshold
        ("vllm/vllm-openai:v0.6.0", True),
        ("python:3.11-slim", False),
        (None, False),
    ],
)
def test_large_bases_come_from_sourced_sizes(image: str | None, large: bool) -> None:
    entry = large_base(image)
    assert (entry is not None and entry["at_least_mb"] >= LARGE_IMAGE_MB) is large
    if entry is not None:
        assert entry["source"].startswith("https://")


def test_the_evidence_names_the_base_and_its_size() -> None:
    dockerfile = model("FROM nvcr.io/nvidia/pytorch:24.07-py3\nRUN pip install numba\n")
    image = large_image(dockerfile, dockerfile.stages[0])
    assert image is not None and image.holds == ("torch",) and image.approximate
    assert image.describe() == "the base image `nvcr.io/nvidia/pytorch:24.07-py3`: about 20.0 GB"
    assert "d4l3k/torchdrive" in image.source


def test_an_unknown_base_is_not_claimed() -> None:
    dockerfile = model("ARG BASE\nFROM ${BASE}\nRUN pip install numba\n")
    assert large_image(dockerfile, dockerfile.stages[0]) is None
    dockerfile = model("FROM winglian/axolotl-base:main-base\nRUN pip install pytest\n")
    assert large_image(dockerfile, dockerfile.stages[0]) is None


def test_torch_cuda_build_from_pypi_makes_the_chain_large() -> None:
    dockerfile = model("FROM ubuntu:22.04 AS base\nRUN pip install torch\nFROM base\nRUN pip install pyyaml\n")
    image = large_image(dockerfile, dockerfile.stages[1])
    assert image is not None and image.at_least_mb == 2730.2
    assert image.evidence == "`torch` installed at line 2 (its CUDA build from PyPI)"


@pytest.mark.parametrize(
    "install",
    [
        "pip install torch --index-url https://download.pytorch.org/whl/cpu",  # the CPU build
        "pip install tensorflow",  # its wheels come to 633 MB: under the threshold
    ],
)
def test_other_framework_installs_are_not_claimed(install: str) -> None:
    dockerfile = model(f"FROM ubuntu:22.04\nRUN {install}\n")
    assert large_image(dockerfile, dockerfile.stages[0]) is None


@pytest.mark.parametrize(
    ("install", "light"),
    [
        ("pip install google-cloud-storage pyyaml==6.0.1", True),
        ("python -m pip install -U pip setuptools wheel cmake ninja", True),
        ("uv pip install --system requests", True),
        ("pip install --no-deps numpy", True),
        ("pip install transformers", True),
        ("pip install 'transformers[torch]'", False),  # extras
        ("pip install opencv-python", False),  # a heavy framework in the data
        ("pip install onnxruntime", False),  # a light runtime, still tens of megabytes
        ("pip install flash-attn", False),  # GPU wheel
        ("pip install transformer_engine", False),
        ("pip install faiss-gpu", False),  # a GPU build by its name
        ("pip install torch==2.4.0+cu121", False),
        ("pip install -r requirements.txt", False),  # not read: unknown content
        ("pip install -e .", False),
        ("pip install https://example.com/x-1.0-py3-none-any.whl", False),
        ("pip install git+https://github.com/org/repo.git", False),
        # these download what the image holds again: light when nothing named needs a framework at all
        ("pip install --force-reinstall numpy", True),
        ("pip install --target /opt/deps numpy", True),
        ("pip install --force-reinstall accelerate", False),
        ("pip install $PACKAGES", False),
        ("pip install accelerate", False),  # requires torch, which the image does not hold
        ("apk add curl", True),
        ("npm install -g serve@14", True),
        ("npm ci", False),
        ("npm install ./local-package", False),
        ("conda install -y numpy", False),
        ("dnf install -y git", False),
    ],
)
def test_light_installs(install: str, light: bool) -> None:
    _, _, op = _last_install(model(f"FROM ubuntu:22.04\nRUN {install}\n"))
    assert light_install(op) is light


def test_a_package_that_requires_torch_is_light_where_the_image_holds_it() -> None:
    dockerfile = model("FROM ubuntu:22.04\nRUN pip install torch==2.1.2\nRUN pip install accelerate\n")
    stage, instruction, op = _last_install(dockerfile)
    assert frameworks_before(dockerfile, stage, instruction) == {"torch"}
    assert light_install(op, frameworks_before(dockerfile, stage, instruction))
    first = dockerfile.stages[0].instructions[0]
    assert frameworks_before(dockerfile, stage, first) == frozenset()  # not before its own install
    dockerfile = model("FROM rocm/pytorch:latest\nRUN pip install deepspeed\n")
    stage, instruction, op = _last_install(dockerfile)
    assert negligible_cache(dockerfile, stage, instruction, op) is not None


def test_negligible_needs_both_facts() -> None:
    small = model("FROM python:3.11-slim\nRUN pip install pyyaml\n")
    assert negligible_cache(small, *_last_install(small)) is None
    heavy = model("FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\nRUN pip install vllm\n")
    assert negligible_cache(heavy, *_last_install(heavy)) is None
    light = model("FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\nRUN pip install pyyaml\n")
    found = negligible_cache(light, *_last_install(light))
    assert (
        found is not None
        and found.image is not None
        and found.image.evidence.startswith("the base image `nvidia/cuda:12.1.0-devel-ubuntu22.04`")
    )


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.8-slim\nRUN pip install torch\n",  # pip resolves torch 2.4.1 there
        "FROM ubuntu:22.04\nRUN pip install torch==2.1.2\n",  # another release than the one measured
        "FROM python:3.6\nRUN pip install 'torch<1.8'\n",
    ],
)
def test_another_torch_release_is_claimed_at_the_smallest_wheel_of_every_line(text: str) -> None:
    """The closure measured for one release is not claimed for another; the smallest torch wheel of
    every release line on PyPI, unpacked (1094.8 MB, torch 2.13.0), is."""
    dockerfile = model(text)
    image = large_image(dockerfile, dockerfile.stages[0])
    assert image is not None and image.at_least_mb == 1094.8
    assert image.evidence == "`torch` installed at line 2 (PyPI's build; any release unpacks to at least 1.1 GB)"
    assert "every_release_line" in image.source
    dockerfile = model("FROM python:3.11-slim\nRUN pip install torch\n")
    measured = large_image(dockerfile, dockerfile.stages[0])
    assert measured is not None and measured.at_least_mb == 2730.2


def test_torch_from_pytorchs_own_index_is_not_the_build_measured() -> None:
    dockerfile = model(
        "FROM ubuntu:22.04\nRUN pip install --pre torch --index-url https://download.pytorch.org/whl/nightly/cu118\n"
    )
    assert large_image(dockerfile, dockerfile.stages[0]) is None


@pytest.mark.parametrize(
    ("install_uv", "written"),
    [
        ("COPY --from=ghcr.io/astral-sh/uv:0.5.31 /uv /uvx /bin/", "ghcr.io/astral-sh/uv:0.5.31"),
        ("COPY --from=ghcr.io/astral-sh/uv:0.7 /uv /bin/", "ghcr.io/astral-sh/uv:0.7"),
        ("COPY --from=astral/uv:0.10.4 /uv /bin/", "astral/uv:0.10.4"),
        ("RUN pip install --no-cache-dir uv==0.6.14", "uv==0.6.14"),
        ("RUN curl -LsSf https://astral.sh/uv/0.9.2/install.sh | sh", "astral.sh/uv/0.9.2/install.sh"),
        ("COPY --from=ghcr.io/astral-sh/uv:0.10.5 /uv /bin/", None),  # clones where it can
        ("COPY --from=ghcr.io/astral-sh/uv:0.10 /uv /bin/", None),  # the 0.10 line holds 0.10.5 and later
        ("COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/", None),
        ("RUN pip install --no-cache-dir uv", None),
        ("RUN curl -LsSf https://astral.sh/uv/install.sh | sh", None),
    ],
)
def test_uv_cache_is_negligible_where_uv_hard_links_from_it(install_uv: str, written: str | None) -> None:
    dockerfile = model(f"FROM python:3.12-slim\n{install_uv}\nRUN uv pip install --system httpx==0.27.0\n")
    found = negligible_cache(dockerfile, *_last_install(dockerfile))
    if written is None:
        assert found is None
    else:
        assert found is not None and found.uv is not None and found.uv.written == written and found.image is None


def test_the_uv_release_is_the_last_one_put_on_the_path_before_the_install() -> None:
    from dflint.uv_release import uv_release

    dockerfile = model(
        "FROM ghcr.io/astral-sh/uv:0.4.30-python3.12-bookworm AS base\n"
        "RUN uv sync --frozen\n"
        "FROM base\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.12.1 /uv /bin/\n"
        "RUN uv sync --frozen\n"
    )
    first = dockerfile.stages[0]
    release = uv_release(dockerfile, first, first.instructions[-1])
    assert release is not None and (release.major, release.minor, release.patch) == (0, 4, 30)
    last = dockerfile.stages[1]
    release = uv_release(dockerfile, last, last.instructions[-1])
    assert release is not None and (release.major, release.minor, release.patch) == (0, 12, 1) and release.line == 4
    assert uv_release(dockerfile, last, last.instructions[0]) is not None  # the base image's, before the COPY


def test_a_reinstall_downloads_the_framework_the_image_holds_again() -> None:
    dockerfile = model("FROM ubuntu:22.04\nRUN pip install torch==2.1.2\nRUN pip install --force-reinstall accelerate\n")
    stage, instruction, op = _last_install(dockerfile)
    assert frameworks_before(dockerfile, stage, instruction) == {"torch"}
    assert not light_install(op, frameworks_before(dockerfile, stage, instruction))
