"""How the repository runs the image (`dflint.deployment`): a compose service's `user:` is who the
container runs as, so DF620 leaves an image every compose service runs as a user other than root."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.deployment import (
    ComposeRun,
    compose_runs,
    documented_runs_choose_user,
    runs_as_non_root,
    runs_attached,
    runs_from_mounted_source,
)
from dflint.engine import Settings, lint_file, selected_rules
from dflint.parse import parse
from dflint.readme_runs import readme_runs

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
    assert compose_runs(model) == (ComposeRun("app", f"{tmp_path.name}/docker/compose.yaml", "6972:6972", False, False),)
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


MAKEFILE = "IMG ?= ghcr.io/org/web-app\n\nimage:\n\tdocker build -t $(IMG):latest -f docker/Dockerfile .\n"


def deployment_yaml(security: str, image: str = "ghcr.io/org/web-app") -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        f"      containers:\n      - name: web\n        image: {image}\n{security}"
    )


def k8s_repository(root: Path, manifests: dict[str, str], makefile: str = MAKEFILE) -> Path:
    dockerfile = repository(root, None, {"Makefile": makefile})
    for name, text in manifests.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dockerfile


def test_a_manifest_that_runs_the_built_image_as_a_uid_runs_it_as_that_user(tmp_path: Path) -> None:
    security = "        securityContext:\n          runAsNonRoot: true\n          runAsUser: 1000\n"
    dockerfile = k8s_repository(tmp_path, {"manifests/base/deployment.yaml": "---\n" + deployment_yaml(security)})
    run = runs_as_non_root(parse(DOCKERFILE, str(dockerfile)))
    assert run is not None and run.describe() == (
        f"Deployment container 'web' in {tmp_path.name}/manifests/base/deployment.yaml:2 runs it as UID 1000"
    )
    assert df620(dockerfile) == []


def test_the_pods_uid_counts_and_a_built_name_with_a_variable_matches_by_its_literal_tail(tmp_path: Path) -> None:
    script = '#!/bin/sh\nVERSION="v1"\ndocker build -t "${REGISTRY}/web-app:${TAG}" -f docker/Dockerfile .\n'
    manifest = deployment_yaml("", "ghcr.io/kubeflow/web-app:v0.1").replace(
        "    spec:\n      containers:", "    spec:\n      securityContext:\n        runAsUser: 1000\n      containers:"
    )
    dockerfile = k8s_repository(tmp_path, {"deploy/web.yaml": manifest}, makefile="")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "build.sh").write_text(script, encoding="utf-8")
    assert df620(dockerfile) == []


@pytest.mark.parametrize(
    "manifests",
    [
        # runAsNonRoot alone: the kubelet refuses a root image, so the image needs the USER
        {"manifests/deployment.yaml": deployment_yaml("        securityContext:\n          runAsNonRoot: true\n")},
        # one workload runs it as a UID, another as the image's user
        {
            "manifests/a.yaml": deployment_yaml("        securityContext:\n          runAsUser: 1000\n"),
            "manifests/b.yaml": deployment_yaml(""),
        },
        # a UID 0
        {"k8s/deployment.yaml": deployment_yaml("        securityContext:\n          runAsUser: 0\n")},
        # another image
        {
            "manifests/deployment.yaml": deployment_yaml(
                "        securityContext:\n          runAsUser: 1000\n", "ghcr.io/org/other"
            )
        },
        # a Helm template does not parse
        {"deploy/templates/d.yaml": deployment_yaml("        securityContext:\n          runAsUser: {{ .Values.uid }}\n")},
    ],
)
def test_without_evidence_for_every_workload_the_image_is_reported(tmp_path: Path, manifests: dict[str, str]) -> None:
    dockerfile = k8s_repository(tmp_path, manifests)
    assert runs_as_non_root(parse(DOCKERFILE, str(dockerfile))) is None
    assert len(df620(dockerfile)) == 1


def test_a_manifests_folder_linked_out_of_the_repository_is_not_entered(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "deployment.yaml").write_text(
        deployment_yaml("        securityContext:\n          runAsUser: 1000\n"), encoding="utf-8"
    )
    root = tmp_path / "repo"
    root.mkdir()
    dockerfile = k8s_repository(root, {})
    (root / "manifests").symlink_to(outside, target_is_directory=True)
    assert runs_as_non_root(parse(DOCKERFILE, str(dockerfile))) is None
    assert len(df620(dockerfile)) == 1


def test_an_image_every_compose_service_runs_as_a_shell_session_is_a_workbench(tmp_path: Path) -> None:
    # LLaMA-Factory's compose files: `command: bash`, `tty: true`, `stdin_open: true`
    compose = SERVICE + "    tty: true\n    stdin_open: true\n    command: bash\n"
    dockerfile = repository(tmp_path, compose)
    assert [run.shell_session for run in compose_runs(parse(DOCKERFILE, str(dockerfile)))] == [True]
    assert df620(dockerfile) == []


def test_a_shell_without_a_terminal_is_not_a_session(tmp_path: Path) -> None:
    compose = SERVICE + '    command: ["sh", "-c", "python app.py"]\n'
    dockerfile = repository(tmp_path, compose)
    assert [run.shell_session for run in compose_runs(parse(DOCKERFILE, str(dockerfile)))] == [False]
    assert len(df620(dockerfile)) == 1


@pytest.mark.parametrize(
    "extra",
    ["    privileged: true\n", "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"],
)
def test_an_image_a_compose_service_runs_privileged_or_with_the_docker_socket_is_root_by_design(
    tmp_path: Path, extra: str
) -> None:
    dockerfile = repository(tmp_path, SERVICE + extra)
    assert [run.drives_host for run in compose_runs(parse(DOCKERFILE, str(dockerfile)))] == [True]
    assert df620(dockerfile) == []


@pytest.mark.parametrize(
    ("volumes", "mounted"),
    [
        ('    volumes:\n      - "..:/app"\n', "..:/app"),  # the build context itself (`context: ..`)
        ("    volumes:\n      - type: bind\n        source: ../\n        target: /workspace\n", "../:/workspace"),
        ('    volumes:\n      - "../config:/app/config"\n', None),  # a part of the context
        ('    volumes:\n      - "models:/models"\n', None),  # a named volume
        ("", None),
    ],
)
def test_a_service_that_mounts_its_build_context_runs_a_development_setup(
    tmp_path: Path, volumes: str, mounted: str | None
) -> None:
    """Every compose service that builds the image bind mounts its build context into the container:
    the source is edited on the host and run from there, so the image is a development container and
    the rules for deployed images (DF620 here) leave it."""
    dockerfile = repository(tmp_path, SERVICE + volumes)
    model = parse(DOCKERFILE, str(dockerfile))
    assert runs_from_mounted_source(model) == (compose_runs(model)[0] if mounted else None)
    assert compose_runs(model)[0].mounts_context == mounted
    assert (model.purpose is not None and model.purpose.kind == "devcontainer") is (mounted is not None)
    assert (df620(dockerfile) == []) is (mounted is not None)


SHELL_FORM = "FROM python:3.12-slim\nWORKDIR /app\nCOPY start.sh .\nEXPOSE 7860\nCMD umask 0002 && ./start.sh --listen\n"


def df601(dockerfile: Path) -> list[str]:
    settings = Settings(select=("DF601",))
    return [finding.message for finding in lint_file(str(dockerfile), settings, selected_rules(settings)).findings]


@pytest.mark.parametrize(("terminal", "attached"), [("    tty: true\n    stdin_open: true\n", True), ("    tty: true\n", False)])
def test_an_image_every_compose_service_runs_with_a_terminal_attached(tmp_path: Path, terminal: str, attached: bool) -> None:
    # text-generation-webui's compose files: `tty: true`, `stdin_open: true`, the image's own command
    dockerfile = repository(tmp_path, SERVICE + terminal)
    dockerfile.write_text(SHELL_FORM, encoding="utf-8")
    (tmp_path / "start.sh").write_text("#!/bin/sh\npython server.py\n", encoding="utf-8")
    assert [run.attached for run in compose_runs(parse(SHELL_FORM, str(dockerfile)))] == [attached]
    assert (runs_attached(parse(SHELL_FORM, str(dockerfile))) is not None) is attached
    assert len(df601(dockerfile)) == (0 if attached else 1)


README_BLOCK = "# Quick start\n\n```\ncd ./docker\ndocker build -t quick_server .\n{run}\n```\n"


@pytest.mark.parametrize(
    ("run", "reported"),
    [
        ("docker run --cap-add SYS_RESOURCE -e USE_MLOCK=0 -v /models:/var/model -t quick_server", False),
        ("$ docker run --rm --privileged quick_server", False),
        ("docker run -p 8000:8000 \\\n  --user 1000:1000 quick_server:latest", False),
        ("docker run -p 8000:8000 -it quick_server", True),  # says nothing about the user
        ("docker run --cap-add SYS_RESOURCE other_image", True),  # another image
    ],
)
def test_a_readme_run_that_adds_capabilities_or_names_a_user_decides_who_runs_it(
    tmp_path: Path, run: str, reported: bool
) -> None:
    # llama-cpp-python's docker/README.md: `cd ./openblas_simple`, `docker build -t openblas_simple .`,
    # `docker run --cap-add SYS_RESOURCE … -t openblas_simple`
    dockerfile = repository(tmp_path, None, {"README.md": README_BLOCK.format(run=run)})
    assert (documented_runs_choose_user(parse(DOCKERFILE, str(dockerfile))) is None) is reported
    assert len(df620(dockerfile)) == (1 if reported else 0)


def test_a_readme_build_of_another_dockerfile_runs_another_image(tmp_path: Path) -> None:
    text = "```\ndocker build -t quick_server -f other/Dockerfile .\ndocker run --privileged quick_server\n```\n"
    dockerfile = repository(tmp_path, None, {"README.md": text})
    assert readme_runs(parse(DOCKERFILE, str(dockerfile))) == ()
    assert len(df620(dockerfile)) == 1
