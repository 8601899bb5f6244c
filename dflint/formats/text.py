"""`path:line:col: CODE [severity] message`, coloured on a terminal, with a summary line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from dflint.engine import FileResult
from dflint.hadolint_config import HadolintIgnores
from dflint.model import Purpose
from dflint.rule import Applicability, Severity
from dflint.source import escape_path

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36", Severity.STYLE: "35"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render(
    results: Sequence[FileResult], *, color: bool = False, quiet: bool = False, verbose: bool = False, sort: str = "position"
) -> str:
    """One line per finding (by position, or with `sort="impact"` the largest savings first), then the
    biggest wins and a summary (left out with `quiet`); with `verbose`, first the build context of
    each file and why it was chosen."""
    from dflint.impact import biggest_wins, by_impact

    lines: list[str] = []
    if verbose:
        for result in results:
            if result.context is not None:
                lines.append(f"{result.path}: build context {result.context.directory} ({result.context.reason})")
            if result.context is not None and result.context.platform is not None:
                lines.append(f"{result.path}: built for {result.context.platform} ({result.context.platform_reason})")
            if result.purpose is not None and result.purpose.kind != "unknown":
                lines.append(f"{result.path}: {_purpose(result.purpose)}")
            if result.hadolint is not None:
                lines.append(f"{result.path}: {_hadolint(result.hadolint)}")
            if result.generated is not None:
                lines.append(
                    f"{result.path}: generated file ({result.generated.evidence}); rules that judge how the file is"
                    " written did not run unless selected by their code or name"
                )
            if result.superseded_by is not None:
                lines.append(f"{result.path}: {_superseded(result)}")
    counts: dict[Severity, int] = defaultdict(int)
    fixable = 0
    unsafe = 0
    every = [finding for result in results for finding in result.findings]
    ordered = by_impact(every) if sort == "impact" else every
    for finding in ordered:
        severity = finding.effective_severity
        counts[severity] += 1
        location = _paint(f"{finding.path}:{finding.span.line}:{finding.span.column}:", "1", color)
        code = _paint(finding.code, _COLORS[severity], color)
        safe = finding.fix is not None and finding.fix.applicability is Applicability.SAFE
        marker = " [*]" if safe else ""  # as ruff: [*] marks what plain --fix applies
        fixable += safe
        unsafe += finding.fix is not None and not safe
        lines.append(f"{location} {code}{marker} [{severity}] {finding.message}")
    if quiet:
        return "".join(line + "\n" for line in lines)
    wins = biggest_wins(every)
    if wins:
        lines.append("")
        lines.append("Biggest wins (estimates may share dependencies, so they are not added up; `--sort impact` orders all):")
        width = max(len(_size(win.savings.mb)) for win in wins if win.savings is not None)
        for win in wins:
            assert win.savings is not None
            lines.append(f"  {_size(win.savings.mb).rjust(width)}  {win.path}:{win.span.line}  {win.code}  {win.message}")
        lines.append("")
    total = sum(counts.values())
    errors = sum(len(result.errors) for result in results)
    files = len(results)
    if total:
        parts = ", ".join(f"{counts[s]} {s}" for s in sorted(counts, reverse=True) if counts[s])
        summary = f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {files} file{'s' if files != 1 else ''}"
        if fixable:
            summary += f"; {fixable} fixable with --fix"
        if unsafe:
            summary += f"; {unsafe} more with --fix --unsafe-fixes"
    elif errors:  # never "passed" when an input could not be linted
        summary = f"No problems found in what could be linted ({files} input{'s' if files != 1 else ''})"
    else:
        summary = f"All checks passed ({files} file{'s' if files != 1 else ''})"
    if errors:
        summary += f"; {errors} input error{'s' if errors != 1 else ''}"
    unchecked = sum(1 for result in results if result.purpose is not None and result.purpose.test_data and not result.findings)
    if unchecked:
        summary += f"; {unchecked} test-data file{'s' if unchecked != 1 else ''} not checked (see --verbose)"
    earlier = sum(
        1
        for result in results
        if result.superseded_by is not None
        and not result.superseded_included
        and not result.findings
        and not (result.purpose is not None and result.purpose.test_data)
    )
    if earlier:
        summary += (
            f"; {earlier} earlier-release file{'s' if earlier != 1 else ''} not checked"
            f" (see --verbose; --include-superseded checks {'them' if earlier != 1 else 'it'})"
        )
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"


def _purpose(purpose: Purpose) -> str:
    """What the image is for, the evidence, and what that changes in the rules that ran."""
    if purpose.test_data:
        return f"{purpose.evidence}; no rule ran on it unless selected by its code or name"
    if not purpose.ships:
        return (
            f"{purpose.kind} image ({purpose.evidence}); rules that judge a deployed image did not run"
            " unless selected by their code or name"
        )
    if purpose.platform is not None:
        return f"{purpose.kind} image ({purpose.evidence}), built for {purpose.platform} ({purpose.platform_evidence})"
    return f"{purpose.kind} image ({purpose.evidence})"


def _superseded(result: FileResult) -> str:
    """An earlier release's copy: which later release supersedes it, and what that changed."""
    assert result.superseded_by is not None
    superseded = result.superseded_by
    said = f"an earlier release ({superseded.release}) kept beside a later one ({escape_path(superseded.later_path)})"
    if result.superseded_included:
        return f"{said}; linted like any other file (include-superseded)"
    return f"{said}; no rule ran on it unless selected by its code or name (--include-superseded lints it)"


def _size(megabytes: float) -> str:
    return f"{megabytes / 1000:.1f} GB" if megabytes >= 1000 else f"{megabytes:.0f} MB"


def _hadolint(ignores: HadolintIgnores) -> str:
    from dflint.config import shown_path

    return (
        f"the hadolint configuration {escape_path(shown_path(ignores.path))} ignores {', '.join(ignores.ignored)}:"
        f" {', '.join(ignores.codes)} not run"
    )
