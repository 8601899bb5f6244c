"""The command line: exit codes, bad input, stdin, subcommands and the JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dflint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text())
CLEAN = "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n"
DIRTY = "FROM python:3.11-slim\nRUN pip install torch==2.4.0\n"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str, stdin: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, _ = run("--format", "json", "--select", "DF301", *args, stdin=stdin)
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    return code, document


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def test_exit_codes(tmp_path: Path) -> None:
    clean, dirty = write(tmp_path, "a/Dockerfile", CLEAN), write(tmp_path, "b/Dockerfile", DIRTY)
    assert run("--select", "DF301", clean)[0] == 0
    assert run("--select", "DF301", dirty)[0] == 1
    assert run("--select", "DF301", "--fail-on", "error", dirty)[0] == 0
    assert run("--select", "DF999", dirty)[0] == 2
    assert run("--select", "DF301", "--build-arg", "NOEQUALS", dirty)[0] == 2


def test_text_output_format_and_summary(tmp_path: Path) -> None:
    dirty = write(tmp_path, "Dockerfile", DIRTY)
    code, out, _ = run("--select", "DF301", "--no-color", dirty)
    first = out.splitlines()[0]
    assert first.startswith(f"{dirty}:2:5: DF301 [*] [warning] ")
    assert out.splitlines()[-1].startswith("Found 1 problem (1 warning) in 1 file")
    assert "\033[" not in out


def test_json_contract(tmp_path: Path) -> None:
    dirty = write(tmp_path, "Dockerfile", DIRTY)
    code, document = as_json(dirty)
    assert code == 1 and document["version"] == 1 and document["tool"]["name"] == "dflint"
    finding = document["findings"][0]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (2, 5, 2, 29)
    assert (finding["code"], finding["name"], finding["severity"]) == ("DF301", "pip-cache", "warning")
    assert finding["fix"]["applicability"] == "safe"
    edit = finding["fix"]["edits"][0]
    assert DIRTY[: edit["start"]].endswith("pip install") and edit["replacement"] == " --no-cache-dir"


BAD_INPUTS = {
    "empty": (b"", 1, "file is empty"),
    "blank": (b"  \n\n\t\n", 1, "no instructions"),
    "comments": (b"# only a comment\n\n", 1, "no FROM instruction"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00", 1, "binary file"),
    "latin1": (b'FROM alpine\nLABEL a="caf\xe9"\n', 2, "invalid UTF-8 (byte 0xe9 at offset 24)"),
    "utf16": ("FROM alpine\n".encode("utf-16"), 1, "UTF-16"),
    "before-from": (b"RUN echo hi\nFROM alpine\n", 1, "RUN before the first FROM"),
    "unknown": (b"FROM alpine\nRUNN echo\n", 2, "unknown instruction 'RUNN'"),
    "heredoc": (b"FROM alpine\nRUN <<EOF\necho\n", 2, "unterminated heredoc"),
    "trailing": (b"FROM alpine\nRUN echo \\\n", 2, "continuation at the end of the file"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_error_and_others_still_lint(tmp_path: Path, name: str) -> None:
    content, line, message = BAD_INPUTS[name]
    bad = write(tmp_path, f"bad/{name}.Dockerfile", content)
    dirty = write(tmp_path, "good/Dockerfile", DIRTY)
    code, out, err = run("--select", "DF301", bad, dirty)
    assert code == 2
    assert f"{bad}:{line}: " in err and message in err and "Traceback" not in err + out
    assert f"{dirty}:2:5: DF301" in out  # the other file is still linted
    code, document = as_json(bad, dirty)
    assert code == 2 and any(e["file"] == bad and e["line"] == line and message in e["message"] for e in document["errors"])
    assert [f["file"] for f in document["findings"]] == [dirty]


def test_missing_path_directory_without_dockerfile_and_oversize(tmp_path: Path) -> None:
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    big = write(tmp_path, "big.Dockerfile", "FROM alpine\n" + "RUN echo x\n" * 2_000_000)
    code, _, err = run(str(tmp_path / "missing"), str(empty_dir), big)
    assert code == 2
    assert f"{tmp_path / 'missing'}:1: no such file or directory" in err
    assert f"{empty_dir}:1: directory has no Dockerfile" in err
    assert f"{big}:1: file is 22.0 MB, over the 10.0 MB limit" in err


def test_unreadable_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "Dockerfile", DIRTY)
    real_open = os.open

    def deny(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        # root reads any file whatever its mode bits: refuse the open itself (dflint opens the file
        # by its name relative to its directory's descriptor)
        if os.fsdecode(file) in (path, "Dockerfile") and not flags & os.O_DIRECTORY:
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    code, _, err = run(path)
    assert code == 2 and f"{path}:1: permission denied" in err


def test_directory_discovery(tmp_path: Path) -> None:
    for name in (
        "Dockerfile",
        "Dockerfile.gpu",
        "api.Dockerfile",
        "x.dockerfile",
        "Containerfile",
        "README.md",
        ".git/Dockerfile",
        "skip/Dockerfile",
    ):
        write(tmp_path, f"tree/{name}", DIRTY)
    code, document = as_json(str(tmp_path / "tree"), "--exclude", "skip")
    names = sorted(Path(f["file"]).name for f in document["findings"])
    assert names == ["Containerfile", "Dockerfile", "Dockerfile.gpu", "api.Dockerfile", "x.dockerfile"]


def test_stdin_with_filename_and_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, document = as_json("-", "--stdin-filename", "services/api/Dockerfile", stdin=DIRTY.encode())
    assert code == 1 and document["findings"][0]["file"] == "services/api/Dockerfile"
    code, document = as_json("-", stdin=b"\xff\xfe")
    assert code == 2 and document["errors"][0]["file"] == "-"


def test_target_and_build_args(tmp_path: Path) -> None:
    text = "ARG BASE=python:3.11-slim\nFROM $BASE AS runtime\nRUN pip install a==1\nFROM $BASE AS other\n"
    path = write(tmp_path, "Dockerfile", text)
    assert as_json(path)[1]["findings"] == []
    assert [f["line"] for f in as_json(path, "--target", "runtime")[1]["findings"]] == [3]


def test_rules_and_explain() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "DF301" in out and "pip-cache" in out
    code, out, _ = run("explain", "pip-cache")
    assert code == 0 and out.startswith("# DF301 pip-cache") and "## Why is this bad?" in out
    code, _, err = run("explain", "DF000")
    assert code == 2 and "unknown rule" in err


def test_module_entry_point_and_version() -> None:
    result = subprocess.run([sys.executable, "-m", "dflint", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("dflint ")
