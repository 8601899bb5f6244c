"""## What it does
Flags `LABEL` keys that break Docker's key guidelines: a key should start with a lower-case letter,
end with a lower-case letter or digit, hold only lower-case letters, digits, `.` and `-`, have no
`..` or `--`, and stay out of the namespaces Docker reserves (`com.docker.*`, `io.docker.*`,
`org.dockerproject.*`). Underscores are accepted, as hadolint accepts them: Docker's guidelines leave
them out, but no tool is known to mind, and they are common (`dlc_major_version`). Keys built from
variables are left alone.

This is hadolint's DL3048; hadolint also flags a key written as a variable (`LABEL ${KEY}=1`), whose
value dflint cannot know.

Left alone on a generated Dockerfile: its label keys are the template's, and a rename belongs there
(a renamed key also changes what reads the image's labels).

## Why is this bad?
Tools that read labels — registries, scanners, orchestrators, `docker inspect --format` templates —
expect the conventional form; `Maintainer_Email` and `maintainer.email` are different keys, and one
of them is not what the tooling looks for. Reverse-DNS, lower-case keys (`org.opencontainers.image.*`,
`com.example.team`) do not collide.

## Example
```dockerfile
FROM python:3.12-slim
LABEL Model_Name="resnet50" com.docker.owner="ml-platform"
```

## Use instead
```dockerfile
FROM python:3.12-slim
LABEL com.example.model-name="resnet50" com.example.owner="ml-platform"
```

## References
- [Docker: object labels, key format recommendations](https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations)
- [Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)
- [hadolint DL3048](https://github.com/hadolint/hadolint/wiki/DL3048)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF610",
    name="invalid-label-key",
    severity=Severity.STYLE,
    summary="`LABEL` key does not follow Docker's key format",
    skip_images_nobody_deploys=True,
    judges_form=True,
    needs=("LABEL",),
)

_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")
_ILLEGAL = re.compile(r"[^a-z0-9._-]")


def problem_with(key: str) -> str | None:
    """Why a label key breaks the guidelines, or None."""
    for prefix in _RESERVED:
        if key.startswith(prefix):
            return f"the `{prefix}*` namespace is reserved by Docker"
    illegal = sorted(set(_ILLEGAL.findall(key)))
    if illegal:
        shown = ", ".join(f"`{char}`" for char in illegal)
        return f"it holds {shown}; use lower-case letters, digits, `.`, `-` and `_`"
    if not key[:1].isalpha():
        return "it should start with a lower-case letter"
    if not (key[-1:].isalpha() or key[-1:].isdigit()):
        return "it should end with a lower-case letter or a digit"
    if ".." in key or "--" in key:
        return "it has consecutive separators (`..` or `--`)"
    return None


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for instruction in dockerfile.instructions:
        if instruction.keyword != "LABEL":
            continue
        for pair in instruction.pairs:
            if "$" in pair.key or not pair.key:
                continue
            problem = problem_with(pair.key)
            if problem is None:
                continue
            stage = dockerfile.stage_of(instruction)
            yield Finding(
                META,
                pair.key_span,
                f"label key `{pair.key}`: {problem} (for example `{_suggest(pair.key)}`)",
                stage=stage.name if stage is not None else None,
            )


def _suggest(key: str) -> str:
    """A key in the recommended form that keeps the author's words."""
    for prefix in _RESERVED:
        if key.startswith(prefix):
            key = "com.example." + key[len(prefix) :]
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", key).lower()
    key = re.sub(r"[^a-z0-9._-]+", "-", key)
    key = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", key)).strip("._-")
    return key or "com.example.name"
