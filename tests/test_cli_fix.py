"""`dflint --fix`, `--unsafe-fixes` and `--diff` on the command line, and fixes in JSON output."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

import dflint.engine
from dflint.cli import main
from dflint.model import Dockerfile
from dflint.registry import Rule
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

DIRTY = "FROM python:3.11-slim\nRUN pip install transformers==4.44.2\n"
CLEAN = "FROM python:3.11-slim\nRUN pip install --no-cache-dir transformers==4.44.2\n"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def test_fix_writes_and_summarises(tmp_path: Path) -> None:
    first, second = write(tmp_path, "a/Dockerfile", DIRTY), write(tmp_path, "b/Dockerfile", DIRTY + "RUN pip install numpy\n")
    code, out, err = run("--select", "DF301", "--fix", "--no-color", str(tmp_path))
    assert code == 0, (out, err)
    assert first.read_text() == CLEAN
    assert second.read_text() == CLEAN + "RUN pip install --no-cache-dir numpy\n"
    # b/Dockerfile's two installs are one finding (one stage), with one fix that edits both
    assert out.splitlines()[-2:] == ["All checks passed (2 files).", "Applied 2 fixes in 2 files; 0 findings remain."]
    code, out, _ = run("--select", "DF301", "--fix", str(tmp_path))
    assert code == 0 and out.splitlines()[-1] == "No fixes applied; 0 findings remain."


def test_fix_exit_code_follows_what_remains(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install a\n")
    code, _, _ = run("--select", "DF301", "--fix", str(path))
    assert code == 0


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DIRTY)
    code, out, err = run("--select", "DF301", "--diff", str(path))
    assert code == 1
    assert path.read_text() == DIRTY
    assert out == (
        f"--- {path}\n+++ {path}\n@@ -1,2 +1,2 @@\n FROM python:3.11-slim\n"
        "-RUN pip install transformers==4.44.2\n+RUN pip install --no-cache-dir transformers==4.44.2\n"
    )
    assert err.strip() == "Would apply 1 fix in 1 file; 0 findings would remain."
    path.write_text(CLEAN)
    code, out, err = run("--select", "DF301", "--diff", "--fix", str(path))
    assert (code, out) == (0, "") and err.strip() == "No fix would apply; 0 findings would remain."


def test_diff_input_error_exits_2(tmp_path: Path) -> None:
    code, _, err = run("--select", "DF301", "--diff", str(tmp_path / "missing" / "Dockerfile"))
    assert code == 2 and "no such file or directory" in err


def test_fix_stdin_writes_fixed_text_to_stdout(tmp_path: Path) -> None:
    code, out, err = run("--select", "DF301", "--fix", "-", stdin=DIRTY.encode())
    assert code == 0 and out == CLEAN
    assert "Applied 1 fix in 1 file; 0 findings remain." in err
    crlf = codecs.BOM_UTF8 + DIRTY.replace("\n", "\r\n").encode()
    result = CliRunner().invoke(main, ["--select", "DF301", "--fix", "--format", "json", "-"], input=crlf)
    assert result.stdout_bytes == codecs.BOM_UTF8 + CLEAN.replace("\n", "\r\n").encode()
    assert json.loads(result.stderr.split("\nApplied")[0])["findings"] == []


def test_fix_stdin_passes_undecodable_input_through(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--select", "DF301", "--fix", "-"], input=b"FROM a\nRUN \xff\n")
    assert result.exit_code == 2 and result.stdout_bytes == b"FROM a\nRUN \xff\n"


def test_read_only_file_is_reported_and_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DIRTY)
    path.chmod(0o444)
    code, out, err = run("--select", "DF301", "--fix", "--no-color", str(path))
    assert code == 2 and path.read_text() == DIRTY
    assert f"{path}:1: file is read-only; fix not written" in err
    assert "DF301" in out and out.splitlines()[-1] == "No fixes applied; 1 finding remains."


def test_json_fix_carries_positions_and_file_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM python:3.11-slim\r\nRUN pip install transformers==4.44.2\r\n")
    _, out, _ = run("--select", "DF301", "--format", "json", str(path))
    edit = json.loads(out)["findings"][0]["fix"]["edits"][0]
    assert edit == {
        "start": 38,
        "end": 38,
        "replacement": " --no-cache-dir",
        "line": 2,
        "column": 16,
        "end_line": 2,
        "end_column": 16,
    }


# --- safe and unsafe, with a rule made for the test -----------------------------------------------

META = RuleMeta(code="DF990", name="shout", severity=Severity.WARNING, summary="lower-case run", fixable=True)


def _shout(dockerfile: Dockerfile, options: object) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "RUN" and "echo" in instruction.arguments:
            fix = Fix.unsafe("Say it louder", Edit.replace(instruction.arguments_span, instruction.arguments.upper()))
            yield Finding(META, instruction.keyword_span, "quiet echo", fix=fix)
        if instruction.keyword_text == "run":
            yield Finding(
                META,
                instruction.keyword_span,
                "lower-case",
                fix=Fix.safe("Upper-case", Edit.replace(instruction.keyword_span, "RUN")),
            )


@pytest.fixture
def shout(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = Rule(META, _shout, None, "tests.shout", "")

    def rules(settings: object, extra_ignores: Sequence[str] = ()) -> list[Rule]:
        return [rule]

    monkeypatch.setattr(dflint.engine, "selected_rules", rules)


def test_unsafe_fixes_need_the_flag(tmp_path: Path, shout: None) -> None:
    path = write(tmp_path, "Dockerfile", "FROM a\nrun echo hi\n")
    code, out, _ = run("--fix", "--no-color", str(path))
    assert path.read_text() == "FROM a\nRUN echo hi\n"
    assert code == 1 and out.splitlines()[-1] == "Applied 1 fix in 1 file; 1 finding remains (1 fixable with --unsafe-fixes)."
    code, out, _ = run("--diff", "--unsafe-fixes", str(path))
    assert code == 1 and "+RUN ECHO HI\n" in out and path.read_text() == "FROM a\nRUN echo hi\n"
    code, out, _ = run("--fix", "--unsafe-fixes", str(path))
    assert code == 0 and path.read_text() == "FROM a\nRUN ECHO HI\n"


def test_sarif_fix_carries_regions_and_file_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(
        b"FROM ubuntu:22.04\r\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\r\n    && echo ok\r\n"
    )
    _, out, _ = run("--select", "DF302", "--format", "sarif", str(path))
    results = json.loads(out)["runs"][0]["results"]
    (fix,) = results[0]["fixes"]
    (replacement,) = fix["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"]["startLine"] == replacement["deletedRegion"]["endLine"] == 3
    inserted = replacement["insertedContent"]["text"]
    assert "rm -rf /var/lib/apt/lists/*" in inserted and ("\n" not in inserted or "\r\n" in inserted)
    assert "\n" not in inserted.replace("\r\n", "")
