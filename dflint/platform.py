"""The platform a stage is built for, and the values BuildKit gives the platform build arguments.

BuildKit sets TARGETPLATFORM/TARGETOS/TARGETARCH/TARGETVARIANT from `--platform` (default: the
builder's own platform) and BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT from the builder's.
dflint does not know the builder, so it assumes the common one, linux/amd64, unless `--build-arg`
says otherwise. A `FROM --platform=…` fixes the platform of that stage's base image and of what it
installs (the wheels pip picks, for one)."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_PLATFORM = "linux/amd64"  # the builder's platform when nothing says otherwise


def split_platform(platform: str) -> tuple[str, str, str]:
    """`linux/arm64/v8` → (`linux`, `arm64`, `v8`); `arm64` alone means linux/arm64."""
    parts = platform.strip().lower().split("/")
    if len(parts) == 1:
        return "linux", parts[0], ""
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


def platform_args(build_args: Mapping[str, str]) -> dict[str, str]:
    """The platform build arguments' values: from `--build-arg` when given, else the default platform's."""
    values: dict[str, str] = {}
    for prefix in ("TARGET", "BUILD"):
        platform = build_args.get(f"{prefix}PLATFORM", DEFAULT_PLATFORM)
        os_name, arch, variant = split_platform(platform)
        values[f"{prefix}PLATFORM"] = platform
        values[f"{prefix}OS"] = build_args.get(f"{prefix}OS", os_name)
        values[f"{prefix}ARCH"] = build_args.get(f"{prefix}ARCH", arch)
        values[f"{prefix}VARIANT"] = build_args.get(f"{prefix}VARIANT", variant)
    return values


def machine(platform: str) -> str:
    """The `platform_machine` a Python wheel sees on a platform: `linux/arm64` → `aarch64`."""
    arch = split_platform(platform)[1]
    return {"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l"}.get(arch, arch)
