"""Rule documentation: the sections of a rule's docstring, and the generated reference in docs/.

`python -m dflint.ruledocs` rewrites `docs/rules.md` and `docs/rules/<CODE>.md`; a test fails when
the committed files are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from dflint.registry import Rule, all_rules

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options", "References")
REQUIRED = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
_FENCE = re.compile(r"```dockerfile\n(.*?)```", re.DOTALL)


def sections(doc: str) -> dict[str, str]:
    """`## Title` → body, in the order written."""
    result: dict[str, str] = {}
    current: str | None = None
    for line in doc.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            result[current] = ""
        elif current is not None:
            result[current] += line + "\n"
    return {title: body.strip() for title, body in result.items()}


def dockerfile_blocks(text: str) -> list[str]:
    return _FENCE.findall(text)


NOT_ON_UNSHIPPED = (
    "Not run on images nobody deploys: CI or test images (and test data) and development containers, as the model decides"
    " from the file's names, path, command and base (`dflint/purpose.py`), unless selected by its own code or name."
)


def rule_page(rule: Rule) -> str:
    meta = rule.meta
    fix = "yes" if meta.fixable else "no"
    head = (
        f"# {meta.code} {meta.name}\n\n"
        f"{meta.summary}\n\n"
        f"| severity | fixable | aliases |\n|---|---|---|\n| {meta.severity} | {fix} | {', '.join(meta.aliases) or '—'} |\n\n"
    )
    if meta.skip_images_nobody_deploys:
        head += f"{NOT_ON_UNSHIPPED}\n\n"
    found = sections(rule.doc)
    if meta.fixable and "Fix safety" in found:
        found["Fix safety"] += fix_preview(rule, found.get("Example", ""))
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in found.items())
    return head + body + "\n"


def fix_preview(rule: Rule, example: str) -> str:
    """What the fix does to the Example blocks, as unified diffs (generated, so it cannot drift)."""
    from dflint.engine import Settings
    from dflint.fix import fix_source, unified_diff
    from dflint.rule import Applicability

    settings = Settings(select=(rule.meta.code,))
    previews: list[str] = []
    unsafe = False
    for block in dockerfile_blocks(example):
        outcome = fix_source(block, "Dockerfile", settings, [rule], None, unsafe=True)
        diff = unified_diff(outcome).split("\n", 2)[-1]  # without the `---`/`+++` header lines
        if diff:
            previews.append(f"```diff\n{diff}```")
            unsafe = unsafe or any(f.fix is not None and f.fix.applicability is Applicability.UNSAFE for f in outcome.applied)
    if not previews:
        return ""
    command = "dflint --fix --unsafe-fixes" if unsafe else "dflint --fix"
    return f"\n\n`{command}` on the example:\n\n" + "\n\n".join(previews)


def index_page(rules: tuple[Rule, ...]) -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the rules' metadata by `python -m dflint.ruledocs`; do not edit by hand.",
        "`dflint explain CODE` prints the same documentation.",
        "",
        "| code | name | severity | fix | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        meta = rule.meta
        summary = meta.summary.replace("|", "\\|")
        lines.append(
            f"| [{meta.code}](rules/{meta.code}.md) | {meta.name} | {meta.severity} | {'yes' if meta.fixable else ''} | {summary} |"
        )
    lines.append("")
    lines.append(f"{len(rules)} rules.")
    return "\n".join(lines) + "\n"


def expected_files(root: Path) -> dict[Path, str]:
    rules = all_rules()
    files = {root / "docs" / "rules.md": index_page(rules)}
    for rule in rules:
        files[root / "docs" / "rules" / f"{rule.meta.code}.md"] = rule_page(rule)
    return files


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".")
    (root / "docs" / "rules").mkdir(parents=True, exist_ok=True)
    expected = expected_files(root)
    for stale in (root / "docs" / "rules").glob("*.md"):
        if stale not in expected:
            stale.unlink()
    for path, text in expected.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(expected)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
