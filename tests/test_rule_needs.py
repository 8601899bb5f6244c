"""`RuleMeta.needs`: a rule that declares what a file must use to trigger it is not run (nor, from
the command line, imported) on a file without it. This checks the declarations against every
fixture and, when `DFLINT_CORPUS` is set, every corpus Dockerfile: a rule whose needs the file
lacks must find nothing in it when it is run anyway."""

from __future__ import annotations

from pathlib import Path

from dflint.model import Dockerfile
from dflint.onbuild import trigger_view
from dflint.parse import Options, parse
from dflint.registry import all_rules
from tests.corpus import corpus_files, requires_corpus

ROOT = Path(__file__).resolve().parents[1]
NARROW = [rule for rule in all_rules() if rule.meta.needs]


def _models(path: Path) -> list[Dockerfile]:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    dockerfile = parse(text, str(path), Options(context_dir=str(path.parent)))
    view = trigger_view(dockerfile)
    return [dockerfile] if view is None else [dockerfile, view]


def _unexplained(paths: list[Path]) -> list[str]:
    """Findings of a rule in a file (or its ONBUILD view) whose vocabulary has none of its needs."""
    problems = []
    for path in paths:
        for dockerfile in _models(path):
            present = dockerfile.vocabulary()
            for rule in NARROW:
                if not present.isdisjoint(rule.meta.needs):
                    continue
                for finding in rule.check(dockerfile, rule.default_options()):
                    problems.append(f"{path}:{finding.span.line}: {rule.meta.code} without any of {rule.meta.needs}")
    return problems


def test_some_rules_declare_what_they_need() -> None:
    assert len(NARROW) >= 15
    for rule in NARROW:
        assert all(word and word.strip() == word for word in rule.meta.needs), rule.meta.code


def test_no_fixture_finding_comes_from_a_file_without_the_rules_needs() -> None:
    fixtures = sorted(ROOT.glob("fixtures/**/*.Dockerfile")) + sorted(ROOT.glob("fixtures/**/Dockerfile"))
    assert len(fixtures) > 100
    assert _unexplained(fixtures) == []


@requires_corpus
def test_no_corpus_finding_comes_from_a_file_without_the_rules_needs() -> None:
    files = [path for path in corpus_files() if path.is_file()]
    assert files
    assert _unexplained(files) == []


def test_the_vocabulary_holds_keywords_commands_wrappers_managers_and_onbuild_triggers() -> None:
    text = (
        "FROM alpine:3.20\n"
        "EXPOSE 8080\n"
        "RUN sudo apk add --no-cache curl && cd /tmp && env X=1 npm install left-pad\n"
        "ONBUILD RUN useradd -u 1000 app\n"
    )
    words = parse(text, "Dockerfile", Options()).vocabulary()
    assert {"FROM", "EXPOSE", "RUN", "ONBUILD", "sudo", "apk", "cd", "npm", "useradd"} <= words
    assert "ADD" not in words and "wget" not in words
