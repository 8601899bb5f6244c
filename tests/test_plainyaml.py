"""The plain-YAML reader returns exactly what `yaml.safe_load` returns, or declines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dflint.config import schema
from dflint.plainyaml import read as load

ROOT = Path(__file__).resolve().parents[1]


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (in Python, True == 1 and 1 == 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def agrees(text: str) -> Any:
    """Assert the reader agrees with PyYAML on `text` or declines; return what it read."""
    ours = load(text)
    if ours is None:
        return None
    theirs = yaml.safe_load(text)  # must not raise: a file PyYAML rejects is never read here
    assert same(ours, {} if theirs is None else theirs), (text, ours, theirs)
    return ours


def documented_examples() -> list[str]:
    """Every YAML block of README.md and docs/configuration.md that is a dflint configuration."""
    blocks = []
    for name in ("README.md", "docs/configuration.md"):
        for block in re.findall(r"```yaml\n(.*?)```", (ROOT / name).read_text(encoding="utf-8"), re.S):
            data = yaml.safe_load(block)
            if isinstance(data, dict) and data and set(data) <= set(schema()["properties"]):
                blocks.append(block)
    return blocks


@pytest.mark.parametrize("text", documented_examples())
def test_the_documented_configurations_are_read_without_pyyaml(text: str) -> None:
    assert agrees(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "select: [DF1]\nselect: [DF2]\n",  # duplicate key: PyYAML's path reports it
        "a: &x [1]\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  text\n",
        "a: b\n  c\n",  # a multi-line plain scalar
        "a: 0x10\n",
        "a: 1.5\n",
        "a: 2024-01-01\n",
        'a: "tab\\tescape"\n',
        "a:\tb\n",
        "- a\n- b\n",  # not a mapping
        "a:b\n",
        "---\na: 1\n",
        "a: [b, c\n",
        "x: " + "[" * 12 + "]" * 12 + "\n",
    ],
)
def test_anything_unusual_is_left_to_pyyaml(text: str) -> None:
    assert load(text) is None


def test_plain_scalars_resolve_as_pyyaml_resolves_them() -> None:
    text = "a: yes\nb: Off\nc: ~\nd: 0\ne: 42\nf: null\ng: ghcr.io\nh: 'it''s'\ni: \"x # y\"  # comment\nj:\nk: [a, 'b', \"c\", 1, true]\n"
    assert agrees(text) == {
        "a": True,
        "b": False,
        "c": None,
        "d": 0,
        "e": 42,
        "f": None,
        "g": "ghcr.io",
        "h": "it's",
        "i": "x # y",
        "j": None,
        "k": ["a", "b", "c", 1, True],
    }


SCALARS = [
    "DF301", "pip-cache", "ALL", "ghcr.io", "docker/**", "*.gcr.io", "_x", "yes", "No", "on", "OFF", "true", "null", "~",
    "0", "7", "07", "0x1F", "1_000", "1.5", ".inf", "-1", "+2", "1:20", "2024-01-01", "a:b", "a b", "a#b", "a #b", "'q'",
    "'it''s'", '"d"', '"e\\n"', "&a", "*a", "!t", "|", ">", "%", "@x", "`x", "=", "<<", "-", "- x", "?", "é", "",
]  # fmt: skip
READABLE = ["DF301", "pip-cache", "ghcr.io", "yes", "0", "7", "null", "'q'", '"d"', "_x", "docker/**"]
scalar = st.one_of(st.sampled_from(READABLE), st.sampled_from(SCALARS))  # half of them readable: both paths get exercised
KEYS = ["select", "ignore", "fail-on", "severity", "options", "DF401", '"docker/**"', "'x y'"]
key = st.one_of(st.sampled_from(KEYS), st.sampled_from([*KEYS, "1", "yes", "a:b", "a b", "[a]"]))
comment = st.sampled_from(["", "  # note", " #", "#x"])


def flow(values: list[str], mapping: bool) -> str:
    if mapping:
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(values, reversed(values))) + "}"
    return "[" + ", ".join(values) + "]"


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(key)
        shape = draw(st.sampled_from(["scalar", "flow-list", "flow-map", "block-list", "block-map", "empty", "same-indent-list"]))
        indent = " " * draw(st.sampled_from([2, 4, 1]))
        if shape == "scalar":
            lines.append(f"{name}: {draw(scalar)}{draw(comment)}")
        elif shape in ("flow-list", "flow-map"):
            values = draw(st.lists(scalar, max_size=3))
            lines.append(f"{name}: {flow(values, shape == 'flow-map')}{draw(comment)}")
        elif shape == "empty":
            lines.append(f"{name}:{draw(comment)}")
        else:
            lines.append(f"{name}:{draw(comment)}")
            for value in draw(st.lists(scalar, min_size=1, max_size=3)):
                if shape == "block-map":
                    lines.append(f"{indent}{draw(key)}: {value}")
                else:
                    lines.append(f"{'' if shape == 'same-indent-list' else indent}- {value}{draw(comment)}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# comment", "   ", "  # indented comment"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=600, deadline=None)
@given(documents())
def test_a_generated_configuration_reads_as_pyyaml_reads_it_or_is_declined(text: str) -> None:
    agrees(text)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=":- \n[]{},#'\"ay10*&!|>%~.\t", max_size=40))
def test_any_text_reads_as_pyyaml_reads_it_or_is_declined(text: str) -> None:
    agrees(text)
