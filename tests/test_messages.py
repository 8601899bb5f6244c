"""Short messages: what is wrong and the one thing to do, with the long text in `detail`; the
message bugs fixed along the way (wrong lines, lists cut without saying so, advice given twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.config import build_options
from dflint.engine import Settings, lint_source
from dflint.registry import all_rules, find
from dflint.rule import Finding
from dflint.testing import fixture_dockerfile, lint_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAX_MESSAGE = 140  # about 120 characters, with room for a long package or image name


def _lint(code: str, text: str, context: Path | None = None) -> list[Finding]:
    rule = find(code)
    assert rule is not None
    result = lint_source(text, "Dockerfile", Settings(select=(code,)), [rule], str(context) if context else None)
    assert not result.errors, result.errors
    return list(result.findings)


def _fixture_cases() -> list[Path]:
    cases = sorted(FIXTURES.glob("DF*/*.Dockerfile")) + sorted(FIXTURES.glob("DF*/*/Dockerfile"))
    return [p.parent if p.name == "Dockerfile" else p for p in cases]


def test_every_fixture_message_is_short() -> None:
    long = []
    for path in _fixture_cases():
        code = path.parent.name if path.is_file() else path.parent.name
        if find(code) is None:
            continue
        for finding in lint_fixture(path, code).findings:
            if len(finding.message) > MAX_MESSAGE:
                long.append(f"{fixture_dockerfile(path)}: {finding.code} ({len(finding.message)}) {finding.message}")
    assert not long, "\n".join(long)


def test_stage_names_are_brief() -> None:
    (named,) = _lint("DF301", "FROM python:3.11-slim AS runtime\nRUN pip install fastapi==0.115.0\n")
    assert named.message == "`pip install` in stage runtime keeps pip's cache in the layer; add `--no-cache-dir`"
    (unnamed,) = _lint("DF301", "FROM python:3.11-slim\nRUN pip install fastapi==0.115.0\n")
    assert "in stage 0 keeps" in unnamed.message and "FROM" not in unnamed.message


def test_the_long_text_is_in_detail() -> None:
    (finding,) = _lint(
        "DF201", "FROM python:3.11-slim-bookworm\nRUN apt-get install -y --no-install-recommends build-essential\n"
    )
    assert finding.message == "build tools meta-package `build-essential` ships in stage 0 (~325 MB); install it in a build stage"
    assert finding.detail is not None and "build in a separate stage and copy only the results" in finding.detail


def test_df102_names_the_line_of_the_package_not_of_the_command() -> None:
    text = (
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y \\\n"
        '    curl \\\n    build-essential\nCMD ["python3", "serve.py"]\n'
    )
    (finding,) = _lint("DF102", text)
    assert finding.detail is not None and "`build-essential` installed at line 4" in finding.detail


def test_df624_says_how_many_paths_it_left_out() -> None:
    text = "FROM debian:bookworm-slim\nRUN chmod -R 777 /a /b /c /d /e /f\n"
    (finding,) = _lint("DF624", text)
    assert finding.message == "`chmod 777` on `/a` and 5 more in stage 0 lets every user write; `chown` to the user instead"
    assert finding.detail is not None and "`/a`, `/b`, `/c` and 3 more" in finding.detail


def test_df401_on_a_git_ref_gives_its_advice_once() -> None:
    text = 'FROM python:3.11-slim\nRUN pip install --no-cache-dir git+https://github.com/org/lib.git@main\nCMD ["serve"]\n'
    (finding,) = _lint("DF401", text)
    assert finding.message == (
        "`git+https://github.com/org/lib.git@main` follows a branch or a moving tag in stage 0; pin a release tag or a full commit"
    )
    assert finding.message.count("pin") == 1


@pytest.mark.parametrize(
    ("script", "user"),
    [
        ("RUN useradd --create-home --uid 1000 --shell /bin/bash worker", "worker"),
        ("RUN adduser -D -u 1001 -h /srv app", "app"),
        ("RUN groupadd -r svc && useradd -r -g svc svc", "svc"),
    ],
)
def test_df620_names_the_user_the_file_creates(script: str, user: str) -> None:
    (finding,) = _lint("DF620", f'FROM python:3.11-slim\n{script}\nCMD ["python", "serve.py"]\n')
    assert finding.message == f"stage 0 runs as root (no USER); end with `USER {user}`, the user this file creates"


def test_df620_without_a_created_user_says_to_create_one() -> None:
    (finding,) = _lint("DF620", 'FROM python:3.11-slim\nCMD ["python", "serve.py"]\n')
    assert finding.message == "stage 0 runs as root (no USER); create a user and end with `USER <name>`"


def test_an_unreadable_constraints_file_is_reported_once(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt\n"
        "RUN pip install --no-cache-dir -c constraints.txt flask==3.0.0\n"
        "RUN pip install --no-cache-dir -c constraints.txt gunicorn==22.0.0\n"
    )
    (tmp_path / "requirements.txt").write_text("flask==3.0.0\n", encoding="utf-8")
    findings = _lint("DF402", text, tmp_path)
    assert [(f.span.line, f.message) for f in findings] == [
        (4, "constraints file `/app/constraints.txt` was not read: no COPY or ADD puts it into the image; COPY it first")
    ]


def test_every_rule_finding_keeps_its_detail_optional() -> None:
    """`detail` is optional: rules whose message is already short leave it out."""
    assert all(rule.meta.code for rule in all_rules())
    (finding,) = _lint("DF114", "FROM python:3.11-slim as base\nRUN true\nFROM base AS runtime\n")
    assert finding.detail is None


@pytest.mark.parametrize(
    ("base", "runtime"),
    [
        ("ubuntu:22.04", "libpython3.10"),
        ("ubuntu:24.04", "libpython3.12"),
        ("debian:bookworm-slim", "libpython3.11"),
        ("nvidia/cuda:12.4.1-runtime-ubuntu22.04", "libpython3.10"),
    ],
)
def test_df202_names_the_libpython_of_the_base_release(base: str, runtime: str) -> None:
    text = f'FROM {base}\nRUN apt-get install -y --no-install-recommends python3-dev\nCMD ["python3", "serve.py"]\n'
    (finding,) = _lint("DF202", text)
    assert finding.message.endswith(f"ship `{runtime}` instead")


def test_df202_does_not_guess_the_python_of_an_unknown_release() -> None:
    text = 'FROM registry.example.com/base:1\nRUN apt-get install -y --no-install-recommends python3-dev\nCMD ["python3", "serve.py"]\n'
    (finding,) = _lint("DF202", text)
    assert "libpython3.1" not in finding.message and "libpython3.1" not in (finding.detail or "")


def test_build_tools_of_one_command_are_one_finding_largest_first() -> None:
    text = (
        "FROM python:3.11-slim-bookworm\nRUN apt-get install -y --no-install-recommends ninja-build curl build-essential \\\n"
        "    cmake pkg-config autoconf libtool\n"
    )
    (finding,) = _lint("DF201", text)
    assert finding.message.startswith("6 build tools ship in stage 0 (`build-essential` ~325 MB, `libtool` ~221 MB")
    assert finding.message.endswith(" more); install them in a build stage") and len(finding.message) <= 120
    assert (finding.span.line, finding.span.column, finding.span.end_line) == (2, 48, 3)
    assert finding.detail is not None and all(
        f"`{name}` (" in finding.detail for name in ("ninja-build", "autoconf", "pkg-config")
    )
    rule = find("DF201")
    assert rule is not None
    settings = Settings(
        select=("DF201",), rule_options={"DF201": build_options(rule, {"each-package": True, "check-small-tools": True})}
    )
    each = list(lint_source(text, "Dockerfile", settings, [rule], None).findings)
    assert [f.message.split("`")[1] for f in each] == [
        "ninja-build",
        "build-essential",
        "cmake",
        "pkg-config",
        "autoconf",
        "libtool",
    ]


def test_tools_that_differ_in_advice_stay_apart() -> None:
    text = "FROM python:3.11-slim\nRUN apt-get install -y --no-install-recommends git gcc make\nRUN apt-get purge -y make\n"
    rule = find("DF201")
    assert rule is not None
    options = {"check-git": True, "check-small-tools": True}  # make alone is 1.8 MB
    settings = Settings(select=("DF201",), rule_options={"DF201": build_options(rule, options)})
    findings = list(lint_source(text, "Dockerfile", settings, [rule], None).findings)
    assert [(f.message.split(" ")[0], f.effective_severity.name) for f in findings] == [
        ("version", "INFO"),
        ("compiler", "WARNING"),
        ("build", "WARNING"),
    ]
    assert "not on line 3" in findings[2].message
    # git is reported only with check-git, and make alone (1.8 MB) only with check-small-tools
    assert [f.message.split(" ")[0] for f in _lint("DF201", text)] == ["compiler"]


def test_header_packages_of_one_command_are_one_finding() -> None:
    text = "FROM debian:bookworm-slim\nRUN apt-get install -y libpq-dev libfoo-dev python3-dev\n"
    (finding,) = _lint("DF202", text)
    assert finding.message == (
        "3 header packages ship in stage 0 (`python3-dev` ~53 MB, `libpq-dev` ~13 MB, `libfoo-dev`); compile in a build stage"
    )
    assert finding.savings is not None and finding.savings.mb == 53.1  # beyond the interpreter and libpython3.11
    assert (
        finding.detail is not None
        and "install `libpq5` instead" in finding.detail
        and "1 of the 3 packages has no known size" in finding.detail
    )
    rule = find("DF202")
    assert rule is not None
    settings = Settings(select=("DF202",), rule_options={"DF202": build_options(rule, {"each-package": True})})
    assert len(list(lint_source(text, "Dockerfile", settings, [rule], None).findings)) == 3


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ('FROM alpine:3.20\nCOPY gateway /root/gateway\nENTRYPOINT ["/root/gateway"]\n', "/root/gateway", 3),
        (
            'FROM python:3.11-slim\nRUN pip install --no-cache-dir --user pipx==1.7.1\nENV PATH=/root/.local/bin:$PATH\nCMD ["serve"]\n',
            "/root/.local/bin",
            3,
        ),
    ],
)
def test_df620_says_what_the_image_runs_from_root_home(text: str, path: str, line: int) -> None:
    (finding,) = _lint("DF620", text)
    assert finding.message.endswith(f", and move `{path}` (line {line}) out of /root")
    assert finding.detail is not None and "which only root can read (mode 700)" in finding.detail


def test_df620_says_nothing_of_root_home_when_nothing_runs_from_it() -> None:
    (finding,) = _lint("DF620", 'FROM python:3.11-slim\nENV PATH=/opt/venv/bin:$PATH\nCMD ["serve"]\n')
    assert "/root" not in finding.message


def test_df301_reports_the_installs_of_one_stage_once_with_one_fix() -> None:
    text = (
        "FROM python:3.11-slim\n"
        'RUN if [ -n "$EXTRA" ]; then pip install --upgrade $EXTRA genai-perf; else pip install --upgrade genai-perf; fi\n'
        "RUN pip install a==1 && pip install b==2 && pip install c==3\n"
    )
    (finding,) = _lint("DF301", text)
    assert (
        finding.message
        == "`pip install` in stage 0 keeps pip's cache in the layer (and 4 more in this stage); add `--no-cache-dir`"
    )
    assert finding.detail is not None and finding.detail.endswith("; the same holds on lines 2, 3 in this stage")
    assert finding.fix is not None and len(finding.fix.edits) == 5
    assert [span.line for span in finding.also] == [2, 3, 3, 3]


def test_a_long_path_keeps_its_file_name() -> None:
    from dflint.rule import clip_path

    assert clip_path("requirements.txt", 32) == "requirements.txt"
    assert clip_path("kserve/docs/samples/v1beta1/requirements.txt", 32) == "…/v1beta1/requirements.txt"
    assert clip_path("a/" + "x" * 50 + ".txt", 32) == "x" * 31 + "…"


def test_df315_names_the_dependency_file_to_copy_first_whole(tmp_path: Path) -> None:
    deep = tmp_path / "python" / "custom_model" / "samples" / "v1beta1"
    deep.mkdir(parents=True)
    # torch: a reinstall of a few light packages alone is not reported
    (deep / "requirements.txt").write_text("flask==3.0.0\ntorch==2.5.1\n")
    text = (
        "FROM python:3.11-slim\n"
        "COPY python/custom_model/samples/v1beta1 /app\n"
        "RUN pip install --no-cache-dir -r /app/requirements.txt\n"
    )
    (finding,) = _lint("DF315", text, tmp_path)
    assert "copy …/v1beta1/requirements.txt before line 2" in finding.message, finding.message
