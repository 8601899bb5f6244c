"""Checks on the rule data files in dflint/data: they load, every fact has a source, and values are well formed."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dflint.data import NAMES, load

FACTS = tuple(
    name for name in NAMES if name not in ("hadolint_map", "build_args")
)  # hadolint_map is generated from the rule docs (dflint/hadolint.py); build_args is a list of names with one source
DATA_DIR = Path(__file__).resolve().parent.parent / "dflint" / "data"
UNKNOWN = "unknown"
# Keys whose values are dates; `collected` is the collection stamp of a whole file and needs no source.
DATE_KEYS = {"date", "released", "built", "eol", "lts", "esm"}
PARTIAL_DATE_KEYS = {"reported_in"}  # "2019" / "2026-01": only as precise as the reporting source
END_OF_LIFE_FLAT = ("python", "alpine")  # version -> date maps inside base_images.end_of_life


def is_size_key(key: str) -> bool:
    return key.endswith(("_mb", "_mib")) or "_mb_by_" in key


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, str(index)))


def node_at(root: Any, path: tuple[str, ...]) -> Any:
    node = root
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def has_source(root: dict[str, Any], path: tuple[str, ...]) -> bool:
    """A `source` on the node holding `path[-1]` or on any ancestor below the file's root."""
    for depth in range(len(path) - 1, 0, -1):
        holder = node_at(root, path[:depth])
        if not isinstance(holder, dict):
            continue
        source = holder.get("source")
        if isinstance(source, str) and source.strip():
            return True
        if isinstance(source, dict) and path[depth] in source:
            return True
    return False


def is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def size_values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from size_values(inner)
    else:
        yield value


def date_paths(root: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for path, value in walk(root):
        if path and path[-1] in DATE_KEYS and not isinstance(value, dict):
            yield path, value
    eol = root.get("end_of_life")
    if isinstance(eol, dict):
        for distro in END_OF_LIFE_FLAT:
            for version, value in eol[distro].items():
                yield ("end_of_life", distro, version), value


@pytest.fixture(scope="module")
def files() -> dict[str, dict[str, Any]]:
    return {name: load(name) for name in NAMES}


def test_every_json_file_is_known_and_loads(files: dict[str, dict[str, Any]]) -> None:
    on_disk = sorted(p.stem for p in DATA_DIR.glob("*.json"))
    assert on_disk == sorted(NAMES)
    for name in NAMES:
        raw = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert raw == files[name]
        if name in ("hadolint_map", "build_args"):  # generated from the rule docs / one list with one source
            continue
        # every collected file says when, as an ISO date
        collected = dt.date.fromisoformat(raw["collected"])
        assert dt.date(2026, 11, 1) <= collected <= dt.date.today(), (name, collected)


def test_loader_caches_and_rejects_bad_names() -> None:
    assert load("caches") is load("caches")
    with pytest.raises(ValueError):
        load("../caches")
    with pytest.raises(FileNotFoundError):
        load("no_such_file")


@pytest.mark.parametrize("name", FACTS)
def test_sizes_are_numbers_or_unknown_and_sourced(files: dict[str, dict[str, Any]], name: str) -> None:
    root = files[name]
    checked = 0
    for path, value in walk(root):
        if not path or not is_size_key(path[-1]):
            continue
        for leaf in size_values(value):
            if leaf is None:
                # only allowed where no runtime package exists
                assert path[-1] == "runtime_installed_mb", path
                assert node_at(root, path[:-1])["runtime"] is None, path
                continue
            assert leaf == UNKNOWN or (isinstance(leaf, (int, float)) and not isinstance(leaf, bool) and leaf >= 0), (path, leaf)
        assert has_source(root, path), f"{name}: {'.'.join(path)} has no source"
        checked += 1
    if name not in ("dev_tools", "image_users", "image_purposes", "package_indexes", "pinning"):  # lists of names, no sizes
        assert checked, f"{name} has no sizes"


@pytest.mark.parametrize("name", FACTS)
def test_dates_are_iso_or_unknown_and_sourced(files: dict[str, dict[str, Any]], name: str) -> None:
    root = files[name]
    assert is_iso_date(root["collected"])
    for path, value in date_paths(root):
        assert value == UNKNOWN or is_iso_date(value), (path, value)
        assert has_source(root, path), f"{name}: {'.'.join(path)} has no source"
    for path, value in walk(root):
        if path and path[-1] in PARTIAL_DATE_KEYS:
            assert isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2})?", value), (path, value)
            assert has_source(root, path)


def regexes(root: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], str]]:
    for path, value in walk(root):
        if not path:
            continue
        key = path[-1]
        if key == "patterns":
            items = value.values() if isinstance(value, dict) else [value]
            for group in items:
                for item in group:
                    yield path, item["regex"] if isinstance(item, dict) else item
        elif key in {"tag_pattern", "regex"} and isinstance(value, str):
            yield path, value
        elif key == "replacement" and isinstance(value, dict):
            yield path, value["from"]


@pytest.mark.parametrize("name", NAMES)
def test_regexes_compile(files: dict[str, dict[str, Any]], name: str) -> None:
    for path, pattern in regexes(files[name]):
        assert isinstance(pattern, str), path
        re.compile(pattern)


def matches_any(patterns: list[str], name: str) -> bool:
    return any(re.fullmatch(p, name.lower()) for p in patterns)


def test_build_tool_patterns_match_what_they_should(files: dict[str, dict[str, Any]]) -> None:
    apt = files["build_tools"]["managers"]["apt"]["patterns"]
    should = (
        "gcc",
        "gcc-12",
        "g++-13",
        "clang-17",
        "llvm-14",
        "build-essential",
        "cuda-nvcc-12-4",
        "cuda-toolkit-12-4",
        "golang-1.19-go",
    )
    for name in should:
        assert matches_any(apt, name), name
    should_not = (
        "gcc-12-base",
        "libgcc-s1",
        "cpp-12-doc",
        "cuda-toolkit-12-4-config-common",
        "libclang1-14",
        "makedev",
        "git-lfs",
    )
    for name in should_not:
        assert not matches_any(apt, name), name
    dnf = files["build_tools"]["managers"]["dnf"]["patterns"]
    assert matches_any(dnf, "gcc-c++") and matches_any(dnf, "@Development Tools") and matches_any(dnf, "cuda-nvcc-12-4")
    pip = files["build_tools"]["managers"]["pip"]["patterns"]
    assert matches_any(pip, "nvidia-cuda-nvcc-cu12") and not matches_any(pip, "nvidia-cuda-runtime-cu12")


def test_listed_build_tools_are_reachable(files: dict[str, dict[str, Any]]) -> None:
    for manager, section in files["build_tools"]["managers"].items():
        for name, entry in section["packages"].items():
            assert name == name.lower(), (manager, name)
            assert entry["kind"], (manager, name)
            assert "installed_mb" in entry and "closure_mb" in entry and "source" in entry, (manager, name)


def test_dev_patterns_cover_listed_dev_packages(files: dict[str, dict[str, Any]]) -> None:
    dev = files["dev_packages"]
    for manager, packages in dev["packages"].items():
        for name, entry in packages.items():
            assert name == name.lower(), (manager, name)
            assert matches_any(dev["patterns"][manager], name), (manager, name)
            for key in ("runtime", "installed_mb", "closure_mb", "runtime_installed_mb", "source"):
                assert key in entry, (manager, name, key)
    apt = dev["packages"]["apt"]
    assert apt["libpq-dev"]["runtime"] == "libpq5"
    assert matches_any(dev["patterns"]["apt"], "libssl-dev:amd64")
    for name in dev["exceptions"]["apt"]:
        assert matches_any(dev["patterns"]["apt"], name), name


def test_no_package_is_both_build_tool_and_dev_package_unless_marked(files: dict[str, dict[str, Any]]) -> None:
    dev = files["dev_packages"]
    for manager in ("apt", "apk", "dnf"):
        tools = files["build_tools"]["managers"][manager]["packages"]
        dev_names = set(dev["packages"].get(manager, {}))
        exceptions = set(dev["exceptions"].get(manager, []))
        for name, entry in tools.items():
            looks_dev = name in dev_names or (matches_any(dev["patterns"][manager], name) and name not in exceptions)
            assert looks_dev == bool(entry.get("also_dev_package")), (manager, name)


def test_heavy_frameworks_shape(files: dict[str, dict[str, Any]]) -> None:
    pip = files["heavy_frameworks"]["pip"]
    required_names = (
        "tensorflow",
        "tensorflow-gpu",
        "opencv-python",
        "opencv-contrib-python",
        "torch",
        "onnxruntime-gpu",
        "xgboost",
        "jax[cuda12]",
    )
    for required in required_names:
        assert required in pip, required
    assert pip["torch"]["when"] == "non_cuda_base" and pip["onnxruntime-gpu"]["when"] == "non_cuda_base"
    for name, entry in pip.items():
        assert entry["when"] in {"always", "non_cuda_base"}, name
        assert {"wheel_mb", "closure_mb", "alternatives", "source"} <= entry.keys(), name
        for alt in entry["alternatives"]:
            assert {"name", "wheel_mb", "drop_in", "caveat"} <= alt.keys(), (name, alt)
            assert isinstance(alt["drop_in"], bool)
            caveat = alt["caveat"]
            assert caveat.endswith(".") and ". " not in caveat.rstrip("."), (name, caveat)
        for pattern in entry.get("patterns", []):
            re.compile(pattern)
    assert re.fullmatch(pip["mxnet-cu112"]["patterns"][0], "mxnet-cu117")


def test_dev_tools_shape(files: dict[str, dict[str, Any]]) -> None:
    tools = files["dev_tools"]
    assert tools["source"]
    warning, info = tools["warning"], tools["info"]
    for name in (
        "pytest",
        "unittest2",
        "tox",
        "nox",
        "coverage",
        "black",
        "ruff",
        "flake8",
        "mypy",
        "pylint",
        "isort",
        "ipython",
        "jupyter",
        "notebook",
        "jupyterlab",
        "ipykernel",
    ):
        assert name in warning, name
    for name in ("matplotlib", "seaborn", "plotly", "bokeh", "pandas-profiling", "ydata-profiling"):
        assert name in info, name
    assert set(warning.values()) <= {"test", "lint", "format", "type-check", "notebook", "repl"}
    assert set(info.values()) <= {"plotting", "exploration"}
    assert not set(warning) & set(info)
    assert any(re.fullmatch(p["regex"], "pytest-cov") for p in tools["patterns"])
    for pattern in tools["patterns"]:
        assert pattern["level"] in {"warning", "info"} and pattern["category"] in tools["categories"][pattern["level"]]


@pytest.mark.parametrize(
    ("image", "tag", "expected"),
    [
        ("nvidia/cuda", "12.4.1-cudnn-devel-ubuntu22.04", "12.4.1-cudnn-runtime-ubuntu22.04"),
        ("nvidia/cuda", "12.9.1-devel-ubi9", "12.9.1-runtime-ubi9"),
        ("pytorch/pytorch", "2.3.0-cuda12.1-cudnn8-devel", "2.3.0-cuda12.1-cudnn8-runtime"),
        ("python", "3.11", "3.11-slim"),
        ("python", "3.11-bookworm", "3.11-slim-bookworm"),
        ("python", "3.12.4-trixie", "3.12.4-slim-trixie"),
        ("python", "latest", "slim"),
        ("python", "bookworm", "slim-bookworm"),
        ("tensorflow/tensorflow", "2.15.0-devel-gpu", "2.15.0-gpu"),
        ("tensorflow/tensorflow", "latest-devel", "latest"),
        ("tensorflow/tensorflow", "devel-gpu", "latest-gpu"),
    ],
)
def test_base_image_replacements(files: dict[str, dict[str, Any]], image: str, tag: str, expected: str) -> None:
    hits = [e for e in files["base_images"]["build_flavoured"] if e["image"] == image and re.fullmatch(e["tag_pattern"], tag)]
    assert len(hits) == 1, (image, tag, hits)
    replacement = hits[0]["replacement"]
    assert re.sub(replacement["from"], replacement["to"], tag, count=1) == expected


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("python", "3.11-slim"),
        ("python", "3.11-slim-bookworm"),
        ("python", "3.11-alpine"),
        ("python", "3.12-windowsservercore"),
        ("nvidia/cuda", "12.4.1-runtime-ubuntu22.04"),
        ("nvidia/cuda", "12.4.1-base-ubuntu22.04"),
        ("pytorch/pytorch", "2.3.0-cuda12.1-cudnn8-runtime"),
        ("buildpack-deps", "bookworm-curl"),
        ("buildpack-deps", "scm"),
        ("tensorflow/tensorflow", "latest-gpu"),
    ],
)
def test_base_image_runtime_tags_are_not_flagged(files: dict[str, dict[str, Any]], image: str, tag: str) -> None:
    hits = [e for e in files["base_images"]["build_flavoured"] if e["image"] == image and re.fullmatch(e["tag_pattern"], tag)]
    assert not hits, (image, tag)


def test_build_flavoured_covers_required_images(files: dict[str, dict[str, Any]]) -> None:
    images = {e["image"] for e in files["base_images"]["build_flavoured"]}
    required = {"nvidia/cuda", "pytorch/pytorch", "python", "golang", "rust", "gcc", "buildpack-deps", "tensorflow/tensorflow"}
    assert required <= images
    for entry in files["base_images"]["build_flavoured"]:
        assert {"image", "tag_pattern", "runtime_hint", "replacement", "extra_mb", "source"} <= entry.keys()


def test_end_of_life_is_consistent(files: dict[str, dict[str, Any]]) -> None:
    base = files["base_images"]
    eol, codenames = base["end_of_life"], base["codenames"]
    assert set(eol["source"]) >= {"python", "debian", "ubuntu", "alpine"}
    assert eol["python"]["3.8"] == "2024-10-07" and eol["alpine"]["3.19"] == "2025-11-01"
    for codename, entry in eol["debian"].items():
        assert codenames["debian"][codename] == entry["version"]
        if UNKNOWN not in (entry["eol"], entry["lts"]):
            assert entry["eol"] <= entry["lts"], codename
    for version, entry in eol["ubuntu"].items():
        assert codenames["ubuntu"][entry["codename"]] == version
        assert entry["eol"] <= entry["esm"], version
    assert {"bionic": "18.04", "focal": "20.04", "jammy": "22.04", "noble": "24.04"}.items() <= codenames["ubuntu"].items()
    assert codenames["source"]["debian"] == "https://www.debian.org/releases/"
    assert codenames["source"]["ubuntu"] == "https://wiki.ubuntu.com/Releases"


def test_caches_cover_managers_and_pip_quirk(files: dict[str, dict[str, Any]]) -> None:
    managers = files["caches"]["managers"]
    expected = {
        "apt",
        "apk",
        "yum",
        "dnf",
        "microdnf",
        "pip",
        "uv",
        "poetry",
        "pipenv",
        "conda",
        "npm",
        "yarn",
        "cargo",
        "go",
        "huggingface",
    }
    assert expected <= managers.keys()
    for name, entry in managers.items():
        for key in ("dirs", "env_disable", "flags_disable", "same_layer_cleanup", "cache_mount_targets", "source"):
            assert key in entry, (name, key)
    pip = managers["pip"]
    assert "PIP_NO_CACHE_DIR" in pip["env_disable"] and "--no-cache-dir" in pip["flags_disable"]
    assert {"false", "0", "true", "1"} <= set(pip["env_disable_quirk"]["disabling_values"])
    assert "UV_NO_CACHE" in managers["uv"]["env_disable"]
    assert "/root/.cache/pip" in pip["cache_mount_targets"]


def test_pip_no_cache_dir_quirk_matches_installed_pip() -> None:
    """Every recorded PIP_NO_CACHE_DIR value turns the cache off in the pip that runs these tests
    (its own option callback, `false` and `0` included), and a value that is no boolean does not."""
    import types

    cmdoptions = pytest.importorskip("pip._internal.cli.cmdoptions")
    handle = getattr(cmdoptions, "_handle_no_cache_dir", None)
    if handle is None:
        pytest.skip("this pip has no _handle_no_cache_dir callback")
    quirk = load("caches")["managers"]["pip"]["env_disable_quirk"]
    assert {"false", "0"} <= set(quirk["disabling_values"])
    for value in quirk["disabling_values"]:
        parser = types.SimpleNamespace(values=types.SimpleNamespace(cache_dir="/root/.cache/pip"))
        handle(cmdoptions.no_cache(), "--no-cache-dir", value, parser)
        assert parser.values.cache_dir is False, value

    def refuse(message: str) -> None:
        raise ValueError(message)

    parser = types.SimpleNamespace(values=types.SimpleNamespace(cache_dir="/root/.cache/pip"), error=refuse)
    with pytest.raises(ValueError, match="maybe"):  # pip reports an option error: not a boolean
        handle(cmdoptions.no_cache(), "--no-cache-dir", "maybe", parser)
    assert parser.values.cache_dir == "/root/.cache/pip"
