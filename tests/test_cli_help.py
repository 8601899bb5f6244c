"""`dflint --help` lists the lint options; `dflint explain DLnnnn`; configuration syntax errors name
the line and the path as the user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_top_level_help_lists_the_lint_options() -> None:
    code, out, _ = run("--help")
    assert code == 0
    lint = out.split("Lint options", 1)[1]
    for option in ("--select", "--exclude", "--extend-exclude", "--exit-zero", "--fail-on", "--fix", "--show-fixes", "--target"):
        assert f"  {option}" in lint, option


def test_explain_a_hadolint_code_shows_its_dflint_rule() -> None:
    code, out, _ = run("explain", "DL3042")
    assert code == 0
    assert out.startswith("hadolint DL3042 is dflint DF301 (pip-cache); `# hadolint ignore=DL3042` suppresses it.\n")
    assert "# DF301 pip-cache" in out
    code, out, _ = run("explain", "dl3025")
    assert code == 0 and "DF601 (json-args-recommended), DF609 (invalid-exec-form)" in out


def test_explain_a_hadolint_code_without_equivalent_says_why() -> None:
    code, out, _ = run("explain", "DL3008")
    assert code == 0 and out.startswith("hadolint DL3008 has no dflint equivalent. pin versions in `apt-get install`: Not ported")
    code, _, err = run("explain", "DL9999")
    assert code == 2 and "unknown rule 'DL9999'" in err


def test_generated_hadolint_map_is_current() -> None:
    from dflint.hadolint import expected_files

    root = Path(__file__).resolve().parents[1]
    for path, text in expected_files(root).items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `python -m dflint.hadolint`"


def test_toml_errors_name_the_line_and_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("FROM python:3.11-slim\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.dflint]\nselect = ["DF301"]\nignore = [\n')
    monkeypatch.chdir(tmp_path / "sub")
    code, _, err = run("Dockerfile")
    assert code == 2 and err.startswith("../pyproject.toml:6: invalid TOML: Invalid value (at end of document)")
    code, _, err = run("--config", "../pyproject.toml", "Dockerfile")
    assert code == 2 and err.startswith("../pyproject.toml:6: invalid TOML")
    (tmp_path / "sub" / ".dflint.yaml").write_text("select: [DF301]\nignore: [DF302\nfail-on: error\n")
    code, _, err = run("Dockerfile")
    assert code == 2 and err.startswith(".dflint.yaml:3: invalid YAML")


def test_show_fixes_lists_what_was_fixed(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11-slim-bookworm\nRUN pip install a==1 && pip install b==2\nRUN apt-get install -y ffmpeg\n"
    )
    code, out, _ = run("--select", "DF301,DF306", "--fix", "--unsafe-fixes", "--show-fixes", str(dockerfile))
    assert out.splitlines()[-3:] == [f"- {dockerfile}:", "    1 × DF301 (pip-cache)", "    1 × DF306 (apt-no-install-recommends)"]
    dockerfile.write_text("FROM python:3.11-slim\nRUN pip install a==1\n")
    code, out, _ = run("--select", "DF301", "--fix", str(dockerfile))
    assert "× DF301" not in out
