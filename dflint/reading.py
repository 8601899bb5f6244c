"""The one way dflint reads a file: opened once, never blocking, bounded, and only inside its boundary.

Every file dflint reads (Dockerfiles, configuration files, compose files, baselines, requirements
files, `.dockerignore`) goes through `read_file`, and standard input through `read_stdin`:

- **Inside a boundary.** A file is read only when its real path (symlinks resolved) lies inside a
  boundary directory: the build context for context files, the compose project for a service's
  Dockerfile, the scanned directory for files found by a scan, and for a file named on the command
  line the current directory when the file is under it, else the file's own directory
  (`default_boundary`). The check is made on what is opened: the real path is opened one component
  at a time from the boundary with `O_NOFOLLOW` (`openat`), so a symlink swapped in between the
  check and the open makes the read fail instead of leaving the boundary.
- **Regular files only, never blocking.** The file is `lstat`ed before it is opened (a FIFO, a
  device or a socket is never opened at all), opened with `O_NONBLOCK`, and `fstat`ed once open: only
  a regular file is read.
- **Bounded.** At most `limit + 1` bytes are read, whatever the size the file claims (`/proc` files
  claim 0), so a file over the limit is refused without being read whole.

Failures are `ReadError`s: a status (`missing`, `outside`, `special`, `too-large`, `directory`,
`unreadable`) and a one-line reason that never quotes the file's content.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from typing import IO

_CHUNK = 1 << 16
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ReadError(Exception):
    """A file dflint will not or cannot read; `status` says which kind, `reason` says why (one line)."""

    def __init__(self, status: str, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.size = size  # for `too-large`: the size the file claims, when known before reading


@dataclass(frozen=True, slots=True)
class FileData:
    """What was read, and which file it was read from (to compare with the disk before a write)."""

    data: bytes
    real_path: str  # absolute, symlinks resolved
    boundary: str  # absolute, symlinks resolved
    info: os.stat_result  # of the opened descriptor

    @property
    def identity(self) -> tuple[int, int, int, int]:
        """(device, inode, size, mtime in ns): what a write compares with the disk at the last moment."""
        return identity(self.info)


def identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def default_boundary(path: str) -> str:
    """Where a file named on the command line may resolve to: the current directory when the
    file is under it, else the file's own directory."""
    absolute = os.path.abspath(path)
    current = os.getcwd()
    if inside(absolute, current):
        return current
    return os.path.dirname(absolute)


def inside(path: str, directory: str) -> bool:
    """Is `path` `directory` or below it (both absolute, compared as strings)?"""
    directory = directory.rstrip(os.sep) or os.sep
    return path == directory or path.startswith(directory if directory == os.sep else directory + os.sep)


def read_file(path: str, *, limit: int, boundary: str | None = None, what: str = "file") -> FileData:
    """Read a regular file inside `boundary` (default: `default_boundary(path)`), at most `limit`
    bytes (0: no limit), or raise ReadError."""
    try:
        root = os.path.realpath(boundary if boundary is not None else default_boundary(path))
        real = os.path.realpath(path)
    except OSError as error:  # a link swapped for a file while it was being resolved (EINVAL), a loop …
        raise _read_error(error, what) from None
    if not inside(real, root):
        raise ReadError("outside", f"{what} resolves outside {_shown(root)} through a symlink; not read")
    if real == root:
        raise ReadError("directory", f"{what} is a directory")
    try:
        directory = open_directory(root, os.path.dirname(real))
    except OSError as error:
        raise _read_error(error, what) from None
    try:
        return read_at(directory, os.path.basename(real), real, root, limit, what)
    finally:
        os.close(directory)


def open_directory(root: str, directory: str) -> int:
    """A descriptor of `directory` (a real path inside the real path `root`), opened from `root` one
    component at a time without following a symlink: OSError (ELOOP, ENOTDIR …) if one was swapped in."""
    descriptor = os.open(root, _DIRECTORY_FLAGS)
    relative = os.path.relpath(directory, root)
    for part in [] if relative == "." else relative.split(os.sep):
        try:
            child = os.open(part, _DIRECTORY_FLAGS | _NOFOLLOW, dir_fd=descriptor)
        except OSError:
            os.close(descriptor)
            raise
        os.close(descriptor)
        descriptor = child
    return descriptor


def read_at(directory: int, name: str, real: str, root: str, limit: int, what: str) -> FileData:
    try:
        before = os.stat(name, dir_fd=directory, follow_symlinks=False)
    except OSError as error:
        raise _read_error(error, what) from None
    _require_regular(before.st_mode, what)
    try:
        descriptor = os.open(name, _READ_FLAGS | _NOFOLLOW, dir_fd=directory)
    except OSError as error:
        raise _read_error(error, what) from None
    try:
        info = os.fstat(descriptor)
        _require_regular(info.st_mode, what)
        if limit and info.st_size > limit:
            raise ReadError("too-large", too_large(what, info.st_size, limit), info.st_size)
        data = _read_bounded(descriptor, limit, what)
    except OSError as error:
        raise _read_error(error, what) from None
    finally:
        os.close(descriptor)
    return FileData(data, real, root, info)


def read_stdin(limit: int, stream: IO[bytes] | None = None) -> bytes:
    """Standard input (or `stream`), at most `limit` bytes (0: no limit); ReadError when it is
    closed, unreadable or over the limit. `/dev/zero` on stdin stops at the limit."""
    if stream is None:
        text_stream = sys.stdin
        if text_stream is None:  # the process started with descriptor 0 closed
            raise ReadError("unreadable", "standard input is closed")
        stream = text_stream.buffer
    try:
        data = stream.read(limit + 1) if limit else stream.read()
    except ValueError:  # I/O operation on a closed file
        raise ReadError("unreadable", "standard input is closed") from None
    except OSError as error:
        if error.errno == errno.EBADF:
            raise ReadError("unreadable", "standard input is closed") from None
        raise _read_error(error, "standard input") from None
    if limit and len(data) > limit:
        raise ReadError("too-large", too_large("standard input", None, limit))
    return data


def _read_bounded(descriptor: int, limit: int, what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        want = _CHUNK if not limit else min(_CHUNK, limit + 1 - total)
        try:
            chunk = os.read(descriptor, want)
        except BlockingIOError:
            raise ReadError("special", f"{what} would block (not a regular file); not read") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if limit and total > limit:
            raise ReadError("too-large", too_large(what, None, limit))


def too_large(what: str, size: int | None, limit: int) -> str:
    if size is None:
        return f"{what} is over the {limit / 1_000_000:.1f} MB limit; not read"
    return f"{what} is {size / 1_000_000:.1f} MB, over the {limit / 1_000_000:.1f} MB limit; not read"


def _require_regular(mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise ReadError("directory", f"{what} is a directory")
    if stat.S_ISLNK(mode):
        raise ReadError("outside", f"{what} changed into a symlink while it was being read; not read")
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a character device"
        if stat.S_ISCHR(mode)
        else "a block device"
        if stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise ReadError("special", f"{what} is {kind}, not a regular file; not read")


def _read_error(error: OSError, what: str) -> ReadError:
    if error.errno == errno.ENOENT:
        return ReadError("missing", f"{what} does not exist")
    if error.errno in (errno.EACCES, errno.EPERM):
        return ReadError("unreadable", f"{what} cannot be read: permission denied")
    if error.errno == errno.ELOOP:
        return ReadError("outside", f"{what} changed into a symlink while it was being read; not read")
    if error.errno == errno.ENOTDIR:
        return ReadError("missing", f"{what} does not exist (a parent is not a directory)")
    if error.errno == errno.EINVAL:
        return ReadError("unreadable", f"{what} changed while it was being read; not read")
    if error.errno == errno.EISDIR:
        return ReadError("directory", f"{what} is a directory")
    return ReadError("unreadable", f"{what} cannot be read: {error.strerror or error}")


def _shown(root: str) -> str:
    relative = os.path.relpath(root)
    return "the current directory" if relative == "." else f"'{root}'" if relative.startswith("..") else f"'{relative}'"
