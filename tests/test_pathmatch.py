"""Plain patterns (names, `*`, `**`, no `!`) are matched with `re` and decide exactly as pathspec's
RE2 matcher does; any other pattern still goes to pathspec."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dflint import pathmatch
from dflint.pathmatch import PathMatcher, _plain, _spec
from tests.helpers import imported_modules

ROOT = "/work/tree"

segment_names = st.sampled_from(["a", "b", "ab", "Dockerfile", "dev", ".dev", "x.y", "*", "**", "*.dev", "a*", "*b", "a*b"])
patterns = st.builds(
    lambda anchored, segments, directory: ("/" if anchored else "") + "/".join(segments) + ("/" if directory else ""),
    st.booleans(),
    st.lists(segment_names, min_size=1, max_size=4),
    st.booleans(),
)
paths = st.lists(
    st.sampled_from(["a", "b", "ab", "Dockerfile", "dev", "x.y", "a.dev", "ab.dev", "a\n", "é"]), min_size=1, max_size=5
)


def pathspec_decides(patterns: tuple[str, ...], name: str) -> bool | None:
    result = _spec(patterns).check_file(name)
    return None if result.include is None else bool(result.include)


@settings(max_examples=400, deadline=None)
@given(st.lists(patterns, min_size=1, max_size=3), paths, st.booleans())
def test_plain_patterns_decide_as_pathspec_with_re2_does(chosen: list[str], parts: list[str], directory: bool) -> None:
    patterns = tuple(chosen)
    name = "/".join(parts)
    matcher = PathMatcher(ROOT, patterns)
    expected = pathspec_decides(patterns, name + "/" if directory else name)
    assert matcher.decide(f"{ROOT}/{name}", directory) == expected


@pytest.mark.parametrize(
    ("pattern", "plain"),
    [
        ("docker/dev/**", True),
        ("**/Dockerfile.dev", True),
        ("*.dev", True),
        ("./docker", True),
        ("build/", True),
        ("*a*a*b", False),  # three wildcards: RE2
        ("!keep", False),
        ("[ab]", False),
        ("a?", False),
        ("a\\*", False),
        ("**", False),
        ("/", False),
        ("a//b", False),
        ("a**b", False),
    ],
)
def test_which_patterns_are_plain(pattern: str, plain: bool) -> None:
    assert (_plain((pattern,)) is not None) is plain


def test_a_long_path_goes_to_re2(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    original = pathmatch._spec

    def spy(patterns: tuple[str, ...]) -> object:
        calls.append(patterns)
        return original(patterns)

    monkeypatch.setattr(pathmatch, "_spec", spy)
    matcher = PathMatcher(ROOT, ("*b",))
    assert matcher.decide(f"{ROOT}/{'a' * 2000}") is None and calls == [("*b",)]
    calls.clear()
    assert matcher.decide(f"{ROOT}/ab") is True and calls == []


def test_a_plain_per_file_ignores_pattern_imports_neither_pathspec_nor_re2(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install torch==2.4.0\n")
    (tmp_path / ".dflint.yaml").write_text('per-file-ignores: {"docker/dev/**": [DF2]}\nexclude: ["*.dev"]\n')
    imported = imported_modules("Dockerfile", cwd=tmp_path, codes=(0, 1))
    assert "dflint.pathmatch" in imported and not {"pathspec", "re2"} & imported
