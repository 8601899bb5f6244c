"""Dockerfile variable expansion: `$V`, `${V}`, `${V:-default}`, `${V:+alt}` (and their `-`/`+` forms).

A value is a `str`, or None when it depends on something unknown: a variable declared without a
value, a build argument nobody set, or one the base image may define. Unknown never turns into a
literal: rules treat it as "cannot tell" and stay silent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])((?:[^{}]|\{[^{}]*\})*))?\}")
_SIMPLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

# Build arguments BuildKit defines itself: declared, with values only known at build time.
PREDEFINED_ARGS = frozenset(
    """TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT
    HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy
    BUILDKIT_SYNTAX BUILDKIT_INLINE_CACHE BUILDKIT_MULTI_PLATFORM BUILDKIT_SANDBOX_HOSTNAME
    BUILDKIT_CONTEXT_KEEP_GIT_DIR BUILDKIT_DOCKERFILE_CHECK SOURCE_DATE_EPOCH""".split()
)


def expand(text: str, env: Mapping[str, str | None], *, undeclared: str | None = None, escape: str = "\\") -> str | None:
    """Expand variables in `text`. `undeclared` is the value of a name not in `env`: None (unknown,
    e.g. it may come from the base image) or "" (FROM lines, where only global ARGs exist)."""
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char == escape and i + 1 < length and text[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if char != "$":
            out.append(char)
            i += 1
            continue
        braced = _BRACED.match(text, i)
        if braced:
            value = _lookup(braced.group(1), env, undeclared)
            operator, word = braced.group(2), braced.group(3) or ""
            if operator:
                word_value = expand(word, env, undeclared=undeclared, escape=escape)
                value = _apply(operator, value, braced.group(1) in env, word_value)
            if value is None:
                return None
            out.append(value)
            i = braced.end()
            continue
        simple = _SIMPLE.match(text, i)
        if simple:
            value = _lookup(simple.group(1), env, undeclared)
            if value is None:
                return None
            out.append(value)
            i = simple.end()
            continue
        if text.startswith("${", i):
            return None  # an expansion form we do not model (${V#pat}, ${V/x/y} …)
        out.append(char)
        i += 1
    return "".join(out)


def _lookup(name: str, env: Mapping[str, str | None], undeclared: str | None) -> str | None:
    if name in env:
        return env[name]
    return undeclared


def _apply(operator: str, value: str | None, declared: bool, word: str | None) -> str | None:
    colon = operator.startswith(":")
    kind = operator[-1]
    if kind == "-":
        if value is None and declared:
            return None  # declared but unknown: could be set or not
        is_set = value is not None and (value != "" or not colon)
        return value if is_set else word
    if kind == "+":
        if value is None:
            return None if declared else ""
        is_set = value != "" or not colon
        return word if is_set else ""
    return value  # `?`: value or a build error


def references(text: str) -> list[str]:
    """The variable names a text refers to (`$A ${B:-x}` → ["A", "B"])."""
    names = [m.group(1) for m in _BRACED.finditer(text)]
    names += [m.group(1) for m in _SIMPLE.finditer(text)]
    return names
