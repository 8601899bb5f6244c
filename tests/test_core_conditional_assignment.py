"""A variable assigned in a branch that may not run is unknown afterwards, never a guessed literal."""

from __future__ import annotations

from tests.helpers import model


def _args(text: str) -> list[tuple[str | None, ...]]:
    df = model("FROM python:3.11-slim\n" + text)
    return [command.args for command in df.stages[0].instructions[-1].commands if command.name == "pip"]


def test_assignment_in_if_else_makes_the_value_unknown() -> None:
    script = 'RUN if [ "$(uname -m)" = aarch64 ]; then SUFFIX=-aarch64; else SUFFIX=""; fi; pip install "tensorflow${SUFFIX}"\n'
    assert _args(script) == [("install", None)]


def test_assignment_after_or_in_a_guard_is_unknown() -> None:
    assert _args('RUN [ -n "$CI" ] || PKG=pytest; pip install $PKG\n') == [("install", None)]


def test_unconditional_assignment_and_same_value_in_a_branch_stay_known() -> None:
    assert _args("RUN PKG=numpy; if true; then PKG=numpy; fi; pip install $PKG\n") == [("install", "numpy")]
    assert _args("RUN PKG=numpy; pip install $PKG\n") == [("install", "numpy")]
