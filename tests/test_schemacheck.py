"""The quick schema check never calls valid what jsonschema calls invalid, and says yes to ordinary configurations."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dflint.config import schema
from dflint.schemacheck import conforms

KEYS = [*schema()["properties"], "selct", "", "options"]
WORDS = ["DF3", "DF301", "pip-cache", "ALL", "-x", "", "a b", "error", "warning", "nope", "docker/**", "PATH", "1X", "_A"]
scalars = st.one_of(
    st.sampled_from(WORDS), st.text(max_size=4), st.integers(-2, 2), st.booleans(), st.none(), st.floats(allow_nan=False)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(WORDS + KEYS), st.integers(0, 2)), inner, max_size=3),
    ),
    max_leaves=8,
)
words = st.sampled_from(WORDS)
# Mostly well-formed values, one bad word away from invalid: where a wrong yes would hide.
near_valid = st.fixed_dictionaries(
    {},
    optional={
        "select": st.lists(words, max_size=3),
        "ignore": st.lists(words, max_size=3),
        "fail-on": words,
        "severity": st.dictionaries(words, words, max_size=2),
        "options": st.dictionaries(words, st.one_of(st.dictionaries(words, scalars, max_size=2), scalars), max_size=2),
        "per-file-ignores": st.dictionaries(words, st.lists(words, max_size=2), max_size=2),
        "build-args": st.dictionaries(words, st.one_of(words, st.integers(0, 1)), max_size=2),
        "exclude": st.lists(words, max_size=2),
        "target": words,
        "trusted-registries": st.lists(st.one_of(words, st.none()), max_size=2),
    },
)
configs = st.one_of(near_valid, st.dictionaries(st.sampled_from(KEYS), values, max_size=4))


def jsonschema_valid(data: Any, against: dict[str, Any]) -> bool:
    return not list(jsonschema.Draft202012Validator(against).iter_errors(data))


@settings(max_examples=400, deadline=None)
@given(configs)
def test_a_quick_yes_is_never_a_jsonschema_no(data: dict[str, Any]) -> None:
    if conforms(data, schema()):
        assert jsonschema_valid(data, schema())


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"select": ["DF1", "DF2", "DF3"], "ignore": ["DF306"], "severity": {"DF401": "error"}},
        {"per-file-ignores": {"docker/dev/**": ["DF2"]}, "options": {"pip-cache": {"include-build-stages": True}}},
        {"fail-on": "error", "target": "runtime", "build-args": {"BASE": "python:3.11-slim"}, "exclude": ["vendor/"]},
        {"trusted-registries": ["ghcr.io"], "extend-select": ["DF690"]},
    ],
)
def test_ordinary_configurations_need_no_jsonschema(data: dict[str, Any]) -> None:
    assert jsonschema_valid(data, schema())
    assert conforms(data, schema())


@pytest.mark.parametrize(
    "data",
    [
        {"selct": ["DF3"]},
        {"select": "DF3"},
        {"select": ["-x"]},
        {"fail-on": "fatal"},
        {"severity": {"DF401": "loud"}},
        {"build-args": {"1X": "a"}},
        {"build-args": {"A": 1}},
        {"exclude": [""]},
        {"target": ""},
        {"options": {"pip-cache": []}},
        [],
    ],
)
def test_invalid_configurations_go_to_jsonschema(data: Any) -> None:
    assert not jsonschema_valid(data, schema())
    assert not conforms(data, schema())


def test_an_unknown_keyword_or_remote_reference_is_left_to_jsonschema() -> None:
    assert not conforms(3, {"maximum": 5})
    assert not conforms("a", {"$ref": "https://example.com/schema.json"})
    assert not conforms({"a": 1}, {"patternProperties": {"^a$": {}}, "additionalProperties": False})
    assert not conforms(True, {"type": "integer"})  # a boolean is not an integer in JSON Schema
    assert conforms(True, {"type": "boolean", "description": "annotations constrain nothing"})
    assert conforms(1, True)
    assert not conforms(1, False)
