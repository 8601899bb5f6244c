"""Package operations for every manager, through sudo, sh -c and env prefixes."""

from __future__ import annotations

import pytest

from dflint.model import PackageOp
from tests.helpers import model


def ops(script: str, base: str = "ubuntu:24.04") -> list[PackageOp]:
    df = model(f"FROM {base}\nRUN {script}\n")
    return list(df.instructions[1].packages)


def summary(op: PackageOp) -> tuple[str, str, list[tuple[str | None, str, bool | None]]]:
    return op.manager, op.verb, [(r.name, r.spec, r.pinned) for r in op.packages]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("apt-get update", ("apt", "update", [])),
        (
            "apt-get install -y --no-install-recommends gcc libpq-dev=15.1 curl/bookworm",
            ("apt", "install", [("gcc", "", False), ("libpq-dev", "=15.1", True), ("curl", "", False)]),
        ),
        ("sudo apt install -o Dpkg::Options::=--force-confold -y make", ("apt", "install", [("make", "", False)])),
        ("apt-get purge -y --auto-remove gcc", ("apt", "remove", [("gcc", "", False)])),
        (
            "apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0",
            ("apk", "install", [("gcc", "", False), ("musl-dev", "=1.2.5-r0", True)]),
        ),
        ("apk del .build-deps", ("apk", "remove", [(".build-deps", "", False)])),
        (
            "yum install -y gcc-c++ python3-devel-3.9.18",
            ("yum", "install", [("gcc-c++", "", False), ("python3-devel", "-3.9.18", True)]),
        ),
        ("dnf -y install cmake", ("dnf", "install", [("cmake", "", False)])),
        ("microdnf install -y gcc", ("microdnf", "install", [("gcc", "", False)])),
        ("dnf clean all", ("dnf", "clean", [])),
        (
            "pip install torch==2.4.0 'numpy>=1.26' transformers[torch]",
            ("pip", "install", [("torch", "==2.4.0", True), ("numpy", ">=1.26", False), ("transformers", "", False)]),
        ),
        (
            "pip3 install --index-url https://download.pytorch.org/whl/cpu torch===2.4.0+cpu",
            ("pip", "install", [("torch", "===2.4.0+cpu", True)]),
        ),
        ("python3.11 -m pip install -U pip", ("pip", "install", [("pip", "", False)])),
        ("/opt/venv/bin/pip install Opencv_Python==4.10.0.84", ("pip", "install", [("opencv-python", "==4.10.0.84", True)])),
        ("uv pip install --system fastapi~=0.115", ("uv", "install", [("fastapi", "~=0.115", False)])),
        ("pip uninstall -y tensorflow", ("pip", "remove", [("tensorflow", "", False)])),
        (
            "conda install -y -c conda-forge numpy=1.26 scipy==1.13.1",
            ("conda", "install", [("numpy", "=1.26", False), ("scipy", "==1.13.1", True)]),
        ),
        ("mamba create -n env python=3.11", ("conda", "install", [("python", "=3.11", False)])),
        ("micromamba install -y pytorch", ("conda", "install", [("pytorch", "", False)])),
        ("conda clean -afy", ("conda", "clean", [])),
        ("poetry install --no-root --only main", ("poetry", "install", [])),
        ("pipenv install --deploy --system", ("pipenv", "install", [])),
        ("npm ci --omit=dev", ("npm", "install", [])),
    ],
)
def test_extraction(script: str, expected: tuple[str, str, list[tuple[str | None, str, bool | None]]]) -> None:
    found = ops(script)
    assert found and summary(found[0]) == expected


def test_vcs_url_and_path_requirements() -> None:
    found = ops(
        "pip install git+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567#egg=repo "
        "git+https://github.com/org/other@main ./wheels/x-1.0-py3-none-any.whl ."
    )
    kinds = [(r.kind, r.pinned) for r in found[0].packages]
    assert kinds == [("vcs", True), ("vcs", False), ("path", True), ("path", True)]


def test_flags_through_wrappers_and_env_prefixes() -> None:
    found = ops("DEBIAN_FRONTEND=noninteractive sudo -E apt-get -qq install -y gcc && sh -c 'pip install --no-cache-dir x==1'")
    assert found[0].has_flag("-y", "-qq") and found[0].command.wrappers == ("sudo",)
    assert found[1].manager == "pip" and found[1].has_flag("--no-cache-dir")


def test_unknown_words_are_unknown_requirements() -> None:
    found = ops("pip install $(cat pkgs.txt) $PKG")
    assert [(r.kind, r.pinned) for r in found[0].packages] == [("unknown", None), ("unknown", None)]


def test_package_word_span_points_at_the_package() -> None:
    df = model("FROM python:3.11\nRUN pip install \\\n    torch==2.4.0\n")
    requirement = df.instructions[1].packages[0].packages[0]
    assert requirement.span is not None and (requirement.span.line, requirement.span.column) == (3, 5)


def test_apk_virtual_group_name() -> None:
    assert ops("apk add --no-cache --virtual .build-deps gcc", "alpine:3.20")[0].virtual == ".build-deps"
    assert ops("apk add -t=.deps gcc", "alpine:3.20")[0].virtual == ".deps"
    assert ops("apk add --virtual=.deps gcc", "alpine:3.20")[0].virtual == ".deps"
    assert ops("apk add gcc", "alpine:3.20")[0].virtual is None
    assert ops("apt-get install -y gcc")[0].virtual is None


def test_a_value_option_ends_a_bundle_of_short_options() -> None:
    # as getopt reads them: the value is the rest of the bundle, or the next word when the option is last
    create = ops('conda create -yn idp intelpython3_full "python=3.11"')[0]
    assert [r.name for r in create.packages] == ["intelpython3_full", "python"] and create.has_flag("-y", "-n")
    channel = ops("conda install -yc conda-forge numpy==1.26.4")[0]
    assert [r.name for r in channel.packages] == ["numpy"]
    attached = ops("conda install -yc=conda-forge numpy==1.26.4")[0]
    assert [r.name for r in attached.packages] == ["numpy"]
    assert [r.name for r in ops("pip install -qr requirements.txt torch")[0].packages] == ["torch"]
    assert ops("apt-get install -qqy gcc")[0].has_flag("-q", "-y")
