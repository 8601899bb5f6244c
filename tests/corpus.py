"""Where the shared corpus of real Dockerfiles is: $DFLINT_CORPUS or ../shared/corpus/files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    configured = os.environ.get("DFLINT_CORPUS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "corpus" / "files"
    return path if path.is_dir() else None


def corpus_files() -> list[Path]:
    directory = corpus_dir()
    if directory is None:
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file())


requires_corpus = pytest.mark.skipif(corpus_dir() is None, reason="the shared corpus is not present (set DFLINT_CORPUS)")
