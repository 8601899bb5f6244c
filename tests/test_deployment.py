"""How the repository runs the image (`dflint.deployment`): a compose service's `user:` is who the
container runs as, so DF620 leaves an image every compose service runs as a user other than root."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.deployment import ComposeRun, compose_runs, runs_as_non_root
from dflint.engine import Settings, lint_file, selected_rules
from dflint.parse import parse

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nEXPOSE 8000\nCMD ["python", "app.py"]\n'


def repository(root: Path, compose: str | None, extra: dict[str, str] | None = None) -> Path:
    (root / ".git").mkdir()
    (root / "docker").mkdir()
    (root / "docker" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (root / "app.py").write_text("print('hi')\n", encoding="utf-8")
    if compose is not None:
        (root / "docker" / "compose.yaml").write_text(compose, encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root / "docker" / "Dockerfile"


def df620(dockerfile: Path) -> list[str]:
    settings = Settings(select=("DF620",))
    return [finding.message for finding in lint_file(str(dockerfile), settings, selected_rules(settings)).findings]


SERVICE = "services:\n  app:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"


def test_a_compose_user_with_a_default_runs_it_as_that_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_UID", raising=False)
    dockerfile = repository(tmp_path, SERVICE + '    user: "${APP_UID:-6972}:${APP_GID:-6972}"\n')
    model = parse(DOCKERFILE, str(dockerfile))
    assert compose_runs(model) == (ComposeRun("app", f"{tmp_path.name}/docker/compose.yaml", "6972:6972"),)
    assert runs_as_non_root(model) == compose_runs(model)[0]
    assert df620(dockerfile) == []


@pytest.mark.parametrize(
    "user",
    [
        None,  # no `user:`: the image's own user runs
        '    user: "0:0"\n',
        "    user: root\n",
        '    user: "${APP_UID}"\n',  # unset, no default: Compose would fail or run as root; unknown
    ],
)
def test_without_a_known_non_root_user_the_image_is_reported(
    tmp_path: Path, user: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APP_UID", raising=False)
    dockerfile = repository(tmp_path, SERVICE + (user or ""))
    assert runs_as_non_root(parse(DOCKERFILE, str(dockerfile))) is None
    assert df620(dockerfile) == ["stage 0 runs as root (no USER); create a user and end with `USER <name>`"]


def test_one_service_without_a_user_is_enough_to_report(tmp_path: Path) -> None:
    compose = SERVICE + "    user: app\n" + "  worker:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"
    dockerfile = repository(tmp_path, compose)
    assert [run.user for run in compose_runs(parse(DOCKERFILE, str(dockerfile)))] == ["app", None]
    assert len(df620(dockerfile)) == 1


def test_a_compose_file_building_another_dockerfile_says_nothing(tmp_path: Path) -> None:
    compose = "services:\n  other:\n    build: ..\n    user: app\n"
    dockerfile = repository(tmp_path, compose, {"Dockerfile": DOCKERFILE})
    assert compose_runs(parse(DOCKERFILE, str(dockerfile))) == ()
    assert len(df620(dockerfile)) == 1
