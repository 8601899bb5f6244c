"""The biggest wins first: estimates counted once, largest first, never added up; `--sort impact`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.config import build_options
from dflint.engine import Settings, lint_source, selected_rules
from dflint.impact import biggest_wins, by_impact
from dflint.registry import find

SINGLE_STAGE = (
    "FROM python:3.11-slim-bookworm\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\\n"
    "    && apt-get install -y --no-install-recommends cmake && rm -rf /var/lib/apt/lists/*\n"
    "RUN make -C /src\n"
    "RUN pip install --no-cache-dir fastapi==0.115.0\n"
    'CMD ["python", "serve.py"]\n'
)
# the same image with nothing compiled: DF201 reports its build tools (in SINGLE_STAGE, DF101's finding
# names them, and DF201 leaves them to it: `dflint/single_stage.py`)
NO_COMPILE = SINGLE_STAGE.replace("RUN make -C /src\n", "")
# the two tools in two shipped stages (a chain: both ship), so two DF201 findings of their own sizes;
# in one stage they are one finding (one move to a build stage), whose closures share dependencies
CHAIN = (
    "FROM python:3.11-slim-bookworm AS base\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\n"
    "FROM base\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends cmake && rm -rf /var/lib/apt/lists/*\n"
    "RUN pip install --no-cache-dir fastapi==0.115.0\n"
    'CMD ["python", "serve.py"]\n'
)


def _findings(text: str, select: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    settings = Settings(select=select)
    return list(lint_source(text, "Dockerfile", settings, selected_rules(settings), None).findings)


def test_an_estimate_two_rules_give_is_counted_once() -> None:
    findings = _findings(SINGLE_STAGE, ("DF101",)) + _findings(CHAIN, ("DF201",))
    priced = [(f.code, f.savings.mb) for f in findings if f.savings is not None]
    assert ("DF101", 325.4) in priced and ("DF201", 325.4) in priced  # the same estimate, twice
    wins = biggest_wins(findings)
    assert [(win.code, win.savings.mb if win.savings else None) for win in wins] == [("DF101", 325.4), ("DF201", 147.4)]


def test_one_stage_s_build_tools_are_one_finding_whose_closures_are_not_added_up() -> None:
    (finding,) = _findings(NO_COMPILE, ("DF201",))
    assert finding.savings is not None and finding.savings.mb == 325.4  # cmake's closure shares build-essential's
    assert [span.line for span in finding.also] == [3]
    assert finding.message == (
        "build tools meta-package `build-essential` ships in stage 0 (~325 MB) (and 1 more install in this stage);"
        " install it in a build stage"
    )


def test_df201_leaves_the_tools_df101_names() -> None:
    assert [f.code for f in _findings(SINGLE_STAGE, ("DF101", "DF201"))] == ["DF101"]
    assert [f.code for f in _findings(NO_COMPILE, ("DF101", "DF201"))] == ["DF201"]


def test_biggest_wins_keep_files_apart_and_stop_at_the_limit() -> None:
    one = _findings(CHAIN, ("DF201",))
    assert len(biggest_wins(one, limit=1)) == 1
    assert biggest_wins([]) == []


def test_sorting_by_impact_puts_the_largest_saving_first_then_severity() -> None:
    findings = _findings(CHAIN, ("DF201", "DF620"))
    ordered = by_impact(findings)
    assert [f.code for f in ordered] == ["DF201", "DF201", "DF620"]
    assert [f.savings.mb if f.savings else None for f in ordered] == [325.4, 147.4, None]


@pytest.fixture()
def dockerfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(CHAIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return "Dockerfile"


def test_the_text_summary_lists_the_biggest_wins_without_a_total(dockerfile: str) -> None:
    output = CliRunner().invoke(main, ["--select", "DF201,DF620", dockerfile]).output
    assert output.splitlines()[-5:] == [
        "Biggest wins (estimates may share dependencies, so they are not added up; `--sort impact` orders all):",
        "  325 MB  Dockerfile:2  DF201  build tools meta-package `build-essential` ships in stage base (~325 MB); install it in a build stage",
        "  147 MB  Dockerfile:4  DF201  build system `cmake` ships in stage 1 (~147 MB); install it in a build stage",
        "",
        "Found 3 problems (3 warning) in 1 file.",
    ]
    assert "could be reclaimed" not in output


def test_sort_impact_orders_the_text_output(dockerfile: str) -> None:
    output = CliRunner().invoke(main, ["--select", "DF201,DF620", "--sort", "impact", "-q", dockerfile]).output
    assert [line.split()[1] for line in output.splitlines()] == ["DF201", "DF201", "DF620"]
    assert output.splitlines()[0].startswith("Dockerfile:2:")


def test_a_saving_under_a_megabyte_is_not_a_biggest_win() -> None:
    text = (
        'FROM python:3.11-slim-bookworm\nRUN apt-get install -y --no-install-recommends ninja-build\nCMD ["python", "serve.py"]\n'
    )
    assert _findings(text, ("DF201",)) == []  # under 20 MB in all: not reported by default
    rule = find("DF201")
    assert rule is not None
    settings = Settings(select=("DF201",), rule_options={"DF201": build_options(rule, {"check-small-tools": True})})
    (finding,) = lint_source(text, "Dockerfile", settings, [rule], None).findings
    assert finding.savings is not None and finding.savings.mb < 1
    assert "(<1 MB)" in finding.message
    assert biggest_wins([finding]) == []


def test_a_grouped_estimate_counts_as_its_parts() -> None:
    text = (
        "FROM python:3.11-slim-bookworm\n"
        "RUN pip install --no-cache-dir cmake==4.4.5 ninja==1.13.2 fastapi==0.115.0\n"
        'CMD ["python", "serve.py"]\n'
    )
    (grouped,) = _findings(text, ("DF201",))
    assert grouped.savings is not None and grouped.savings.mb == 76.9  # unpacked wheels do not overlap: 76.51 + 0.4
    assert [part.mb for part in grouped.savings.parts] == [76.51, 0.4]
    (largest,) = _findings(text + "RUN make -C /src\n", ("DF101",))
    assert largest.savings is not None and largest.savings.mb == 76.51  # cmake's own estimate, one of the parts
    assert [win.code for win in biggest_wins([grouped, largest])] == ["DF201"]


def test_overlapping_closures_are_not_added_up() -> None:
    text = "FROM python:3.11-slim-bookworm\nRUN apt-get install -y --no-install-recommends cmake build-essential ninja-build\n"
    (finding,) = _findings(text, ("DF201",))
    assert finding.savings is not None and finding.savings.mb == 325.4  # build-essential's closure, not 325.4 + 147.4 + 0.5
    assert finding.savings.source.startswith("apt-cache show --no-all-versions build-essential")
    assert finding.detail is not None and "at least 325.4 MB" in finding.detail
