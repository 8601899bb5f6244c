"""Baselines and fingerprints: adopt dflint in a repository with existing findings, fail only on new ones.

A finding is keyed by its file (relative to the baseline file's directory), its rule code, and a
fingerprint of the words it points at, never by its line number or the rest of its line: adding or
removing lines above it does not make it new, and neither does `--fix` editing the same line or
command for another finding (option words — `-y`, `--no-cache-dir` — are left out of the key, since
fixes add and remove exactly those). Identical keys are counted, so a second copy of a baselined
problem is still reported. A finding made of several places (the installs of a stage that keep pip's
cache, `dflint/grouping.py`) is keyed by all of them: a new place is a new finding. Version 1
baselines (keyed by the whole line too) are still read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from dflint.engine import FileResult
from dflint.model import Span
from dflint.rule import Finding
from dflint.source import escape_path, text_line

VERSION = 2
READABLE = (1, 2)
MAX_BASELINE_BYTES = 64 * 1024 * 1024  # about 300,000 entries


class BaselineError(Exception):
    pass


def _anchor(result: FileResult, finding: Finding) -> str:
    """The words a finding points at (its line's when the span is empty), option words left out; of a
    finding made of several places (`Finding.also`), every place's, so that a new place (another
    install of the stage that keeps pip's cache) makes it a new finding rather than one the
    baseline already accepts."""
    return "\0".join(_words_at(result, span) for span in (finding.span, *finding.also))


def _words_at(result: FileResult, span: Span) -> str:
    text = result.text or ""
    snippet = text[span.offset : span.end_offset] if span.end_offset > span.offset else ""
    if not snippet.strip():
        lines = text.splitlines()
        snippet = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    return " ".join(word for word in snippet.split() if not word.startswith("-") and word != "\\")


def _snippet(result: FileResult, finding: Finding) -> str:
    """Version 1: the text a finding points at and the whole line it starts on, whitespace collapsed."""
    text = result.text or ""
    span = finding.span
    snippet = text[span.offset : span.end_offset] if span.end_offset > span.offset else ""
    lines = text.splitlines()
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    return " ".join(snippet.split()) + "\0" + " ".join(line.split())


def fingerprint(result: FileResult, finding: Finding, version: int = VERSION) -> str:
    """Stable across unrelated edits: the rule and the words it points at, not the position."""
    anchor = _snippet(result, finding) if version == 1 else _anchor(result, finding)
    digest = hashlib.sha256(f"{finding.code}\0{anchor}".encode()).hexdigest()
    return digest[:16]


def fingerprints(result: FileResult) -> list[str]:
    """One fingerprint per finding of a file, unique within it: `<hash>:<n>` for the n-th same key."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    for finding in result.findings:
        base = fingerprint(result, finding)
        out.append(f"{base}:{seen[base]}")
        seen[base] += 1
    return out


def _relative(path: str, base_dir: str) -> str:
    if path == "-":
        return path
    return os.path.relpath(os.path.abspath(path), base_dir).replace(os.sep, "/")


def _key(result: FileResult, finding: Finding, base_dir: str, version: int = VERSION) -> tuple[str, str, str]:
    return (_relative(finding.path or result.path, base_dir), finding.code, fingerprint(result, finding, version))


def write(path: str, results: Sequence[FileResult]) -> int:
    """Record every finding; returns how many. BaselineError when the file cannot be written (the
    previous baseline, if any, is then unchanged)."""
    base_dir = os.path.dirname(os.path.abspath(path))
    counts: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], Finding] = {}
    for result in results:
        for finding in result.findings:
            key = _key(result, finding, base_dir)
            counts[key] += 1
            examples.setdefault(key, finding)
    entries = [
        {
            "file": file,
            "code": code,
            "fingerprint": print_,
            "count": counts[(file, code, print_)],
            "message": examples[(file, code, print_)].message,
        }
        for file, code, print_ in sorted(counts)
    ]
    document = {
        "version": VERSION,
        "tool": "dflint",
        "description": "Findings accepted when dflint was adopted; `dflint --baseline FILE` reports only findings not listed here. Regenerate with `dflint --write-baseline FILE`.",
        "findings": entries,
    }
    from dflint.writing import WriteError, write_file

    try:  # a uniquely named new file renamed over the old baseline: no fixed temporary name to plant a link at
        write_file(path, (json.dumps(document, indent=2) + "\n").encode("utf-8"), make_parents=True)
    except WriteError as error:
        raise BaselineError(f"{escape_path(path)}: cannot write the baseline: {error.reason}") from None
    return sum(counts.values())


@dataclass(frozen=True, slots=True)
class Baseline:
    """A baseline file: how many findings of each (path, code, message) it accepts."""

    path: str
    counts: dict[tuple[str, str, str], int]
    version: int = VERSION

    @property
    def base_dir(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))


MAX_COUNT = 1_000_000  # how many times one finding may be baselined
_MAX_DIGITS = 15


class _BadNumber(ValueError):
    pass


def _small_int(text: str) -> int:
    """An integer of the baseline; a longer one is refused before Python converts it (a
    5,000-digit number is slow to convert and past the interpreter's own limit)."""
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise _BadNumber(f"a number of {len(text.lstrip('-'))} digits is not a count; a baseline holds small whole numbers")
    return int(text)


def _no_constant(text: str) -> Any:
    raise _BadNumber(f"{text} is not a number a baseline holds")


def load(path: str) -> Baseline:
    from dflint.reading import ReadError, read_file

    shown = escape_path(path)
    try:
        document: Any = json.loads(
            read_file(path, limit=MAX_BASELINE_BYTES, what="the baseline").data.decode("utf-8"),
            parse_int=_small_int,
            parse_constant=_no_constant,
        )
    except ReadError as error:
        if error.status == "missing":
            raise BaselineError(f"{shown}: baseline file not found (create it with --write-baseline {shown})") from None
        raise BaselineError(f"{shown}: {error.reason}") from None
    except UnicodeDecodeError as error:
        raise BaselineError(f"{shown}:{text_line(error)}: the baseline is not UTF-8 text") from None
    except json.JSONDecodeError as error:  # line and column only: nothing of the file is quoted
        raise BaselineError(
            f"{shown}:{error.lineno}: the baseline is not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except _BadNumber as error:
        raise BaselineError(f"{shown}: {error}") from None
    except RecursionError:  # the decoder recurses once per nested array or object
        raise BaselineError(f"{shown}: the baseline nests arrays or objects too deeply to be a dflint baseline") from None
    if (
        not isinstance(document, dict)
        or document.get("version") not in READABLE
        or not isinstance(document.get("findings"), list)
    ):
        raise BaselineError(f"{shown}: not a dflint baseline (version {VERSION}); regenerate it with --write-baseline")
    counts: dict[tuple[str, str, str], int] = {}
    for number, entry in enumerate(document["findings"]):
        try:
            key = (str(entry["file"]), str(entry["code"]), str(entry["fingerprint"]))
            count = entry.get("count", 1)
        except (KeyError, TypeError, AttributeError):
            raise BaselineError(f"{shown}: entry {number} needs file, code and fingerprint") from None
        if type(count) is not int or not 1 <= count <= MAX_COUNT:
            raise BaselineError(f"{shown}: entry {number}: count must be a whole number from 1 to {MAX_COUNT}")
        counts[key] = counts.get(key, 0) + count
    return Baseline(path, counts, int(document["version"]))


def apply(baseline: Baseline, results: Sequence[FileResult]) -> tuple[list[FileResult], int, int]:
    """Drop baselined findings: (results with only new findings, how many were matched, how many
    baseline entries matched nothing any more)."""
    remaining = dict(baseline.counts)
    matched = 0
    kept: list[FileResult] = []
    for result in results:
        new: list[Finding] = []
        for finding in result.findings:
            key = _key(result, finding, baseline.base_dir, baseline.version)
            if remaining.get(key, 0) > 0:
                remaining[key] -= 1
                matched += 1
            else:
                new.append(finding)
        kept.append(replace(result, findings=tuple(new)) if len(new) != len(result.findings) else result)
    linted = {_relative(result.path, baseline.base_dir) for result in results}
    stale = sum(count for (file, _, _), count in remaining.items() if count > 0 and file in linted)
    return kept, matched, stale
