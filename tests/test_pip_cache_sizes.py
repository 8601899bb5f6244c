"""DF301 names the size of the wheel each install downloads, whichever way its index is spelled."""

from __future__ import annotations

import pytest

from dflint.engine import Settings, lint_source, selected_rules


@pytest.mark.parametrize(
    "run",
    [
        "RUN pip install -ihttps://download.pytorch.org/whl/cpu torch==2.13.0",
        "RUN pip install --index-url=https://download.pytorch.org/whl/cpu torch==2.13.0",
        "RUN pip install -i https://download.pytorch.org/whl/cpu torch==2.13.0",
        "RUN PIP_INDEX_URL=https://download.pytorch.org/whl/cpu pip install torch==2.13.0",
        "RUN pip config set global.index-url https://download.pytorch.org/whl/cpu && pip install torch==2.13.0",
        # a later RUN reads the index `pip config set` wrote
        "RUN pip config set global.index-url https://download.pytorch.org/whl/cpu\nRUN pip install torch==2.13.0",
    ],
)
def test_each_spelling_of_the_cpu_index_gives_the_cpu_wheel(run: str) -> None:
    settings = Settings(select=("DF301",))
    text = f"FROM python:3.11-slim\n{run}\n"
    (finding,) = lint_source(text, "Dockerfile", settings, selected_rules(settings), None).findings
    assert finding.savings is not None and finding.savings.mb == 191.8
    assert "torch 2.13.0+cpu 191.8 MB" in (finding.detail or "")


def test_uv_gives_no_wheel_size() -> None:
    # uv's cache holds the unpacked files it links the install from, not the wheels
    settings = Settings(select=("DF301",))
    text = "FROM python:3.11-slim\nRUN uv pip install --system torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu\n"
    (finding,) = lint_source(text, "Dockerfile", settings, selected_rules(settings), None).findings
    assert finding.savings is None
    assert "second copy of the downloaded wheels" not in (finding.detail or "")
    assert "uv links the installed files from its cache" in (finding.detail or "")


def test_the_cache_mount_advice_names_the_home_of_the_user_that_installs() -> None:
    settings = Settings(select=("DF301",))

    def target(text: str) -> str:
        (finding,) = lint_source(text, "Dockerfile", settings, selected_rules(settings), None).findings
        detail = finding.detail or ""
        return detail.split("target=", 1)[1].split("`", 1)[0]

    base = "FROM python:3.11-slim\n"
    assert target(base + "RUN uv pip install --system httpx==0.27.0\n") == "/root/.cache/uv"
    # the stage runs as a user with its HOME set (Google's Hugging Face training DLC)
    user = base + "RUN useradd -m huggingface\nUSER huggingface\nENV HOME=/home/huggingface\n"
    assert target(user + "RUN uv pip install httpx==0.27.0\n") == "/home/huggingface/.cache/uv"
    assert target(user + "RUN pip install httpx==0.27.0\n") == "/home/huggingface/.cache/pip"
    # a user whose home the Dockerfile does not name: no `~` target (BuildKit does not expand it, the
    # mount would land under the WORKDIR); the advice names the directory, an absolute target and `uid=`
    other = base + "RUN useradd -m app\nUSER app\n"
    (finding,) = lint_source(
        other + "RUN pip install --user httpx==0.27.0\n", "Dockerfile", settings, selected_rules(settings), None
    ).findings
    assert "target=" not in (finding.detail or "")
    assert "mount a cache at the user's `.cache/pip`" in (finding.detail or "")
    assert "BuildKit does not expand `~`" in (finding.detail or "")
    # back to root
    assert target(other + "USER root\nRUN pip install httpx==0.27.0\n") == "/root/.cache/pip"
