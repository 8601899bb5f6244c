"""Properties of `--fix --unsafe-fixes` with every rule, on the shared corpus of real Dockerfiles and
on generated ones:

- fixing is idempotent: fixing the fixed text applies nothing and changes nothing;
- the fixed text parses without error to the same instruction count and stage structure;
- every fixed finding is gone: for each code, findings after <= findings before - fixes applied
  (fixes beyond the findings before, made and fixed within the run, count as zero), and nothing
  left offers a fix;
- no finding of another code appears that was not there before (the same per-code count), except
  what a fix hands to another rule by design (`REVEALS`: quoting `numba>=0.57.1`, DF408, gives pip
  the range the author wrote, which DF401 then judges; at most one such finding per fix);
- fixing never fails (no "did not settle", "undo each other" or "structure" error).

`python -m tests.test_fix_properties` prints the corpus counts, `… --generated 3000` those of 3000
generated files (docs/measurements/fix.md).
"""

from __future__ import annotations

import codecs
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dflint.engine import Settings, lint_source, selected_rules
from dflint.fix import fix_bytes, fix_source, structure, wanted
from dflint.parse import parse
from dflint.source import InputError, decode

ROOT = Path(__file__).resolve().parents[1]
# DFLINT_FIX_IGNORE=DF312,DF314 leaves rules out, to look past a known failure while debugging.
SETTINGS = Settings(ignore=tuple(code for code in os.environ.get("DFLINT_FIX_IGNORE", "").split(",") if code))


# A fix that hands another rule what the author wrote: DF408 quotes `numba>=0.57.1`, so pip gets the
# range, which DF401 judges (a lower bound is not a pin). The DF401 finding was hidden by the shell's
# cut (DF401 leaves a cut word to DF408), not made by the fix.
REVEALS: dict[str, tuple[str, ...]] = {"DF408": ("DF401",)}


def corpus_dir() -> Path | None:
    configured = os.environ.get("DFLINT_CORPUS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "corpus" / "files"
    return path if path.is_dir() else None


@dataclass
class Tally:
    files: int = 0
    changed: int = 0
    fixes: Counter[str] = field(default_factory=Counter)
    passes: Counter[int] = field(default_factory=Counter)  # files changed, by the number of passes they took
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        failing = len({failure.split(": ", 1)[0] for failure in self.failures})
        return (
            f"{self.files} files, {self.changed} changed, {sum(self.fixes.values())} fixes applied, "
            f"{len(self.failures)} failures in {failing} files"
        )


def same_structure_but_merges(original: Any, fixed: Any, applied: Sequence[Any]) -> bool:
    """The same structure, except for the RUNs that applied merge fixes joined to the RUN before
    them (`Fix.merges`): that many fewer RUNs, every stage and every other instruction unchanged."""
    merges = sum(len(finding.fix.merges) for finding in applied if finding.fix is not None)
    if not merges:
        return structure(fixed) == structure(original)
    count, global_args, stages = structure(original)
    new_count, new_global_args, new_stages = structure(fixed)
    if (new_count, new_global_args) != (count - merges, global_args) or len(stages) != len(new_stages):
        return False
    for (key, base, kinds), (new_key, new_base, new_kinds) in zip(stages, new_stages):
        if (key, base) != (new_key, new_base) or [k for k in kinds if k != "RUN"] != [k for k in new_kinds if k != "RUN"]:
            return False
    return True


def check_text(text: str, path: str, context: str | None, tally: Tally) -> None:
    """Fix `text` with every rule (unsafe fixes included) and record any broken property."""
    rules = selected_rules(SETTINGS)
    tally.files += 1
    outcome = fix_source(text, path, SETTINGS, rules, context, unsafe=True)
    first = outcome.first
    assert first is not None
    refused = set()
    for error in outcome.result.errors:
        if error not in first.errors:
            tally.failures.append(f"{path}: {error.message}")
            refused.add(error.message.split(" ", 1)[0])
    if not outcome.changed:
        return
    tally.changed += 1
    tally.fixes.update(outcome.fixed_counts)
    tally.passes[outcome.passes] += 1
    reparsed = parse(outcome.fixed, path)
    original = parse(text, path)
    if reparsed.errors or not same_structure_but_merges(original, reparsed, outcome.applied):
        tally.failures.append(f"{path}: the fixed text parses differently")
    again = fix_source(outcome.fixed, path, SETTINGS, rules, context, unsafe=True)
    if again.applied or again.fixed != outcome.fixed:
        codes = sorted({f.code for f in again.applied})
        tally.failures.append(f"{path}: not idempotent (a second run applies {', '.join(codes) or 'no-op edits'})")
    before = Counter(f.code for f in first.findings)
    remaining = lint_source(outcome.fixed, path, SETTINGS, rules, context).findings
    after = Counter(f.code for f in remaining)
    fixed = outcome.fixed_counts
    # a merge fix and the cleanup appended to the merged RUN in the next pass fix one finding
    merges = Counter(f.code for f in outcome.applied if f.fix is not None and f.fix.merges)
    revealed = Counter({code: n for fixer, n in fixed.items() for code in REVEALS.get(fixer, ())})
    for code in sorted(set(after) | set(fixed)):
        # A fix can make a finding that a later pass fixes (`from … as` → `FROM … as` → `FROM … AS`),
        # so more fixes than findings-before may apply; what counts is where the file ends up.
        if after[code] - revealed[code] > before[code] - min(before[code], fixed[code] - merges[code]):
            what = "appeared" if code not in before else "not all fixed"
            tally.failures.append(f"{path}: {code}: {before[code]} before, {fixed[code]} fixed, {after[code]} after ({what})")
    for finding in remaining:
        if wanted(finding.fix, True) and finding.code not in refused:  # a refused fix is reported already
            tally.failures.append(f"{path}: {finding.code} at line {finding.span.line} still offers a fix after fixing")


def corpus_tally() -> Tally:
    directory = corpus_dir()
    assert directory is not None
    tally = Tally()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        try:
            text = decode(str(path), path.read_bytes())
        except InputError:
            continue
        check_text(text, str(path.relative_to(directory)), str(path.parent), tally)
    return tally


@pytest.mark.skipif(corpus_dir() is None, reason="the shared corpus is not present (set DFLINT_CORPUS)")
def test_fixing_the_corpus_keeps_every_property() -> None:
    tally = corpus_tally()
    assert tally.files > 0
    assert not tally.failures, f"{tally.line()}:\n" + "\n".join(tally.failures[:40])


# --- generated Dockerfiles ------------------------------------------------------------------------

IMAGES = [
    "python:3.11",
    "python:3.11-slim",
    "python:3.12-bookworm",
    "nvidia/cuda:12.1.0-devel-ubuntu22.04",
    "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04",
    "ubuntu:22.04",
    "debian:bookworm-slim",
    "alpine:3.19",
    "rockylinux:9",
    "${BASE}",
]
PACKAGES = [
    "torch==2.4.0",
    "numpy",
    "opencv-python",
    "opencv-python==4.10.0.84",
    "fastapi",
    "gcc",
    "build-essential",
    "curl",
    "git",
    "$PKG",
]
COMMANDS = [
    "pip install {p}",
    "pip3 install --no-cache-dir {p}",
    "python -m pip install -U {p}",
    "uv pip install --system {p}",
    "apt-get update",
    "apt-get install {p}",
    "apt-get install -y {p}",
    "apt-get -y install --no-install-recommends {p}",
    "apt install -y {p}",
    "rm -rf /var/lib/apt/lists/*",
    "apk add {p}",
    "apk add --no-cache {p}",
    "yum install -y {p}",
    "dnf install {p}",
    "yum clean all",
    "echo {p}",
    "make -j4",
    "gcc -o app app.c",
    "cd /src",
]
JOINERS = [" && ", " \\\n    && ", "; ", " && \\\n  ", " \\\n\t&& "]
KEYWORDS = ["RUN", "run", "Run"]


@st.composite
def run_instruction(draw: st.DrawFn) -> str:
    commands = [
        draw(st.sampled_from(COMMANDS)).format(p=" ".join(draw(st.lists(st.sampled_from(PACKAGES), min_size=1, max_size=3))))
        for _ in range(draw(st.integers(1, 4)))
    ]
    keyword = draw(st.sampled_from(KEYWORDS))
    style = draw(st.sampled_from(["plain", "plain", "sh-c", "heredoc", "mount"]))
    if style == "heredoc":
        return f"{keyword} <<EOF\nset -e\n" + "\n".join(commands) + "\nEOF"
    script = draw(st.sampled_from(JOINERS)).join(commands)
    if style == "sh-c" and "\n" not in script and "'" not in script:
        return f"{keyword} sh -c '{script}'"
    if style == "mount":
        return f"{keyword} --mount=type=cache,target=/root/.cache/pip {script}"
    return f"{keyword} {script}"


OTHER = [
    "MAINTAINER Jane Doe <jane@example.com>",
    "maintainer jane",
    "CMD python serve.py --port 8080",
    'CMD ["python", "serve.py"]',
    "ENTRYPOINT python -m app",
    "CMD uvicorn app:app --host 0.0.0.0 && echo done",
    "ENV PIP_NO_CACHE_DIR=1",
    "ENV DEBIAN_FRONTEND=noninteractive",
    "WORKDIR /app",
    "COPY . /app",
    "copy requirements.txt /app/",
    "USER 1000",
    "EXPOSE 8080",
    "# a comment",
    "# dflint: ignore=DF301",
    "LABEL org.opencontainers.image.title=x",
    "ARG PKG",
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    'RUN ["pip", "install", "torch"]',
    "ONBUILD RUN pip install numpy",
    "RUN pip install torch # a trailing comment",
    "RUN apt-get update && apt-get install -y curl \\\n    # a comment inside the continuation\n    && rm -rf /var/lib/apt/lists/*",
]


@st.composite
def dockerfile(draw: st.DrawFn) -> tuple[bytes, str]:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# check=skip=JSONArgsRecommended"])))
    if draw(st.booleans()):
        lines.append("ARG BASE=python:3.11")
    names: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        choices = IMAGES + names
        base = draw(st.sampled_from(choices))
        name = draw(st.sampled_from([None, f"stage{index}", f"Build{index}"]))
        from_keyword = draw(st.sampled_from(["FROM", "from", "FROM --platform=$TARGETPLATFORM", "FROM --platform=linux/amd64"]))
        as_keyword = draw(st.sampled_from(["AS", "as", "As"]))
        lines.append(f"{from_keyword} {base}" + (f" {as_keyword} {name}" if name else ""))
        if name:
            names.append(name)
        for _ in range(draw(st.integers(0, 5))):
            lines.append(draw(run_instruction()) if draw(st.booleans()) else draw(st.sampled_from(OTHER)))
        if draw(st.booleans()):
            lines.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line.replace("\n", newline) for line in lines)
    if draw(st.booleans()):
        text += newline
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), text


@settings(
    max_examples=int(os.environ.get("DFLINT_FIX_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(dockerfile())
def test_fixing_generated_dockerfiles_keeps_every_property(generated: tuple[bytes, str]) -> None:
    data, text = generated
    tally = Tally()
    check_bytes(data, text, "Dockerfile", tally)
    assert not tally.failures, "\n".join(tally.failures) + "\n--- input ---\n" + text


def check_bytes(data: bytes, text: str, path: str, tally: Tally) -> None:
    """The file's bytes as `--fix` reads them: decoded as Docker does (a BOM dropped, line endings
    kept), fixed with every property checked, and written back with the BOM it had."""
    if decode(path, data) != text:
        tally.failures.append(f"{path}: decoding changed the text")
        return
    check_text(text, path, None, tally)
    outcome = fix_bytes(data, path, SETTINGS, selected_rules(SETTINGS), None, unsafe=True)
    if outcome.fixed_bytes().startswith(codecs.BOM_UTF8) != data.startswith(codecs.BOM_UTF8):
        tally.failures.append(f"{path}: the fix dropped or added a BOM")
    if not outcome.changed and outcome.fixed_bytes() != data:
        tally.failures.append(f"{path}: an unchanged file is written back differently")


def generated_tally(examples: int, seed: int = 20261125) -> Tally:
    """Fix `examples` generated Dockerfiles (a fixed seed, so the counts can be reproduced)."""
    from hypothesis import seed as fixed_seed

    tally = Tally()

    @fixed_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(dockerfile())
    def run(generated: tuple[bytes, str]) -> None:
        check_bytes(generated[0], generated[1], "Dockerfile", tally)

    run()
    return tally


if __name__ == "__main__":
    import time

    started = time.perf_counter()
    if sys.argv[1:2] == ["--generated"]:
        result = generated_tally(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    elif corpus_dir() is None:
        sys.exit("the shared corpus is not present (set DFLINT_CORPUS)")
    else:
        result = corpus_tally()
    print(f"{result.line()} ({time.perf_counter() - started:.1f} s)")
    print("  passes per changed file: " + ", ".join(f"{n}: {count}" for n, count in sorted(result.passes.items())))
    for code, count in sorted(result.fixes.items()):
        print(f"  {code}: {count}")
    for failure in result.failures:
        print("FAIL", failure)
