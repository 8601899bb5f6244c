"""Platform strings (`linux/amd64`, `arm64`, `linux/arm/v7`) parsed as containerd's `platforms.Parse`
normalises them, for the rules about `FROM --platform`."""

from __future__ import annotations

OPERATING_SYSTEMS = frozenset(
    {
        "linux",
        "windows",
        "darwin",
        "freebsd",
        "netbsd",
        "openbsd",
        "solaris",
        "illumos",
        "aix",
        "android",
        "ios",
        "js",
        "wasip1",
        "plan9",
        "dragonfly",
    }
)
_ARCHITECTURES = {
    "amd64": "amd64",
    "x86_64": "amd64",
    "x86-64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armhf": "arm",
    "armel": "arm",
    "arm": "arm",
    "i386": "386",
    "386": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "mips64le": "mips64le",
    "loong64": "loong64",
    "wasm": "wasm",
}


def parse_platform(value: str) -> tuple[str, str] | None:
    """(os, architecture), normalised; None when containerd would reject it. A lone architecture
    gets the OS `linux`, a lone OS an unknown architecture (empty string)."""
    parts = value.strip().lower().split("/")
    if not parts or not all(parts) or len(parts) > 3:
        return None
    if len(parts) == 1:
        if parts[0] in OPERATING_SYSTEMS:
            return parts[0], ""
        arch = _ARCHITECTURES.get(parts[0])
        return ("linux", arch) if arch else None
    system, arch = parts[0], _ARCHITECTURES.get(parts[1])
    if system not in OPERATING_SYSTEMS or arch is None:
        return None
    return system, arch
