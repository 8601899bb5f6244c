"""The start-up shortcuts behave exactly like the slow paths they replace."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

from dflint import registry
from dflint.submodule import load_submodule


def test_word_splitting_matches_dockerfile_parse() -> None:
    from dockerfile_parse.util import WordSplitter as Official
    from dockerfile_parse.util import extract_key_values as official_pairs

    from dflint.wordsplit import WordSplitter, extract_key_values

    for text in ['a "b c" d\\ e', "'x y' $A ${B:-c}", "--chown=1:1 src/ /dst/", ""]:
        assert list(WordSplitter(text).split(dequote=True)) == list(Official(text).split(dequote=True))
        assert list(WordSplitter(text).split(dequote=False)) == list(Official(text).split(dequote=False))
    for text in ['A=1 B="two words" C=\\"x', "LEGACY value with spaces", "PATH=/opt/bin:$PATH"]:
        assert extract_key_values(False, {}, {}, text) == official_pairs(False, {}, {}, text)


def _package(tmp_path: Path, name: str, submodule: str) -> None:
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("import sys\nsys.modules.setdefault('_init_ran_' + __name__, sys)\n")
    (package / "sub.py").write_text(submodule)


def test_submodule_loads_without_package_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _package(tmp_path, "dflint_probe_plain", "VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = load_submodule("dflint_probe_plain", "sub", required=("VALUE",))
    assert module.VALUE == 42
    assert "_init_ran_dflint_probe_plain" not in sys.modules
    assert load_submodule("dflint_probe_plain", "sub") is module  # loaded once


def test_submodule_falls_back_to_a_normal_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _package(tmp_path, "dflint_probe_relative", "from . import helper\nVALUE = helper.VALUE\n")
    (tmp_path / "dflint_probe_relative" / "helper.py").write_text("VALUE = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = load_submodule("dflint_probe_relative", "sub", required=("VALUE",))
    assert module.VALUE == 7
    assert module.__name__ == "dflint_probe_relative.sub"
    with pytest.raises(ModuleNotFoundError):
        load_submodule("dflint_probe_missing_package", "sub")


def test_submodule_loads_an_extension_module() -> None:
    binding = load_submodule("tree_sitter_bash", "_binding", required=("language",))
    import tree_sitter

    parser = tree_sitter.Parser(tree_sitter.Language(binding.language()))
    assert not parser.parse(b"apt-get update && apt-get install -y curl").root_node.has_error


def test_rule_walk_matches_pkgutil() -> None:
    package = importlib.import_module("dflint.rules")
    expected = [info.name for info in pkgutil.walk_packages(package.__path__, prefix="dflint.rules.")]
    assert registry._module_names(package) == expected


def test_entry_point_prescan_sees_a_rule_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if registry._may_have_entry_points():
        pytest.skip("a distribution on sys.path already declares dflint.rules")
    info = tmp_path / "dflint_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: dflint-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    (tmp_path / "single.egg-info").write_text("Metadata-Version: 1.0\n")  # a file, not a directory
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not registry._may_have_entry_points()
    (info / "entry_points.txt").write_text("[dflint.rules]\npack = dflint_pack.rules\n")
    assert registry._may_have_entry_points()
    from importlib.metadata import entry_points

    assert [entry.value for entry in entry_points(group=registry.ENTRY_POINT_GROUP)] == ["dflint_pack.rules"]


def test_data_files_read_as_importlib_resources_would() -> None:
    import json
    from importlib import resources

    from dflint.data import NAMES, load

    for name in NAMES:
        assert load(name) == json.loads(resources.files("dflint.data").joinpath(f"{name}.json").read_text(encoding="utf-8"))
