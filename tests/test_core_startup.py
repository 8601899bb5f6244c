"""The start-up shortcuts behave exactly like the slow paths they replace."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dflint import registry
from dflint.submodule import load_submodule


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


PROBE = """
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=())
"""


def _import_probe(tmp_path: Path, name: str) -> Any:
    (tmp_path / f"{name}.py").write_text(PROBE)
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name).Point
    finally:
        sys.modules.pop(name, None)


def test_cached_class_code_builds_the_same_classes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from dflint.classcode import cached_class_code, read

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = tmp_path / "cache" / "methods.marshal"
    plain = _import_probe(tmp_path, "dflint_probe_classes")
    with cached_class_code(str(cache_file), package="dflint_probe_classes") as first:
        compiled = _import_probe(tmp_path, "dflint_probe_classes")
    assert (first.hits, first.misses) == (0, 6)  # __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__
    assert len(read(str(cache_file))) == 6
    with cached_class_code(str(cache_file), package="dflint_probe_classes") as second:
        reused = _import_probe(tmp_path, "dflint_probe_classes")
    assert (second.hits, second.misses) == (6, 0)
    assert "exec" not in vars(dataclasses)  # dataclasses is left as it was
    for cls in (compiled, reused):
        point = cls(1, tags=("a",))
        assert repr(point) == repr(plain(1, tags=("a",))) == "Point(x=1, y=0, tags=('a',))"
        assert point == cls(1, 0, ("a",)) and hash(point) == hash(cls(1, 0, ("a",))) and point != cls(2)
        assert [f.name for f in dataclasses.fields(cls)] == ["x", "y", "tags"]
        assert cls.__slots__ == plain.__slots__ and cls.__match_args__ == plain.__match_args__
        assert cls.__init__.__annotations__ == plain.__init__.__annotations__
        assert dataclasses.replace(point, y=5) == cls(1, 5, ("a",))
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 3  # type: ignore[misc]


def test_cached_class_code_ignores_a_damaged_cache_and_other_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.classcode import cached_class_code, read

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = tmp_path / "methods.marshal"
    cache_file.write_bytes(b"not a cache")
    with cached_class_code(str(cache_file), package="dflint_probe_other") as cache:
        _import_probe(tmp_path, "dflint_probe_damaged")  # not the package being cached
    assert (cache.hits, cache.misses) == (0, 0)
    assert cache_file.read_bytes() == b"not a cache"  # nothing new: nothing written
    with cached_class_code(str(cache_file), package="dflint_probe_damaged") as cache:
        _import_probe(tmp_path, "dflint_probe_damaged")
    assert cache.misses == 6 and len(read(str(cache_file))) == 6


def test_cached_class_code_writes_nothing_when_byte_code_writing_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.classcode import cached_class_code

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    with cached_class_code(str(tmp_path / "methods.marshal"), package="dflint_probe_readonly") as cache:
        _import_probe(tmp_path, "dflint_probe_readonly")
    assert cache.misses == 6 and not (tmp_path / "methods.marshal").exists()


def test_the_model_and_rules_come_from_the_class_code_cache_on_the_second_run(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from dflint.classcode import cached_class_code\n"
        "with cached_class_code(sys.argv[1]) as cache:\n"
        "    import dflint.cli, dflint.config, dflint.inputs\n"
        "    from dflint.registry import all_rules\n"
        "    all_rules()\n"
        "print(cache.hits, cache.misses)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "m.marshal")], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    first, second = ([int(n) for n in run.stdout.split()] for run in runs)
    assert first[1] > 100  # the model, rule and option classes (a class shaped like one before reuses its methods)
    assert second == [first[0] + first[1], 0]


def test_loading_rules_leaves_the_garbage_collector_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    states: list[bool] = []
    walk = registry._walk

    def watched(package: str) -> Any:
        for module in walk(package):
            states.append(gc.isenabled())
            yield module

    monkeypatch.setattr(registry, "_walk", watched)
    for enabled in (True, False):
        registry.all_rules.cache_clear()
        (gc.enable if enabled else gc.disable)()
        try:
            assert registry.all_rules()
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
            gc.unfreeze()
    registry.all_rules.cache_clear()
    assert states and not any(states)  # paused while the modules load


def test_what_exists_once_the_rules_have_loaded_is_frozen_for_the_collector() -> None:
    script = (
        "import gc\n"
        "before = gc.get_freeze_count()\n"
        "from dflint.registry import all_rules\n"
        "all_rules()\n"
        "print(before, gc.get_freeze_count() > 1000, gc.isenabled())\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["0", "True", "True"]


def test_a_rule_module_imported_on_first_use_loads_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    rule = next(rule for rule in registry.all_rules() if rule.module.startswith("dflint.rules."))
    states: list[bool] = []
    real = importlib.import_module

    def watched(name: str, package: str | None = None) -> Any:
        states.append(gc.isenabled())
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", watched)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            indexed = registry.Rule.indexed(rule.meta, rule.module)
            frozen = gc.get_freeze_count()
            assert indexed.check is rule.check
            assert gc.isenabled() is enabled
            assert (gc.get_freeze_count() >= frozen) and (not enabled or gc.get_freeze_count() > 0)
        finally:
            gc.enable()
            gc.unfreeze()
    assert states == [False, False]  # paused while the module loads


def test_the_command_line_reads_its_caches_and_loads_with_the_collector_paused(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n")
    script = (
        "import gc, os, sys\n"
        "early = []\n"
        # a collection after the caches began to load and before what was loaded is frozen
        "gc.callbacks.append(lambda phase, info: phase == 'start' and 'dflint.modulecode' in sys.modules and not gc.get_freeze_count() and early.append(1))\n"
        "at_once = os._exit\n"
        "def leave(status):\n"
        "    os.write(2, f'{len(early)} {gc.get_freeze_count() > 1000} {gc.isenabled()}\\n'.encode())\n"
        "    at_once(status)\n"
        "os._exit = leave\n"
        "sys.argv = ['dflint', *sys.argv[1:]]\n"
        "from dflint.launcher import main\n"
        "main()\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, *line, str(dockerfile)], env=env, capture_output=True, text=True, check=False
        )
        for line in ([], [], ["--format", "text"])  # without, then with the compiled caches; then through click
    ]
    assert [run.stderr.split()[-3:] for run in runs] == [["0", "True", "True"]] * 3


def test_cached_regex_code_builds_the_same_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from dflint.regexcode import cached_regex_code, read

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    original = re._compiler.compile  # type: ignore[attr-defined]
    cache_file = str(tmp_path / "programs.marshal")
    pattern = rf"(?P<verb>install|add)\s+(?:--\w+\s+)*(?P<name>[a-z][\w.-]*)(?:==(\d+))?  # {tmp_path}"
    module_level = compile("import re\nPATTERN = re.compile(pattern, re.VERBOSE)\n", "<probe>", "exec")

    def load_module() -> re.Pattern[str]:
        namespace: dict[str, Any] = {"pattern": pattern}
        exec(module_level, namespace)  # as a module's top level compiles its patterns
        compiled: re.Pattern[str] = namespace["PATTERN"]
        return compiled

    re.purge()
    with cached_regex_code(cache_file) as first:
        compiled = load_module()
        with pytest.raises(re.error):
            re.compile("(unclosed")
        re.compile(pattern + " built in a function", re.VERBOSE)
    re.purge()
    with cached_regex_code(cache_file) as second:
        reused = load_module()
    assert first is not None and second is not None
    assert (first.misses, second.hits, second.misses) == (2, 1, 0)
    assert len(read(cache_file)) == 2
    saved = (tmp_path / "programs.marshal").read_bytes()
    with cached_regex_code(cache_file) as third:
        re.compile(pattern + " built from a file's words", re.VERBOSE)  # inside a function: no rewrite for it
    assert third is not None and third.misses == 1
    assert (tmp_path / "programs.marshal").read_bytes() == saved
    assert re._compiler.compile is original  # type: ignore[attr-defined]  # `re` is left as it was
    plain = original(pattern, re.VERBOSE)
    assert compiled == reused == plain  # patterns are equal only when their programs are
    match = reused.search("pip install --user numpy==2")
    assert match is not None and match.groupdict() == {"verb": "install", "name": "numpy"} and match.group(3) == "2"


def test_every_regex_of_the_model_and_rules_comes_from_the_cache_on_the_second_run(tmp_path: Path) -> None:
    script = (
        "import re, sys\n"
        "from dflint.regexcode import cached_regex_code, read\n"
        "with cached_regex_code(sys.argv[1]) as cache:\n"
        "    import dflint.cli, dflint.config, dflint.inputs\n"
        "    from dflint.registry import all_rules\n"
        "    all_rules()\n"
        "programs = read(sys.argv[1])\n"
        "same = all(re._compiler.compile(p, f) == __import__('_sre').compile(p, *v) for (p, f), v in programs.items())\n"
        "print(cache.hits, cache.misses, len(programs), same)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    path = str(tmp_path / "programs.marshal")
    runs = [
        subprocess.run([sys.executable, "-c", script, path], env=env, capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    first, second = (run.stdout.split() for run in runs)
    assert first[0] == "0" and int(first[1]) > 50 and first[3] == "True"
    assert second == [first[1], "0", first[1], "True"]


def _probe_package(root: Path, name: str, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _forget(name: str) -> None:
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def test_cached_module_code_loads_unchanged_modules_and_sees_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    from dflint.modulecode import cached_module_code, read

    name = "dflint_probe_modules"
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.syspath_prepend(str(tmp_path))
    _probe_package(tmp_path, name, {"__init__.py": "VALUE = 'package'\n", "sub/__init__.py": "", "sub/leaf.py": "VALUE = 1\n"})
    table = str(tmp_path / "modules.marshal")

    def load(expected_hits: int, expected_misses: int) -> Any:
        _forget(name)
        importlib.invalidate_caches()
        with cached_module_code(table, package=name) as finder:
            module = importlib.import_module(f"{name}.sub.leaf")
        assert finder is not None and (finder.hits, finder.misses) == (expected_hits, expected_misses)
        return module

    assert load(0, 3).VALUE == 1
    assert sorted(read(table)) == [name, f"{name}.sub", f"{name}.sub.leaf"]
    again = load(3, 0)
    assert again.VALUE == 1
    assert again.__file__ == str(tmp_path / name / "sub" / "leaf.py")
    assert inspect.getsource(again) == "VALUE = 1\n"  # tracebacks and `inspect` read the source as usual
    assert sys.modules[f"{name}.sub"].__path__ == [str(tmp_path / name / "sub")]
    (tmp_path / name / "sub" / "leaf.py").write_text("VALUE = 22\n", encoding="utf-8")  # an edit
    assert load(2, 1).VALUE == 22
    assert load(3, 0).VALUE == 22  # the table was written again with the edited module
    (tmp_path / name / "sub" / "new.py").write_text("VALUE = 'new'\n", encoding="utf-8")  # a module added
    _forget(name)
    with cached_module_code(table, package=name) as finder:
        assert importlib.import_module(f"{name}.sub.new").VALUE == "new"
        assert importlib.import_module(f"{name}.sub.leaf").VALUE == 22
    assert finder is not None and (finder.hits, finder.misses) == (3, 1)
    assert f"{name}.sub.new" in read(table) and f"{name}.sub.leaf" in read(table)  # both kept
    assert not any(isinstance(item, type(finder)) for item in sys.meta_path)  # the import system is left as it was
    _forget(name)


def test_cached_module_code_ignores_a_damaged_table_and_writes_nothing_when_byte_code_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dflint.modulecode import cached_module_code

    name = "dflint_probe_modules_off"
    monkeypatch.syspath_prepend(str(tmp_path))
    _probe_package(tmp_path, name, {"__init__.py": "VALUE = 3\n"})
    table = tmp_path / "modules.marshal"
    table.write_bytes(b"not a table")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    with cached_module_code(str(table), package=name) as finder:
        assert importlib.import_module(name).VALUE == 3
    assert finder is not None and finder.misses == 1 and table.read_bytes() == b"not a table"
    _forget(name)


def test_every_dflint_module_comes_from_the_module_table_on_the_second_run(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN pip install torch\n", encoding="utf-8")
    script = (
        "import contextlib, io, sys\n"
        "from dflint.modulecode import cached_module_code\n"
        "with cached_module_code(sys.argv[1]) as finder:\n"
        "    from dflint.cli import main\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "        main([sys.argv[2], '--no-color'])\n"
        "print(finder.hits, finder.misses, len(out.getvalue()))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "m.marshal"), str(dockerfile)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for _ in range(2)
    ]
    first, second = ([int(n) for n in run.stdout.split()] for run in runs)
    assert first[1] > 100 and first[2] > 0  # the core and every rule module, and it linted
    assert second == [first[1], 0, first[2]]


def test_a_table_reads_from_the_mapped_file_as_from_its_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal
    import mmap

    from dflint.pycache import read_table, write_table

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    table = {"a": (1, 2.5, "x" * 5000), ("key", 3): [b"bytes", None], "code": compile("x = 1", "<t>", "exec")}
    path = str(tmp_path / "t.marshal")
    write_table(path, b"HEAD", table)
    assert read_table(path, b"HEAD") == table == marshal.loads(Path(path).read_bytes()[4:])
    assert read_table(path, b"OTHER") is None
    Path(path).write_bytes(b"")  # an empty file cannot be mapped: it is read, and is no table
    assert read_table(path, b"HEAD") is None

    def unmappable(*args: object, **kwargs: object) -> mmap.mmap:
        raise OSError("no mmap here")

    write_table(path, b"HEAD", table)
    monkeypatch.setattr(mmap, "mmap", unmappable)
    assert read_table(path, b"HEAD") == table


def test_context_discovery_compiles_no_pattern_once_its_module_was_cached(tmp_path: Path) -> None:
    """Context discovery's name sets (compose files, workflows, Makefiles, scripts) are compiled at
    the module's top level, so the regex cache holds them from any run that imported the module, even
    one that searched no directory, and a later search compiles nothing."""
    project = tmp_path / "project"
    (project / "docker").mkdir(parents=True)
    (project / ".git").mkdir()
    dockerfile = project / "docker" / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nCOPY . /app\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from dflint.regexcode import cached_regex_code\n"
        "with cached_regex_code(sys.argv[1]) as cache:\n"
        "    from dflint.context_discovery import choose\n"
        "    import dflint.parse, dflint.wordsplit  # what a search imports on first use\n"
        "    if sys.argv[2:]:\n"
        "        print(choose(sys.argv[2], open(sys.argv[2], encoding='utf-8').read()).source)\n"
        "print(cache.misses)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    path = str(tmp_path / "programs.marshal")
    load = subprocess.run([sys.executable, "-c", script, path], env=env, capture_output=True, text=True, check=True)
    search = subprocess.run(
        [sys.executable, "-c", script, path, str(dockerfile)], env=env, capture_output=True, text=True, check=True
    )
    assert int(load.stdout.split()[0]) > 0
    assert search.stdout.split()[1:] == ["0"]  # every directory up to the repository root searched


def test_every_dataclass_has_a_docstring() -> None:
    """Without one, `dataclasses` builds `__doc__` from `inspect.signature` when the class is made
    (about 80 µs a class, on every start)."""
    import ast

    root = Path(__file__).resolve().parents[1]
    missing = []
    for path in sorted([*(root / "dflint").rglob("*.py"), *(root / "rules").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            decorated = isinstance(node, ast.ClassDef) and any("dataclass" in ast.unparse(d) for d in node.decorator_list)
            if decorated and ast.get_docstring(node) is None:  # type: ignore[arg-type]
                missing.append(f"{path.relative_to(root)}: {node.name}")  # type: ignore[attr-defined]
    assert missing == []


def test_a_literal_pattern_a_function_compiles_is_kept_and_a_built_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A function's literal pattern is code, the same on every run: the first miss rewrites the table.
    A pattern built from data (a file's words) alone does not."""
    import re

    from dflint.regexcode import cached_regex_code, read

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = str(tmp_path / "programs.marshal")
    with cached_regex_code(path):
        exec(compile("import re\nre.compile('seed-pattern-at-top-level')\n", "<probe>", "exec"), {"__name__": "probe"})
    assert list(read(path)) == [("seed-pattern-at-top-level", 0)]

    def built(word: str) -> re.Pattern[str]:
        return re.compile(re.escape(word) + "-built-in-a-function")

    def literal() -> re.Pattern[str]:
        return re.compile(r"literal-in-a-function-\d+")

    with cached_regex_code(path) as cache:
        built("words")
    assert cache is not None and cache.misses == 1
    assert list(read(path)) == [("seed-pattern-at-top-level", 0)]  # not rewritten
    with cached_regex_code(path) as cache:
        literal()
    assert cache is not None and cache.misses == 1
    assert (r"literal-in-a-function-\d+", 0) in read(path)


def _json_arguments_reference(arguments: str) -> tuple[str, ...] | None:
    """`dflint.parse.json_arguments` as it was, with `json.loads` for every array."""
    from dflint.parse import json_array

    stripped = arguments.strip()
    return json_array(stripped) if stripped.startswith("[") else None


def test_exec_form_arguments_read_without_json_as_json_reads_them() -> None:
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dflint.parse import json_arguments

    pieces = st.sampled_from(
        ['"', "\\", "[", "]", ",", " ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "a", "é", "😀", "\\u00e9", "1", "null", "'"]
    )
    strings = st.lists(st.text(max_size=6), max_size=4)
    separators = st.sampled_from([", ", ",", " , ", ",\n", "\t,\t"])

    @settings(max_examples=600, deadline=None)
    @given(st.one_of(st.lists(pieces, max_size=12).map("".join), st.tuples(strings, separators, st.booleans())))
    def check(case: object) -> None:
        if isinstance(case, str):
            text = case
        else:
            items, separator, ascii_only = case  # type: ignore[misc]
            text = "[" + separator.join(json.dumps(item, ensure_ascii=ascii_only) for item in items) + "]"
        for arguments in (text, "[" + text, f"  {text} ", f'["python", {text}]'):
            assert json_arguments(arguments) == _json_arguments_reference(arguments), arguments

    check()
    assert json_arguments('[ "python" ,"-m",\t"app" ]') == ("python", "-m", "app")


def test_json_files_come_from_the_data_table_and_edits_are_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dflint import datacode

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    table = str(tmp_path / "json-data.marshal")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    value = {"packages": ["gcc", "g++"], "size_mb": 12.5, "n": 3, "none": None, "yes": True, "nested": {"z": 1, "a": [2]}}
    first.write_text(json.dumps(value), encoding="utf-8")
    second.write_text("[1, 2, 3]", encoding="utf-8")
    with datacode.cached_json_data(table) as cache:
        assert cache is not None
        assert datacode.load_json(str(first)) == value and cache.misses == 1
    with datacode.cached_json_data(table) as cache:
        assert cache is not None
        loaded = datacode.load_json(str(first))
        assert loaded == value and list(loaded) == list(value) and (cache.hits, cache.misses) == (1, 0)  # type: ignore[arg-type]
        assert datacode.load_json(str(second)) == [1, 2, 3] and cache.misses == 1
    assert set(datacode.read(table)) == {str(first), str(second)}  # both kept
    first.write_text(json.dumps({"edited": 1}) + " " * 40, encoding="utf-8")  # another size: an edit is seen
    with datacode.cached_json_data(table) as cache:
        assert cache is not None
        assert datacode.load_json(str(first)) == {"edited": 1} and cache.misses == 1
        assert datacode.load_json(str(second)) == [1, 2, 3] and cache.hits == 1
    assert datacode.load_json(str(first)) == {"edited": 1}  # inactive: parsed
    Path(table).write_bytes(b"damaged")
    with datacode.cached_json_data(table) as cache:
        assert datacode.load_json(str(second)) == [1, 2, 3] and cache is not None and cache.misses == 1
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    os.unlink(table)
    with datacode.cached_json_data(table):
        datacode.load_json(str(second))
    assert not os.path.exists(table)  # nothing written when byte-code writing is off


def test_the_rule_data_read_through_the_table_is_the_data_json_reads() -> None:
    import json

    from dflint import data, datacode

    directory = Path(data.__file__).parent
    with tempfile_table() as table:
        for run in range(2):  # parsed, then from the table
            with datacode.cached_json_data(table) as cache:
                for name in data.NAMES:
                    path = str(directory / f"{name}.json")
                    assert datacode.load_json(path) == json.loads(Path(path).read_text(encoding="utf-8"))
            assert cache is not None and cache.hits == (len(data.NAMES) if run else 0)
        assert len(datacode.read(table)) == len(data.NAMES)


@contextlib.contextmanager
def tempfile_table() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        previous = sys.dont_write_bytecode
        sys.dont_write_bytecode = False
        try:
            yield os.path.join(directory, "json-data.marshal")
        finally:
            sys.dont_write_bytecode = previous


SHAPES = '''
from __future__ import annotations

import dataclasses
import typing
from dataclasses import KW_ONLY, InitVar, dataclass, field
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Point:
    """A point."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=())
    note: str = field(default="", repr=False, compare=False)
    extra: tuple[int, ...] = field(default_factory=tuple, metadata={"unit": "px"})
    hidden: int = field(default=3, init=False)
    named: str = field(default="n", kw_only=True)


@dataclass(frozen=True, slots=True, order=True)
class Ordered:
    """Ordered, with a field named self."""

    self: int
    other: str = "a"


@dataclass(frozen=True, slots=True)
class Hashed:
    """Its own hash."""

    a: int
    b: int = field(default=0, hash=False)

    def __hash__(self) -> int:
        return 7


@dataclass(frozen=True, slots=True)
class Posted:
    """With __post_init__ and a field left out of the hash."""

    a: int
    b: int = field(default=1, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", self.a + 1)


@dataclass(frozen=True, slots=True)
class Empty:
    """No field."""


@dataclass(frozen=True, slots=True)
class WithClassVar:
    """A ClassVar."""

    LIMIT: ClassVar[int] = 3
    a: int = 0


@dataclass(frozen=True, slots=True)
class WithInitVar:
    """An InitVar."""

    a: int
    scale: InitVar[int] = 1

    def __post_init__(self, scale: int) -> None:
        object.__setattr__(self, "a", self.a * scale)


@dataclass(frozen=True, slots=True)
class KwOnly:
    """A KW_ONLY marker."""

    a: int
    _: KW_ONLY
    b: int = 2


@dataclass(frozen=True, slots=True)
class Child(Point):
    """A dataclass base."""

    z: int = 9


@dataclass
class Mutable:
    """Neither frozen nor slotted."""

    a: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Prefixed:
    """Annotations that name a module."""

    a: typing.Optional[int] = None
    b: dataclasses.Field[int] | None = None
    c: typing.ClassVar[int] = 1


@dataclass(frozen=True, slots=True)
class Undocumented:
    a: int = 0
'''
SHAPED = ("Point", "Ordered", "Hashed", "Posted", "Empty")  # built from a recipe; the rest as dataclasses builds them
OTHERS = ("WithClassVar", "WithInitVar", "KwOnly", "Child", "Mutable", "Prefixed", "Undocumented")


def _code(code: Any) -> object:
    consts = tuple(_code(c) if isinstance(c, type(_code.__code__)) else repr(c) for c in code.co_consts)
    return (code.co_qualname, code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_flags, consts)


def _describe(cls: type) -> list[object]:
    """Everything `dataclass()` put on a class, comparable across two builds of it."""
    import dataclasses
    import re

    def value(item: object) -> object:
        if callable(item) and hasattr(item, "__code__"):
            cells = tuple(
                c.cell_contents.__qualname__ if isinstance(c.cell_contents, type) else type(c.cell_contents).__name__
                for c in item.__closure__ or ()
            )
            wrapped = getattr(item, "__wrapped__", None)
            return (
                "function",
                item.__qualname__,
                item.__defaults__,
                item.__kwdefaults__,
                item.__annotations__,
                cells,
                wrapped and value(wrapped),
                _code(item.__code__),
            )
        if isinstance(item, dict) and item and all(isinstance(f, dataclasses.Field) for f in item.values()):
            return [(name, re.sub(" at 0x[0-9a-f]+", "", repr(f)), f._field_type) for name, f in item.items()]
        return re.sub(" at 0x[0-9a-f]+", "", f"{type(item).__name__} {item!r}")

    return [cls.__qualname__, [b.__qualname__ for b in cls.__mro__]] + [(k, value(v)) for k, v in vars(cls).items()]


def _import_shapes(tmp_path: Path, name: str) -> Any:
    (tmp_path / f"{name}.py").write_text(SHAPES)
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def test_classes_built_from_their_recipe_are_the_classes_dataclass_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from dflint.classcode import cached_class_code

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = tmp_path / "methods.marshal"
    plain = _import_shapes(tmp_path, "dflint_probe_shapes")
    with cached_class_code(str(cache_file), package="dflint_probe_shapes") as first:
        recorded = _import_shapes(tmp_path, "dflint_probe_shapes")
    with cached_class_code(str(cache_file), package="dflint_probe_shapes") as second:
        replayed = _import_shapes(tmp_path, "dflint_probe_shapes")
    assert (first.recipe_hits, first.recipe_misses) == (0, len(SHAPED))
    assert (second.recipe_hits, second.recipe_misses, second.misses) == (len(SHAPED), 0, 0)
    assert vars(dataclasses)["_process_class"].__qualname__ == "_process_class"  # dataclasses is left as it was
    for name in SHAPED + OTHERS:
        assert _describe(getattr(recorded, name)) == _describe(getattr(plain, name)), name
        assert _describe(getattr(replayed, name)) == _describe(getattr(plain, name)), name
    for module in (plain, recorded, replayed):
        Point, Ordered, Posted = module.Point, module.Ordered, module.Posted
        point = Point(1, tags=("a",), named="m")
        assert repr(point) == "Point(x=1, y=0, tags=('a',), extra=(), hidden=3, named='m')"
        assert point == Point(1, 0, ("a",), "other note", named="m") and point != Point(2)
        assert hash(point) == hash(Point(1, 0, ("a",), "other note", named="m"))
        assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "tags", "note", "extra", "hidden", "named"]
        assert dataclasses.fields(Point)[4].metadata["unit"] == "px"
        assert Point.__slots__ == ("x", "y", "tags", "note", "extra", "hidden", "named") and not hasattr(point, "__dict__")
        assert Point.__match_args__ == ("x", "y", "tags", "note", "extra")
        assert dataclasses.replace(point, y=5) == Point(1, 5, ("a",), named="m")
        assert dataclasses.asdict(point)["tags"] == ("a",) and dataclasses.astuple(point)[0] == 1
        assert point.__getstate__() == [1, 0, ("a",), "", (), 3, "m"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 3  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            del point.y  # type: ignore[misc]
        with pytest.raises(TypeError):
            Point(1, 2, (), "", (), 4)  # type: ignore[call-arg]  # `hidden` is not an argument
        assert (
            Ordered(1) < Ordered(2)
            and Ordered(self=1, other="b") > Ordered(1)
            and repr(Ordered(1)) == "Ordered(self=1, other='a')"
        )
        assert hash(module.Hashed(1)) == 7 and Posted(1).a == 2 and hash(Posted(1, 5)) == hash(Posted(1, 6))
        assert module.WithInitVar(2, 3).a == 6 and module.KwOnly(1, b=3).b == 3 and module.Child(1).z == 9
        assert repr(module.Empty()) == "Empty()" and module.Empty() == module.Empty()


def test_a_recipe_written_by_another_python_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint import classcode

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = tmp_path / "methods.marshal"
    plain = _import_shapes(tmp_path, "dflint_probe_upgraded")
    monkeypatch.setattr(classcode, "_PYTHON", "3.11.0 (an older build)")
    with classcode.cached_class_code(str(cache_file), package="dflint_probe_upgraded") as first:
        _import_shapes(tmp_path, "dflint_probe_upgraded")
    monkeypatch.undo()
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    with classcode.cached_class_code(str(cache_file), package="dflint_probe_upgraded") as second:
        rebuilt = _import_shapes(tmp_path, "dflint_probe_upgraded")
    assert first.recipe_misses == second.recipe_misses == len(SHAPED) and second.recipe_hits == 0
    assert [_describe(getattr(rebuilt, name)) for name in SHAPED] == [_describe(getattr(plain, name)) for name in SHAPED]


def test_every_dflint_dataclass_built_from_its_recipe_is_the_one_dataclass_builds(tmp_path: Path) -> None:
    script = (
        "import importlib, json, pkgutil, sys\n"
        "if sys.argv[2] == 'cached':\n"
        "    from dflint.classcode import cached_class_code\n"
        "    activation = cached_class_code(sys.argv[1])\n"
        "    cache = activation.__enter__()\n"
        "import dataclasses, dflint, dflint.rules\n"
        "for package in (dflint, dflint.rules):\n"
        "    for found in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if not found.name.startswith(('dflint.server', 'dflint.__main__')):\n"
        "            importlib.import_module(found.name)\n"
        "if sys.argv[2] == 'cached':\n"
        "    activation.__exit__(None, None, None)\n"
        "    print(cache.recipe_hits, file=sys.stderr)\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from test_core_startup import _describe\n"
        "described = {}\n"
        "for name, module in sorted(sys.modules.items()):\n"
        "    for item in list(vars(module).values()):\n"
        "        if name.startswith('dflint') and isinstance(item, type) and dataclasses.is_dataclass(item) and item.__module__ == name:\n"
        "            described[name + '.' + item.__qualname__] = repr(_describe(item))\n"
        "print(json.dumps(described))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

    def run(mode: str) -> tuple[dict[str, str], str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "m.marshal"), mode, str(Path(__file__).parent)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout), done.stderr.strip()

    plain, _ = run("plain")
    run("cached")  # writes the recipes
    replayed, recipe_hits = run("cached")
    assert len(plain) > 90 and int(recipe_hits) > 0.9 * len(plain)
    assert replayed == plain


def test_a_bytes_pattern_comes_from_the_regex_cache_as_a_str_one_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from dflint.regexcode import cached_regex_code, read

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = str(tmp_path / "programs.marshal")
    source = rb"[\xf0-\xf4][\x80-\xbf]{3}|(?P<tag>" + str(tmp_path).encode() + rb")"
    module_level = compile(
        "import re\nPATTERN = re.compile(source)\nTEXT = re.compile(source.decode('latin-1'))\n", "<probe>", "exec"
    )

    def load_module() -> dict[str, Any]:
        namespace: dict[str, Any] = {"source": source}
        exec(module_level, namespace)  # as a module's top level compiles its patterns
        return namespace

    re.purge()
    with cached_regex_code(cache_file) as first:
        recorded = load_module()
    re.purge()
    with cached_regex_code(cache_file) as second:
        replayed = load_module()
    assert first is not None and second is not None
    assert (first.misses, second.hits, second.misses) == (2, 2, 0)
    assert set(read(cache_file)) == {(source, 0), (source.decode("latin-1"), 0)}  # a bytes and a str key, apart
    re.purge()
    plain = re.compile(source)
    assert recorded["PATTERN"] == replayed["PATTERN"] == plain and replayed["PATTERN"].pattern == source
    assert replayed["PATTERN"].groupindex == {"tag": 1} and replayed["PATTERN"].search("é😀".encode())
    assert isinstance(replayed["TEXT"].pattern, str) and replayed["TEXT"] == re.compile(source.decode("latin-1"))


SLIM = '''
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Shaped:
    """Built from a recipe."""

    a: int
    b: tuple[int, ...] = field(default_factory=tuple)
    c: str = field(default="c", kw_only=True)


@dataclass
class Mutable:
    """Not frozen: built by dataclasses, its methods' sources kept."""

    a: int = 0
'''


def _import_slim(tmp_path: Path, name: str) -> Any:
    (tmp_path / f"{name}.py").write_text(SLIM)
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def _inner_names(source: str) -> set[str]:
    module = compile(source, "<string>", "exec", dont_inherit=True)
    create = next(c for c in module.co_consts if getattr(c, "co_name", None) == "__create_fn__")
    return {c.co_name for c in create.co_consts if hasattr(c, "co_name")}


def test_a_recipe_keeps_its_methods_own_code_and_not_the_sources_it_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dflint.classcode import cached_class_code, read

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = str(tmp_path / "methods.marshal")
    plain = _import_slim(tmp_path, "dflint_probe_slim")
    with cached_class_code(cache_file, package="dflint_probe_slim") as first:
        _import_slim(tmp_path, "dflint_probe_slim")
    table = read(cache_file)
    recipes = [value for key, value in table.items() if isinstance(key, tuple)]
    sources = [key for key in table if isinstance(key, str)]
    assert first.recipe_misses == 1 and len(recipes) == 1
    roles = ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__", "__hash__")
    assert [method[0].co_name for method in recipes[0]] == list(roles)  # each method's own code, no `__create_fn__`
    assert recipes[0][0][1:] == (  # `__init__`: its defaults, keyword defaults and annotations by argument name
        ("_HAS_DEFAULT_FACTORY",),
        (("c", "_dflt_c"),),
        (("a", "_type_a"), ("b", "_type_b"), ("c", "_type_c"), ("return", "_return_type")),
    )
    # Only the unfrozen class's sources are left: the recipe builds the other class without them.
    assert sources and all(_inner_names(source) <= {"__init__", "__repr__", "__eq__"} for source in sources)
    assert not any("_type_c" in source or "_dflt_c" in source for source in sources)
    with cached_class_code(cache_file, package="dflint_probe_slim") as second:
        replayed = _import_slim(tmp_path, "dflint_probe_slim")
    assert (second.recipe_hits, second.recipe_misses, second.misses) == (1, 0, 0)
    for name in ("Shaped", "Mutable"):
        assert _describe(getattr(replayed, name)) == _describe(getattr(plain, name)), name
    shaped = replayed.Shaped(1, c="d")
    assert repr(shaped) == "Shaped(a=1, b=(), c='d')" and shaped == replayed.Shaped(1, (), c="d") and shaped.b == ()
    assert replayed.Shaped.__init__.__kwdefaults__ == {"c": "c"} and replayed.Shaped(2).c == "c"


def test_a_class_whose_methods_the_recipe_would_not_make_again_keeps_its_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dflint import classcode

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_file = str(tmp_path / "methods.marshal")
    plain = _import_slim(tmp_path, "dflint_probe_unmade")
    monkeypatch.setattr(classcode, "_same_function", lambda made, built: False)
    with classcode.cached_class_code(cache_file, package="dflint_probe_unmade") as first:
        _import_slim(tmp_path, "dflint_probe_unmade")
    with classcode.cached_class_code(cache_file, package="dflint_probe_unmade") as second:
        replayed = _import_slim(tmp_path, "dflint_probe_unmade")
    assert first.recipe_misses == 0 and not [key for key in classcode.read(cache_file) if isinstance(key, tuple)]
    assert (second.recipe_hits, second.misses) == (0, 0) and second.hits > 0  # every source from the table
    assert _describe(replayed.Shaped) == _describe(plain.Shaped)


def test_a_scan_that_found_no_rule_pack_is_kept_until_what_it_read_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the rule index is in use, a scan that found no rule pack is answered again from what it
    read (sys.path, its directories, each distribution and its `entry_points.txt`) while `stat` still
    gives the same for all of them; installing a pack, or declaring the group in place, is seen."""
    import mmap  # noqa: F401  # reading a table imports it: before sys.path is narrowed to the probe
    import time

    import dflint.pycache

    site = tmp_path / "site"
    info = site / "other-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    (site / "single.egg-info").write_text("Metadata-Version: 1.0\n")

    def age(*paths: Path) -> None:  # last changed a minute ago: settled
        for path in paths:
            os.utime(path, ns=(time.time_ns() - 60_000_000_000,) * 2)

    age(info / "entry_points.txt", site / "single.egg-info", info, site)
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(dflint.pycache, "table_path", lambda name: str(tmp_path / f"{name}.marshal"))
    scans: list[bool] = []
    scan = registry._scan_for_entry_points

    def counted() -> tuple[bool, Any]:
        found, read = scan()
        scans.append(found)
        return found, read

    monkeypatch.setattr(registry, "_scan_for_entry_points", counted)
    assert not registry._may_have_entry_points() and not (tmp_path / "entry-point-scan.marshal").exists()
    with registry.indexed_rules(str(tmp_path / "rule-index.marshal")):
        scans.clear()
        assert [registry._may_have_entry_points() for _ in range(3)] == [False, False, False]
        assert scans == [False] and (tmp_path / "entry-point-scan.marshal").exists()  # scanned once, then kept
        sys.path.append(str(tmp_path / "elsewhere"))
        assert not registry._may_have_entry_points() and scans == [False, False]  # another sys.path: scanned again
        sys.path.pop()
        assert not registry._may_have_entry_points() and scans == [False, False]  # each sys.path's scan is kept
        pack = site / "dflint_pack-1.0.dist-info"
        pack.mkdir()  # a distribution installed: the directory changes
        (pack / "entry_points.txt").write_text("[dflint.rules]\npack = dflint_pack.rules\n")
        assert registry._may_have_entry_points() and scans[-1] is True
        (pack / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
        scans.clear()
        assert [registry._may_have_entry_points() for _ in range(2)] == [False, False]
        assert scans == [False, False]  # just changed: not kept until it has settled
        age(pack / "entry_points.txt", pack, site)
        assert [registry._may_have_entry_points() for _ in range(2)] == [False, False] and len(scans) == 3
        (info / "entry_points.txt").write_text("[dflint.rules]\nother = other.rules\n")  # declared in place
        assert registry._may_have_entry_points() and scans[-1] is True
        (info / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
        age(info / "entry_points.txt")
        (tmp_path / "missing").mkdir()  # a sys.path entry that was missing now exists
        assert not registry._may_have_entry_points() and len(scans) == 5
