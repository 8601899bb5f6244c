"""Property-based fuzzing of the other files dflint reads from a repository: configuration files
(YAML and pyproject TOML), compose files and baselines. Whatever their bytes, reading them ends,
within the time bound the harness enforces, in a value or in the module's own input error, never
in another exception. `DFLINT_FUZZ_EXAMPLES` raises the number of examples for longer runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.baseline import BaselineError
from dflint.baseline import load as load_baseline
from dflint.compose import services
from dflint.config import ConfigError, load_config
from dflint.source import InputError

EXAMPLES = int(os.environ.get("DFLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# Pieces that reach the interesting corners: anchors and aliases, nesting, tags, numbers, keys.
YAML_PIECES = (
    "select:",
    "ignore:",
    "exclude:",
    "per-file-ignores:",
    "rules:",
    "severity:",
    "services:",
    "  web:",
    "    build:",
    "      context: .",
    "      dockerfile: Dockerfile",
    "      args:",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "- ",
    "\n",
    "  ",
    "DF103",
    "null",
    "1e400",
    "9" * 40,
    "!!python/object:os.system",
    "!!binary",
    "? ",
    "<<: *a",
    "'",
    '"',
    "#",
    "${X:-${Y}}",
    "[z-a]",
    "[!]",
    "**/",
)
TOML_PIECES = (
    "[tool.dflint]\n",
    "select = ",
    "ignore = ",
    "[",
    "]",
    "{",
    "}",
    "a = ",
    ", ",
    '"DF103"',
    "1e400",
    "9" * 40,
    "inf",
    "nan",
    "\n",
    "[[tool.dflint.x]]\n",
)
JSON_PIECES = (
    '{"version": 1, "findings": [',
    '{"file": "Dockerfile", "code": "DF103", "fingerprint": "x"',
    ', "count": ',
    "1",
    "1e400",
    "-1",
    "9" * 30,
    "NaN",
    "Infinity",
    "true",
    "null",
    '"3"',
    "}",
    "]",
    "[",
    "{",
    ", ",
    "}]}",
)


def _texts(pieces: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(pieces), max_size=60).map("".join),
        st.text(max_size=300),
        st.builds(lambda piece, depth: piece * depth, st.sampled_from(("[", "{a: ", "- ", "&a [*a, ")), st.integers(0, 3000)),
    )


@pytest.mark.timeout(300)
@FUZZ
@given(text=_texts(YAML_PIECES))
def test_yaml_configs_load_or_fail_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".dflint.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(str(path))
    except ConfigError as error:
        assert error.problems
        assert all(isinstance(line, int) and line >= 1 for line, _ in error.problems)


@pytest.mark.timeout(300)
@FUZZ
@given(text=_texts(TOML_PIECES))
def test_pyproject_configs_load_or_fail_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.dflint]\n" + text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(str(path))
    except ConfigError as error:
        assert error.problems


@pytest.mark.timeout(300)
@FUZZ
@given(text=_texts(YAML_PIECES))
def test_compose_files_read_or_fail_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for item in services(str(path), environ={}):
        if isinstance(item, InputError):
            assert item.line >= 1 and item.message


@pytest.mark.timeout(300)
@FUZZ
@given(text=_texts(JSON_PIECES))
def test_baselines_load_or_fail_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        baseline = load_baseline(str(path))
    except BaselineError as error:
        assert str(error)
    else:
        assert all(type(count) is int and count >= 1 for count in baseline.counts.values())
