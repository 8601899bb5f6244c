"""The code stays lint-clean, formatted (ruff) and type-checked (mypy --strict on the core and the rules), as
configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["dflint", "rules", "tests", "benchmarks"]


def _ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert found, "ruff is part of the test extras: pip install -e '.[test]'"
    return [found]


def test_ruff_check() -> None:
    result = subprocess.run([*_ruff(), "check", *PATHS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = subprocess.run([*_ruff(), "format", "--check", *PATHS], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_core_and_the_rules(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every `from … import` in a file (level 0: absolute)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.level, node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]


def test_the_core_imports_no_rule_and_no_rule_group_imports_another() -> None:
    """What two groups share lives in the core (`dflint/`); a group's private helpers stay in it."""
    for path in sorted((ROOT / "dflint").rglob("*.py")):
        for level, module in _imports(path):
            assert level or not module.startswith(("rules", "dflint.rules")), f"{path.relative_to(ROOT)} imports {module}"
    for path in sorted((ROOT / "rules").glob("*/*.py")):
        for level, module in _imports(path):
            where = f"{path.relative_to(ROOT)} imports {'.' * level}{module}"
            assert level <= 1, where  # `from ..other_group._helper import …`
            assert not module.startswith(("rules", "dflint.rules")), where
