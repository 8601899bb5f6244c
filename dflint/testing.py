"""Helpers for testing rules on fixture Dockerfiles (used by dflint's own tests and by rule packs).

A fixture marks what it expects on a comment line right above the line where each finding starts:
`# expect: DF301:5 DF302:1` (code and 1-based column). A comment line inside a RUN continuation
works too, since Docker drops those lines. A first-line header `# dflint-test: target=NAME
build-arg=K=V option=NAME=JSON` passes options (`option=trusted-registries=["*.gcr.io"]`, JSON
without spaces). A fixture is a `*.Dockerfile` file (context: its directory) or a directory holding
a `Dockerfile` (context: that directory). `work-tree=root` lints a copy of the fixture's folder made
the root of a git work tree (a `.git` folder is added, which no repository can hold), and
`work-tree=none` a copy outside any work tree: what git ignores (the folder's `.gitignore`) then
depends on the fixture alone, not on the repository it is kept in. A fixable rule's fixture may have a `<case>.Dockerfile.fixed` (or `Dockerfile.fixed` in the directory) next to it: the exact bytes that
`--fix --unsafe-fixes` restricted to that code must produce.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from dflint.engine import FileResult, Settings, lint_file, selected_rules

if TYPE_CHECKING:
    from dflint.fix import FixOutcome
    from dflint.rule import RuleOptions

EXPECT = re.compile(r"^\s*#\s*expect:\s*(.*)$")
HEADER = re.compile(r"^#\s*dflint-test:\s*(.*)$")
MARK = re.compile(r"([A-Z]+\d+):(\d+)")


def fixture_dockerfile(path: Path) -> Path:
    return path / "Dockerfile" if path.is_dir() else path


def expected(path: Path) -> Counter[tuple[str, int, int]]:
    """`# expect: DF301:5` on line n: a DF301 finding starts at line n+1 (the next non-comment line), column 5."""
    lines = fixture_dockerfile(path).read_text(encoding="utf-8").splitlines()
    result: Counter[tuple[str, int, int]] = Counter()
    for number, line in enumerate(lines, start=1):
        match = EXPECT.match(line)
        if not match:
            continue
        target = number + 1
        while target <= len(lines) and EXPECT.match(lines[target - 1]):
            target += 1
        for code, column in MARK.findall(match.group(1)):
            result[(code, target, int(column))] += 1
    return result


def settings_for(path: Path, code: str) -> Settings:
    lines = fixture_dockerfile(path).read_text(encoding="utf-8").splitlines()
    first = [line for line in lines[:2] if HEADER.match(line)][:1]  # line 1, or line 2 after a `# syntax=` directive
    target = None
    build_args: dict[str, str] = {}
    options: dict[str, object] = {}
    selection: tuple[str, ...] = (code,)
    context_dir: str | None = None
    header = HEADER.match(first[0]) if first else None
    if header:
        for token in header.group(1).split():
            key, _, value = token.partition("=")
            if key == "target":
                target = value
            elif key == "build-arg":
                name, _, setting = value.partition("=")
                build_args[name] = setting
            elif key == "option":
                name, _, setting = value.partition("=")
                options[name] = json.loads(setting)
            elif key == "context" and value == ".":
                context_dir = str(fixture_dockerfile(path).parent)  # as `--context` gives it
            elif key == "selection" and value == "default":
                selection = ()  # every default rule, as `dflint FILE` runs them; findings are kept for `code` only
    rule_options = {code: rule_options_for(code, options)} if options else {}
    return Settings(select=selection, target=target, build_args=build_args, rule_options=rule_options, context_dir=context_dir)


def rule_options_for(code: str, values: dict[str, object]) -> RuleOptions:
    """A rule's Options from kebab-case names and JSON values (`option=trusted-registries=["x"]` in
    a fixture header), converted and checked as a configuration file's `options` are."""
    from dflint.config import build_options
    from dflint.registry import find

    rule = find(code)
    if rule is None or rule.options_type is None:
        raise ValueError(f"{code} has no options")
    return build_options(rule, values)


def _work_tree(path: Path) -> str | None:
    """The fixture's `work-tree=` header value (`root` or `none`), if any."""
    lines = fixture_dockerfile(path).read_text(encoding="utf-8").splitlines()
    for line in lines[:2]:
        header = HEADER.match(line)
        if header:
            for token in header.group(1).split():
                key, _, value = token.partition("=")
                if key == "work-tree":
                    if value not in ("root", "none"):
                        raise ValueError(f"{path}: work-tree is `root` or `none`, not {value!r}")
                    return value
    return None


@contextmanager
def placed(path: Path) -> Iterator[Path]:
    """Where to lint the fixture: in place, or (with a `work-tree=` header) a copy of its folder in
    a temporary directory, made a git work tree's root for `work-tree=root`."""
    work_tree = _work_tree(path)
    if work_tree is None:
        yield path
        return
    import shutil
    import tempfile

    folder = path if path.is_dir() else path.parent
    with tempfile.TemporaryDirectory(prefix="dflint-fixture-") as temporary:
        copy = Path(temporary) / folder.name
        shutil.copytree(folder, copy, symlinks=True)
        if work_tree == "root":
            (copy / ".git").mkdir()
        yield copy if path.is_dir() else copy / path.name


def lint_fixture(path: Path, code: str) -> FileResult:
    with placed(path) as where:
        settings = settings_for(where, code)
        dockerfile = fixture_dockerfile(where)
        result = lint_file(str(dockerfile), settings, selected_rules(settings))
    if not settings.select:  # `selection=default`: the default rules ran; the fixture is about `code`
        result = dataclasses.replace(result, findings=tuple(f for f in result.findings if f.code == code))
    return result


def found(result: FileResult) -> Counter[tuple[str, int, int]]:
    return Counter((f.code, f.span.line, f.span.column) for f in result.findings)


def fixed_fixture(path: Path) -> Path:
    """The expected result of fixing a fixture: `<case>.Dockerfile.fixed`, or `Dockerfile.fixed` in a
    fixture directory."""
    dockerfile = fixture_dockerfile(path)
    return dockerfile.with_name(dockerfile.name + ".fixed")


def fix_fixture(path: Path, code: str, *, unsafe: bool = True) -> FixOutcome:
    """`--fix --unsafe-fixes` restricted to `code`, in memory (nothing is written)."""
    from dflint.fix import fix_file

    with placed(path) as where:
        settings = settings_for(where, code)
        return fix_file(str(fixture_dockerfile(where)), settings, selected_rules(settings), unsafe=unsafe, write=False)
