"""What a Dockerfile shows about the platforms it is built for (`dflint.platform`): an arm64-only
file is modelled for arm64, and a file that tests architectures is built for each it names."""

from __future__ import annotations

import pytest

from dflint import platform
from dflint.parse import Options, parse
from dflint.platform import evident_platform


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM nvcr.io/nvidia/l4t-jetpack:r36.3.0\nRUN pip3 install torch\n",
            ("linux/arm64", "its base `nvcr.io/nvidia/l4t-jetpack:r36.3.0` is published for linux/arm64 only"),
        ),
        (
            "FROM ubuntu:22.04\nENV LD_PRELOAD=/usr/lib/aarch64-linux-gnu/libgomp.so.1\n",
            ("linux/arm64", "it names linux/arm64's library folders (`aarch64-linux-gnu`) and no other platform's"),
        ),
        # a cache id is no test of the architecture
        (
            "FROM ubuntu:22.04\nRUN --mount=type=cache,id=pip-${TARGETARCH},target=/root/.cache cp /usr/lib/aarch64-linux-gnu/x /y\n",
            ("linux/arm64", "it names linux/arm64's library folders (`aarch64-linux-gnu`) and no other platform's"),
        ),
        # both architectures named, or a test of one: built for several, the default stays
        ("FROM ubuntu:22.04\nRUN cp /usr/lib/aarch64-linux-gnu/a /x && cp /usr/lib/x86_64-linux-gnu/a /y\n", None),
        ('FROM ubuntu:22.04\nRUN if [ "$(uname -m)" = "aarch64" ]; then cp /usr/lib/aarch64-linux-gnu/a /x; fi\n', None),
        ("FROM ubuntu:22.04\nRUN cp /usr/lib/x86_64-linux-gnu/a /x\n", None),
        ("FROM python:3.12-slim\n", None),
        # a base named for its architecture: Docker Hub's per-architecture namespaces, or a name ending in one
        (
            "FROM ibmcom/tensorflow-ppc64le:2.2.0-py3\nRUN pip install tensorflow==2.16.1\n",
            ("linux/ppc64le", "its base `ibmcom/tensorflow-ppc64le:2.2.0-py3` is named for linux/ppc64le"),
        ),
        ("FROM arm64v8/python:3.12-slim\n", ("linux/arm64", "its base `arm64v8/python:3.12-slim` is named for linux/arm64")),
        ("FROM amd64/python:3.12-slim\n", None),
        ("FROM arm64v8/python:3.12-slim AS a\nFROM ppc64le/python:3.12-slim\n", None),
    ],
)
def test_evident_platform(text: str, expected: tuple[str, str] | None) -> None:
    assert evident_platform(text) == expected


def test_an_evident_platform_is_the_stages_unless_one_is_passed() -> None:
    text = "FROM nvcr.io/nvidia/l4t-jetpack:r36.3.0\nRUN pip3 install --no-cache-dir torch==2.8.0\n"
    [run] = parse(text).stages[0].instructions_of("RUN")
    assert [op.platform for op in run.packages] == ["linux/arm64"]
    [run] = parse(text, options=Options(build_args={"TARGETPLATFORM": "linux/amd64"})).stages[0].instructions_of("RUN")
    assert [op.platform for op in run.packages] == ["linux/amd64"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('RUN if [ "${TARGETARCH}" = "arm64" ]; then x; fi', {"arm64"}),
        ('RUN if [ "$(uname -m)" = "aarch64" ]; then x; fi', {"arm64"}),
        ('RUN [ "$TARGETARCH" != "ppc64le" ] || y', {"ppc64le"}),
        ('RUN case "${TARGETARCH}" in \\\n  amd64) a ;; \\\n  arm64) b ;; \\\nesac', {"amd64", "arm64"}),
        ("RUN pip install --cache-dir /c-${TARGETARCH} x", set()),
    ],
)
def test_tested_architectures(text: str, expected: set[str]) -> None:
    assert platform.tested_architectures(text) == frozenset(expected)
