"""The installed package contains every rule group and data file the source tree has."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_directory_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        "dflint." + ".".join(p.parent.relative_to(ROOT / "dflint").parts) if p.parent != ROOT / "dflint" else "dflint"
        for p in (ROOT / "dflint").rglob("__init__.py")
    }
    on_disk |= {
        "dflint.rules" + "".join("." + part for part in p.parent.relative_to(ROOT / "rules").parts)
        for p in (ROOT / "rules").rglob("__init__.py")
    }
    on_disk = {name.rstrip(".") for name in on_disk}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_console_script_points_at_the_launcher() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["scripts"]["dflint"] == "dflint.launcher:main"
