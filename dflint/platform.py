"""The platform a stage is built for, and the values BuildKit gives the platform build arguments.

BuildKit sets TARGETPLATFORM/TARGETOS/TARGETARCH/TARGETVARIANT from `--platform` (default: the
builder's own platform) and BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT from the builder's.
dflint does not know the builder, so it assumes the common one, linux/amd64, unless `--build-arg`
says otherwise. A `FROM --platform=…` fixes the platform of that stage's base image and of what it
installs (the wheels pip picks, for one)."""

from __future__ import annotations

import re
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


def only_platform(reference: str | None) -> str | None:
    """The one platform an image is published for (`data/base_images.json` `single_platform`: NVIDIA's
    L4T images are arm64 only), or None."""
    if not reference:
        return None
    import fnmatch

    from dflint.data import load
    from dflint.model import split_image

    name = split_image(reference)[0].lower()
    for entry in load("base_images")["single_platform"]["images"]:
        if fnmatch.fnmatchcase(name, entry["pattern"]):
            return str(entry["platform"])
    return None


# the multiarch triplets Debian and Ubuntu name library folders after (`/usr/lib/aarch64-linux-gnu/`)
_TRIPLETS = {
    "aarch64-linux-gnu": "linux/arm64",
    "x86_64-linux-gnu": "linux/amd64",
    "powerpc64le-linux-gnu": "linux/ppc64le",
    "s390x-linux-gnu": "linux/s390x",
    "arm-linux-gnueabihf": "linux/arm/v7",
}
_TRIPLET = re.compile("|".join(re.escape(triplet) for triplet in _TRIPLETS))
# a test of the architecture: the file handles more than one, so nothing says which it is built for
# (`[ "$TARGETARCH" = "arm64" ]`, `case ${TARGETPLATFORM} in`, `$(uname -m)`); a variable only used
# as a value (a cache id `triton-${TARGETARCH}`) is no test
_ARCHITECTURE_TEST = re.compile(
    r"\$\{?TARGET(?:ARCH|PLATFORM|VARIANT)\}?\"?\s*!?==?\s"
    r"|\s!?==?\s*\"?\$\{?TARGET(?:ARCH|PLATFORM|VARIANT)\b"
    r"|\bcase\s+\"?\$\{?TARGET(?:ARCH|PLATFORM|VARIANT)\b"
    r"|uname\s+-[a-z]*m|dpkg\s+--print-architecture|\barch\)"
)
_FROM_IMAGE = re.compile(r"(?im)^\s*FROM\s+(?:--\S+\s+)*([^\s]+)")
# an image's name that says its architecture: Docker Hub's per-architecture namespaces (`arm64v8/python`,
# `ppc64le/ubuntu`, `s390x/…`: docker-library/official-images, "Architectures other than amd64?") and a
# name ending in one (`ibmcom/tensorflow-ppc64le`)
_ARCH_NAMESPACES = {"arm64v8": "linux/arm64", "ppc64le": "linux/ppc64le", "s390x": "linux/s390x", "amd64": "linux/amd64"}
_ARCH_SUFFIX = re.compile(r"[-_](ppc64le|s390x|aarch64|arm64)$")


def _named_architecture(reference: str) -> str | None:
    """The platform an image's name says it is built for, or None."""
    from dflint.model import split_image

    name = split_image(reference)[0].lower()
    if "$" in name:
        return None
    parts = name.split("/")
    namespace = parts[-2] if len(parts) >= 2 else ""
    if namespace in _ARCH_NAMESPACES:
        return _ARCH_NAMESPACES[namespace]
    found = _ARCH_SUFFIX.search(parts[-1])
    if found is None:
        return None
    return {"ppc64le": "linux/ppc64le", "s390x": "linux/s390x"}.get(found.group(1), "linux/arm64")


def evident_platform(text: str) -> tuple[str, str] | None:
    """The platform a Dockerfile shows it is built for when nothing passes one (no `--platform`, no
    TARGETPLATFORM build argument), and the evidence: a FROM of an image published for one platform
    only (`only_platform`: NVIDIA's L4T images, arm64), or paths that name one architecture's
    multiarch folders and no other's (`/usr/lib/aarch64-linux-gnu/libcudnn*`, lmdeploy's Ascend
    images' `LD_PRELOAD`), in a file that tests no architecture (one that tests TARGETARCH or `uname
    -m` is built for several, and the default platform stays). None when the file does not say, or
    says the default platform: a wheel's size, PyPI's CUDA build of torch and the branches a build
    takes then follow `DEFAULT_PLATFORM`."""
    if _ARCHITECTURE_TEST.search(text):
        return None
    for match in _FROM_IMAGE.finditer(text):
        platform = only_platform(match.group(1))
        if platform is not None and platform != DEFAULT_PLATFORM:
            return platform, f"its base `{match.group(1)}` is published for {platform} only"
    bases = [(match.group(1), _named_architecture(match.group(1))) for match in _FROM_IMAGE.finditer(text)]
    architectures = {found for _, found in bases if found is not None}
    if len(architectures) == 1:
        architecture = next(iter(architectures))
        if architecture != DEFAULT_PLATFORM:
            base = next(reference for reference, found in bases if found == architecture)
            return architecture, f"its base `{base}` is named for {architecture}"
    named = {_TRIPLETS[found.group(0)] for found in _TRIPLET.finditer(text)}
    if len(named) == 1:
        platform = next(iter(named))
        if platform != DEFAULT_PLATFORM:
            triplet = next(key for key, value in _TRIPLETS.items() if value == platform)
            return platform, f"it names {platform}'s library folders (`{triplet}`) and no other platform's"
    return None


_TESTED_VALUE = re.compile(
    r"(?:TARGET(?:ARCH|PLATFORM)\}?\"?\s*!?==?\s*\"?|uname\s+-[a-z]*m\)?\"?\s*!?==?\s*\"?)"
    r"(?:linux/)?(arm64|aarch64|arm|armv7l|ppc64le|s390x|riscv64|amd64|x86_64)\b"
)
_ARCHITECTURES = {"aarch64": "arm64", "x86_64": "amd64", "armv7l": "arm"}


def tested_architectures(text: str) -> frozenset[str]:
    """The architectures a Dockerfile tests for by name (`[ "$TARGETARCH" = "arm64" ]`, `[ "$(uname
    -m)" = "aarch64" ]`, `case` arms `arm64)`): it is built for each of them, besides the default
    platform's. GOARCH names (`arm64`, `amd64`)."""
    found = {_ARCHITECTURES.get(match.group(1), match.group(1)) for match in _TESTED_VALUE.finditer(text)}
    if re.search(r"\bcase\s+\"?\$\{?TARGET(?:ARCH|PLATFORM)\b|\bcase\s+\"?\$\(uname\s+-m\)", text):
        found.update(
            _ARCHITECTURES.get(arm, arm)
            for arm in re.findall(r"(?m)^\s*(?:\S+\|)*(arm64|aarch64|ppc64le|s390x|amd64|x86_64)\b[^)\n]*\)", text)
        )
    return frozenset(found)
