"""Sizes rules report agree with dflint/data and with their own messages (#10, item 4)."""

from __future__ import annotations

from dflint.data import load
from dflint.engine import Settings, lint_source, selected_rules
from dflint.rule import Finding
from dflint.wheels import download_mb, pinned_elsewhere


def _lint(text: str, *codes: str) -> list[Finding]:
    settings = Settings(select=codes)
    return list(lint_source(text, "Dockerfile", settings, selected_rules(settings), None).findings)


def test_an_install_of_several_wheels_downloads_their_sum() -> None:
    jax = load("heavy_frameworks")["pip"]["jax[cuda12]"]
    assert download_mb(jax) == round(sum(jax["wheels_mb"].values()), 1) == 271.1
    (finding,) = _lint('FROM python:3.11-slim\nRUN pip install "jax[cuda12]==0.10.2"\n', "DF301")
    assert finding.savings is not None and finding.savings.mb == 271.1
    assert finding.detail is not None and "jax[cuda12] 271.1 MB" in finding.detail


def test_a_pin_to_another_version_gets_no_size() -> None:
    opencv = load("heavy_frameworks")["pip"]["opencv-python"]
    assert pinned_elsewhere(opencv, "==4.10.0.84") == "4.10.0.84"
    assert pinned_elsewhere(opencv, f"=={opencv['version']}") is None and pinned_elsewhere(opencv, ">=4") is None
    (old,) = _lint("FROM python:3.11-slim\nRUN pip install opencv-python==4.10.0.84\n", "DF301")
    (measured,) = _lint(f"FROM python:3.11-slim\nRUN pip install opencv-python=={opencv['version']}\n", "DF301")
    assert old.savings is None and measured.savings is not None and measured.savings.mb == opencv["wheel_mb"]
    (headless,) = _lint("FROM python:3.11-slim\nRUN pip install --no-cache-dir opencv-python==4.10.0.84\n", "DF203")
    assert headless.savings is None
    assert headless.detail is not None and f"its size for 4.10.0.84 is unknown; {opencv['version']} downloads" in headless.detail


def test_torch_savings_is_the_difference_of_the_numbers_the_message_gives() -> None:
    torch = load("heavy_frameworks")["pip"]["torch"]
    cpu = next(a for a in torch["alternatives"] if a.get("index_url"))
    (finding,) = _lint("FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.13.0\n", "DF203")
    assert finding.savings is not None and finding.savings.mb == round(torch["closure_mb"] - cpu["wheel_mb"], 1)
    assert f"~{torch['closure_mb']:.0f} MB" in finding.message
    assert finding.detail is not None and f"about {torch['closure_mb']:g} MB" in finding.detail
    assert f"({cpu['wheel_mb']:g} MB)" in finding.detail


def test_build_flavoured_savings_name_the_basis_the_data_records() -> None:
    from dflint.rules.stages._images import build_flavour

    entries = load("base_images")["build_flavoured"]
    measured = [entry for entry in entries if isinstance(entry.get("extra_mb"), (int, float))]
    assert measured
    for entry in measured:
        assert entry.get("extra_basis"), entry["image"]
    flavour = build_flavour("python:3.11-bookworm")
    assert flavour is not None and flavour.savings is not None
    assert flavour.savings.source.startswith("compressed amd64 transfer size, python:3.11-bookworm (379.0 MB)")


def test_torch_pinned_to_another_version_carries_no_savings() -> None:
    (finding,) = _lint("FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.2.1\n", "DF203")
    assert finding.savings is None
