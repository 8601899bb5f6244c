"""Arguments written as a JSON array that is not valid JSON (`CMD ['python', 'app.py']`)."""

from __future__ import annotations

import re
import warnings

from dflint.model import Instruction

EXEC_FORM_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_START = re.compile(r"\[\s*([\"'])")


def attempted_json(instruction: Instruction) -> str | None:
    """The argument text when it was meant as a JSON array but does not parse as one; else None.

    Meant as JSON: it starts with `[` and a quoted first item, and either ends with `]` or has a comma
    (so `RUN [ -f /etc/x ]` and `RUN [ "$A" = b ] && …`, shell `test` commands, are not taken for it)."""
    if instruction.keyword not in EXEC_FORM_KEYWORDS or instruction.json_args is not None:
        return None
    text = instruction.arguments.strip()
    if not _START.match(text) or not (text.endswith("]") or "," in text):
        return None
    if text.endswith("]") and "," not in text and re.search(r"\s(=|!=|-[a-z]{1,2})\s", text):
        return None  # `[ "$A" = "b" ]`: a test command
    return text


def why_invalid(text: str) -> str:
    """A short reason a near-JSON array is not JSON."""
    if "'" in text and '"' not in text:
        return "JSON strings need double quotes, not single quotes"
    if not text.endswith("]"):
        return "the closing `]` is missing"
    import json  # only for a finding: the module loads for most files

    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not valid JSON ({error.msg.lower()} at character {error.pos + 1})"
    return "not a JSON array of strings"


def repaired(text: str) -> list[str] | None:
    """The list of strings the text evidently means (Python-style quotes accepted), or None."""
    import ast  # only for a finding, and (with `inspect` deferred) not loaded otherwise

    try:
        with warnings.catch_warnings():  # `'a\;'` warns of an invalid escape: Python's business, not the user's
            warnings.simplefilter("ignore")
            value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value
    return None
