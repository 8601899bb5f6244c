"""Requirements files are found through COPY and WORKDIR, read from the context, never outside it."""

from __future__ import annotations

import os
from pathlib import Path

from dflint.model import RequirementsFile
from dflint.parse import Options, parse


def files(tmp_path: Path, dockerfile: str) -> list[RequirementsFile]:
    df = parse(dockerfile, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path)))
    return [f for instruction in df.instructions for op in instruction.packages for root in op.files for f in root.walk()]


def test_mapping_through_workdir_and_copy_to_dot(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("torch\nnumpy==2.1.0  # pinned\n-r extra/base.txt\n-c constraints.txt\n")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "base.txt").write_text("fastapi>=0.110\n")
    (tmp_path / "constraints.txt").write_text("torch==2.4.0\n")
    found = files(
        tmp_path,
        "FROM python:3.11\nWORKDIR /app\nCOPY requirements.txt .\nCOPY extra ./extra\nCOPY constraints.txt .\nRUN pip install -r requirements.txt\n",
    )
    assert [(f.image_path, f.context_path, f.status, f.constraint) for f in found] == [
        ("/app/requirements.txt", "requirements.txt", "read", False),
        (None, "extra/base.txt", "read", False),
        (None, "constraints.txt", "read", True),
    ]
    assert [(r.name, r.pinned, r.file_line) for r in found[0].requirements] == [("torch", False, 1), ("numpy", True, 2)]
    assert [(r.name, r.pinned) for r in found[1].requirements] == [("fastapi", False)]


def test_directory_copy_and_cd_in_the_same_run(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "reqs.txt").write_text("flask==3.0.3\n")
    found = files(tmp_path, "FROM python:3.11\nCOPY src/ /srv/app/\nRUN cd /srv/app && pip install -r reqs.txt\n")
    assert [(f.image_path, f.context_path, f.status) for f in found] == [("/srv/app/reqs.txt", "src/reqs.txt", "read")]


def test_missing_not_copied_and_unresolved(tmp_path: Path) -> None:
    found = files(tmp_path, "FROM python:3.11\nCOPY requirements.txt /r.txt\nRUN pip install -r /r.txt -r /other.txt -r $REQS\n")
    assert [f.status for f in found] == ["missing", "not-copied", "unresolved"]
    assert "does not exist" in found[0].reason and "/other.txt" in found[1].reason


def test_paths_outside_the_context_are_never_read(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    context.mkdir()
    (tmp_path / "secret.txt").write_text("do-not-read==1\n")
    os.symlink(tmp_path / "secret.txt", context / "link.txt")
    found = files(
        context,
        "FROM python:3.11\nCOPY ../secret.txt /a.txt\nCOPY link.txt /b.txt\nRUN pip install -r /a.txt -r /b.txt -r ../../etc/passwd\n",
    )
    assert [f.status for f in found] == ["outside-context", "outside-context", "not-copied"]
    assert all(not f.requirements for f in found)


def test_copy_from_another_stage_is_not_from_the_context(tmp_path: Path) -> None:
    found = files(tmp_path, "FROM python:3.11 AS a\nFROM python:3.11\nCOPY --from=a /r.txt /r.txt\nRUN pip install -r /r.txt\n")
    assert [f.status for f in found] == ["not-from-context"]
