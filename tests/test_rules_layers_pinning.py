"""Messages, size estimates and severities of the cache, layer and pinning rules (DF301-DF304,
DF401, DF402): what the fixtures' positions do not show."""

from __future__ import annotations

from pathlib import Path

from dflint.config import build_options
from dflint.engine import Settings, lint_source
from dflint.registry import find
from dflint.rule import Finding, Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _lint(code: str, text: str, context: Path | None = None) -> list[Finding]:
    rule = find(code)
    assert rule is not None
    result = lint_source(text, "Dockerfile", Settings(select=(code,)), [rule], str(context) if context else None)
    assert not result.errors, result.errors
    return list(result.findings)


def test_pip_cache_carries_the_heavy_wheel_size() -> None:
    (finding,) = _lint("DF301", "FROM python:3.11-slim\nRUN pip install torch==2.13.0 fastapi==0.115.0\n")
    assert finding.savings is not None and finding.savings.mb == 526.6
    assert "heavy_frameworks.json" in finding.savings.source and "torch 526.6 MB" in (finding.detail or "")
    assert finding.message == "`pip install` in stage 0 keeps pip's cache in the layer; add `--no-cache-dir`"


def test_pip_cache_without_a_known_framework_has_no_estimate() -> None:
    (finding,) = _lint("DF301", "FROM python:3.11-slim\nRUN pip install fastapi==0.115.0\n")
    assert finding.savings is None


def test_apt_lists_finding_carries_the_measured_size_and_a_fix() -> None:
    (finding,) = _lint("DF302", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n")
    assert finding.savings is not None and finding.savings.mb == 19.6
    assert finding.fix is not None and finding.fix.edits[0].replacement == " && rm -rf /var/lib/apt/lists/*"


def test_apt_lists_size_is_unknown_on_a_release_it_was_not_measured_on() -> None:
    # measured on Debian 12; Ubuntu's lists (with universe) are another size, and `python:3.11-slim`
    # names no release at all
    for base in ("ubuntu:22.04", "python:3.11-slim", "nvidia/cuda:12.4.1-base-ubuntu22.04"):
        (finding,) = _lint("DF302", f"FROM {base}\nRUN apt-get update && apt-get install -y curl\n")
        assert finding.savings is None, base
    (finding,) = _lint("DF302", "FROM python:3.11-slim-bookworm\nRUN apt-get update && apt-get install -y curl\n")
    assert finding.savings is not None and finding.savings.mb == 19.6


def test_apt_lists_advice_names_every_later_run_that_reads_them() -> None:
    # merging only the next RUN would break `apt source` two RUNs later, which reads the lists too
    text = (
        "FROM ubuntu:22.04\nRUN apt update\nRUN apt install -y xz-utils\n"
        'RUN apt list --installed | xargs apt source --download-only\nCMD ["bash", "-c", "serve"]\n'
    )
    (finding,) = _lint("DF302", text)
    assert finding.message.endswith("leaves the apt lists in the layer; use them (lines 3, 4) in this RUN, then clean up")
    assert finding.fix is None


def test_apt_lists_fix_is_withheld_when_a_later_run_needs_the_lists() -> None:
    (finding,) = _lint("DF302", "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n")
    assert "line 3" in finding.message
    # The cleanup alone would break the install RUN; what is offered is the unsafe merge of the two.
    assert finding.fix is not None and finding.fix.merges == (2,) and str(finding.fix.applicability) == "unsafe"
    text = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apt-get install -y git\n"
    (finding,) = _lint("DF302", text)
    assert finding.fix is None  # the RUN after the install needs the lists too: merging would clean nothing


def test_late_cleanup_of_the_apt_lists_is_left_to_df302_at_the_writer() -> None:
    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert _lint("DF304", text) == []
    (finding,) = _lint("DF302", text)
    assert finding.span.line == 2 and finding.savings is not None


def test_package_removed_later_names_package_and_writer() -> None:
    text = "FROM debian:bookworm\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n"
    (finding,) = _lint("DF304", text)
    assert "removes gcc" in finding.message and "line 2" in finding.message


def test_unpinned_package_messages() -> None:
    text = 'FROM python:3.11\nRUN pip install torch "vllm>=0.2" git+https://x.org/r.git@main\n'
    (finding,) = _lint("DF401", text)  # one finding per install command, from the first to the last unpinned package
    assert finding.message.startswith("3 packages without an exact version in `pip install` in stage 0 (`torch`")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 17, len(text.splitlines()[1]) + 1)
    assert finding.detail is not None
    assert all(
        part in finding.detail
        for part in ("`torch` has no version", "`vllm>=0.2` is a range", "follows a branch or a moving tag")
    )
    rule = find("DF401")
    assert rule is not None
    settings = Settings(select=("DF401",), rule_options={"DF401": build_options(rule, {"each-package": True})})
    each = list(lint_source(text, "Dockerfile", settings, [rule], None).findings)
    assert ["has no version" in each[0].message, "range" in each[1].message, "commit" in each[2].message] == [True] * 3


def test_requirements_file_lists_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("torch\nnumpy==2.1.0\nonnxruntime>=1.18\n")
    text = "FROM python:3.11\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    (finding,) = _lint("DF402", text, tmp_path)
    assert (
        finding.message
        == "`requirements.txt` has 2 unpinned lines: requirements.txt:1 `torch` and 1 more; pin them (`uv pip compile`)"
    )
    assert (
        finding.detail is not None
        and "requirements.txt:3 `onnxruntime>=1.18`" in finding.detail
        and finding.effective_severity == Severity.WARNING
    )


def test_unread_requirements_files_severity(tmp_path: Path) -> None:
    """A file another stage made is not reported (nothing to fix, nothing to read); a missing one is."""
    text = (
        "FROM python:3.11 AS gen\nRUN echo torch==2.4.0 > /r.txt\n"
        "FROM python:3.11\nCOPY --from=gen /r.txt /r.txt\nRUN pip install -r /r.txt\nRUN pip install -r /missing.txt\n"
    )
    (missing,) = _lint("DF402", text, tmp_path)
    assert missing.effective_severity == Severity.WARNING and "/missing.txt" in missing.message


def test_escaping_path_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret-package\n")
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "requirements.txt").write_text("-r ../outside.txt\n")
    text = "FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
    (finding,) = _lint("DF402", text, context)
    assert "outside the build context" in finding.message and "secret-package" not in finding.message


def test_pip_cache_size_follows_the_index_and_skips_local_wheels() -> None:
    text = (
        "FROM python:3.11-slim\n"
        "RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu\n"
        "RUN pip install ./tensorrt-10.0.0-cp311-none-linux_x86_64.whl\n"
    )
    (cpu,) = _lint("DF301", text)  # a local wheel downloads nothing: no cache, no finding
    assert cpu.savings is not None and cpu.savings.mb == 191.8
