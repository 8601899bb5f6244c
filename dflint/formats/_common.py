"""Helpers shared by the CI formats: report paths, rule groups, per-file fingerprints."""

from __future__ import annotations

import os
from urllib.parse import quote

GROUPS = {"1": "stages", "2": "contents", "3": "layers", "4": "pinning", "5": "context", "6": "runtime"}


def report_path(path: str) -> str:
    """A path as CI tools want it: relative to the current directory when inside it, `/`-separated."""
    if path == "-":
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative == ".." or relative.startswith(".." + os.sep):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def is_relative(path: str) -> bool:
    return not os.path.isabs(path) and path != "-"


def uri(path: str) -> str:
    """A relative URI reference for a relative path, a `file://` URI for an absolute one."""
    shown = report_path(path)
    if is_relative(shown):
        return quote(shown)
    return "file://" + quote(shown if shown.startswith("/") else "/" + shown)


def group(code: str) -> str | None:
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return GROUPS.get(digits[:1]) if len(digits) == 3 else None
