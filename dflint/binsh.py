"""Which shell `/bin/sh` is in a stage's image, as far as its root image says (`data/base_images.json`
`bin_sh`, with the measurement behind it), and what that shell does with `sh -c 'COMMAND'`."""

from __future__ import annotations

from functools import cache
from typing import Any

from dflint.data import load
from dflint.imagerefs import parse_reference
from dflint.model import Dockerfile, Stage, split_image


def bin_sh(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """`busybox` when the stage's root image is Alpine or busybox (its tag or name says so:
    `alpine:3.21`, `python:3.12-alpine`, `busybox:1.37`); None when the image does not say."""
    root = dockerfile.root_image(stage) or ""
    reference = parse_reference(root)
    if reference is not None:
        name, tag = reference.repository.rsplit("/", 1)[-1], (reference.tag or "").lower()
    elif root:
        # a build argument without a default left a gap in the tag (`node:${NODE_VERSION}-alpine` reads
        # `node:-alpine`): no valid reference, but the words written around the gap still name the image
        repository, written_tag, _ = split_image(root)
        name, tag = repository.rsplit("/", 1)[-1], (written_tag or "").lower()
    else:
        return None
    for shell, facts in _data()["images"].items():
        if name in facts["names"] or any(word.startswith(facts["tag_word"]) for word in tag.split("-")):
            return str(shell)  # `alpine`, `3.12-alpine3.21`
    return None


def execs_last_command(dockerfile: Dockerfile, stage: Stage) -> bool:
    """True when the stage's `/bin/sh` replaces itself with the command of `sh -c 'COMMAND'` (busybox
    ash does; dash, Debian's and Ubuntu's `/bin/sh`, stays and waits), so a shell-form CMD of one
    simple command runs as the container's main process."""
    shell = bin_sh(dockerfile, stage)
    return shell is not None and bool(_data()["execs_last_command"].get(shell))


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load("base_images")["bin_sh"]
    return data
