r"""## What it does
Checks the image's labels against a schema you configure with the `required-labels` option, a map
from label name to format:

- a required label that the final image does not set (`LABEL` in the final stage or the stages it
  is built `FROM`) is reported at the final stage's `FROM`;
- a label in the schema whose value does not have its format, or is empty, is reported where it is
  set (in any stage);
- with `strict-labels`, a label that is not in the schema is reported too.

Formats: `text` (any non-empty value), `url`, `semver`, `hash` (a git commit hash, 7 to 40 hex
digits, or 64 for SHA-256), `rfc3339` (a date-time such as `2026-01-31T12:00:00Z`), `spdx` (an SPDX
license expression, checked for syntax), `email`. A value that depends on an unknown build argument
(`org.opencontainers.image.revision=$GIT_SHA`) is left alone. The rule is silent until configured.

This is hadolint's label-schema rules: DL3049 (missing), DL3050 (strict), DL3051 (empty), DL3052
(url), DL3053 (rfc3339), DL3054 (spdx), DL3055 (hash), DL3056 (semver), DL3058 (email). hadolint
checks labels stage by stage; dflint checks the required labels on the image that ships. hadolint
validates SPDX identifiers against the SPDX list; dflint checks the expression's syntax.

## Why is this bad?
Registries, scanners and deployment tooling read labels to tell which commit, version and licence
an image holds (`org.opencontainers.image.revision`, `.version`, `.licenses`). A missing or
malformed label breaks that traceability: the model server in production cannot be traced back to
its source.

## Example
With `required-labels: {org.opencontainers.image.version: semver, org.opencontainers.image.source: url}`:

```dockerfile
FROM python:3.12-slim
LABEL org.opencontainers.image.version="v1"
```

## Use instead
With the same configuration:

```dockerfile
FROM python:3.12-slim
LABEL org.opencontainers.image.version="1.4.2" \
      org.opencontainers.image.source="https://github.com/example/inference-server"
```

## Options
- `required-labels` (default `{}`, which turns the rule off): label name → format.
- `strict-labels` (default `false`): also report labels that are not in `required-labels`.

## References
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
- [OCI image spec: pre-defined annotation keys](https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys)
- [hadolint: label schema](https://github.com/hadolint/hadolint#linting-labels) (DL3049, DL3050, DL3051, DL3052,
  DL3053, DL3054, DL3055, DL3056, DL3058)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from dflint.model import Dockerfile, KeyValue, Stage
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF608",
    name="label-schema",
    severity=Severity.WARNING,
    summary="Image label missing, malformed or outside the configured label schema",
)

FORMATS = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*")
_HASH = re.compile(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_SPDX_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+-]+(?::[A-Za-z0-9.+-]+)?)")


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the labels required, with their formats, and whether others are reported."""

    required_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    strict_labels: bool = False

    def __post_init__(self) -> None:
        unknown = sorted({str(value) for value in self.required_labels.values()} - set(FORMATS))
        if unknown:
            raise ValueError(f"unknown label format(s) {', '.join(unknown)} (use {', '.join(FORMATS)})")


EXAMPLE_OPTIONS = Options(
    required_labels={"org.opencontainers.image.version": "semver", "org.opencontainers.image.source": "url"}
)


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    if options is None or not options.required_labels:
        return
    schema = dict(options.required_labels)
    for stage in dockerfile.stages:
        for pair, instruction_stage in _labels(dockerfile, stage):
            wanted = schema.get(pair.key)
            if wanted is None:
                if options.strict_labels:
                    yield Finding(
                        META,
                        pair.key_span,
                        f"label `{pair.key}` in {instruction_stage.label} is not in the label schema (strict-labels)",
                        stage=instruction_stage.name,
                    )
                continue
            if pair.value is None:
                continue
            problem = problem_with(pair.value, wanted)
            if problem is not None:
                yield Finding(
                    META,
                    pair.key_span,
                    f"label `{pair.key}` in {instruction_stage.label} {problem}",
                    stage=instruction_stage.name,
                )
    final = dockerfile.final_stage()
    if final is None:
        return
    present = {pair.key for stage in dockerfile.ancestry(final) for pair, _ in _labels(dockerfile, stage)}
    missing = [name for name in schema if name not in present]
    if missing:
        listed = ", ".join(f"`{name}` ({schema[name]})" for name in missing)
        yield Finding(
            META,
            final.from_instruction.keyword_span,
            f"the image built by {final.label} lacks required label{'s' if len(missing) > 1 else ''} {listed}",
            stage=final.name,
        )


def _labels(dockerfile: Dockerfile, stage: Stage) -> Iterator[tuple[KeyValue, Stage]]:
    for instruction in stage.instructions_of("LABEL"):
        for pair in instruction.pairs:
            yield pair, stage


def problem_with(value: str, wanted: str) -> str | None:
    """Why `value` does not have format `wanted`, or None when it does."""
    if not value.strip():
        return "is empty"
    if wanted == "text":
        return None
    checks = {
        "url": lambda v: bool(_URL.fullmatch(v)),
        "semver": lambda v: bool(_SEMVER.fullmatch(v)),
        "hash": lambda v: bool(_HASH.fullmatch(v)),
        "email": lambda v: bool(_EMAIL.fullmatch(v)),
        "rfc3339": _is_rfc3339,
        "spdx": _is_spdx_expression,
    }
    if checks[wanted](value):
        return None
    return f"is not a valid {wanted} value: `{value}`"


def _is_rfc3339(value: str) -> bool:
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _is_spdx_expression(value: str) -> bool:
    """SPDX license expression syntax: ids, `LicenseRef-…`, `WITH`, `AND`, `OR`, parentheses."""
    tokens: list[str] = []
    position = 0
    while position < len(value):
        match = _SPDX_TOKEN.match(value, position)
        if match is None or match.end() == position:
            if value[position:].strip():
                return False
            break
        tokens.append(match.group(1))
        position = match.end()
    expect_operand = True
    depth = 0
    for token in tokens:
        upper = token.upper()
        if expect_operand:
            if token == "(":
                depth += 1
            elif upper in ("AND", "OR", "WITH") or token == ")":
                return False
            else:
                expect_operand = False
        elif token == ")":
            depth -= 1
            if depth < 0:
                return False
        elif upper in ("AND", "OR", "WITH"):
            expect_operand = True
        else:
            return False
    return not expect_operand and depth == 0
