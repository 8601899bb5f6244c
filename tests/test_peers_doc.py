"""docs/peers.md stays complete and in step with the rules and the hadolint pragma map.

§1 (the rule map) must have one row per built-in rule, and its hadolint column must be exactly what
`dflint/data/hadolint_map.json` says (that map is what `# hadolint ignore=` pragmas use). Every
peer rule must appear either in §1 or, with a reason, in §2.
"""

from __future__ import annotations

import re
from pathlib import Path

from dflint.hadolint import mapping
from dflint.registry import all_rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "peers.md"

# The peers' rule sets as surveyed (hadolint 2.15.1 README; moby/buildkit linter/ruleset.go;
# aquasecurity/trivy-checks checks/docker; bridgecrewio/checkov checkov/dockerfile/checks).
_HADOLINT = (
    "DL1001 DL3000 DL3001 DL3002 DL3003 DL3004 DL3006 DL3007 DL3008 DL3009 DL3010 DL3011 DL3012 DL3013 DL3014 DL3015 DL3016"
    " DL3018 DL3019 DL3020 DL3021 DL3022 DL3023 DL3024 DL3025 DL3026 DL3027 DL3028 DL3029 DL3030 DL3032 DL3033 DL3034"
    " DL3035 DL3036 DL3037 DL3038 DL3040 DL3041 DL3042 DL3043 DL3044 DL3045 DL3046 DL3047 DL3048 DL3049 DL3050 DL3051"
    " DL3052 DL3053 DL3054 DL3055 DL3056 DL3057 DL3058 DL3059 DL3060 DL3061 DL3062 DL3063 DL3064 DL3065 DL3066 DL3067"
    " DL4000 DL4001 DL4003 DL4004 DL4005 DL4006"
)
_BUILDKIT = (
    "StageNameCasing FromAsCasing NoEmptyContinuation ConsistentInstructionCasing DuplicateStageName ReservedStageName"
    " JSONArgsRecommended MaintainerDeprecated UndefinedArgInFrom WorkdirRelativePath UndefinedVar"
    " MultipleInstructionsDisallowed LegacyKeyValueFormat InvalidBaseImagePlatform RedundantTargetPlatform"
    " SecretsUsedInArgOrEnv InvalidDefaultArgInFrom FromPlatformFlagConstDisallowed CopyIgnoredFile"
    " InvalidDefinitionDescription ExposeProtoCasing ExposeInvalidFormat"
)
HADOLINT = _HADOLINT.split()
BUILDKIT = _BUILDKIT.split()
TRIVY = [
    f"DS-{n:04d}"
    for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30, 31, 32)
]
CHECKOV = [f"CKV_DOCKER_{n}" for n in range(1, 12)] + [f"CKV2_DOCKER_{n}" for n in range(1, 18)]


def _section(number: int) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"docs/peers.md has no section {number}"
    return match.group(0)


def _map_rows() -> dict[str, list[str]]:
    """dflint code → the cells after the name (hadolint, BuildKit, Trivy, Checkov, notes)."""
    rows: dict[str, list[str]] = {}
    for line in _section(1).splitlines():
        match = re.match(r"\|\s*(DF\d{3})\b[^|]*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def _expand_ranges(cell: str, prefix: str) -> set[str]:
    """`CKV2_DOCKER_2 … CKV2_DOCKER_16` → every code in between."""
    codes = set(re.findall(rf"{prefix}\d+", cell))
    for low, high in re.findall(rf"{prefix}(\d+)\s*…\s*{prefix}(\d+)", cell):
        codes |= {f"{prefix}{n}" for n in range(int(low), int(high) + 1)}
    return codes


def test_every_rule_has_a_row_and_every_row_a_rule() -> None:
    rules = {rule.meta.code for rule in all_rules()}
    rows = set(_map_rows())
    assert rules - rows == set(), f"rules missing from docs/peers.md §1: {sorted(rules - rows)}"
    assert rows - rules == set(), f"docs/peers.md §1 names rules that do not exist: {sorted(rows - rules)}"


def test_hadolint_column_matches_the_pragma_map() -> None:
    documented = {(dl, df) for df, cells in _map_rows().items() for dl in re.findall(r"DL\d{4}", cells[0])}
    generated = {(dl, df) for dl, codes in mapping().items() for df in codes}
    assert documented - generated == set(), (
        f"in docs/peers.md but not in dflint/data/hadolint_map.json: {sorted(documented - generated)}"
    )
    assert generated - documented == set(), (
        f"in dflint/data/hadolint_map.json but not in docs/peers.md: {sorted(generated - documented)}"
    )


def _explained() -> set[str]:
    """Codes and check names in the first cell of each row of §2's tables."""
    names: set[str] = set()
    for line in _section(2).splitlines():
        match = re.match(r"\|\s*([^|]+?)\s*\|", line)
        if match and not set(match.group(1)) <= set("-: "):
            names |= set(re.findall(r"[A-Za-z0-9_-]+", match.group(1)))
    return names


def test_every_peer_rule_is_mapped_or_has_a_reason() -> None:
    rows = _map_rows().values()
    mapped = set(re.findall(r"[A-Za-z0-9_-]+", " ".join(" ".join(cells[:4]) for cells in rows)))
    mapped |= _expand_ranges(" ".join(cells[3] for cells in rows), "CKV2_DOCKER_")
    known = mapped | _explained()
    missing = [code for code in HADOLINT + BUILDKIT + TRIVY + CHECKOV if code not in known]
    assert not missing, f"peer rules neither mapped in docs/peers.md §1 nor explained in §2: {missing}"
