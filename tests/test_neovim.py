"""End to end in an editor nobody here wrote: headless Neovim's built-in LSP client starts
`dflint server` through `editors/neovim/lua/dflint.lua` (the set-up docs/editors.md gives), opens a
Dockerfile, reads the diagnostics and applies a quick fix and the fix-all action.

`.ci/run` installs Neovim when it is missing, so in CI this runs; elsewhere it skips without `nvim`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the server extra (pygls) is part of the test extras")

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "tests" / "editors" / "neovim_harness.lua"
RUNTIME = ROOT / "editors" / "neovim"
DOCKERFILE = "FROM python:3.11-slim AS runtime\nRUN pip install torch==2.4.0\nENTRYPOINT python serve.py\n"


def nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is missing: .ci/run installs the Debian package `neovim`")
        pytest.skip("nvim is not installed (apt-get install neovim)")
    return found


def run_neovim(tmp_path: Path, file: Path, **env: str) -> dict[str, Any]:
    out = tmp_path / "out.json"
    environment = {
        **os.environ,
        "HARNESS_FILE": str(file),
        "HARNESS_OUT": str(out),
        "HARNESS_RUNTIME": str(RUNTIME),
        "HARNESS_CMD": json.dumps([sys.executable, "-m", "dflint", "server"]),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        **env,
    }
    completed = subprocess.run(
        [nvim(), "--headless", "--clean", "-c", f"luafile {HARNESS}"],
        env=environment,
        cwd=file.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.exists(), (
        f"Neovim wrote no result (exit {completed.returncode}): {completed.stdout[-2000:]} {completed.stderr[-2000:]}"
    )
    result: dict[str, Any] = json.loads(out.read_text())
    assert "error" not in result, result["error"]
    return result


def test_neovim_shows_diagnostics_and_applies_a_quick_fix(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    result = run_neovim(tmp_path, dockerfile, HARNESS_CODE="DF301", HARNESS_EDITS="1", HARNESS_SETTINGS='{"lintDelayMs": 50}')
    assert result["filetype"] == "dockerfile"
    pip = [d for d in result["diagnostics"] if d["user_data"]["lsp"]["code"] == "DF301"]
    assert len(pip) == 1
    (found,) = pip
    assert (found["lnum"], found["col"], found["end_lnum"], found["end_col"]) == (1, 4, 1, 28)
    assert found["severity"] == 2  # vim.diagnostic.severity.WARN
    assert found["source"] == "dflint"
    assert found["user_data"]["lsp"]["codeDescription"]["href"].endswith("/docs/rules/DF301.md")
    assert len(result["relint_ms"]) == 1  # an edit brought new diagnostics
    assert result["applied"] == "DF301: Add `--no-cache-dir`"
    assert result["after_fix"][1] == "RUN pip install --no-cache-dir torch==2.4.0"
    assert dockerfile.read_text() == DOCKERFILE  # a code action edits the buffer, not the file


def test_neovim_fix_all_applies_the_safe_fixes_only(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    result = run_neovim(tmp_path, dockerfile, HARNESS_FIX_ALL="1")
    assert result["fix_all"].startswith("dflint: apply ")
    assert result["after_fix_all"][1] == "RUN pip install --no-cache-dir torch==2.4.0"
    assert result["after_fix_all"][2] == "ENTRYPOINT python serve.py"  # DF601's fix here is unsafe: not applied


def test_the_documented_neovim_setup_is_the_one_tested() -> None:
    doc = (ROOT / "docs" / "editors.md").read_text()
    assert (RUNTIME / "lua" / "dflint.lua").read_text() in doc
