"""The fix machinery: one pass of non-conflicting edits, passes until nothing applies, and writes
that keep line endings, BOM, final newline and mode, never leave a partial file, and refuse
read-only, vanished or concurrently changed files."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dflint.engine import Settings, selected_rules
from dflint.fix import apply_pass, fix_bytes, fix_file, fix_source, newline_of, structure, unified_diff, write_atomically
from dflint.model import Dockerfile, Span
from dflint.parse import parse
from dflint.registry import Rule
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

DIRTY = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"
CLEAN = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n"
DF301 = Settings(select=("DF301",))


def pip_rules() -> list[Rule]:
    return selected_rules(DF301)


def synthetic(code: str, fixes: Callable[[Dockerfile], Iterator[Fix]]) -> Rule:
    """A rule that yields one finding per fix `fixes` returns for the model."""
    meta = RuleMeta(code=code, name=f"synthetic-{code.lower()}", severity=Severity.WARNING, summary="test rule", fixable=True)

    def check(dockerfile: Dockerfile, options: object) -> Iterator[Finding]:
        for fix in fixes(dockerfile):
            yield Finding(meta, Span(1, 1, 1, 2, 0, 1), f"{code} finding", fix=fix)

    return Rule(meta, check, None, f"tests.synthetic.{code}", "")


def finding(code: str, fix: Fix) -> Finding:
    meta = RuleMeta(code=code, name="x", severity=Severity.WARNING, summary="x", fixable=True)
    return Finding(meta, Span(1, 1, 1, 1), "m", fix=fix)


# --- one pass -------------------------------------------------------------------------------


def test_pass_applies_disjoint_edits_and_defers_conflicts() -> None:
    text = "abcdef"
    fixes = [
        finding("DF001", Fix.safe("x", Edit(0, 1, "A"))),
        finding("DF002", Fix.safe("y", Edit(0, 2, "??"))),  # overlaps the first: next pass
        finding("DF003", Fix.safe("z", Edit(2, 3, "C"), Edit(5, 6, "F"))),  # touches the first only
    ]
    fixed, applied = apply_pass(text, fixes)
    assert fixed == "AbCdeF"
    assert [f.code for f in applied] == ["DF001", "DF003"]


def test_pass_conflicts_insertions_at_one_offset_and_inside_a_replacement() -> None:
    text = "0123456789"
    fixes = [
        finding("DF001", Fix.safe("a", Edit.insert(3, "a"))),
        finding("DF002", Fix.safe("b", Edit.insert(3, "b"))),  # same point: order would be a guess
        finding("DF003", Fix.safe("c", Edit(5, 8, "C"))),
        finding("DF004", Fix.safe("d", Edit.insert(6, "d"))),  # strictly inside DF003's range
        finding("DF005", Fix.safe("e", Edit.insert(8, "e"))),  # at its end: fine, after it
        finding("DF006", Fix.safe("f", Edit.insert(5, "f"))),  # at its start: goes before it
    ]
    fixed, applied = apply_pass(text, fixes)
    assert [f.code for f in applied] == ["DF001", "DF003", "DF006", "DF005"]
    assert fixed == "012a34fCe89"


def test_identical_fixes_count_once_each_and_apply_once() -> None:
    fix = Fix.safe("same", Edit.insert(1, "X"))
    fixed, applied = apply_pass("ab", [finding("DF001", fix), finding("DF002", fix)])
    assert fixed == "aXb" and len(applied) == 2


def test_malformed_fixes_never_apply() -> None:
    text = "abc"
    fixes = [
        finding("DF001", Fix.safe("out of range", Edit(2, 9, "x"))),
        finding("DF002", Fix.safe("backwards", Edit(2, 1, "x"))),
        finding("DF003", Fix.safe("self-overlapping", Edit(0, 2, "x"), Edit(1, 3, "y"))),
        finding("DF004", Fix("no edits", (), Fix.safe("t").applicability)),
    ]
    assert apply_pass(text, fixes) == ("abc", ())


def test_unsafe_fixes_only_when_asked() -> None:
    fixes = [finding("DF001", Fix.unsafe("u", Edit(0, 1, "U"))), finding("DF002", Fix.safe("s", Edit(2, 3, "S")))]
    assert apply_pass("abc", fixes)[0] == "abS"
    assert apply_pass("abc", fixes, unsafe=True)[0] == "UbS"


def test_crlf_file_gets_crlf_in_replacements() -> None:
    text = "FROM a\r\nRUN b\r\n"
    assert newline_of(text) == "\r\n" and newline_of("FROM a\nRUN b\r\n") == "\n"
    fixed, _ = apply_pass(text, [finding("DF001", Fix.safe("x", Edit.insert(13, " \\\n    && c")))])
    assert fixed == "FROM a\r\nRUN b \\\r\n    && c\r\n"


# --- passes -----------------------------------------------------------------------------------


def _insert_after_run(marker: str) -> Callable[[Dockerfile], Iterator[Fix]]:
    """Append ` marker` to every RUN that lacks it; the edit point is the same for every marker,
    so two such rules conflict and need two passes."""

    def fixes(dockerfile: Dockerfile) -> Iterator[Fix]:
        for instruction in dockerfile.instructions:
            if instruction.keyword == "RUN" and marker not in instruction.text:
                yield Fix.safe(f"append {marker}", Edit.insert(instruction.span.end_offset, f" {marker}"))

    return fixes


def test_conflicting_fixes_settle_over_passes() -> None:
    rules = [synthetic("DF901", _insert_after_run("one")), synthetic("DF902", _insert_after_run("two"))]
    outcome = fix_source("FROM a\nRUN x\n", "Dockerfile", Settings(), rules, None)
    assert outcome.fixed == "FROM a\nRUN x one two\n"
    assert outcome.passes == 2 and len(outcome.applied) == 2
    assert not outcome.result.findings and not outcome.result.errors


def test_fixes_that_never_settle_leave_the_file_alone() -> None:
    def forever(dockerfile: Dockerfile) -> Iterator[Fix]:
        run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
        yield Fix.safe("grow", Edit.insert(run.span.end_offset, " x"))

    outcome = fix_source("FROM a\nRUN x\n", "Dockerfile", Settings(), [synthetic("DF903", forever)], None, max_passes=4)
    assert outcome.fixed == outcome.original and not outcome.applied
    assert "did not settle after 4 passes" in outcome.result.errors[-1].message
    assert [f.code for f in outcome.result.findings] == ["DF903"]


def test_fixes_that_undo_each_other_are_caught() -> None:
    def flip(dockerfile: Dockerfile) -> Iterator[Fix]:
        run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
        word = dockerfile.text[run.arguments_span.offset : run.arguments_span.end_offset]
        yield Fix.safe("flip", Edit.replace(run.arguments_span, "b" if word == "a" else "a"))

    outcome = fix_source("FROM x\nRUN a\n", "Dockerfile", Settings(), [synthetic("DF904", flip)], None)
    assert outcome.fixed == outcome.original
    assert "undo each other" in outcome.result.errors[-1].message


def test_a_fix_that_changes_the_structure_is_refused_and_the_others_apply() -> None:
    def split(dockerfile: Dockerfile) -> Iterator[Fix]:
        run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
        yield Fix.safe("split", Edit.insert(run.span.end_offset, "\nRUN y"))

    rules = [synthetic("DF905", split), synthetic("DF906", _insert_after_run("ok"))]
    outcome = fix_source("FROM x\nRUN a\n", "Dockerfile", Settings(), rules, None)
    assert outcome.fixed == "FROM x\nRUN a ok\n"
    assert [f.code for f in outcome.applied] == ["DF906"]
    assert [(e.line, e.message) for e in outcome.result.errors] == [
        (
            1,
            "DF905 fix 'split' not applied: it would change the file's structure (2 instructions in 1 stage before, 3 instructions in 1 stage after)",
        )
    ]
    assert [f.code for f in outcome.result.findings] == ["DF905"]


def test_a_fix_that_breaks_parsing_is_refused() -> None:
    def unfinished(dockerfile: Dockerfile) -> Iterator[Fix]:
        run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
        yield Fix.unsafe("continue", Edit.insert(run.span.end_offset, " \\"))

    outcome = fix_source("FROM x\nRUN a", "Dockerfile", Settings(), [synthetic("DF907", unfinished)], None, unsafe=True)
    assert outcome.fixed == outcome.original
    assert (
        "DF907 fix 'continue' not applied: it would change the file's structure (2 instructions in 1 stage before, a parse error after)"
        in [e.message for e in outcome.result.errors]
    )


def test_a_file_with_parse_errors_is_not_fixed() -> None:
    text = "FROM python:3.11-slim\nRUN pip install torch \\"
    outcome = fix_source(text, "Dockerfile", DF301, pip_rules(), None)
    assert outcome.fixed == text and not outcome.applied


def test_final_newline_kept_or_kept_absent() -> None:
    def add_line(dockerfile: Dockerfile) -> Iterator[Fix]:
        run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
        if "&&" not in run.text:
            yield Fix.safe("continue", Edit.insert(run.span.end_offset, " \\\n && y\n"))

    rules = [synthetic("DF906", add_line)]
    assert fix_source("FROM x\nRUN a", "Dockerfile", Settings(), rules, None).fixed == "FROM x\nRUN a \\\n && y"
    assert fix_source("FROM x\nRUN a\n", "Dockerfile", Settings(), rules, None).fixed == "FROM x\nRUN a \\\n && y\n\n"


def test_suppressed_findings_are_not_fixed() -> None:
    text = "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install a\nRUN pip install b\n"
    outcome = fix_source(text, "Dockerfile", DF301, pip_rules(), None)
    assert outcome.fixed == "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install a\nRUN pip install --no-cache-dir b\n"


def test_diff_marks_a_missing_final_newline() -> None:
    outcome = fix_source(DIRTY.rstrip("\n"), "Dockerfile", DF301, pip_rules(), None)
    diff = unified_diff(outcome)
    assert diff.startswith("--- Dockerfile\n+++ Dockerfile\n@@ -1,2 +1,2 @@\n")
    assert "-RUN pip install torch==2.4.0\n\\ No newline at end of file\n" in diff
    assert diff.endswith("+RUN pip install --no-cache-dir torch==2.4.0\n\\ No newline at end of file\n")
    assert unified_diff(fix_source(CLEAN, "Dockerfile", DF301, pip_rules(), None)) == ""


# --- writing ------------------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if "dflint" in p.name)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (DIRTY.encode(), CLEAN.encode()),
        (DIRTY.replace("\n", "\r\n").encode(), CLEAN.replace("\n", "\r\n").encode()),
        (codecs.BOM_UTF8 + DIRTY.encode(), codecs.BOM_UTF8 + CLEAN.encode()),
        (DIRTY.rstrip("\n").encode(), CLEAN.rstrip("\n").encode()),
        (
            codecs.BOM_UTF8 + DIRTY.replace("\n", "\r\n").rstrip("\r\n").encode(),
            codecs.BOM_UTF8 + CLEAN.replace("\n", "\r\n").rstrip("\r\n").encode(),
        ),
    ],
    ids=["lf", "crlf", "bom", "no-final-newline", "bom-crlf-no-final-newline"],
)
def test_write_keeps_endings_bom_and_final_newline(tmp_path: Path, raw: bytes, expected: bytes) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(raw)
    outcome = fix_file(str(path), DF301, pip_rules())
    assert not outcome.result.errors and len(outcome.applied) == 1
    assert path.read_bytes() == expected
    assert _leftovers(tmp_path) == []


def test_write_keeps_mode_and_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.Dockerfile"
    real.write_text(DIRTY)
    real.chmod(0o640)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    outcome = fix_file(str(link), DF301, pip_rules())
    assert not outcome.result.errors
    assert link.is_symlink() and real.read_text() == CLEAN
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_read_only_file_is_an_input_error_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(DIRTY)
    path.chmod(0o444)
    outcome = fix_file(str(path), DF301, pip_rules())
    assert path.read_text() == DIRTY and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert [e.message for e in outcome.result.errors] == ["file is read-only; fix not written"]
    assert not outcome.applied and not outcome.changed and [f.code for f in outcome.result.findings] == ["DF301"]
    assert _leftovers(tmp_path) == []


def test_unwritable_directory_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated rather than made with chmod, which does not stop root (CI runs as root).
    path = tmp_path / "Dockerfile"
    path.write_text(DIRTY)

    real_open = os.open

    def refuse(file: str, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    outcome = fix_file(str(path), DF301, pip_rules())
    assert path.read_text() == DIRTY and _leftovers(tmp_path) == []
    assert outcome.result.errors[-1].message == (
        "cannot write the fix: cannot write a temporary file next to it: Permission denied; original kept"
    )


def test_vanished_or_changed_file_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    expected = structure(parse(CLEAN))
    with pytest.raises(Exception, match="vanished"):
        write_atomically(str(path), DIRTY.encode(), CLEAN.encode(), expected)
    assert not path.exists() and _leftovers(tmp_path) == []
    path.write_text("FROM python:3.12-slim\nRUN pip install torch==2.4.0\n")
    with pytest.raises(Exception, match="changed while it was being fixed"):
        write_atomically(str(path), DIRTY.encode(), CLEAN.encode(), expected)
    assert path.read_text().startswith("FROM python:3.12") and _leftovers(tmp_path) == []


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    outcome = fix_file(str(tmp_path / "Dockerfile"), DF301, pip_rules())
    assert [e.message for e in outcome.result.errors] == ["no such file or directory"]


def test_written_text_that_parses_differently_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(DIRTY)
    expected = structure(parse(DIRTY))
    with pytest.raises(Exception, match="does not parse to the same instructions and stages; original kept"):
        write_atomically(str(path), DIRTY.encode(), (DIRTY + "RUN extra\n").encode(), expected)
    with pytest.raises(Exception, match="does not decode"):
        write_atomically(str(path), DIRTY.encode(), b"FROM a\nRUN \xff\n", expected)
    assert path.read_text() == DIRTY and _leftovers(tmp_path) == []


def test_a_failing_replace_leaves_the_original_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(DIRTY)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "rename", broken)
    outcome = fix_file(str(path), DF301, pip_rules())
    assert path.read_text() == DIRTY and _leftovers(tmp_path) == []
    assert outcome.result.errors[-1].message == "cannot write the fix: no space left on the device; original kept"
    assert not outcome.changed


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(DIRTY)
    outcome = fix_file(str(path), DF301, pip_rules(), write=False)
    assert outcome.fixed == CLEAN and path.read_text() == DIRTY


def test_fix_bytes_reports_undecodable_input() -> None:
    outcome = fix_bytes(b"FROM a\nRUN \xff\n", "-", DF301, pip_rules(), None)
    assert outcome.result.errors and "invalid UTF-8" in outcome.result.errors[0].message and not outcome.changed


def test_bom_round_trips_through_fix_bytes() -> None:
    outcome = fix_bytes(codecs.BOM_UTF8 + DIRTY.encode(), "-", DF301, pip_rules(), None)
    assert outcome.fixed_bytes() == codecs.BOM_UTF8 + CLEAN.encode()


def test_one_fix_adding_and_another_removing_an_instruction_do_not_cancel_out() -> None:
    def add_workdir(dockerfile: Dockerfile) -> Iterator[Fix]:
        if not any(i.keyword == "WORKDIR" for i in dockerfile.instructions):
            run = next(i for i in dockerfile.instructions if i.keyword == "RUN")
            yield Fix.unsafe("add WORKDIR", Edit.insert(run.span.offset, "WORKDIR /app\n"))

    def merge_runs(dockerfile: Dockerfile) -> Iterator[Fix]:
        runs = [i for i in dockerfile.instructions if i.keyword == "RUN"]
        if len(runs) == 2:
            yield Fix.unsafe("merge", Edit(runs[0].span.end_offset, runs[1].arguments_span.offset, " && "))

    rules = [synthetic("DF908", add_workdir), synthetic("DF909", merge_runs)]
    outcome = fix_source("FROM x\nRUN a\nRUN b\n", "Dockerfile", Settings(), rules, None, unsafe=True)
    assert outcome.fixed == outcome.original
    assert sorted(e.message.split(" ", 1)[0] for e in outcome.result.errors) == ["DF908", "DF909"]
