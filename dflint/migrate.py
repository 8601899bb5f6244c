"""`dflint migrate-hadolint`: a `.hadolint.yaml` turned into dflint configuration.

Each hadolint setting becomes its dflint counterpart, and every setting or code that has none is
reported (as a comment at the top of the output and on stderr), never dropped silently:

| hadolint | dflint |
|---|---|
| `ignored: [DL3042, …]` | `ignore:` the rules that stand for those codes (`dflint/data/hadolint_map.json`) |
| `override: {error: [DL3008], …}` | `severity: {DFnnn: error, …}` |
| `failure-threshold: warning` | `fail-on: warning` (`none` → `none`; `ignore`, the lowest level, → `style`) |
| `no-fail: true` | `fail-on: none` |
| `trustedRegistries: [...]` | `trusted-registries: [...]` |
| `label-schema: {…}`, `strict-labels` | `options: {label-schema: {required-labels: {…}, strict-labels: …}}` (DF608) |
| `format`, `no-color` | command-line options (`--format`, `--no-color`); reported |
| `disable-ignore-pragma`, ShellCheck `SC` codes | no counterpart; reported |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dflint.hadolint import equivalents, why_unported

LEVELS = ("error", "warning", "info", "style")
FORMATS = {
    "tty": "text",
    "json": "json",
    "checkstyle": "checkstyle",
    "codeclimate": "gitlab",
    "gitlab_codeclimate": "gitlab",
    "sarif": "sarif",
}
KNOWN = (
    "ignored",
    "override",
    "failure-threshold",
    "no-fail",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "format",
    "no-color",
    "disable-ignore-pragma",
)


@dataclass(frozen=True, slots=True)
class Migration:
    """A hadolint configuration converted: the dflint configuration and the notes on what did not carry over."""

    config: dict[str, Any]  # the dflint configuration, in the order it is written
    notes: tuple[str, ...]  # what has no counterpart, or changed meaning


def _codes(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(value).strip() for value in values or [] if str(value).strip()]


def _mapped(code: str, notes: list[str], what: str) -> tuple[str, ...]:
    upper = code.upper()
    if upper.startswith("SC"):
        notes.append(f"{what} {code}: a ShellCheck code; dflint does not run ShellCheck")
        return ()
    found = equivalents(upper)
    if not found:
        reason = why_unported(upper)
        notes.append(f"{what} {code}: no dflint rule" + (f" ({reason.split(':', 1)[0]})" if reason else ""))
        return ()
    shared = sorted(other for other, codes in _reverse().items() if set(codes) & set(found) and other != upper)
    if shared:
        notes.append(f"{what} {code} → {', '.join(found)}, which also stands for {', '.join(shared)}")
    return found


def _reverse() -> dict[str, tuple[str, ...]]:
    from dflint.hadolint import mapping

    return mapping()


def convert(data: Mapping[str, Any]) -> Migration:
    """The dflint configuration for a parsed `.hadolint.yaml`."""
    notes: list[str] = []
    config: dict[str, Any] = {}
    for key in data:
        if key not in KNOWN:
            notes.append(f"{key}: not a hadolint setting dflint knows; left out")

    ignore: list[str] = []
    for code in _codes(data.get("ignored")):
        ignore.extend(c for c in _mapped(code, notes, "ignored") if c not in ignore)
    if ignore:
        config["ignore"] = ignore

    override = data.get("override") or {}
    severity: dict[str, str] = {}
    if isinstance(override, Mapping):
        for level, codes in override.items():
            if level not in LEVELS:
                notes.append(f"override.{level}: dflint has no '{level}' severity (use {', '.join(LEVELS)}); left out")
                continue
            for code in _codes(codes):
                for dflint_code in _mapped(code, notes, f"override.{level}"):
                    if dflint_code in severity and severity[dflint_code] != level:
                        kept = max(severity[dflint_code], level, key=LEVELS[::-1].index)
                        notes.append(f"override: {dflint_code} asked as both {severity[dflint_code]} and {level}; kept {kept}")
                        level_kept = kept
                    else:
                        level_kept = level
                    severity[dflint_code] = level_kept
    if severity:
        config["severity"] = severity

    threshold = str(data["failure-threshold"]).strip().lower() if data.get("failure-threshold") is not None else None
    if data.get("no-fail") is True:
        config["fail-on"] = "none"
        if threshold not in (None, "none"):
            notes.append(f"failure-threshold: {threshold} is moot with no-fail: true; fail-on: none")
    elif threshold is not None:
        if threshold in (*LEVELS, "none"):
            config["fail-on"] = threshold
        elif threshold == "ignore":
            config["fail-on"] = "style"
            notes.append("failure-threshold: ignore (every finding fails) is fail-on: style")
        else:
            notes.append(f"failure-threshold: '{threshold}' is not a hadolint level; left out")

    registries = data.get("trustedRegistries")
    if registries:
        config["trusted-registries"] = _codes(registries)

    schema = data.get("label-schema")
    label_options: dict[str, Any] = {}
    if isinstance(schema, Mapping) and schema:
        label_options["required-labels"] = {str(key): str(value) for key, value in schema.items()}
    if data.get("strict-labels") is True:
        if label_options:
            label_options["strict-labels"] = True
        else:
            notes.append("strict-labels: without a label-schema it checks nothing; left out")
    if label_options:
        config["options"] = {"label-schema": label_options}

    output_format = data.get("format")
    if output_format is not None:
        target = FORMATS.get(str(output_format))
        notes.append(
            f"format: {output_format}: pass `--format {target}` on the command line"
            if target
            else f"format: {output_format}: no dflint format (dflint has text, json, sarif, github, gitlab, checkstyle)"
        )
    if data.get("no-color") is True:
        notes.append("no-color: pass `--no-color` (or set NO_COLOR=1)")
    if data.get("disable-ignore-pragma") is True:
        notes.append("disable-ignore-pragma: no counterpart; dflint always honours pragmas and reports unused ones with DF690")
    return Migration(config, tuple(notes))


def render(migration: Migration, source: str) -> str:
    """The `.dflint.yaml` text: a header, the notes as comments, the configuration."""
    import yaml

    lines = [f"# dflint configuration converted from {source} by `dflint migrate-hadolint`."]
    if migration.notes:
        lines.append("# Not carried over, or changed in meaning:")
        lines.extend(f"#   - {note}" for note in migration.notes)
    body = (
        yaml.safe_dump(migration.config, sort_keys=False, default_flow_style=None, allow_unicode=True) if migration.config else ""
    )
    return "\n".join(lines) + "\n" + body
