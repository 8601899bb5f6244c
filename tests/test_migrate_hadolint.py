"""`dflint migrate-hadolint`: a `.hadolint.yaml` becomes a dflint configuration that loads, and
what has no counterpart is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.config import load_config
from dflint.rule import Severity

HADOLINT = """failure-threshold: error
ignored: [DL3008, DL3042, SC2086]
trustedRegistries: [docker.io, "registry.example.com:5000"]
label-schema:
  org.opencontainers.image.version: semver
  maintainer: email
strict-labels: true
override:
  warning: [DL3001]
  style: [DL3015]
disable-ignore-pragma: true
format: codeclimate
verbose: true
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".hadolint.yaml").write_text(HADOLINT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_typical_hadolint_configuration_converts_and_loads(project: Path) -> None:
    code, out, err = run("migrate-hadolint", "-o", ".dflint.yaml")
    assert code == 0 and out == ""
    config = load_config(str(project / ".dflint.yaml"))
    assert config.ignore == ("DF301",)
    assert config.fail_on is Severity.ERROR
    assert dict(config.severity) == {"DF628": Severity.WARNING, "DF306": Severity.STYLE}
    assert config.trusted_registries == ("docker.io", "registry.example.com:5000")
    labels = config.options["DF608"]
    assert dict(labels.required_labels) == {"org.opencontainers.image.version": "semver", "maintainer": "email"}
    assert labels.strict_labels is True
    notes = [line.removeprefix("dflint: note: ") for line in err.splitlines() if line.startswith("dflint: note: ")]
    assert notes == [
        "verbose: not a hadolint setting dflint knows; left out",
        "ignored DL3008: no dflint rule (pin versions in `apt-get install`)",
        "ignored SC2086: a ShellCheck code; dflint does not run ShellCheck",
        "format: codeclimate: pass `--format gitlab` on the command line",
        "disable-ignore-pragma: no counterpart; dflint always honours pragmas and reports unused ones with DF690",
    ]
    assert "#   - ignored DL3008: no dflint rule" in (project / ".dflint.yaml").read_text()


def test_thresholds_and_no_fail(project: Path) -> None:
    from dflint.migrate import convert

    assert convert({"failure-threshold": "none"}).config == {"fail-on": "none"}
    assert convert({"failure-threshold": "ignore"}).config == {"fail-on": "style"}
    assert convert({"no-fail": True, "failure-threshold": "info"}).config == {"fail-on": "none"}
    shared = convert({"ignored": ["DL3019"]})
    assert shared.config == {"ignore": ["DF303"]} and shared.notes == (
        "ignored DL3019 → DF303, which also stands for DL3032, DL3040",
    )


def test_bad_input_and_existing_output_are_errors(project: Path) -> None:
    code, out, _ = run("migrate-hadolint")
    assert code == 0 and out.startswith("# dflint configuration converted from .hadolint.yaml")
    (project / ".dflint.yaml").write_text("select: [DF1]\n")
    code, _, err = run("migrate-hadolint", "-o", ".dflint.yaml")
    assert code == 2 and "exists; not overwritten" in err and (project / ".dflint.yaml").read_text() == "select: [DF1]\n"
    (project / "bad.yaml").write_text("ignored: [DL3008\n")
    code, _, err = run("migrate-hadolint", "bad.yaml")
    assert code == 2 and err.startswith("bad.yaml:2: invalid YAML")
    code, _, err = run("migrate-hadolint", "missing.yaml")
    assert code == 2 and err.startswith("missing.yaml:1: no such file")


def test_the_documented_example_is_what_the_command_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    docs = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    section = docs.split("## Moving from hadolint", 1)[1]
    before, after = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)[:2]
    (tmp_path / ".hadolint.yaml").write_text(before)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("migrate-hadolint")
    assert code == 0 and out == after
