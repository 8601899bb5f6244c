"""What a working copy of the build context may hold beyond the files a commit holds.

`docker build` sends the context directory as it is on disk, not a commit: a developer's virtualenv,
`__pycache__` folders and downloaded checkpoints go to the builder with the sources, while a clean
CI checkout has none of them. Two facts say which of those a context is known to take in:

- `holds_history`: the context is a repository's root, so its `.git` (the whole history) is in it;
- `git_ignores(path)`: the repository's own ignore files (every `.gitignore` from its root down to
  the path, then `.git/info/exclude`: `pathmatch.GitIgnore`, as git reads them) ignore the path. A
  project ignores what turns up in its working copies and must never be committed; a kind of file
  it does not ignore is either absent or committed on purpose, and then part of what the image is
  built from (Xorbits Inference commits `spk2info.pt` files its code loads: excluding `**/*.pt`
  would break its image).

Outside a git work tree (no `.git` from the context up) neither fact is known: `working_copy`
returns None. Only those ignore files are read, never other files above the context; each through
`reading.read_file` (a regular file, size-capped, never a FIFO).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from dflint.model import Dockerfile
    from dflint.pathmatch import GitIgnore


@dataclass(frozen=True, slots=True)
class WorkingCopy:
    """A build context inside a git work tree (see the module's doc)."""

    context: str  # the context directory, absolute
    repository: str  # the work tree's root (the directory holding `.git`)
    _ignore: GitIgnore = field(compare=False, repr=False)

    @property
    def holds_history(self) -> bool:
        """The context holds the repository's `.git`: it is the work tree's root."""
        return os.path.exists(os.path.join(self.context, ".git"))

    def git_ignores(self, relative: str) -> bool:
        """Does git ignore this context-relative path, as a file or as a directory?"""
        path = os.path.join(self.context, relative)
        return self._ignore.ignored(path) or self._ignore.ignored(path, directory=True)


def working_copy(dockerfile: Dockerfile) -> WorkingCopy | None:
    """The working copy the file's build context is part of, or None outside a git work tree (or
    with no context). Worked out once per model: a long-running server sees a changed `.gitignore`
    on its next lint."""
    key = ("working copy", None)
    if key not in dockerfile.memo:
        context = dockerfile.context_dir
        dockerfile.memo[key] = _find(os.path.abspath(context)) if context is not None else None
    return cast("WorkingCopy | None", dockerfile.memo[key])


def _find(context: str) -> WorkingCopy | None:
    from dflint.pathmatch import GitIgnore

    directory = context
    while not os.path.exists(os.path.join(directory, ".git")):
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return WorkingCopy(context, directory, GitIgnore())
