"""Bounded work on hostile input: every reproducer finishes within a time bound the test harness
enforces (pytest-timeout), never raises, and a limit that is hit is reported as `path:line: message`.

The bounds are generous next to the time each case takes once linear (well under a second), and
far below what the same input took before its fix (minutes, or a RecursionError)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dflint.builder import MAX_REQUIREMENTS_FILES
from dflint.cli import main
from dflint.config import shown_path
from dflint.discover import walk
from dflint.dockerignore import Matcher
from dflint.model import Dockerfile, RequirementsFile
from tests.helpers import model


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# -- shell trees are walked without recursion -------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("operator", ["&&", "||", ";", "|"])
def test_a_thousand_chained_commands_are_all_read(operator: str) -> None:
    dockerfile = model("FROM alpine\nRUN " + f" {operator} ".join(f"echo {i}" for i in range(1000)) + "\n")
    commands = dockerfile.instructions[1].commands
    assert [command.argv[1].value for command in commands] == [str(i) for i in range(1000)]
    assert commands[-1].operator == operator


@pytest.mark.timeout(30)
def test_a_thousand_nested_subshells_are_read() -> None:
    dockerfile = model("FROM alpine\nRUN " + "( " * 1000 + "pip install torch" + " )" * 1000 + "\n")
    (command,) = dockerfile.instructions[1].commands
    assert [word.value for word in command.argv] == ["pip", "install", "torch"]


@pytest.mark.timeout(60)
def test_a_deep_script_does_not_cost_the_other_files_their_output(tmp_path: Path) -> None:
    deep = tmp_path / "deep" / "Dockerfile"
    deep.parent.mkdir()
    deep.write_text("FROM alpine:3.20\nRUN " + " && ".join(["true"] * 1000) + "\n")
    other = tmp_path / "other" / "Dockerfile"
    other.parent.mkdir()
    other.write_text("FROM alpine\n")
    code, out, err = run_cli(str(deep), str(other), "--jobs", "1")
    assert "Traceback" not in err and "RecursionError" not in err
    assert f"{other}:1:6: DF103" in out
    assert code == 1


# -- variable expansion is capped -------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_doubling_variables_stop_at_the_value_cap() -> None:
    lines = ["FROM alpine", "ENV A0=xx"] + [f"ENV A{i}=$A{i - 1}$A{i - 1}" for i in range(1, 34)] + ["RUN echo $A33 $A15"]
    dockerfile = model("\n".join(lines) + "\n")
    run = dockerfile.instructions[-1]
    assert len(run.env["A15"] or "") == 2**16  # 65,536 characters: the longest value kept
    assert run.env["A16"] is None and run.env["A33"] is None
    assert [word.value for word in run.commands[0].argv] == ["echo", None, "x" * 2**16]
    assert [(error.line, error.message) for error in dockerfile.errors] == [
        (18, "a variable expands to more than 65536 characters: its value is treated as unknown")
    ]


@pytest.mark.timeout(60)
def test_a_long_value_repeated_exhausts_the_file_budget(tmp_path: Path) -> None:
    words = " ".join(["x$A"] * 1000)  # 1,000 copies of 60,000 characters would be 60 MB
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM alpine:3.20\nENV A={'a' * 60_000}\nRUN echo {words}\nRUN echo $A\nRUN echo ok\n")
    parsed = model(dockerfile.read_text())
    first = parsed.instructions[2].commands[0].argv
    assert first[1].value == "x" + "a" * 60_000
    assert first[-1].value is None
    assert parsed.instructions[3].commands[0].argv[1].value is None
    assert [word.value for word in parsed.instructions[4].commands[0].argv] == ["echo", "ok"]
    code, _out, err = run_cli(str(dockerfile))
    assert code == 2
    assert err == (
        f"{dockerfile}:3: variable expansions in this file exceed 16777216 characters in all:"
        " from here on every expanded value is treated as unknown\n"
    )


# -- requirements includes: each file once per install, a total per Dockerfile ---------------------


def _files(dockerfile: Dockerfile) -> list[tuple[str | None, str | None, str, tuple[object, ...]]]:
    """(context path, image path, status, nested) of every install's requirements tree, as nested tuples."""

    def shape(file: RequirementsFile) -> tuple[str | None, str | None, str, tuple[object, ...]]:
        return (file.context_path, file.image_path, file.status, tuple(shape(include) for include in file.includes))

    return [shape(file) for instruction in dockerfile.instructions for op in instruction.packages for file in op.files]


@pytest.mark.timeout(30)
def test_a_file_including_itself_four_times_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("-r a.txt\n-r a.txt\n-r ./a.txt\n-r a.txt\nflask\n")
    dockerfile = model("FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/a.txt\n", context_dir=str(tmp_path))
    assert _files(dockerfile) == [("a.txt", "/app/a.txt", "read", ())]
    assert [r.name for r in dockerfile.instructions[2].packages[0].files[0].requirements] == ["flask"]


@pytest.mark.timeout(30)
def test_a_heredoc_file_including_itself_is_read_once() -> None:
    text = "FROM python:3.11\nCOPY <<EOF /app/a.txt\n" + "-r a.txt\n" * 4 + "flask\nEOF\nRUN pip install -r /app/a.txt\n"
    dockerfile = model(text)
    assert _files(dockerfile) == [(None, "/app/a.txt", "read", ())]


@pytest.mark.timeout(30)
def test_a_diamond_of_includes_reads_the_shared_file_once(tmp_path: Path) -> None:
    (tmp_path / "top.txt").write_text("-r b.txt\n-r c.txt\n")
    (tmp_path / "b.txt").write_text("-r c.txt\n-c d.txt\n")
    (tmp_path / "c.txt").write_text("-r b.txt\ntorch\n")
    (tmp_path / "d.txt").write_text("torch==2.4.0\n")
    dockerfile = model("FROM python:3.11\nCOPY . /app\nRUN pip install -r /app/top.txt\n", context_dir=str(tmp_path))
    assert _files(dockerfile) == [
        (
            "top.txt",
            "/app/top.txt",
            "read",
            (("b.txt", None, "read", (("c.txt", None, "read", ()), ("d.txt", None, "read", ()))),),
        )
    ]


@pytest.mark.timeout(60)
def test_the_requirements_files_of_one_dockerfile_are_capped(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("".join(f"-r r{i}.txt\n" for i in range(MAX_REQUIREMENTS_FILES + 50)))
    for i in range(MAX_REQUIREMENTS_FILES + 50):
        (tmp_path / f"r{i}.txt").write_text(f"package-{i}\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n")
    files = model(dockerfile.read_text(), context_dir=str(tmp_path)).instructions[2].packages[0].files
    statuses = [include.status for include in files[0].includes]
    assert statuses == ["read"] * (MAX_REQUIREMENTS_FILES - 1) + ["unreadable"] * 51
    code, out, err = run_cli(str(dockerfile), "--select", "DF402")
    assert code == 2
    assert err == (
        f"{dockerfile}:3: more than {MAX_REQUIREMENTS_FILES} requirements files (includes counted) for one Dockerfile:"
        f" 'r{MAX_REQUIREMENTS_FILES - 1}.txt' and every later one are not read\n"
    )
    assert out.splitlines()[0] == (
        f"{dockerfile}:3:5: DF402 [warning] requirements file `r{MAX_REQUIREMENTS_FILES - 1}.txt` was not read:"
        f" this Dockerfile reached the limit of {MAX_REQUIREMENTS_FILES} requirements files read"
    )


# -- YAML and TOML: no recursive aliases, bounded expansion, bounded nesting ------------------------

BILLION_LAUGHS = "\n".join(
    ["x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)


def _lint_with(tmp_path: Path, name: str, text: str, *targets: str) -> tuple[int, str, str]:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / name).write_text(text)
    return run_cli(*(str(tmp_path / target) for target in targets or ("Dockerfile",)))


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("select: &a [*a]\n", 1, "invalid YAML: the alias *a refers to the node that contains it"),
        ("ignore: &a {x: [*a]}\n", 1, "invalid YAML: the alias *a refers to the node that contains it"),
        (
            BILLION_LAUGHS.replace("x-a", "a") + "\nselect: *a9\n",
            5,  # a4 already stands for 111,111 nodes
            "invalid YAML: the document stands for more than 100000 nodes once its aliases are expanded",
        ),
        ("select: " + "[" * 500 + "]" * 500 + "\n", 1, "invalid YAML: nested more than 64 levels deep"),
        ("select: " + "[" * 100_000 + "\n", 1, "invalid YAML: nested more than 64 levels deep"),
    ],
    ids=["recursive-alias", "recursive-alias-in-mapping", "billion-laughs", "nested-500", "nested-100k-unclosed"],
)
def test_hostile_yaml_configs_are_input_errors(tmp_path: Path, text: str, line: int, message: str) -> None:
    code, out, err = _lint_with(tmp_path, ".dflint.yaml", text)
    assert code == 2
    assert out == ""
    shown = shown_path(str(tmp_path / ".dflint.yaml"))  # relative when shorter (a checkout beside the temporary directory)
    assert re.fullmatch(re.escape(f"{shown}:{line}: {message}") + r" \(column \d+\)", err.splitlines()[0])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("nested", ["[" * 500 + "]" * 500, "[" * 100 + "]" * 100, "{a = " * 500 + "}" * 500])
def test_deeply_nested_pyproject_tables_are_input_errors(tmp_path: Path, nested: str) -> None:
    code, _out, err = _lint_with(tmp_path, "pyproject.toml", f"[project]\nname = 'x'\n\n[tool.dflint]\nselect = {nested}\n")
    assert code == 2
    shown = shown_path(str(tmp_path / "pyproject.toml"))
    assert err.splitlines()[0] in (
        f"{shown}:1: invalid TOML: nested more than 64 levels deep",
        f"{shown}:4: invalid TOML: nested more than 64 levels deep",
    )


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("prefix", "args", "line", "message"),
    [
        (BILLION_LAUGHS, "*a9", 5, "the document stands for more than 100000 nodes once its aliases are expanded"),
        ("", "&b {A: *b}", 6, "the alias *b refers to the node that contains it"),
        ("", "[" * 500 + "]" * 500, 6, "nested more than 64 levels deep"),
    ],
    ids=["billion-laughs", "recursive-alias", "nested-500"],
)
def test_hostile_compose_files_are_input_errors(tmp_path: Path, prefix: str, args: str, line: int, message: str) -> None:
    compose = prefix + f"\nservices:\n  web:\n    build:\n      context: .\n      args: {args}\n"
    code, out, err = _lint_with(tmp_path, "compose.yaml", compose, "compose.yaml")
    assert code == 2
    expected = f"{tmp_path / 'compose.yaml'}:{line}: invalid YAML in the compose file: {message}"
    assert re.fullmatch(re.escape(expected) + r" \(column \d+\)\n", err)


def test_ordinary_aliases_still_work(tmp_path: Path) -> None:
    compose = "x-args: &args {BASE: alpine}\nservices:\n  web:\n    build:\n      context: .\n      args: *args\n"
    (tmp_path / "Dockerfile").write_text("ARG BASE\nFROM $BASE\n")
    (tmp_path / "compose.yaml").write_text(compose)
    code, out, err = run_cli(str(tmp_path / "compose.yaml"), "--select", "DF103")
    assert (code, err) == (1, "")
    assert "DF103 [warning] service 'web': base `$BASE` of stage 0 has no tag" in out


def test_every_yaml_document_goes_through_the_bounded_loader() -> None:
    root = Path(__file__).resolve().parents[1]
    direct = re.compile(r"(?<![\w.])yaml\.(safe_load|safe_load_all|compose|compose_all|load|load_all)\(|yaml\.SafeLoader\b")
    offenders = [
        str(path.relative_to(root))
        for path in sorted((root / "dflint").rglob("*.py")) + sorted((root / "rules").rglob("*.py"))
        if path.name != "safe_yaml.py" and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# -- linear-time matching: .dockerignore through RE2, no backtracking regex of ours ----------------


@pytest.mark.timeout(10)
def test_dockerignore_patterns_match_in_linear_time() -> None:
    matcher = Matcher(("*a*a*a*a*a*a*b", "!keep/**"))
    assert not matcher.excludes("a" * 5000)  # Python's re backtracks for minutes on 100 characters
    assert matcher.excludes("a" * 5000 + "b")
    assert matcher.excludes("a" * 100 + "b/file")  # a parent directory matched
    assert not matcher.excludes("x/" + "a" * 100 + "b")  # `*` stops at `/`
    assert not matcher.excludes("keep/" + "a" * 100 + "b")


@pytest.mark.timeout(30)
def test_a_backtracking_dockerignore_pattern_costs_nothing_in_a_run(tmp_path: Path) -> None:
    name = "a" * 100
    (tmp_path / name).write_text("x")
    (tmp_path / (name + "b")).write_text("x")
    (tmp_path / ".dockerignore").write_text("*a*a*a*a*a*a*b\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM alpine:3.20\nCOPY {name} /x/\nCOPY {name}b /y/\n")
    code, out, err = run_cli(str(dockerfile), "--select", "DF505")
    assert (code, err) == (1, "")
    assert [line.split(" ", 2)[:2] for line in out.splitlines()[:-1]] == [[f"{dockerfile}:3:6:", "DF505"]]


def test_a_pattern_re2_refuses_is_skipped_and_the_others_apply() -> None:
    matcher = Matcher(("[z-a]", "[!]", "*.ckpt"))
    assert [pattern.text for pattern in matcher.patterns] == ["[!]", "*.ckpt"]
    assert matcher.excludes("model.ckpt") and matcher.excludes("!") and not matcher.excludes("z")


def test_a_dockerignore_pattern_docker_refuses_is_an_input_error_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dockerignore").write_text("# models\n*.ckpt\n\n[z-a]\n!keep/[!]\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY model.ckpt /m/\n")
    code, out, err = run_cli("Dockerfile", "--select", "DF505")
    assert code == 2
    assert err.splitlines() == [".dockerignore:4: invalid pattern '[z-a]': docker build refuses it; it excludes nothing here"]
    assert out.splitlines()[0].startswith("Dockerfile:2:6: DF505 ")  # the valid patterns still apply


@pytest.mark.timeout(10)
def test_a_directive_padded_with_spaces_is_read_in_linear_time() -> None:
    value = "docker/dockerfile:1" + " " * 200_000 + "x"
    dockerfile = model(f"# syntax={value}  \nFROM alpine\n")
    assert [(d.name, d.value) for d in dockerfile.directives] == [("syntax", value)]


# -- long files stay linear ---------------------------------------------------------------------------


def _lint_text(tmp_path: Path, text: str) -> tuple[int, str, str]:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    return run_cli(str(dockerfile), "--format", "json")


@pytest.mark.timeout(60)
def test_a_heredoc_of_2000_apt_installs_is_linear(tmp_path: Path) -> None:
    # one install leaves Recommends out, so DF306 reports each of the others (the file's own evidence)
    body = "apt-get install -y --no-install-recommends first\n" + "".join(f"apt-get install -y pkg{i}\n" for i in range(2000))
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM debian:12\nRUN <<EOF\n{body}EOF\n")
    code, out, err = run_cli(str(dockerfile), "--format", "json", "--extend-select", "DF306")  # opt-in
    assert (code, err) == (0, "")  # DF306 is at info
    findings = json.loads(out)["findings"]
    assert sum(finding["code"] == "DF306" for finding in findings) == 2000


@pytest.mark.timeout(60)
def test_1000_pip_installs_joined_by_and_are_linear(tmp_path: Path) -> None:
    script = " && ".join(f"pip install pkg{i}" for i in range(1000))
    code, out, err = _lint_text(tmp_path, f"FROM python:3.11-slim\nRUN {script}\n")
    assert (code, err) == (1, "")
    (finding,) = (finding for finding in json.loads(out)["findings"] if finding["code"] == "DF301")
    assert "(and 999 more in this stage)" in finding["message"] and len(finding["fix"]["edits"]) == 1000  # one per stage
    assert len(finding["also"]) == 999


@pytest.mark.timeout(60)
def test_20000_chained_stages_are_linear(tmp_path: Path) -> None:
    text = "FROM alpine:3.20 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\nCMD run {i}\n" for i in range(1, 20_000))
    code, out, err = _lint_text(tmp_path, text)
    assert err == "" and code in (0, 1)
    assert json.loads(out)["errors"] == []


def _df304(tmp_path: Path, text: str) -> list[dict[str, object]]:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    code, out, err = run_cli(str(dockerfile), "--format", "json", "--select", "DF304")
    assert (code, err) == (1, "")
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    return findings


@pytest.mark.timeout(60)
def test_5000_packages_removed_a_layer_later_are_linear(tmp_path: Path) -> None:
    # Each removal asks which earlier RUN kept the package, once: not a scan of every install so far.
    installs = "".join(f"RUN apt-get install -y --no-install-recommends pkg{i}\n" for i in range(5000))
    removals = "".join(f"RUN apt-get purge -y pkg{i}\n" for i in range(5000))
    findings = _df304(tmp_path, f"FROM debian:12\n{installs}{removals}")
    assert len(findings) == 5000
    assert "installed by the RUN on line 5001:" in str(findings[-1]["detail"])


@pytest.mark.timeout(60)
def test_a_cleanup_at_the_end_of_a_long_from_chain_is_linear(tmp_path: Path) -> None:
    stages = "".join(f"FROM s{i - 1} AS s{i}\nRUN pip install pkg{i} && apt-get install -y pkg{i}\n" for i in range(1, 3000))
    names = " ".join(f"pkg{i}" for i in range(1, 3000))
    cleanup = f"RUN rm -rf /root/.cache/pip && apt-get purge -y {names}\n"
    findings = _df304(tmp_path, f"FROM python:3.11-slim AS s0\n{stages}{cleanup}")
    # Every pip cache is reported at its own RUN (DF301): each of the 2999 is asked once, and the
    # cleanup of them is left out; the packages removed a layer late are still reported.
    (packages,) = findings
    lines = "lines " + ", ".join(str(2 * i + 1) for i in range(1, 3000))  # the RUN of every stage
    removed = ", ".join(sorted(names.split()))
    assert f"removes {removed}, installed by the RUNs on {lines}:" in str(packages["detail"])


@pytest.mark.timeout(60)
def test_8000_pragmas_are_linear(tmp_path: Path) -> None:
    text = "FROM alpine:3.20\n" + "".join(f"# dflint: ignore=DF{100 + i % 500},NOPE{i}\nRUN echo {i}\n" for i in range(8000))
    code, out, err = _lint_text(tmp_path, text)
    assert err == ""
    assert json.loads(out)["errors"] == []


# -- baselines: numbers and nesting are input errors ---------------------------------------------------


def _entry(count: str) -> str:
    return f'{{"version": 1, "findings": [{{"file": "Dockerfile", "code": "DF103", "fingerprint": "x", "count": {count}}}]}}'


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_entry("1e400"), "entry 0: count must be a whole number from 1 to 1000000"),
        (_entry("2.5"), "entry 0: count must be a whole number from 1 to 1000000"),
        (_entry("true"), "entry 0: count must be a whole number from 1 to 1000000"),
        (_entry("0"), "entry 0: count must be a whole number from 1 to 1000000"),
        (_entry("9" * 5000), "a number of 5000 digits is not a count; a baseline holds small whole numbers"),
        (_entry("-Infinity"), "-Infinity is not a number a baseline holds"),
        ("[" * 100_000, "the baseline nests arrays or objects too deeply to be a dflint baseline"),
        (
            '{"version": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "the baseline nests arrays or objects too deeply to be a dflint baseline",
        ),
    ],
    ids=["1e400", "fraction", "bool", "zero", "5000-digits", "infinity", "100k-open", "100k-nested"],
)
def test_hostile_baselines_are_input_errors(tmp_path: Path, document: str, message: str) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(document)
    code, out, err = run_cli(str(tmp_path / "Dockerfile"), "--baseline", str(baseline))
    assert (code, out) == (2, "")
    assert err == f"dflint: error: {baseline}: {message}\n"


def test_a_baselined_count_still_applies(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine\n")
    baseline = tmp_path / "baseline.json"
    assert run_cli(str(dockerfile), "--write-baseline", str(baseline))[0] == 0
    document = json.loads(baseline.read_text())
    assert [entry["count"] for entry in document["findings"]] == [1] * len(document["findings"])
    code, out, err = run_cli(str(dockerfile), "--baseline", str(baseline))
    assert (code, out) == (0, "All checks passed (1 file).\n")  # every finding is in the baseline
    assert err.startswith(f"dflint: {len(document['findings'])} finding") and err.endswith(
        f"in the baseline {baseline} not reported\n"
    )


# -- directory trees are walked without recursion, and searched for configs once -----------------------


@pytest.mark.timeout(90)
def test_a_tree_990_directories_deep_is_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    deepest = Path(*(["d"] * 990))
    for level in range(1, 991):
        os.mkdir(Path(*(["d"] * level)))  # os.makedirs recurses once per level
    (deepest / "Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    try:
        code, out, err = run_cli(".", "--select", "DF103", "--format", "json")
        assert (code, err) == (1, "")
        assert [finding["file"] for finding in json.loads(out)["findings"]] == [os.path.join(".", deepest, "Dockerfile")]
    finally:
        # Removed here, level by level: pytest's later clean-up of old temporary directories uses
        # shutil.rmtree, which recurses once per level and would raise RecursionError on this tree.
        (deepest / "Dockerfile").unlink()
        for level in range(990, 0, -1):
            os.rmdir(Path(*(["d"] * level)))


def test_the_walk_visits_what_os_walk_visits(tmp_path: Path) -> None:
    for relative in ("a/b/c", "a/x", "z", ".git/objects"):
        (tmp_path / relative).mkdir(parents=True)
    for relative in ("a/Dockerfile", "a/b/c/Dockerfile.gpu", "z/readme", "top"):
        (tmp_path / relative).write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    ours = [(root, sorted(dirs), sorted(files)) for root, dirs, files in walk(str(tmp_path))]
    theirs = [(root, sorted(dirs), sorted(files)) for root, dirs, files in os.walk(str(tmp_path))]
    assert sorted(ours) == sorted(theirs)


@pytest.mark.timeout(120)
def test_10000_global_args_share_their_snapshots() -> None:
    import tracemalloc

    text = "".join(f"ARG A{i}=v{i}\n" for i in range(10_000)) + "FROM alpine:${A9999}\nRUN echo $A1\n"
    tracemalloc.start()
    try:
        dockerfile = model(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024  # 10,000 copies of a growing environment took 1.3 GB
    arg = dockerfile.global_args[5000]
    assert arg.env["A4999"] == "v4999" and "A5000" not in arg.env and len(arg.env) == len(dockerfile.global_args[0].env) + 5000
    assert sorted(arg.env)[:3] == sorted(dict(arg.env))[:3]
    assert dockerfile.stages[0].base_resolved == "alpine:v9999"
