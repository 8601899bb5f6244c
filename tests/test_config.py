"""Configuration through the real CLI: discovery upward, pyproject.toml, --config, CLI precedence,
per-file ignores, severity overrides, rule options, exclusions, and errors with line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.config import matches
from tests.helpers import imported_modules

DIRTY = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install transformers==4.44.2\n"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def codes(*args: str, stdin: bytes | None = None) -> list[tuple[str, str, str]]:
    code, out, err = run("--format", "json", *args, stdin=stdin)
    assert code in (0, 1), err
    return sorted((f["file"].removeprefix("./"), f["code"], f["severity"]) for f in json.loads(out)["findings"])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("Dockerfile", "services/api/Dockerfile", "legacy/Dockerfile"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DIRTY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_found_upward_from_each_file_and_nearest_wins(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text("select: [DF301, DF302]\n")
    (repo / "services" / ".dflint.yml").write_text("select: [DF302]\nseverity:\n  apt-lists-not-removed: error\n")
    found = codes(".")
    assert ("Dockerfile", "DF301", "warning") in found and ("Dockerfile", "DF302", "warning") in found
    assert [f for f in found if f[0].startswith("services")] == [("services/api/Dockerfile", "DF302", "error")]


def test_pyproject_tool_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.dflint]\nselect = ["DF301"]\nfail-on = "error"\n')
    assert {c for _, c, _ in codes("Dockerfile")} == {"DF301"}
    assert run("Dockerfile")[0] == 0  # fail-on error: warnings do not fail


def test_pyproject_without_the_table_is_not_a_config(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert {c for _, c, _ in codes("--select", "DF301,DF302", "Dockerfile")} == {"DF301", "DF302"}


def test_explicit_config_and_isolated(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text("select: [DF302]\n")
    (repo / "ci.yaml").write_text("select: [DF301]\n")
    assert {c for _, c, _ in codes("--config", "ci.yaml", "Dockerfile")} == {"DF301"}
    assert {c for _, c, _ in codes("Dockerfile")} == {"DF302"}
    assert {c for _, c, _ in codes("--isolated", "--select", "DF301,DF302", "Dockerfile")} == {"DF301", "DF302"}


def test_cli_flags_override_the_file(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text("select: [DF302]\nignore: [DF301]\nfail-on: error\n")
    assert {c for _, c, _ in codes("--select", "DF301", "Dockerfile")} == {"DF301"}  # a new selection layer
    assert {c for _, c, _ in codes("--extend-select", "DF301", "--ignore", "DF302", "Dockerfile")} == set()  # ignore still wins
    assert run("Dockerfile")[0] == 0
    assert run("--fail-on", "warning", "Dockerfile")[0] == 1


def test_per_file_ignores_and_exclude(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text(
        "select: [DF301, DF302]\nper-file-ignores:\n  'services/**/Dockerfile': [pip-cache]\n  Dockerfile: [DF302]\nexclude: [legacy]\n"
    )
    found = codes(".")
    assert ("services/api/Dockerfile", "DF301", "warning") not in found
    assert not [f for f in found if f[1] == "DF302"]  # a pattern without `/` matches the name anywhere
    assert not [f for f in found if f[0].startswith("legacy")]  # excluded when searching directories
    assert [f for f in codes("legacy/Dockerfile") if f[1] == "DF301"]  # named explicitly: linted
    assert codes("--force-exclude", "legacy/Dockerfile") == []  # unless --force-exclude


def test_stdin_filename_resolves_config_and_per_file_ignores(repo: Path) -> None:
    (repo / "services" / ".dflint.yaml").write_text("select: [DF301, DF302]\nper-file-ignores:\n  api/Dockerfile: [DF302]\n")
    found = codes("-", "--stdin-filename", "services/api/Dockerfile", stdin=DIRTY.encode())
    assert found == [("services/api/Dockerfile", "DF301", "warning")]


def test_per_file_ignores_match_by_pattern_with_codes_names_prefixes_and_negation(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text(
        "select: [DF301, DF302]\n"
        "per-file-ignores:\n"
        "  'services/**': [pip-cache]\n"  # a name
        "  'other/**': [DF302]\n"  # matches no linted file: changes nothing
        "  '!legacy/**': [DF30]\n"  # a prefix, on every file outside legacy/
        "extend-per-file-ignores:\n"
        "  'legacy/*': [DF301]\n"  # a code, added to per-file-ignores
    )
    found = codes("Dockerfile", "services/api/Dockerfile", "legacy/Dockerfile")
    assert found == [("legacy/Dockerfile", "DF302", "warning")]
    (repo / ".dflint.yaml").write_text("select: [DF301, DF302]\nper-file-ignores:\n  'other/**': [DF302]\n")
    assert [c for f, c, _ in codes("services/api/Dockerfile")] == ["DF301", "DF302"]


def test_per_file_ignores_survive_select_and_apply_to_fix_and_to_a_compose_service(repo: Path) -> None:
    (repo / ".dflint.yaml").write_text("per-file-ignores:\n  'services/**': [DF301]\n")
    found = codes("--select", "DF301", ".")
    assert ("Dockerfile", "DF301", "warning") in found and not [f for f in found if f[0].startswith("services")]
    assert codes("--select", "DF301", "services/api/Dockerfile") == []  # --select does not undo it, as in ruff
    (repo / "compose.yaml").write_text("services:\n  api:\n    build: ./services/api\n  root:\n    build: .\n")
    assert codes("--select", "DF301", "compose.yaml") == [("Dockerfile", "DF301", "warning")]
    assert run("--select", "DF301", "--fix", "services/api/Dockerfile", "Dockerfile")[0] == 0
    assert (repo / "services/api/Dockerfile").read_text() == DIRTY and "--no-cache-dir" in (repo / "Dockerfile").read_text()


def test_per_file_ignores_in_pyproject_and_for_stdin(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.dflint]\nselect = ["DF301"]\n\n[tool.dflint.per-file-ignores]\n"services/api/*" = ["DF301"]\n'
    )
    assert codes("services/api/Dockerfile") == []
    assert codes("-", "--stdin-filename", "services/api/Dockerfile", stdin=DIRTY.encode()) == []
    assert codes("-", stdin=DIRTY.encode()) == [("-", "DF301", "warning")]  # no name: no pattern matches


def test_a_per_file_ignored_rule_still_judges_its_pragmas(repo: Path) -> None:
    (repo / "Dockerfile").write_text("FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install torch==2.4.0\n")
    (repo / ".dflint.yaml").write_text(
        "select: [DF301]\nextend-select: [unused-suppression]\nper-file-ignores:\n  Dockerfile: [DF301]\n"
    )
    assert codes("Dockerfile") == []  # the pragma suppresses a real finding: not unused
    (repo / "Dockerfile").write_text(
        "FROM python:3.11-slim\n# dflint: ignore=DF301\nRUN pip install --no-cache-dir torch==2.4.0\n"
    )
    assert [c for _, c, _ in codes("Dockerfile")] == ["DF690"]


def test_rule_options_and_trusted_registries(repo: Path) -> None:
    (repo / "Dockerfile").write_text(
        "FROM python:3.11-slim AS build\nRUN pip install flask==3.0.3\nFROM quay.io/acme/base:1.0\nCOPY --from=build /x /x\n"
    )
    (repo / ".dflint.yaml").write_text(
        "select: [DF301, DF105]\noptions:\n  pip-cache:\n    include-build-stages: true\ntrusted-registries: [ghcr.io]\n"
    )
    found = codes("Dockerfile")
    assert ("Dockerfile", "DF301", "warning") in found  # the build stage is checked now
    assert ("Dockerfile", "DF105", "error") in found  # quay.io is not trusted
    (repo / ".dflint.yaml").write_text("select: [DF105]\ntrusted-registries: [quay.io, docker.io]\n")
    assert codes("Dockerfile") == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("select: [DF301]\nselct: [DF1]\n", 2, "unknown key 'selct' (did you mean 'select'?)"),
        ("fail-on: warnings\n", 1, "'fail-on': 'warnings' is not one of error, warning, info, style"),
        ("ignore: DF301\n", 1, "'ignore': expected a list, got string 'DF301'"),
        ("build-args:\n  PY: 3.11\n", 2, "'build-args.PY': expected a string, got number 3.11 (quote it)"),
        ("select:\n  - DF301\n  - DF3O1\n", 3, "'select': unknown rule code or name 'DF3O1' (did you mean 'DF301'?)"),
        ("severity:\n  nope-rule: error\n", 2, "'severity': unknown rule code or name 'nope-rule'"),
        (
            "options:\n  pip-cache:\n    include-build-stages: 'yes'\n",
            3,
            "'options.pip-cache': 'include-build-stages' must be true or false, not string 'yes'",
        ),
        (
            "options:\n  pip-cache:\n    colour: red\n",
            3,
            "'options.pip-cache': unknown option 'colour' for DF301 pip-cache (known: include-build-stages, check-small-caches)",
        ),
        ("per-file-ignores:\n  'a/*': [DF999]\n", 2, "'per-file-ignores.a/*': unknown rule code or name 'DF999'"),
        (
            "select: [DF301]\nextend-per-file-ignores:\n  'a/*': [DF301]\n  b: [pip-cash]\n",
            4,
            "'extend-per-file-ignores.b': unknown rule code or name 'pip-cash' (did you mean 'pip-cache'?)",
        ),
        ("per-file-ignores:\n  '!': [DF301]\n", 2, "'per-file-ignores': '!' names no file"),
        ("per_file_ignores:\n  a: [DF301]\n", 1, "unknown key 'per_file_ignores' (did you mean 'per-file-ignores'?)"),
        ("select: [DF301]\nignore: []\nselect: [DF302]\n", 3, "duplicate key 'select' (first on line 1)"),
        ("select: [DF301\n", 2, "invalid YAML"),
        ("- DF301\n", 1, "the configuration must be a mapping"),
    ],
)
def test_errors_point_at_the_offending_line(repo: Path, text: str, line: int, message: str) -> None:
    (repo / ".dflint.yaml").write_text(text)
    code, out, err = run("Dockerfile")
    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith(f".dflint.yaml:{line}: "), err
    assert message in first, err
    lines = text.splitlines()
    if line <= len(lines):
        assert err.splitlines()[1] == f"  {line:>4} | {lines[line - 1]}"


def test_toml_errors_have_lines_too(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.dflint]\nselect = ["DF301"]\nignroe = ["DF302"]\n')
    code, _, err = run("Dockerfile")
    assert code == 2
    assert err.startswith("pyproject.toml:6: unknown key 'ignroe' (did you mean 'ignore'?)"), err


def test_every_schema_key_is_documented() -> None:
    from dflint.config import schema

    docs = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    for key in schema()["properties"]:
        assert f"`{key}`" in docs, key


def test_no_yaml_or_jsonschema_import_without_a_config_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DIRTY)
    imported = imported_modules("--select", "DF301", "Dockerfile", cwd=tmp_path, codes=(1,))
    assert not {"yaml", "jsonschema", "tomllib"} & imported


def test_a_plain_configuration_with_per_file_ignores_and_options_is_read_without_yaml(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DIRTY)
    (tmp_path / ".dflint.yaml").write_text(
        "select: [DF1, DF3]\noptions:\n  pip-cache: {include-build-stages: true}\ntrusted-registries: [ghcr.io]\n"
        "per-file-ignores:\n  'docker/dev/**': [DF2]\n  '!Dockerfile': [DF105]\nextend-per-file-ignores: {'*.test': [ALL]}\n"
    )
    imported = imported_modules("Dockerfile", cwd=tmp_path, codes=(1,))
    assert "dflint.config" in imported and not {"yaml", "jsonschema"} & imported


def test_globs() -> None:
    assert matches("services/**/Dockerfile", "services/api/Dockerfile")
    assert matches("services/**/Dockerfile", "services/Dockerfile")
    assert not matches("services/*/Dockerfile", "services/a/b/Dockerfile")
    assert matches("legacy", "legacy/old/Dockerfile") and matches("legacy/", "legacy/Dockerfile")
    assert matches("*.Dockerfile", "deploy/api.Dockerfile")
    assert not matches("deploy/*.Dockerfile", "other/deploy/api.Dockerfile")
    assert matches("[!a]b", "cb") and not matches("[!a]b", "ab")


def test_documented_examples_are_valid(tmp_path: Path) -> None:
    import re

    from dflint.config import load_config

    docs = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    yaml_block = re.search(r"```yaml\n# \.dflint\.yaml\n(.*?)```", docs, re.DOTALL)
    toml_block = re.search(r"```toml\n(.*?)```", docs, re.DOTALL)
    assert yaml_block and toml_block
    (tmp_path / ".dflint.yaml").write_text(yaml_block.group(1))
    (tmp_path / "pyproject.toml").write_text(toml_block.group(1))
    assert load_config(str(tmp_path / ".dflint.yaml")).target == "runtime"
    assert load_config(str(tmp_path / "pyproject.toml")).fail_on is not None
    pragmas = re.search(r"## Inline pragmas\n\n```dockerfile\n(.*?)```", docs, re.DOTALL)
    assert pragmas
    (tmp_path / "Dockerfile").write_text(pragmas.group(1))
    result = CliRunner().invoke(main, ["--isolated", "--select", "DF691", str(tmp_path / "Dockerfile")])
    assert result.exit_code == 0, result.stdout
