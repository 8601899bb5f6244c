"""Stages that only fetch and unpack files for a later stage to copy.

`FROM alpine AS sources` + `ADD https://…/v3.0.1.tar.gz` + `RUN tar -xf …`, or `FROM alpine/git` +
`RUN git clone … && git checkout $COMMIT`: the stage ships nothing of its own, and what later stages
copy out of it is what it downloaded, which does not depend on the version of the base image's
`tar`, `git` or shell. Rules that judge a base image's version (an untagged base) ask this.
"""

from __future__ import annotations

from dflint.model import Dockerfile, Stage

# Commands that only download, unpack, move or inspect files, or are shell built-ins that steer a
# script (`cd`, `test`, `exit`): what they produce does not depend on the tool's version.
_FILE_COMMANDS = frozenset(
    {
        "git", "curl", "wget", "tar", "unzip", "gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd",
        "mkdir", "cp", "mv", "rm", "ln", "touch", "chmod", "chown", "cd", "ls", "echo", "printf", "cat",
        "patch", "sha256sum", "sha512sum", "md5sum", "basename", "dirname", "date", "test", "[", "true",
        "exit", "continue", "set", "sed", "grep", "find", "head", "tail", "sort", "tr", "cut", "xargs",
    }
)  # fmt: skip
# A later stage that copies these out of the stage takes the base image's own programs and libraries.
_SYSTEM_DIRECTORIES = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")


def only_fetches_files(dockerfile: Dockerfile, stage: Stage) -> bool:
    """True for a stage that does not ship, that no stage is built FROM, whose RUNs only download,
    unpack and move files (no package install, no build), that does at least one thing (an empty
    `FROM tool AS t` is copied from for the tool itself), and whose files other stages copy only from
    outside the base's system directories."""
    if dockerfile.is_shipped(stage) or any(other.base_stage == stage.index for other in dockerfile.stages):
        return False
    worked = False
    for instruction in stage.instructions:
        if instruction.keyword == "ONBUILD":
            return False
        if instruction.keyword == "RUN":
            if not instruction.commands or instruction.packages:
                return False
            if any(command.name not in _FILE_COMMANDS for command in instruction.commands):
                return False
            worked = True
        elif instruction.keyword in ("ADD", "COPY"):
            worked = True
    return worked and not _copied_from_system_directories(dockerfile, stage)


def _copied_from_system_directories(dockerfile: Dockerfile, stage: Stage) -> bool:
    for other in dockerfile.stages:
        for instruction in other.instructions:
            spec = instruction.copy
            if spec is None or spec.source_stage != stage.index:
                continue
            for source in spec.sources:
                if source is None:
                    return True
                path = "/" + source.strip("/")
                if path == "/" or any(path == d or path.startswith(d + "/") for d in _SYSTEM_DIRECTORIES):
                    return True
    return False
