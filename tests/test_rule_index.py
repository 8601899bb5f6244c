"""The rule index (`registry.indexed_rules`): the built-in rules described without importing their
modules, rebuilt by itself when a rule module is added, edited or removed; and the command line
imports only the rule modules a file can trigger."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint import registry

RULE = '''"""## What it does
Probe rule {code}."""
from dflint.rule import RuleMeta, Severity

META = RuleMeta(code="{code}", name="probe-{code}", severity=Severity.{severity}, summary="probe", needs={needs!r})


def check(dockerfile, options):
    return iter(())
'''


def _write_rule(root: Path, relative: str, code: str, severity: str = "INFO", needs: tuple[str, ...] = ()) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE.format(code=code, severity=severity, needs=needs), encoding="utf-8")


def _forget(name: str) -> None:
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    name = "dflint_probe_rules"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (tmp_path / name / "group").mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / name / "group" / "__init__.py").write_text("", encoding="utf-8")
    _write_rule(tmp_path / name, "group/first.py", "XX101", needs=("EXPOSE",))
    _write_rule(tmp_path / name, "second.py", "XX201", severity="ERROR")
    yield tmp_path / name
    _forget(name)


def _load(pack: Path, index: Path) -> list[registry.Rule]:
    _forget(pack.name)
    import importlib

    importlib.invalidate_caches()
    return registry._builtin_rules(pack.name, str(index))


def test_the_index_describes_the_rules_without_importing_them(pack: Path, tmp_path: Path) -> None:
    index = tmp_path / "rule-index.marshal"
    built = _load(pack, index)
    assert index.exists()
    described = _load(pack, index)
    assert [(rule.module, rule.meta) for rule in described] == [(rule.module, rule.meta) for rule in built]
    assert f"{pack.name}.group.first" not in sys.modules and f"{pack.name}.second" not in sys.modules
    first = next(rule for rule in described if rule.meta.code == "XX101")
    assert first.meta.needs == ("EXPOSE",) and first.doc.startswith("## What it does")  # imported on first use
    assert f"{pack.name}.group.first" in sys.modules and f"{pack.name}.second" not in sys.modules
    assert list(first.check(None, None)) == []  # type: ignore[arg-type]


def test_the_index_is_rebuilt_when_a_rule_module_is_added_edited_or_removed(pack: Path, tmp_path: Path) -> None:
    index = tmp_path / "rule-index.marshal"
    _load(pack, index)
    _write_rule(pack, "group/third.py", "XX301")  # added
    assert sorted(rule.meta.code for rule in _load(pack, index)) == ["XX101", "XX201", "XX301"]
    assert f"{pack.name}.second" in sys.modules  # rebuilt: every module imported
    assert sorted(rule.meta.code for rule in _load(pack, index)) == ["XX101", "XX201", "XX301"]
    assert f"{pack.name}.second" not in sys.modules  # and the new index used
    _write_rule(pack, "second.py", "XX201", severity="WARNING", needs=("ADD",))  # edited
    (edited,) = [rule for rule in _load(pack, index) if rule.meta.code == "XX201"]
    assert (edited.meta.severity.name, edited.meta.needs) == ("WARNING", ("ADD",))
    (pack / "group" / "first.py").unlink()  # removed
    assert sorted(rule.meta.code for rule in _load(pack, index)) == ["XX201", "XX301"]


def test_a_rule_module_changed_behind_the_index_is_an_error_not_a_silent_mismatch(pack: Path, tmp_path: Path) -> None:
    index = tmp_path / "rule-index.marshal"
    _load(pack, index)
    (described,) = [rule for rule in _load(pack, index) if rule.meta.code == "XX201"]
    stat = (pack / "second.py").stat()
    _write_rule(pack, "second.py", "XX202")  # a new code after the index was read, same size and time
    os.utime(pack / "second.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    shutil.rmtree(pack / "__pycache__", ignore_errors=True)  # so the import reads the new source
    with pytest.raises(registry.RuleLoadError, match="XX201"):
        described.check  # noqa: B018


def test_the_command_line_imports_only_the_rules_a_file_can_trigger(tmp_path: Path) -> None:
    """Second run (the index exists): no npm, EXPOSE, ADD … rule module is imported for a file
    without them, and the output is what every rule loaded in process gives."""
    from dflint.cli import main

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN pip install torch && apt-get install -y gcc\nCMD python app.py\n")
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
        "sys.argv = ['dflint', '--no-color', sys.argv[1]]\n"
        "from dflint.launcher import main\n"
        "main()\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        subprocess.run([sys.executable, "-c", script, "Dockerfile"], cwd=tmp_path, env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    imported = set(runs[1].stderr.rsplit("MODULES ", 1)[1].split())
    narrow = {rule.module for rule in registry.all_rules() if rule.meta.needs}
    vocabulary = {"FROM", "RUN", "CMD", "pip", "apt", "apt-get", "python"}
    skipped = {rule.module for rule in registry.all_rules() if rule.meta.needs and vocabulary.isdisjoint(rule.meta.needs)}
    opt_in = {rule.module for rule in registry.all_rules() if not rule.meta.default_enabled}
    assert skipped and not (skipped | opt_in) & imported
    assert narrow - skipped - opt_in <= imported  # the default apt rules the file can trigger were loaded
    with contextlib.chdir(tmp_path):
        expected = CliRunner().invoke(main, ["--no-color", "Dockerfile"])
    assert [run.stdout for run in runs] == [expected.output, expected.output]
    assert [run.returncode for run in runs] == [expected.exit_code, expected.exit_code] == [1, 1]
