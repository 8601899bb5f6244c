"""The script the shipped image starts with, read from the build context (`dflint.start_script`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dflint.parse import Options, parse
from dflint.start_script import StartScript, start_script, unread_start_script

_INSTALLS = '#!/bin/sh\napt-get update && apt-get install -y $EXTRA_PACKAGES\nexec "$@"\n'


def _script(tmp_path: Path, dockerfile: str, files: dict[str, str], context: bool = True) -> StartScript | None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    df = parse(dockerfile, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path) if context else None))
    return start_script(df)


@pytest.mark.parametrize(
    ("dockerfile", "path", "source"),
    [
        (
            'FROM debian:12\nCOPY prepare.sh /usr/bin/prepare.sh\nENTRYPOINT ["tini", "-g", "--", "/usr/bin/prepare.sh"]\n',
            "/usr/bin/prepare.sh",
            "prepare.sh",
        ),
        ("FROM debian:12\nCOPY docker/prepare.sh /\nENTRYPOINT /prepare.sh\n", "/prepare.sh", "docker/prepare.sh"),
        (
            'FROM debian:12\nCOPY . /app\nWORKDIR /app\nCMD ["bash", "docker/prepare.sh"]\n',
            "/app/docker/prepare.sh",
            "docker/prepare.sh",
        ),
        (
            'FROM debian:12\nWORKDIR /srv\nCOPY docker/ ./bin/\nENTRYPOINT ["./bin/prepare.sh"]\n',
            "/srv/bin/prepare.sh",
            "docker/prepare.sh",
        ),
    ],
)
def test_where_the_image_runs_it_and_where_it_comes_from(tmp_path: Path, dockerfile: str, path: str, source: str) -> None:
    script = _script(tmp_path, dockerfile, {source: _INSTALLS})
    assert script is not None
    assert (script.path, script.source, script.name) == (path, source, "prepare.sh")
    op = script.system_install()
    assert op is not None and (op.manager, op.verb) == ("apt", "install")
    assert script.python_install() is None


def test_python_installs_and_their_requirements_stay_unread(tmp_path: Path) -> None:
    text = '#!/bin/bash\nif [ -f /opt/ml/model/requirements.txt ]; then pip install -r /opt/ml/model/requirements.txt; fi\nexec "$@"\n'
    (tmp_path / "requirements.txt").write_text("torch\n")  # a context file of the same name is not what it reads
    script = _script(
        tmp_path, 'FROM python:3.12-slim\nCOPY entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n', {"entrypoint.sh": text}
    )
    assert script is not None
    op = script.python_install()
    assert op is not None and op.manager == "pip"
    assert [(f.status, f.requirements) for f in op.files] == [("unresolved", ())]
    assert script.system_install() is None


@pytest.mark.parametrize(
    "dockerfile",
    [
        'FROM python:3.12-slim\nCOPY prepare.sh /prepare.sh\nCMD ["uvicorn", "app:app"]\n',  # a program on PATH
        'FROM python:3.12-slim\nCOPY prepare.sh /prepare.sh\nCMD ["bash", "-c", "/prepare.sh"]\n',  # a shell's -c string
        'FROM python:3.12-slim AS build\nCOPY prepare.sh /prepare.sh\nFROM python:3.12-slim\nCOPY --from=build /prepare.sh /\nENTRYPOINT ["/prepare.sh"]\n',
        'FROM python:3.12-slim\nCOPY prepare.sh /prepare.sh\nRUN printf "#!/bin/sh\\nexec $@\\n" > /prepare.sh\nENTRYPOINT ["/prepare.sh"]\n',
        'FROM python:3.12-slim\nENTRYPOINT ["/prepare.sh"]\n',  # the base's own script
        'FROM python:3.12-slim\nCOPY prepare.sh /prepare.sh\nENTRYPOINT ["$SCRIPT"]\n',
    ],
)
def test_none_when_the_script_is_not_the_context_file(tmp_path: Path, dockerfile: str) -> None:
    assert _script(tmp_path, dockerfile, {"prepare.sh": _INSTALLS}) is None


def test_none_without_a_context_or_a_readable_file(tmp_path: Path) -> None:
    dockerfile = 'FROM debian:12\nCOPY prepare.sh /prepare.sh\nENTRYPOINT ["/prepare.sh"]\n'
    assert _script(tmp_path, dockerfile, {"prepare.sh": _INSTALLS}, context=False) is None
    assert _script(tmp_path / "empty", dockerfile, {}) is None  # missing from the context
    outside = tmp_path / "outside.sh"
    outside.write_text(_INSTALLS)
    inside = tmp_path / "ctx"
    inside.mkdir()
    os.symlink(outside, inside / "prepare.sh")  # a symlink out of the context is not followed
    assert _script(inside, dockerfile, {}) is None


def test_unread_names_the_context_file_the_image_would_start_with(tmp_path: Path) -> None:
    dockerfile = 'FROM debian:12\nCOPY docker/prepare.sh /usr/bin/\nENTRYPOINT ["tini", "--", "/usr/bin/prepare.sh"]\n'
    missing = parse(dockerfile, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path)))
    assert unread_start_script(missing) == "docker/prepare.sh"
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "prepare.sh").write_text(_INSTALLS)
    read = parse(dockerfile, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path)))
    assert unread_start_script(read) is None  # read: the script's facts are known
    no_context = parse(dockerfile, str(tmp_path / "Dockerfile"), Options(context_dir=None))
    assert unread_start_script(no_context) is None
    on_path = parse(
        'FROM debian:12\nCOPY prepare.sh /\nCMD ["uvicorn", "app:app"]\n', str(tmp_path / "D"), Options(context_dir=str(tmp_path))
    )
    assert unread_start_script(on_path) is None  # the image starts no script file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "prepare.sh")  # reading it would block forever
    dockerfile = 'FROM debian:12\nCOPY prepare.sh /prepare.sh\nENTRYPOINT ["/prepare.sh"]\n'
    assert _script(tmp_path, dockerfile, {}) is None
