"""`--fix --unsafe-fixes` clears the ML cache rules (DF301 pip, DF302 apt lists, DF303 conda,
micromamba and the rest) on generated Dockerfiles that install the way ML images do: apt with a
separate `apt-get update` RUN, conda/mamba/micromamba, heredoc scripts, pip; and on the corpus
every DF301/DF302/DF303 finding that offers a fix is gone afterwards. Fix safety: the merge of
two RUNs and a heredoc append without `set -e` are unsafe, and only a declared merge may change
the file's structure."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.engine import Settings, lint_source, selected_rules
from dflint.fix import expected_structure, fix_source, structure, wanted
from dflint.parse import parse
from dflint.rule import Applicability
from dflint.source import InputError, decode
from tests.corpus import corpus_dir, requires_corpus

CACHE_RULES = ("DF301", "DF302", "DF303")
SETTINGS = Settings()  # every default rule: the cache fixes must hold up next to the others'


def findings(text: str, *codes: str) -> list[tuple[str, int]]:
    rules = selected_rules(Settings(select=codes or CACHE_RULES))
    return [(f.code, f.span.line) for f in lint_source(text, "Dockerfile", SETTINGS, rules, None).findings]


def fix(text: str, *, unsafe: bool = True, select: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    settings = Settings(select=select) if select else SETTINGS
    outcome = fix_source(text, "Dockerfile", settings, selected_rules(settings), None, unsafe=unsafe)
    return outcome.fixed, [str(error) for error in outcome.result.errors if error not in outcome.first.errors]  # type: ignore[union-attr]


# -- generated Dockerfiles -----------------------------------------------------------------------

APT = ["curl", "git", "libgomp1", "ffmpeg"]
PIP = ["torch==2.4.0", "numpy==2.1.0", "fastapi==0.115.0"]
CONDA = ["numpy=1.26.4", "scipy=1.13.1"]


@st.composite
def apt_steps(draw: st.DrawFn) -> str:
    packages = " ".join(draw(st.lists(st.sampled_from(APT), min_size=1, max_size=3, unique=True)))
    install = f"apt-get install -y --no-install-recommends {packages}"
    style = draw(st.sampled_from(["separate", "joined", "continued", "heredoc", "heredoc-e"]))
    if style == "separate":
        return f"RUN apt-get update\nRUN {install}\n"
    if style == "joined":
        return f"RUN apt-get update && {install}\n"
    if style == "continued":
        return f"RUN apt-get update \\\n    && {install}\n"
    prefix = "set -eux\n" if style == "heredoc-e" else ""
    return f"RUN <<EOF\n{prefix}apt-get update\n{install}\nEOF\n"


@st.composite
def conda_steps(draw: st.DrawFn) -> str:
    manager = draw(st.sampled_from(["conda", "mamba", "micromamba"]))
    package = draw(st.sampled_from(CONDA))
    target = " -n base -c conda-forge" if manager == "micromamba" else ""
    command = f"{manager} install -y{target} {package}"
    if draw(st.booleans()):
        return f"RUN <<EOF\n{'set -e' + chr(10) if draw(st.booleans()) else ''}{command}\nEOF\n"
    return f"RUN {command}\n"


@st.composite
def pip_steps(draw: st.DrawFn) -> str:
    packages = " ".join(draw(st.lists(st.sampled_from(PIP), min_size=1, max_size=2, unique=True)))
    return f"RUN {draw(st.sampled_from(['pip', 'pip3', 'python -m pip']))} install {packages}\n"


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(["python:3.11-slim", "debian:bookworm-slim", "mambaorg/micromamba:1.5.8"]))
    steps = draw(st.lists(st.one_of(apt_steps(), conda_steps(), pip_steps()), min_size=1, max_size=4))
    return f"FROM {base}\n" + "".join(steps) + 'CMD ["python", "-m", "app"]\n'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_fix_unsafe_clears_every_cache_finding(text: str) -> None:
    assert findings(text), text  # every generated file has something to fix
    fixed, errors = fix(text)
    assert errors == [], (text, errors)
    assert findings(fixed) == [], f"{text}\n---\n{fixed}"
    assert not parse(fixed, "Dockerfile").errors
    again, _ = fix(fixed)
    assert again == fixed  # idempotent


# -- fix safety ----------------------------------------------------------------------------------

SEPARATE = "FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n"
HEREDOC = "FROM debian:bookworm-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n"


def test_the_merge_and_a_heredoc_without_set_e_are_unsafe() -> None:
    for text in (SEPARATE, HEREDOC):
        rules = selected_rules(Settings(select=("DF302",)))
        (finding,) = lint_source(text, "Dockerfile", Settings(select=("DF302",)), rules, None).findings
        assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
        assert wanted(finding.fix, True) and not wanted(finding.fix, False)
        assert fix(text, unsafe=False, select=("DF302",))[0] == text  # plain --fix leaves it
    merged, errors = fix(SEPARATE, select=("DF302",))
    assert errors == [] and merged == (
        "FROM debian:bookworm-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )


def test_only_the_declared_merge_may_change_the_structure() -> None:
    model = parse(SEPARATE, "Dockerfile")
    rules = selected_rules(Settings(select=("DF302",)))
    (finding,) = lint_source(SEPARATE, "Dockerfile", Settings(select=("DF302",)), rules, None).findings
    assert finding.fix is not None and finding.fix.merges == (2,)
    count, global_args, stages = expected_structure(model, [finding])
    assert (count, global_args, stages) == (2, 0, (("0", None, ("RUN",)),))
    assert expected_structure(model, []) == structure(model)


def test_a_fix_that_merges_without_declaring_it_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import dflint.fix as fixer

    real = fixer.apply_pass

    def undeclared(text: str, found: list, *, unsafe: bool):  # type: ignore[no-untyped-def, type-arg]
        stripped = [dataclasses.replace(f, fix=dataclasses.replace(f.fix, merges=())) if f.fix else f for f in found]
        return real(text, stripped, unsafe=unsafe)

    monkeypatch.setattr(fixer, "apply_pass", undeclared)
    fixed, errors = fix(SEPARATE, select=("DF302",))
    assert fixed == SEPARATE
    assert errors and "would change the file's structure" in errors[0]


# -- the corpus ----------------------------------------------------------------------------------


@requires_corpus
def test_the_corpus_keeps_no_fixable_cache_finding() -> None:
    directory = corpus_dir()
    assert directory is not None
    rules = selected_rules(SETTINGS)
    left: Counter[str] = Counter()
    files = 0
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        try:
            text = decode(str(path), path.read_bytes())
        except InputError:
            continue
        name = str(path.relative_to(directory))
        outcome = fix_source(text, name, SETTINGS, rules, str(path.parent), unsafe=True)
        if outcome.first is None or outcome.first.errors:  # a file with parse errors is never fixed
            continue
        files += 1
        for finding in lint_source(outcome.fixed, name, SETTINGS, rules, str(path.parent)).findings:
            if finding.code in CACHE_RULES and wanted(finding.fix, True):
                left[f"{name}:{finding.span.line}: {finding.code}"] += 1
    assert files > 0
    assert not left, sorted(left)[:20]


def test_the_fixtures_cover_the_three_cases() -> None:
    root = Path(__file__).resolve().parents[1] / "fixtures"
    for name in ("DF302/heredoc.Dockerfile", "DF302/update-alone.Dockerfile", "DF303/micromamba.Dockerfile"):
        assert (root / (name + ".fixed")).is_file(), name
