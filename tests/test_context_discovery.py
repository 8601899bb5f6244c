"""Build-context discovery on repository layouts built as test data: compose, CI workflows,
Makefiles, scripts, COPY sources, and nothing at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.cli import main
from dflint.context_discovery import LEVELS_WITHOUT_REPOSITORY, choose, copy_sources, parse_build_command
from dflint.model import ContextChoice

DOCKERFILE = "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"


def repository(root: Path, files: dict[str, str], *, git: bool = True) -> Path:
    """Write a repository layout: `files` maps relative paths to their text."""
    if git:
        (root / ".git").mkdir(parents=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def chosen(root: Path, dockerfile: str = "docker/Dockerfile") -> ContextChoice:
    path = root / dockerfile
    return choose(str(path), path.read_text(encoding="utf-8"))


def test_compose_file_at_the_root_gives_the_context(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "compose.yaml": compose, "requirements.txt": "torch\n"})
    choice = chosen(root)
    assert choice == ContextChoice(
        str(root.resolve()), "compose", f"service 'api' in {root.name}/compose.yaml builds it with this context"
    )


def test_compose_file_next_to_the_dockerfile_with_a_parent_context(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "docker/docker-compose.yml": compose})
    choice = chosen(root)
    assert (choice.directory, choice.source) == (str(root.resolve()), "compose")


def test_compose_wins_over_a_makefile(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    build:\n      context: docker\n      dockerfile: Dockerfile\n"
    makefile = "image:\n\tdocker build -f docker/Dockerfile .\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "compose.yaml": compose, "Makefile": makefile})
    assert chosen(root).directory == str((root / "docker").resolve())
    assert chosen(root).source == "compose"


def test_github_workflow_run_step(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: |\n          docker buildx build --platform linux/amd64 \\\n"
        "            -t ghcr.io/x/y:latest -f docker/Dockerfile . --push\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, ".github/workflows/ci.yml": workflow})
    choice = chosen(root)
    assert choice == ContextChoice(
        str(root.resolve()),
        "build-command",
        f"the CI workflow {root.name}/.github/workflows/ci.yml:8 builds it with this context",
    )


def test_github_workflow_build_push_action(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - name: Build\n        uses: docker/build-push-action@v6\n        with:\n"
        "          context: .\n          file: ./docker/Dockerfile\n          push: false\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, ".github/workflows/image.yaml": workflow})
    choice = chosen(root)
    assert choice == ContextChoice(
        str(root.resolve()),
        "build-command",
        f"the CI workflow {root.name}/.github/workflows/image.yaml:6 builds it with this context",
    )


def test_build_push_action_with_an_expression_is_not_guessed(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: docker/build-push-action@v6\n"
        "        with:\n          context: ${{ matrix.dir }}\n          file: docker/Dockerfile\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, ".github/workflows/ci.yml": workflow})
    assert chosen(root).source == "dockerfile-directory"


def test_a_build_matrix_beside_the_workflows_pairs_the_dockerfile_with_its_context(tmp_path: Path) -> None:
    # LocalAI's `.github/backend-matrix.yml`: items a reusable workflow passes to build-push-action
    # as `${{ inputs.context }}` and `${{ inputs.dockerfile }}`; paths from the repository's root
    matrix = (
        "include:\n"
        '  - backend: "llama"\n'
        '    dockerfile: "./backend/Dockerfile.llama"\n'
        '    context: "./backend"\n'
        "  - build-type: 'cublas'  # the GPU build\n"
        "    tag-suffix: '-gpu-ds4'\n"
        '    dockerfile: "./backend/Dockerfile.ds4"\n'
        '    context: "./"\n'
        "  - dockerfile: ./backend/Dockerfile.ds4\n"
        "    context: ${{ inputs.context }}\n"
    )
    files = {"backend/Dockerfile.ds4": DOCKERFILE, "backend/Dockerfile.llama": DOCKERFILE, ".github/backend-matrix.yml": matrix}
    root = repository(tmp_path, files)
    assert chosen(root, "backend/Dockerfile.ds4") == ContextChoice(
        str(root.resolve()),
        "build-command",
        f"the CI workflow {root.name}/.github/backend-matrix.yml:5 builds it with this context",
    )
    assert chosen(root, "backend/Dockerfile.llama").directory == str((root / "backend").resolve())


def test_a_reusable_workflows_inputs_pair_the_dockerfile_with_its_context(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  gpu:\n    uses: ./.github/workflows/image_build.yml\n    with:\n"
        "      dockerfile: ./docker/Dockerfile\n      context: .\n      tag: gpu\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, ".github/workflows/image.yml": workflow})
    choice = chosen(root)
    assert (choice.directory, choice.source) == (str(root.resolve()), "build-command")
    assert choice.reason == f"the CI workflow {root.name}/.github/workflows/image.yml:6 builds it with this context"


def test_makefile_builds_it_from_the_root(tmp_path: Path) -> None:
    makefile = "IMAGE ?= me/server\n\nimage:\n\tdocker build -t $(IMAGE) \\\n\t\t-f docker/Dockerfile.gpu .\n"
    root = repository(tmp_path, {"docker/Dockerfile.gpu": DOCKERFILE, "Makefile": makefile})
    choice = chosen(root, "docker/Dockerfile.gpu")
    assert choice == ContextChoice(
        str(root.resolve()), "build-command", f"the Makefile {root.name}/Makefile:4 builds it with this context"
    )


def test_a_makefile_with_variables_that_moves_up_before_building(tmp_path: Path) -> None:
    # kubeflow/notebooks' crud-web-apps/jupyter/Makefile: simple variables, and `cd ../ &&` first
    makefile = (
        "IMG ?= ghcr.io/kubeflow/notebooks/jupyter-web-app\nTAG ?= $(shell git describe --tags --always)\n"
        "DOCKERFILE ?= jupyter/Dockerfile\n\ndocker-build:\n\tcd ../ && docker build -t ${IMG}:${TAG} -f ${DOCKERFILE} .\n"
    )
    root = repository(tmp_path, {"apps/jupyter/Dockerfile": DOCKERFILE, "apps/jupyter/Makefile": makefile})
    choice = chosen(root, "apps/jupyter/Dockerfile")
    assert (choice.directory, choice.source) == (str((root / "apps").resolve()), "build-command")
    assert choice.reason == f"the Makefile {root.name}/apps/jupyter/Makefile:6 builds it with this context"


def test_a_makefile_variable_that_needs_the_shell_stays_unknown(tmp_path: Path) -> None:
    makefile = "DOCKERFILE := $(shell ls docker/Dockerfile*)\nimage:\n\tdocker build -f $(DOCKERFILE) .\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "Makefile": makefile})
    assert chosen(root).source != "build-command"


def test_the_build_command_in_the_dockerfiles_own_comment_gives_the_context(tmp_path: Path) -> None:
    # lmdeploy's docker/Dockerfile_patch: "Build (from repository root)" and a continued command
    dockerfile = (
        "# Patch image.\n#\n# Build (from repository root):\n#   docker build -f docker/Dockerfile_patch \\\n"
        "#     --build-arg BACKEND=pytorch \\\n#     -t lmdeploy:test .\n#\nFROM python:3.12-slim\nCOPY . /opt/app\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile_patch": dockerfile, "docker/Dockerfile": DOCKERFILE})
    choice = chosen(root, "docker/Dockerfile_patch")
    assert choice == ContextChoice(
        str(root.resolve()), "build-command", "the Dockerfile's own comment (line 4) builds it with this context"
    )


def test_a_commented_build_whose_context_lacks_the_sources_is_not_taken(tmp_path: Path) -> None:
    # a comment may be stale: the context it names must hold what the file copies
    dockerfile = "# docker build -f docker/Dockerfile .\nFROM python:3.12-slim\nCOPY server.py /app/\n"
    root = repository(tmp_path, {"docker/Dockerfile": dockerfile, "docker/server.py": "print(1)\n"})
    choice = chosen(root)
    assert (choice.directory, choice.source) == (str((root / "docker").resolve()), "dockerfile-directory")


def test_a_commented_build_of_another_dockerfile_says_nothing(tmp_path: Path) -> None:
    dockerfile = "# docker build -f docker/Dockerfile.cpu .\nFROM python:3.12-slim\nCOPY . /app\n"
    root = repository(tmp_path, {"docker/Dockerfile": dockerfile, "docker/Dockerfile.cpu": DOCKERFILE})
    assert chosen(root).source != "build-command"


def test_podman_in_a_script_that_moves_to_the_root(tmp_path: Path) -> None:
    script = '#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\npodman build --file=serving/Containerfile --tag x:1 .\n'
    root = repository(tmp_path, {"serving/Containerfile": DOCKERFILE, "scripts/build.sh": script})
    choice = chosen(root, "serving/Containerfile")
    assert (choice.directory, choice.source) == (str(root.resolve()), "build-command")
    assert choice.reason == f"the script {root.name}/scripts/build.sh:4 builds it with this context"


def test_a_build_of_another_dockerfile_is_not_taken(tmp_path: Path) -> None:
    makefile = "image:\n\tdocker build -f docker/Dockerfile.cpu .\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "docker/Dockerfile.cpu": DOCKERFILE, "Makefile": makefile})
    assert chosen(root).source != "build-command"


def test_copy_sources_choose_the_nearest_directory_holding_them(tmp_path: Path) -> None:
    root = repository(tmp_path, {"services/api/docker/Dockerfile": DOCKERFILE, "services/api/requirements.txt": "torch\n"})
    choice = chosen(root, "services/api/docker/Dockerfile")
    assert choice == ContextChoice(
        str((root / "services/api").resolve()),
        "copy-sources",
        "the nearest directory up from the Dockerfile holding every COPY/ADD and bind-mount source (requirements.txt)",
    )


def test_bind_mount_sources_count_like_copy_sources(tmp_path: Path) -> None:
    # `COPY frontend …` alone would match the Dockerfile's own folder one level up; the bind-mounted
    # requirements file is only next to the Dockerfile, with the package folder, so that is the context
    mounted = (
        "FROM python:3.11-slim\n"
        "RUN --mount=type=bind,source=requirements.txt,target=/opt/requirements.txt pip install -r /opt/requirements.txt\n"
        "RUN --mount=type=cache,target=/root/.cache/pip --mount=type=bind,from=build,source=/out,target=/w true\n"
        "COPY frontend /app/frontend\n"
    )
    root = repository(
        tmp_path,
        {"app/frontend/Dockerfile": mounted, "app/frontend/requirements.txt": "", "app/frontend/frontend/__init__.py": ""},
    )
    choice = chosen(root, "app/frontend/Dockerfile")
    assert (choice.directory, choice.source) == (str((root / "app/frontend").resolve()), "dockerfile-directory")
    # without the mounted file anywhere, no directory holds every source: the folder, as unknown
    bare = repository(tmp_path / "bare", {"app/frontend/Dockerfile": mounted})
    choice = chosen(bare, "app/frontend/Dockerfile")
    assert (choice.source, choice.unknown) == ("dockerfile-directory", True)


def test_sources_next_to_the_dockerfile_keep_its_folder(tmp_path: Path) -> None:
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "docker/requirements.txt": "", "requirements.txt": ""})
    choice = chosen(root)
    assert (choice.directory, choice.source) == (str((root / "docker").resolve()), "dockerfile-directory")


def test_nothing_found_keeps_the_dockerfile_folder_and_says_why(tmp_path: Path) -> None:
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE})
    assert chosen(root) == ContextChoice(
        str((root / "docker").resolve()),
        "dockerfile-directory",
        "no directory up to the repository root holds every COPY/ADD and bind-mount source; the Dockerfile's own folder",
        unknown=True,
    )


def test_a_whole_context_copy_from_a_folder_of_dockerfiles_is_built_from_elsewhere(tmp_path: Path) -> None:
    whole = "FROM ubuntu:22.04 AS build\nWORKDIR /app\nCOPY . .\nRUN make\n"
    root = repository(tmp_path, {".devops/cpu.Dockerfile": whole, ".devops/cuda.Dockerfile": whole})
    choice = chosen(root, ".devops/cpu.Dockerfile")
    assert (choice.directory, choice.source, choice.unknown) == (str((root / ".devops").resolve()), "dockerfile-directory", True)
    assert "holds nothing but Dockerfiles" in choice.reason
    # a Dockerfile that copies nothing from the context: the folder is kept, as before
    (root / ".devops/base.Dockerfile").write_text("FROM ubuntu:22.04\nRUN true\n", encoding="utf-8")
    assert chosen(root, ".devops/base.Dockerfile").unknown is False
    # anything else in the folder (a source, a subfolder) may be what the copy is for
    (root / ".devops/main.c").write_text("int main(void) { return 0; }\n", encoding="utf-8")
    assert chosen(root, ".devops/cpu.Dockerfile") == ContextChoice(
        str((root / ".devops").resolve()), "dockerfile-directory", "nothing builds it and it copies nothing named from a context"
    )


def test_subfolders_of_dockerfiles_only_are_no_sources_either(tmp_path: Path) -> None:
    whole = "FROM ubuntu:22.04 AS build\nWORKDIR /app\nCOPY . .\nRUN make\n"
    root = repository(
        tmp_path,
        {"docker/Dockerfile": whole, "docker/tools/gen/Dockerfile": "FROM node:22\n", "docker/gpu/Dockerfile.cuda": whole},
    )
    choice = chosen(root, "docker/Dockerfile")
    assert (choice.source, choice.unknown) == ("dockerfile-directory", True)
    # a file of another kind anywhere below may be what the copy is for
    (root / "docker/tools/gen/convert.js").write_text("console.log(1)\n", encoding="utf-8")
    assert chosen(root, "docker/Dockerfile").unknown is False


def test_never_above_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("torch\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    build:\n      context: .\n      dockerfile: repo/docker/Dockerfile\n", encoding="utf-8"
    )
    root = repository(tmp_path / "repo", {"docker/Dockerfile": DOCKERFILE})
    choice = chosen(root)
    assert choice.directory == str((root / "docker").resolve())


def test_without_a_repository_the_search_is_bounded(tmp_path: Path) -> None:
    deep = "a/" * (LEVELS_WITHOUT_REPOSITORY + 1) + "Dockerfile"
    repository(tmp_path, {"requirements.txt": "", deep: DOCKERFILE}, git=False)
    assert chosen(tmp_path, deep).source == "dockerfile-directory"
    near = "b/" * LEVELS_WITHOUT_REPOSITORY + "Dockerfile"
    repository(tmp_path, {near: DOCKERFILE}, git=False)
    assert chosen(tmp_path, near) == ContextChoice(
        str(tmp_path.resolve()),
        "copy-sources",
        "the nearest directory up from the Dockerfile holding every COPY/ADD and bind-mount source (requirements.txt)",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_special_file_named_like_a_makefile_is_not_read(tmp_path: Path) -> None:
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "requirements.txt": ""})
    os.mkfifo(root / "Makefile")
    assert chosen(root).source == "copy-sources"  # returns instead of blocking on the pipe


def test_copy_sources_skip_variables_urls_stages_and_heredocs() -> None:
    text = (
        "FROM x AS b\nCOPY --from=b /a /b\nCOPY $SRC /x/\nADD https://e.com/f /f\nCOPY <<EOF /g\nhi\nEOF\n"
        'COPY ["app/main.py", "conf/*.yaml", "/app/"]\nCOPY --chown=1 ./src/ . \n'
    )
    assert copy_sources(text) == ["app/main.py", "conf/*.yaml", "src"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("-f docker/Dockerfile .", (".", "docker/Dockerfile")),
        ("--file=docker/Dockerfile -t x:1 --build-arg A=1 ..", ("..", "docker/Dockerfile")),
        ("--push --platform linux/amd64,linux/arm64 -t x ctx && echo done", ("ctx", None)),
        ("-fDockerfile.cpu --no-cache src", ("src", "Dockerfile.cpu")),
        ("-t x $(CONTEXT)", None),
        ("-t x - < Dockerfile", None),
        ("https://github.com/x/y.git", None),
        ("-f $DOCKERFILE .", None),
    ],
)
def test_parse_build_command(words: str, expected: tuple[str, str | None] | None) -> None:
    assert parse_build_command(words) == expected


def test_the_issue_example_finds_torch_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`docker/Dockerfile` copying a root requirements.txt: the real problem inside it is reported."""
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "requirements.txt": "torch==2.5.1\n"})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "DF203,DF402,DF504", "docker/Dockerfile"])
    document = json.loads(result.output)
    assert [finding["code"] for finding in document["findings"]] == ["DF203"]
    assert document["files"] == [
        {
            "file": "docker/Dockerfile",
            "context": str(root.resolve()),
            "context_source": "copy-sources",
            "context_reason": "the nearest directory up from the Dockerfile holding every COPY/ADD and bind-mount source (requirements.txt)",
            "purpose": "unknown",
            "purpose_evidence": "no command, exposed port or telling name",
            "generated": None,
        }
    ]


@pytest.mark.parametrize("fix", [False, True])
def test_stdin_named_by_stdin_filename_discovers_the_context_as_the_file_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fix: bool
) -> None:
    """An editor or a hook piping `docker/Dockerfile` gets the build context the command line finds for it."""
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "requirements.txt": "torch==2.5.1\n"})
    monkeypatch.chdir(root)
    args = ["--format", "json", "--select", "DF203,DF402,DF504", "-", "--stdin-filename", "docker/Dockerfile"]
    if fix:  # `--fix` on stdin reads the same context (the fixed text goes to stdout, the report to stderr)
        args = ["--fix", *args]
    result = CliRunner().invoke(main, args, input=DOCKERFILE)
    document, _ = json.JSONDecoder().raw_decode(result.stderr if fix else result.output)
    assert [finding["code"] for finding in document["findings"]] == ["DF203"]
    assert document["files"][0]["context"] == str(root.resolve())
    assert document["files"][0]["context_source"] == "copy-sources"


def test_stdin_without_a_name_keeps_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "requirements.txt": "torch==2.5.1\n"})
    monkeypatch.chdir(root / "docker")
    result = CliRunner().invoke(main, ["--format", "json", "--select", "DF203,DF402", "-"], input=DOCKERFILE)
    document = json.loads(result.output)
    assert document["files"][0]["context_source"] == "stdin"
    assert document["files"][0]["context"] == str((root / "docker").resolve())
    assert [finding["code"] for finding in document["findings"]] == ["DF402"]


def test_the_context_option_always_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "compose.yaml": compose, "requirements.txt": "torch\n"})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--format", "json", "--context", "docker", "--select", "DF402", "docker/Dockerfile"])
    document = json.loads(result.output)
    assert document["files"][0]["context_source"] == "option"
    assert document["files"][0]["context"] == str((root / "docker").resolve())
    (finding,) = document["findings"]
    assert finding["message"] == (
        "requirements file `requirements.txt` does not exist in the build context (the Dockerfile's folder); check `--context`"
    )
    assert finding["detail"] == (
        "requirements file `/app/requirements.txt` of `pip install` in stage 0 was not read:"
        " 'requirements.txt' does not exist in the build context (looked in the Dockerfile's folder, chosen as the build"
        " context: given with --context; pass `--context DIR` if the image is built from another directory);"
        " its pins are not checked"
    )


def test_verbose_text_names_the_context_and_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    makefile = "build:\n\tdocker build -f docker/Dockerfile .\n"
    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, "Makefile": makefile, "requirements.txt": ""})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--verbose", "--select", "DF402", "docker/Dockerfile"])
    assert result.output.splitlines()[0] == (
        f"docker/Dockerfile: build context {root.resolve()} (the Makefile {root.name}/Makefile:2 builds it with this context)"
    )
    quiet = CliRunner().invoke(main, ["--select", "DF402", "docker/Dockerfile"])
    assert "build context" not in quiet.output


@pytest.mark.parametrize(
    ("build_file", "before", "after"),
    [
        (
            "compose.yaml",
            "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n",
            "services:\n  api:\n    build:\n      context: docker\n      dockerfile: Dockerfile\n",
        ),
        ("Makefile", "image:\n\tdocker build -f docker/Dockerfile .\n", "image:\n\tdocker build docker\n"),
    ],
)
def test_a_long_running_process_sees_an_edited_build_file(tmp_path: Path, build_file: str, before: str, after: str) -> None:
    """A process that lints for a long time (an editor integration, a watcher) reads the build file
    again once it is edited, whatever its size and however soon the edit follows."""
    from dflint.config import Overrides, Resolver
    from dflint.engine import lint_file

    root = repository(tmp_path, {"docker/Dockerfile": DOCKERFILE, build_file: before, "requirements.txt": "torch\n"})
    path = str(root / "docker" / "Dockerfile")
    settings, rules = Resolver(Overrides()).settings_for(path)

    def context() -> str | None:
        result = lint_file(path, settings, rules)
        assert result.context is not None
        return result.context.directory

    assert context() == str(root.resolve())
    (root / build_file).write_text(after, encoding="utf-8")
    assert context() == str((root / "docker").resolve())
    (root / build_file).write_text(before, encoding="utf-8")
    assert context() == str(root.resolve())


def test_each_directory_is_scanned_once_and_a_new_build_file_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dockerfiles of one repository share one scan of each directory they walk up through; adding a
    build file changes the directory, so a long-running process sees it."""
    from dflint import context_discovery

    files = {f"services/s{n}/Dockerfile": DOCKERFILE for n in range(5)}
    root = repository(tmp_path, {**files, "requirements.txt": "torch\n"})
    listed: list[str] = []
    real_listdir = os.listdir

    def counting(directory: str) -> list[str]:
        listed.append(os.path.realpath(directory))
        return real_listdir(directory)

    monkeypatch.setattr(context_discovery.os, "listdir", counting)
    context_discovery._SCANS.clear()
    for n in range(5):
        assert chosen(root, f"services/s{n}/Dockerfile").source == "copy-sources"
    assert listed.count(str(root.resolve())) == 1, "the repository root was listed more than once"
    assert listed.count(str((root / "services").resolve())) == 1
    makefile = "image:\n\tdocker build -f services/s0/Dockerfile .\n"
    (root / "Makefile").write_text(makefile, encoding="utf-8")
    os.utime(root, ns=(os.stat(root).st_atime_ns, os.stat(root).st_mtime_ns + 1_000_000))  # a coarse clock
    choice = chosen(root, "services/s0/Dockerfile")
    assert choice.source == "build-command" and "Makefile:2" in choice.reason


def test_a_listing_keeps_exactly_the_names_fnmatch_matches() -> None:
    import fnmatch

    from hypothesis import given
    from hypothesis import strategies as st

    from dflint.compose import COMPOSE_PATTERNS
    from dflint.context_discovery import _MAKEFILES, _SCRIPTS, _names_matching

    tuples = [COMPOSE_PATTERNS, _MAKEFILES, _SCRIPTS, ("*.yml", "*.yaml"), (".gitlab-ci.yml",), ("[a-c]?.sh", "x*y"), ()]
    known = [
        name for patterns in tuples for pattern in patterns for name in (pattern.replace("*", "a"), pattern.replace("*", ""))
    ]

    @given(st.one_of(st.sampled_from(known), st.text(alphabet="abcxy.-_/\nMmkesh*?[]", max_size=14)))
    def check(name: str) -> None:
        for patterns in tuples:
            expected = any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
            assert (_names_matching(patterns)(name) is not None) == expected, (patterns, name)

    check()


# -- the platform the repository builds a Dockerfile for ----------------------------------------------

ARM_IMAGE = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3-pip\nRUN pip install --no-cache-dir torch==2.5.1\nCMD ["python3", "-m", "server"]\n'


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # lmdeploy's Ascend image: built with `--platform linux/arm64`, the torch wheel PyPI serves there has no CUDA
        ("      - run: docker build . -t x -f docker/Dockerfile --platform linux/arm64\n", "linux/arm64"),
        ("      - run: docker buildx build --platform=linux/arm64 -f docker/Dockerfile .\n", "linux/arm64"),
        (
            "      - uses: docker/build-push-action@v6\n        with:\n          context: .\n"
            "          file: docker/Dockerfile\n          platforms: linux/arm64\n",
            "linux/arm64",
        ),
        # several platforms, the default one, or no platform: the default build stays
        ("      - run: docker buildx build --platform linux/amd64,linux/arm64 -f docker/Dockerfile .\n", None),
        ("      - run: docker build --platform linux/amd64 -f docker/Dockerfile .\n", None),
        ("      - run: docker build --platform $PLATFORM -f docker/Dockerfile .\n", None),
        ("      - run: docker build -f docker/Dockerfile .\n", None),
    ],
)
def test_the_platform_every_build_names_is_the_one_linted(tmp_path: Path, steps: str, expected: str | None) -> None:
    from dflint.context_discovery import build_platform

    workflow = f"on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"
    root = repository(tmp_path, {"docker/Dockerfile": ARM_IMAGE, ".github/workflows/image.yml": workflow})
    found = build_platform(str(root / "docker" / "Dockerfile"))
    assert (found[0] if found else None) == expected
    if found is not None:
        assert found[1] == f"the CI workflow {root.name}/.github/workflows/image.yml:6 builds it for {expected}"


def test_a_build_on_an_arm64_runner_builds_for_arm64_and_one_without_keeps_the_default(tmp_path: Path) -> None:
    from dflint.context_discovery import build_platform

    arm = (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-22.04-arm\n    steps:\n      - run: docker build -f docker/Dockerfile .\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": ARM_IMAGE, ".github/workflows/arm.yml": arm})
    assert build_platform(str(root / "docker" / "Dockerfile")) == (
        "linux/arm64",
        f"the CI workflow {root.name}/.github/workflows/arm.yml:6 builds it for linux/arm64",
    )
    (root / "Makefile").write_text("image:\n\tdocker build -f docker/Dockerfile .\n", encoding="utf-8")
    assert build_platform(str(root / "docker" / "Dockerfile")) is None  # the Makefile's build is for the default


def test_the_repositorys_platform_reaches_the_rules_and_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On arm64, PyPI's torch wheel has no CUDA libraries: DF203 has nothing to say, and `-v` and JSON
    say which platform the file was linted for, and why."""
    workflow = "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build --platform linux/arm64 -f docker/Dockerfile .\n"
    root = repository(tmp_path, {"docker/Dockerfile": ARM_IMAGE, ".github/workflows/image.yml": workflow})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "DF203", "docker/Dockerfile"])
    document = json.loads(result.output)
    assert document["findings"] == []
    assert document["files"][0]["target_platform"] == "linux/arm64"
    assert document["files"][0]["target_platform_reason"] == (
        f"the CI workflow {root.name}/.github/workflows/image.yml:6 builds it for linux/arm64"
    )
    text = CliRunner().invoke(main, ["-v", "--select", "DF203", "docker/Dockerfile"]).output
    assert (
        f"docker/Dockerfile: built for linux/arm64 (the CI workflow {root.name}/.github/workflows/image.yml:6 builds it for linux/arm64)"
        in text
    )
    # an explicit TARGETPLATFORM wins: the default platform's torch is the CUDA one
    given = CliRunner().invoke(main, ["--select", "DF203", "--build-arg", "TARGETPLATFORM=linux/amd64", "docker/Dockerfile"])
    assert "DF203" in given.output


def test_the_target_platform_fields_are_in_the_json_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))
    workflow = (
        "on: push\njobs:\n  image:\n    runs-on: ubuntu-24.04-arm\n    steps:\n      - run: docker build -f docker/Dockerfile .\n"
    )
    root = repository(tmp_path, {"docker/Dockerfile": ARM_IMAGE, ".github/workflows/image.yml": workflow})
    monkeypatch.chdir(root)
    document = json.loads(CliRunner().invoke(main, ["--format", "json", "docker/Dockerfile"]).output)
    assert document["files"][0]["target_platform"] == "linux/arm64"
    jsonschema.validate(document, schema)


def test_a_build_push_step_with_matrix_values_builds_each_matrix_entry(tmp_path: Path) -> None:
    """`file: ./models/dockerfiles/${{ matrix.dockerfile }}` with `context: ./models` (depot's action takes the
    same inputs): each `include` item is one build, with its own platform."""
    from dflint.context_discovery import build_platform

    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n"
        '          - dockerfile: "x86.cpu.dockerfile"\n            build_platforms: "linux/amd64"\n'
        '          - dockerfile: "jp51.dockerfile"\n            build_platforms: "linux/arm64"\n'
        "    steps:\n      - uses: actions/checkout@v6\n      - uses: depot/build-push-action@v1\n        with:\n"
        "          platforms: ${{ matrix.build_platforms }}\n"
        "          file: ./models/dockerfiles/${{ matrix.dockerfile }}\n          context: ./models\n"
    )
    text = "FROM python:3.11-slim\nCOPY pyproject.toml .\n"
    files = {
        "models/dockerfiles/x86.cpu.dockerfile": text,
        "models/dockerfiles/jp51.dockerfile": text,
        "models/pyproject.toml": "",
        "pyproject.toml": "",
        ".github/workflows/image.yml": workflow,
    }
    root = repository(tmp_path, files)
    for name in ("x86.cpu.dockerfile", "jp51.dockerfile"):
        choice = chosen(root, f"models/dockerfiles/{name}")
        assert (choice.directory, choice.source) == (str((root / "models").resolve()), "build-command")
    assert build_platform(str(root / "models/dockerfiles/x86.cpu.dockerfile")) is None
    assert build_platform(str(root / "models/dockerfiles/jp51.dockerfile")) == (
        "linux/arm64",
        f"the CI workflow {root.name}/.github/workflows/image.yml:14 builds it for linux/arm64",
    )


def test_a_matrix_value_the_matrix_does_not_give_is_not_guessed(tmp_path: Path) -> None:
    workflow = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        python: ['3.11']\n"
        "    steps:\n      - uses: docker/build-push-action@v6\n        with:\n"
        "          file: docker/${{ matrix.flavour }}.Dockerfile\n          context: .\n"
    )
    root = repository(tmp_path, {"docker/cpu.Dockerfile": DOCKERFILE, ".github/workflows/image.yml": workflow})
    assert chosen(root, "docker/cpu.Dockerfile").source != "build-command"
