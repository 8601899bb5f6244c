"""Run the selected rules on one Dockerfile model and return sorted, suppressed findings."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from dflint.grouping import merge_groups
from dflint.hadolint_config import HadolintIgnores
from dflint.model import ContextChoice, Dockerfile, Generated, ParseError, Purpose, Superseded, Suppression
from dflint.onbuild import trigger_findings, trigger_view
from dflint.parse import Options as ParseOptions
from dflint.parse import parse
from dflint.purpose import undeployed_stages
from dflint.registry import Rule, all_rules, expand_selector, find
from dflint.rule import Finding, RuleOptions, Severity
from dflint.source import DEFAULT_MAX_BYTES, InputError, decode, read_path
from dflint.suppress import apply_pragmas, covers, mark_used, named_codes, read_pragmas


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides what a lint run reports (CLI flags merged over configuration by
    `dflint.config.merge`). Rule selection per file, per-file ignores included, is the list of rules
    passed alongside (`selected_rules`); everything here is already validated."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.WARNING  # None: no finding fails the run (`--fail-on none`)
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    context_dir: str | None = None  # None: discovered per Dockerfile (`dflint.context_discovery`)
    context_source: str = "option"  # why `context_dir` (see `ContextChoice.source`)
    context_reason: str = "given with --context"
    severity_overrides: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    rule_options: Mapping[str, RuleOptions] = field(default_factory=lambda: MappingProxyType({}))  # code → its Options
    max_bytes: int = DEFAULT_MAX_BYTES
    checked_build_args: tuple[str, ...] = ()  # names given with --build-arg: a warning when no ARG declares one
    boundary: str | None = None  # Dockerfiles are read only inside this directory (None: `reading.default_boundary`)
    hadolint: HadolintIgnores | None = None  # rules off because the repository's hadolint configuration ignores them
    include_superseded: bool = False  # lint an earlier release's Dockerfile kept beside a later one like any other


@dataclass(frozen=True, slots=True)
class FileResult:
    """What linting one file gave. In this process `dockerfile` is the model the rules read (the
    same frozen object); a result that crossed a process boundary (`dflint.parallel`) has none and
    keeps only `text`, which is all the formats, the baseline and the fixer's reports read."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[InputError, ...] = ()
    dockerfile: Dockerfile | None = None
    context: ContextChoice | None = None  # the build context used and why
    warnings: tuple[InputError, ...] = ()  # reported on stderr; they do not change the exit code
    text: str | None = None  # the decoded text the spans point into (None: the file could not be read)
    purpose: Purpose | None = None  # what the image is for, as the engine used it to choose the rules
    hadolint: HadolintIgnores | None = None  # rules the repository's hadolint configuration turned off
    generated: Generated | None = None  # the header comment that says the file is generated, as the engine used it
    superseded_by: Superseded | None = None  # the later release this file is an earlier copy of
    superseded_included: bool = False  # True: linted like any other file all the same (`include-superseded`)


class SelectionError(ValueError):
    pass


def selected_rules(settings: Settings, extra_ignores: Sequence[str] = ()) -> list[Rule]:
    """Resolve select/extend-select/ignore into rules; unknown selectors raise SelectionError."""

    def expand(selectors: Sequence[str], enabling: bool) -> list[Rule]:
        rules: list[Rule] = []
        for selector in selectors:
            matched = expand_selector(selector)
            if matched is None:
                raise SelectionError(f"unknown rule code or name '{selector}' (see `dflint rules`)")
            if enabling and find(selector) is None:  # a prefix or ALL: opt-in rules need their own code or name
                matched = [rule for rule in matched if rule.meta.default_enabled]
            rules.extend(matched)
        return rules

    chosen = expand(settings.select, True) if settings.select else [rule for rule in all_rules() if rule.meta.default_enabled]
    chosen += expand(settings.extend_select, True)
    ignored = {rule.meta.code for rule in expand(list(settings.ignore) + list(extra_ignores), False)}
    unique: dict[str, Rule] = {}
    for rule in chosen:
        if rule.meta.code not in ignored:
            unique[rule.meta.code] = rule
    return [unique[code] for code in sorted(unique)]


def lint_source(
    text: str, path: str, settings: Settings, rules: Sequence[Rule], context_dir: str | None, choice: ContextChoice | None = None
) -> FileResult:
    """Parse once, run every rule on the model, apply pragmas, sort."""
    if choice is None and context_dir is not None:
        choice = _given(settings, context_dir)
    options = ParseOptions(build_args=settings.build_args, target=settings.target, context_dir=context_dir)
    dockerfile = parse(text, path, options)
    if choice is not None:
        dockerfile = dataclasses.replace(dockerfile, context=choice)
    errors = tuple(InputError(error.path or path, error.line, error.message) for error in dockerfile.errors)
    if not dockerfile.stages:
        return FileResult(
            path, (), errors or (InputError(path, 1, "no FROM instruction"),), dockerfile, choice, text=dockerfile.text
        )
    from dflint.invocation import unknown_target, unused_build_args

    wrong_target = unknown_target(dockerfile, settings.target)
    if wrong_target is not None:  # `docker build` would fail: linting another stage as shipped would mislead
        return FileResult(path, (), (*errors, wrong_target), dockerfile, choice, text=dockerfile.text)
    warnings = tuple(unused_build_args(dockerfile, settings.checked_build_args)) if settings.checked_build_args else ()
    suppressions = read_pragmas(dockerfile)
    if suppressions:
        dockerfile = dataclasses.replace(dockerfile, suppressions=suppressions)
    early = [rule for rule in rules if not rule.meta.after_suppressions]
    late = [rule for rule in rules if rule.meta.after_suppressions]
    findings = _run(dockerfile, path, settings, early)
    view = trigger_view(dockerfile)
    if view is not None:  # ONBUILD: every rule also reads the instruction each trigger wraps
        readers = [rule for rule in early if rule.meta.reads_onbuild]
        findings += trigger_findings(dockerfile, findings, _run(view, path, settings, readers))
    kept = apply_pragmas(suppressions, findings)
    if late:
        judged = findings + _run(dockerfile, path, settings, _judges(suppressions, early))
        dockerfile = dataclasses.replace(dockerfile, suppressions=mark_used(suppressions, judged))
        late_findings = _run(dockerfile, path, settings, late)
        kept += [finding for finding in late_findings if not any(s.scope == "file" and covers(s, finding) for s in suppressions)]
    unique = sorted(merge_groups(set(kept)), key=Finding.sort_key)
    return FileResult(
        path,
        tuple(unique),
        errors,
        dockerfile,
        choice,
        warnings,
        dockerfile.text,
        dockerfile.purpose,
        settings.hadolint,
        dockerfile.generated,
        dockerfile.superseded_by,
        settings.include_superseded,
    )


def _given(settings: Settings, context_dir: str) -> ContextChoice:
    import os

    if settings.context_dir is not None and os.path.realpath(settings.context_dir) == os.path.realpath(context_dir):
        return ContextChoice(os.path.realpath(context_dir), settings.context_source, settings.context_reason)
    return ContextChoice(os.path.realpath(context_dir), "caller", "chosen by the caller")


def _run(dockerfile: Dockerfile, path: str, settings: Settings, rules: Sequence[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    deployed = dockerfile.purpose is None or dockerfile.purpose.ships
    test_data = dockerfile.purpose is not None and dockerfile.purpose.test_data
    superseded = dockerfile.superseded_by is not None and not settings.include_superseded
    generated = dockerfile.generated is not None
    present = dockerfile.vocabulary()
    for rule in rules:
        if rule.meta.needs and present.isdisjoint(rule.meta.needs):
            continue  # nothing it reads is in the file (and, from the rule index, its module stays unloaded)
        if (
            test_data
            or superseded
            or (rule.meta.skip_images_nobody_deploys and not deployed)
            or (rule.meta.judges_form and generated)
        ) and rule.meta.code not in _named(settings.select + settings.extend_select):
            # test data nobody builds; an earlier release kept beside a later one: nobody rebuilds it, a
            # change goes into the later one; a CI or test image, or a development container: nobody
            # deploys it; or the form of a generated file: it is its template's
            continue
        rule_options = settings.rule_options.get(rule.meta.code) or rule.default_options()
        override = settings.severity_overrides.get(rule.meta.code)
        # a stage built only for tests, CI or development (`ci-runtime`, `dev`, not shipped): nobody deploys what it holds either
        skipped = (
            undeployed_stages(dockerfile)
            if rule.meta.skip_images_nobody_deploys and rule.meta.code not in _named(settings.select + settings.extend_select)
            else frozenset()
        )
        for finding in rule.check(dockerfile, rule_options):
            if skipped and finding.stage in skipped:
                continue
            findings.append(
                dataclasses.replace(finding, path=path, severity=override if override is not None else finding.severity)
            )
    return findings


@functools.lru_cache(maxsize=16)
def _named(selectors: tuple[str, ...]) -> frozenset[str]:
    """The codes of the rules selected by their own code or name (not by a prefix or ALL)."""
    named = set()
    for selector in selectors:
        rule = find(selector)
        if rule is not None:
            named.add(rule.meta.code)
    return frozenset(named)


def _judges(suppressions: Sequence[Suppression], ran: Sequence[Rule]) -> list[Rule]:
    """Rules a pragma names that did not run: they run too (their findings are not reported) so that
    a pragma is judged on what it would suppress, whatever the selection."""
    named = named_codes(suppressions)
    done = {rule.meta.code for rule in ran}
    candidates = [rule for rule in all_rules() if rule.meta.default_enabled or (named is not None and rule.meta.code in named)]
    return [
        rule
        for rule in candidates
        if rule.meta.code not in done and not rule.meta.after_suppressions and (named is None or rule.meta.code in named)
    ]


def lint_file(path: str, settings: Settings, rules: Sequence[Rule], display_path: str | None = None) -> FileResult:
    shown = display_path or path
    try:
        text = read_path(path, max_bytes=settings.max_bytes, boundary=settings.boundary)
    except InputError as error:
        return FileResult(shown, (), (InputError(shown, error.line, error.message),))
    from dflint.context_discovery import build_platform, choose

    choice = _given(settings, settings.context_dir) if settings.context_dir is not None else choose(path, text)
    if "TARGETPLATFORM" not in settings.build_args:
        platform = build_platform(path)
        if platform is not None:  # the repository builds it for another platform (lmdeploy's Ascend image: arm64)
            choice = dataclasses.replace(choice, platform=platform[0], platform_reason=platform[1])
            settings = dataclasses.replace(settings, build_args={**settings.build_args, "TARGETPLATFORM": platform[0]})
    return lint_source(text, shown, settings, rules, choice.directory, choice)


def lint_bytes(
    data: bytes,
    path: str,
    settings: Settings,
    rules: Sequence[Rule],
    context_dir: str | None,
    choice: ContextChoice | None = None,
) -> FileResult:
    try:
        text = decode(path, data, max_bytes=settings.max_bytes)
    except InputError as error:
        return FileResult(path, (), (error,))
    return lint_source(text, path, settings, rules, context_dir, choice)


__all__ = ["FileResult", "ParseError", "SelectionError", "Settings", "lint_bytes", "lint_file", "lint_source", "selected_rules"]
