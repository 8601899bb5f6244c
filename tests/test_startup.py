"""Start-up stays light: `--version` and a one-file lint import only what they use.

Timings live in `benchmarks/` (never a timed assertion here); this checks the import lists, which
is what keeps the time down. Measured costs are in `benchmarks/README.md`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import imported_modules

ROOT = Path(__file__).resolve().parents[1]

# Heavy modules with no business on the `--version` path (import costs measured in design.md).
NOT_ON_VERSION_PATH = (
    "click",
    "pygls",
    "lsprotocol",
    "tabulate",
    "jsonschema",
    "yaml",
    "packaging",
    "tree_sitter",
    "dflint.rules",
    "dflint.engine",
    "typing",
)
# Only for `dflint rules`, `--format sarif`, a configuration file PyYAML must read, `dflint server` …:
# never for a plain lint.
NOT_ON_LINT_PATH = ("tabulate", "jsonschema", "yaml", "pygls", "lsprotocol", "dflint.server", "importlib.resources", "difflib")


def offenders(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if any(name == top or name.startswith(top + ".") for top in forbidden))


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    names = imported_modules("--version", cwd=tmp_path)
    assert not offenders(names, NOT_ON_VERSION_PATH)


def test_version_answered_without_click_prints_what_click_prints(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dflint.cli import main

    fast = subprocess.run(
        [sys.executable, "-m", "dflint", "--version"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (fast.returncode, fast.stdout) == (0, CliRunner().invoke(main, ["--version"]).output)


def test_one_file_lint_imports_no_formatter_library(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\nCMD ["python"]\n')
    names = imported_modules(str(dockerfile), cwd=tmp_path)
    assert not offenders(names, NOT_ON_LINT_PATH)
    # it did lint (rule modules loaded with importlib.import_module are not in -X importtime's report)
    assert "dflint.builder" in names


def test_a_plain_valid_configuration_is_read_without_pyyaml_and_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN echo hi\n")
    (tmp_path / ".dflint.yaml").write_text("ignore: [DF101]\nfail-on: error\nseverity: {pip-cache: info}\n")
    names = imported_modules("Dockerfile", cwd=tmp_path)
    assert "dflint.config" in names
    assert not offenders(names, ("yaml", "jsonschema"))


def test_a_configuration_with_anchors_is_read_by_pyyaml(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nRUN echo hi\n")
    (tmp_path / ".dflint.yaml").write_text("ignore: &skipped [DF101]\nextend-select: []\n")
    names = imported_modules("Dockerfile", cwd=tmp_path)
    assert "yaml" in names and "jsonschema" not in names


def test_an_invalid_configuration_is_worded_by_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n")
    (tmp_path / ".dflint.yaml").write_text("fail-on: loud\n")
    names = imported_modules("Dockerfile", cwd=tmp_path, codes=(2,))
    assert "jsonschema" in names


def test_one_file_lint_skips_entry_point_machinery_when_no_pack_is_installed(tmp_path: Path) -> None:
    from dflint.registry import _may_have_entry_points

    if _may_have_entry_points():
        return  # a rule pack (or something that looks like one) is installed: importlib.metadata is needed
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nRUN echo hi\n")
    names = imported_modules(str(dockerfile), cwd=tmp_path)
    assert "importlib.metadata" not in names


_LAUNCH = (
    "import atexit, os, sys\n"
    "at_once = os._exit\n"
    "def spy(status):\n"
    "    os.write(2, b'left at once\\n')\n"
    "    at_once(status)\n"
    "os._exit = spy\n"
    "if sys.argv[2] == 'handler':\n"
    "    atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
    "sys.argv = ['dflint', *sys.argv[3:]]\n"
    "from dflint.launcher import main\n"
    "main()\n"
)


def test_the_command_line_leaves_without_tearing_the_interpreter_down(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dflint.cli import main

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim\nMAINTAINER someone\n")
    expected = CliRunner().invoke(main, ["--format", "json", str(dockerfile)])
    for case, at_once in (("plain", True), ("handler", False)):
        run = subprocess.run(
            [sys.executable, "-c", _LAUNCH, "", case, "--format", "json", str(dockerfile)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (run.returncode, run.stdout) == (expected.exit_code, expected.output) == (1, expected.output)
        assert ("left at once" in run.stderr) is at_once  # with an `atexit` handler, the ordinary exit runs it
        assert ("handler ran" in run.stderr) is (case == "handler")
    usage = subprocess.run([sys.executable, "-c", _LAUNCH, "", "plain", "--no-such-option"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such option" in usage.stderr and "left at once" in usage.stderr


def test_a_one_file_lint_with_its_caches_written_imports_no_json(tmp_path: Path) -> None:
    """The rule data and the schema come from the parsed-JSON table (`dflint.datacode`) and exec-form
    arguments without escapes are read without `json`: once the caches exist, `json` stays unloaded.
    (The first run parses the data files with it.)"""
    import os

    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\n"
        'RUN pip install --no-cache-dir torch==2.4.0\nCOPY . /app\nCMD ["python", "-m", "app"]\n'
    )
    (tmp_path / ".dflint.yaml").write_text("ignore: [DF101]\n")  # the schema is read too
    script = "import sys\nfrom dflint.launcher import main\nsys.argv = ['dflint', 'Dockerfile']\nmain()\n"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")
    runs = [
        subprocess.run(
            [sys.executable, "-X", "importtime", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        for _ in range(2)
    ]
    loaded = [
        {line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")} for run in runs
    ]
    assert [run.returncode for run in runs] == [1, 1]  # findings, both times
    assert "json" in loaded[0] and "json" not in loaded[1]


def test_a_one_file_lint_from_the_console_script_imports_neither_importlib_util_nor_shlex(tmp_path: Path) -> None:
    """The caches take `importlib.util`'s names from where it takes them (`dflint.pycache`), and `shlex`
    is imported only for a build command found in a script or CI file. `python -m` imports
    `importlib.util` itself (runpy), and so does an editable install's finder while `site` runs, so
    this launches as the console script does and looks only at what was imported after `site`."""
    import os

    (tmp_path / "Dockerfile").write_text('FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\nCMD ["python"]\n')
    script = "import sys\nfrom dflint.launcher import main\nsys.argv = ['dflint', 'Dockerfile']\nmain()\n"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPROFILEIMPORTTIME"}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 1, run.stderr[-2000:]
    names = [
        line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line
    ]
    after_site = names[names.index("site") + 1 :]
    assert "dflint.builder" in after_site  # it did lint
    assert not offenders(set(after_site), ("importlib.util", "importlib._abc", "shlex"))


# `dflint PATH...` is run without click (`dflint.checkrun.run_paths`); `dflint check PATH...` is the
# same lint parsed by click. Each pair must print and exit alike.
_PLAIN_LINES = (
    ["findings/Dockerfile"],
    ["findings/Dockerfile", "configured/Dockerfile"],
    ["."],
    ["findings"],
    ["missing/Dockerfile"],
    ["undecodable/Dockerfile"],
    ["badly-configured/Dockerfile"],
    ["quiet/Dockerfile", "findings/Dockerfile"],
    ["--force-exclude", "findings/Dockerfile", "configured/Dockerfile"],  # what the pre-commit hook runs
    ["-q", "findings/Dockerfile", "--no-color"],
    ["--verbose", "."],
    ["--exit-zero", "findings/Dockerfile"],
    ["--isolated", "configured/Dockerfile", "-v"],
    ["--force-exclude", "--via-compose", "findings/Dockerfile"],
)


def _plain_tree(root: Path) -> None:
    for folder in ("findings", "configured", "undecodable", "badly-configured", "quiet"):
        (root / folder).mkdir()
    (root / "findings" / "Dockerfile").write_text(
        "FROM python:3.11\nMAINTAINER someone\nRUN pip install torch && apt-get update\nCOPY . /app\n"
    )
    (root / "configured" / "Dockerfile").write_text("FROM python:3.11-slim\nRUN pip install numpy\n")
    (root / "configured" / ".dflint.yaml").write_text("ignore: [DF620]\n")
    (root / "undecodable" / "Dockerfile").write_bytes(b"FROM python:3.11\nRUN echo \xff\xfe\n")
    (root / "badly-configured" / "Dockerfile").write_text("FROM python:3.11-slim\n")
    (root / "badly-configured" / ".dflint.yaml").write_text("fail-on: loud\n")
    (root / "quiet" / "Dockerfile").write_text("FROM python:3.11-slim\nARG UNUSED\n")
    (root / "quiet" / ".dflint.yaml").write_text("fail-on: none\n")


def test_a_line_of_paths_lints_without_click(tmp_path: Path) -> None:
    _plain_tree(tmp_path)
    assert not offenders(imported_modules("findings/Dockerfile", "configured/Dockerfile", cwd=tmp_path), ("click",))
    assert not offenders(imported_modules("--force-exclude", "findings/Dockerfile", cwd=tmp_path), ("click",))
    assert "click" in imported_modules("check", "findings/Dockerfile", cwd=tmp_path)  # the same lint, parsed by click


def test_a_line_of_paths_prints_and_exits_as_click_runs_it(tmp_path: Path) -> None:
    import os

    _plain_tree(tmp_path)
    base = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    for colour in ({}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}):
        for line in _PLAIN_LINES:
            runs = [
                subprocess.run(
                    [sys.executable, "-m", "dflint", *prefix, *line],
                    cwd=tmp_path,
                    env={**base, **colour},
                    capture_output=True,
                    check=False,
                    timeout=60,
                )
                for prefix in ([], ["check"])
            ]
            plain, parsed = ((run.returncode, run.stdout, run.stderr) for run in runs)
            assert plain == parsed, (line, colour)
            assert plain[0] in (0, 1, 2) and b"Traceback" not in plain[2], (line, plain)


def test_only_a_line_of_paths_and_flags_skips_click(monkeypatch: pytest.MonkeyPatch) -> None:
    from dflint.launcher import _plain_line

    monkeypatch.delenv("_DFLINT_COMPLETE", raising=False)
    assert _plain_line(["Dockerfile", "docker/Dockerfile.gpu", "."]) == (["Dockerfile", "docker/Dockerfile.gpu", "."], {})
    assert _plain_line(["Dockerfile", "rules"]) == (["Dockerfile", "rules"], {})  # a command's name after a path is a path
    assert _plain_line(["--force-exclude", "a", "-q", "b", "--quiet"]) == (["a", "b"], {"force_exclude": True, "quiet": True})
    assert _plain_line(["-q", "rules"]) == (["rules"], {"quiet": True})  # click lints a path named rules too
    assert _plain_line(["--via-compose"]) == ([], {"via_compose": True})
    for line in (
        [],
        ["-"],
        ["--", "Dockerfile"],
        ["Dockerfile", "-qv"],
        ["--force-exclude=1", "Dockerfile"],
        ["--force", "Dockerfile"],  # click takes no abbreviation: an error there
        ["--select", "DF1", "Dockerfile"],
        ["Dockerfile", "--help"],
        ["rules"],
        ["check", "x"],
        [""],
    ):
        assert _plain_line(line) is None, line
    monkeypatch.setenv("_DFLINT_COMPLETE", "bash_source")  # click answers a completion request instead
    assert _plain_line(["Dockerfile"]) is None


def test_the_plain_line_is_the_call_click_makes_of_it() -> None:
    """The launcher's list of commands is the command line's, and `checkrun.run` with the settings
    `launcher.FLAGS` turns on, the others at their defaults, is what click makes of each flag."""
    import inspect

    from dflint.checkrun import run
    from dflint.cli import main
    from dflint.launcher import COMMANDS, FLAGS

    assert sorted(COMMANDS) == sorted(main.commands)
    check = main.commands["check"]
    defaults = {name: parameter.default for name, parameter in inspect.signature(run).parameters.items()}
    assert defaults.pop("paths") is inspect.Parameter.empty
    for flag, setting in [(None, None), *FLAGS.items()]:
        parsed = check.make_context("check", [flag, "Dockerfile"] if flag else ["Dockerfile"]).params
        assert parsed.pop("paths") == ("Dockerfile",)
        assert parsed == (defaults if setting is None else {**defaults, setting: True}), flag


_DEFERRED = """
import os, sys
sys.argv = ["dflint", *sys.argv[1:]]
at_once = os._exit
def leave(status):
    inspect = sys.modules.get("inspect")
    loaded = sorted(name for name in ("ast", "dis", "tokenize", "linecache") if name in sys.modules)
    os.write(2, f"inspect: {type(inspect).__name__ if inspect else None} {loaded}\\n".encode())
    at_once(status)
os._exit = leave
from dflint.launcher import main
main()
"""


def test_a_plain_lint_defers_running_inspect(tmp_path: Path) -> None:
    """`dataclasses` imports `inspect` and, for dflint's classes (each with a docstring), never uses it."""
    import os

    (tmp_path / "Dockerfile").write_text('FROM python:3.11\nMAINTAINER someone\nCMD ["python", "app.py"]\n')
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")  # the second run reads the caches the first wrote
    lines = []
    for line in (["Dockerfile"], ["Dockerfile"], ["--format", "text", "Dockerfile"]):  # the plain line twice, one click parses
        run = subprocess.run([sys.executable, "-c", _DEFERRED, *line], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 1 and "DF116" in run.stdout, run.stderr[-2000:]
        lines.append(run.stderr.splitlines()[-1])
    assert lines[1] == "inspect: _Deferred []"
    assert lines[2] == "inspect: module ['ast', 'dis', 'linecache', 'tokenize']"  # click uses it


_USED = """
import sys
if sys.argv[1] == "deferred":
    from dflint.launcher import _defer_inspect
    _defer_inspect()
    assert type(sys.modules["inspect"]).__name__ == "_Deferred"
import dataclasses
import inspect
from inspect import signature

@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 0

assert type(inspect) is type(sys) and inspect is sys.modules["inspect"]
print(Point.__doc__, signature(Point), inspect.getsource(Point).count("\\n"), inspect.__file__, inspect.__cached__)
print(sorted(name for name, value in vars(inspect).items() if name != "__builtins__"))
"""


def test_inspect_deferred_is_inspect_once_used(tmp_path: Path) -> None:
    script = tmp_path / "used.py"
    script.write_text(_USED)
    outputs = [
        subprocess.run([sys.executable, str(script), how], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for how in ("deferred", "imported")
    ]
    assert outputs[0] == outputs[1] and "Point(x: int, y: int = 0)" in outputs[0]


def test_every_check_option_is_a_keyword_of_checkrun_run() -> None:
    import inspect

    from dflint.checkrun import run
    from dflint.cli import check

    keywords = set(inspect.signature(run).parameters)
    names = {parameter.name for parameter in check.params}
    assert names <= keywords, sorted(names - keywords)
    assert keywords - names == set(), sorted(keywords - names)  # and run takes nothing the command cannot give
