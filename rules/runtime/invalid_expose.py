"""## What it does
Checks each port of an `EXPOSE`:

- a port or range outside 0–65535, a range that runs backwards, or a value that is not a number
  (error: the build fails);
- a protocol other than `tcp`, `udp` or `sctp` (error);
- an IP address or a host-port mapping (`8080:80`, `127.0.0.1:8000:8000`): `EXPOSE` cannot publish
  ports, so the host part is ignored (warning);
- a protocol in upper case (`8000/TCP`) (style; fixable).

Ports built from variables are checked after expansion; a port that depends on an unknown variable
is left alone.

This covers hadolint's DL3011 and BuildKit's `ExposeInvalidFormat` and `ExposeProtoCasing` checks.

## Why is this bad?
`EXPOSE` documents which ports the server listens on, and tools read it (`docker run -P`, compose,
platform health checks). An invalid port stops the build; a host mapping in `EXPOSE` suggests a
port is published when it is not, which is a common reason an inference endpoint is "not reachable".

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8080:8000 70000 8001/TCP
```

## Use instead
```dockerfile
FROM python:3.12-slim
EXPOSE 8000 8001/tcp
```

Publish to the host at run time: `docker run -p 8080:8000 …`.

## Fix safety
Safe for the protocol case: Docker lower-cases protocols anyway. The other problems have no fix,
since dflint cannot know which port was meant.

## References
- [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
- [BuildKit check ExposeInvalidFormat](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
- [BuildKit check ExposeProtoCasing](https://docs.docker.com/reference/build-checks/expose-proto-casing/)
- [hadolint DL3011](https://github.com/hadolint/hadolint/wiki/DL3011)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import ArgWord, Dockerfile
from dflint.rule import Edit, Finding, Fix, RuleMeta, Severity

META = RuleMeta(
    code="DF603",
    name="invalid-expose",
    severity=Severity.ERROR,
    summary="`EXPOSE` port out of range, unknown protocol, host mapping or upper-case protocol",
    fixable=True,
    needs=("EXPOSE",),
)

_PROTOCOLS = ("tcp", "udp", "sctp")
_RANGE = re.compile(r"(\d+)(?:-(\d+))?")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("EXPOSE"):
            for word in instruction.words:
                if word.value is None or not word.value:
                    continue
                found = _problem(word.value)
                if found is None:
                    continue
                severity, message = found
                fix = _fix(dockerfile, word) if severity is Severity.STYLE else None
                yield Finding(
                    META,
                    word.span,
                    f"EXPOSE `{word.text}`{'' if word.value == word.text else f' (`{word.value}`)'} in {stage.label}: {message}",
                    fix=fix,
                    severity=None if severity is META.severity else severity,
                    stage=stage.name,
                )


def _problem(value: str) -> tuple[Severity, str] | None:
    port, slash, protocol = value.partition("/")
    if slash and protocol.lower() not in _PROTOCOLS:
        return Severity.ERROR, f"unknown protocol `{protocol}` (use tcp, udp or sctp)"
    if ":" in port:
        container = port.rsplit(":", 1)[1]
        return Severity.WARNING, (f"EXPOSE cannot publish a port; write `EXPOSE {container}` and use `docker run -p {port}`")
    match = _RANGE.fullmatch(port)
    if match is None:
        return Severity.ERROR, "not a port number or range"
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > 65535 or high > 65535:
        return Severity.ERROR, "ports range from 0 to 65535"
    if high < low:
        return Severity.ERROR, f"the range {low}-{high} runs backwards"
    if slash and protocol != protocol.lower():
        return Severity.STYLE, f"write the protocol in lower case (`{port}/{protocol.lower()}`)"
    return None


def _fix(dockerfile: Dockerfile, word: ArgWord) -> Fix | None:
    start, end = word.span.offset, word.span.end_offset
    if dockerfile.text[start:end] != word.text or word.text != word.value:
        return None
    port, _, protocol = word.text.partition("/")
    return Fix.safe("Lower-case the protocol", Edit(start, end, f"{port}/{protocol.lower()}"))
