"""Requirements files written by a heredoc COPY are read from the Dockerfile; a nested absolute
`-r /path` names a file in the image, not in the build context."""

from __future__ import annotations

from pathlib import Path

from dflint.model import RequirementsFile
from tests.helpers import model


def _files(text: str, context: Path) -> list[RequirementsFile]:
    df = model(text, context_dir=str(context))
    return [file for instruction in df.stages[-1].instructions for op in instruction.packages for file in op.files]


def test_heredoc_copy_is_read(tmp_path: Path) -> None:
    text = "FROM python:3.11\nWORKDIR /app\nCOPY <<EOF requirements.txt\ntorch==2.4.0\nnumpy\nEOF\nRUN pip install -r requirements.txt\n"
    (file,) = _files(text, tmp_path)
    assert file.status == "read" and file.image_path == "/app/requirements.txt" and file.context_path is None
    assert [(r.name, r.pinned, r.file_line) for r in file.requirements] == [("torch", True, 1), ("numpy", False, 2)]


def test_heredoc_into_a_directory_and_a_later_copy_shadowing_it(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11\nCOPY <<a.txt <<b.txt /req/\nx==1\na.txt\ny\nb.txt\n"
        "RUN pip install -r /req/b.txt\nCOPY --from=build /out/a.txt /req/a.txt\nRUN pip install -r /req/a.txt\n"
    )
    first, second = _files(text, tmp_path)
    assert first.status == "read" and [r.raw for r in first.requirements] == ["y"]
    assert second.status == "not-from-context"


def test_heredoc_from_another_stage_is_not_read(tmp_path: Path) -> None:
    text = "FROM python:3.11 AS a\nFROM python:3.11\nCOPY --from=a <<EOF /r.txt\nx\nEOF\nRUN pip install -r /r.txt\n"
    (file,) = _files(text, tmp_path)
    assert file.status == "not-from-context"


def test_nested_absolute_include_maps_through_the_image(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("not-a-requirement\n")
    (tmp_path / "requirements.txt").write_text("-r /etc/passwd\nfastapi==0.115.0\n")
    text = "FROM python:3.11\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    (top,) = _files(text, tmp_path)
    (nested,) = top.includes
    assert nested.status == "not-copied" and nested.image_path == "/etc/passwd" and not nested.requirements


def test_nested_include_escaping_the_context_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r ../../etc/passwd\n")
    text = "FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
    (top,) = _files(text, tmp_path)
    (nested,) = top.includes
    assert nested.status == "outside-context" and not nested.requirements


def test_run_bind_mount_from_the_context_is_read(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("torch\n")
    text = (
        "FROM python:3.11\nRUN --mount=type=bind,source=requirements.txt,target=/opt/requirements.txt \\\n"
        "    pip install -r /opt/requirements.txt\n"
        "RUN --mount=type=bind,from=build,source=/r.txt,target=/tmp/r.txt pip install -r /tmp/r.txt\n"
        "RUN pip install -r /opt/requirements.txt\n"
    )
    mounted, other_stage, later = _files(text, tmp_path)
    assert mounted.status == "read" and mounted.context_path == "requirements.txt"
    assert other_stage.status == "not-from-context"
    assert later.status == "not-copied"  # the mount is gone after its RUN


def test_a_source_with_a_trailing_slash_is_a_directory(tmp_path: Path) -> None:
    text = "FROM python:3.11 AS src\nFROM python:3.11\nWORKDIR /w\nCOPY --from=src /src/ ./\nCOPY deps/ /deps/\nRUN pip install -r r.txt -r /deps/req.txt\n"
    from_stage, from_context = _files(text, tmp_path)
    assert from_stage.status == "not-from-context"
    assert from_context.status == "missing" and from_context.context_path == "deps/req.txt"


def test_directory_copies_without_a_trailing_slash_and_unknown_sources(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11 AS tgi\nFROM python:3.11\nARG EXAMPLE_DIR\nWORKDIR /usr/src\n"
        "COPY --from=tgi /tgi/server server\nCOPY ./notebooks/. /nb\nADD examples/mnist /opt/mnist\n"
        "COPY $EXAMPLE_DIR/requirements.txt /home/app/requirements.txt\n"
        "RUN pip install -r server/requirements_cuda.txt -r /nb/requirements.txt -r /opt/mnist/requirements.txt"
        " -r /home/app/requirements.txt -r https://example.org/requirements.txt\n"
    )
    other_stage, notebooks, added, unknown, url = _files(text, tmp_path)
    assert other_stage.status == "not-from-context"
    assert (notebooks.status, notebooks.context_path) == ("missing", "notebooks/requirements.txt")
    assert (added.status, added.context_path) == ("missing", "examples/mnist/requirements.txt")
    assert unknown.status == "unresolved" and "unknown variable" in unknown.reason
    assert url.status == "not-from-context" and "URL" in url.reason


def test_a_file_in_the_context_is_not_taken_for_a_directory(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print()\n")
    text = "FROM python:3.11\nCOPY app.py /app\nRUN pip install -r /app/requirements.txt\n"
    (file,) = _files(text, tmp_path)
    assert file.status == "not-copied"


def test_relative_path_in_an_unknown_working_directory_is_unresolved(tmp_path: Path) -> None:
    text = "FROM python:3.11\nWORKDIR ${APP_ROOT}/src\nCOPY requirements.txt /r/requirements.txt\nRUN pip install -r requirements.txt -r /r/requirements.txt\n"
    unknown, absolute = _files(text, tmp_path)
    assert unknown.status == "unresolved" and unknown.image_path == "requirements.txt"
    assert absolute.status == "missing"


def test_copy_of_a_file_into_an_existing_directory_keeps_its_name(tmp_path: Path) -> None:
    text = "FROM python:3.11\nCOPY requirements.txt /app\nRUN pip install -r /app/requirements.txt\n"
    (file,) = _files(text, tmp_path)
    assert (file.status, file.context_path) == ("missing", "requirements.txt")


def test_a_requirement_keeps_the_comments_its_author_wrote_about_it() -> None:
    """The comment on a requirement's line and the comment lines right above it stay with it (what
    DF204 reads as the author's reason); a blank line or another entry ends them."""
    from dflint.packages import parse_requirements_text

    text = (
        "# pinned by the platform team\n"
        "fastapi==0.115.0\n"
        "\n"
        "# stray note\n"
        "\n"
        "pytest==8.3.2  # the segmentation fork imports it\n"
        "numpy==2.1.3 \\\n"
        "    --hash=sha256:abc  # hashed\n"
        "-r other.txt  # an include\n"
        "uvicorn==0.32.0\n"
    )
    requirements, includes = parse_requirements_text(text, "requirements.txt")
    assert [(r.name, r.file_line, r.comment) for r in requirements] == [
        ("fastapi", 2, "pinned by the platform team"),
        ("pytest", 6, "the segmentation fork imports it"),
        ("numpy", 7, "hashed"),
        ("uvicorn", 10, ""),
    ]
    assert includes == [("other.txt", False, 9)]
    assert requirements[2].pinned is True


def test_the_packages_own_requirements_files_are_read_from_its_packaging(tmp_path: Path) -> None:
    """setup.py's literal paths and f-strings (a placeholder matches any text: lmdeploy's
    `f'requirements/runtime_{get_target_device()}.txt'`), pyproject's `file = [...]`, setup.cfg's `file:`."""
    from dflint.project_files import is_package_requirements

    (tmp_path / "setup.py").write_text(
        "setup(install_requires=parse_requirements(f'requirements/runtime_{get_target_device()}.txt'),\n"
        "      extras_require={'lite': parse_requirements('requirements/lite.txt')})\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools.dynamic]\ndependencies = {file = ["deps/requirements-core.txt"]}\n', encoding="utf-8"
    )
    dockerfile = model("FROM python:3.12-slim\n", context_dir=str(tmp_path))
    for path in ("requirements/runtime_cuda.txt", "requirements/lite.txt", "deps/requirements-core.txt"):
        assert is_package_requirements(dockerfile, path), path
    for path in ("requirements/dev/test.txt", "docker/requirements.txt", None):
        assert not is_package_requirements(dockerfile, path), path
