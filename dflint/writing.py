"""The one way dflint writes a file (`--fix`, `--write-baseline`, `--output-file`): never in place,
never through a link, never leaving anything behind.

A new file with a unique name is created next to the target (`O_CREAT | O_EXCL | O_NOFOLLOW`, the way
`mkstemp` does, relative to the directory's descriptor), written in full, read back, `fsync`ed and
renamed over the target (`rename` replaces a symlink at the target rather than writing through it).
Any failure (a full disk, a read-only or missing directory, a check that refuses) removes the new file
and leaves the target as it was; it is a `WriteError` with a one-line reason, never a traceback.

A target that is a character device or a FIFO (`-o /dev/stdout`) is written to directly: it holds no
previous content a failed write could destroy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable

_CREATE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class WriteError(Exception):
    """A file dflint did not write; the target is unchanged."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def write_file(path: str, data: bytes, *, make_parents: bool = False) -> None:
    """Replace `path` with `data` (a new file renamed over it; a symlink at `path` is replaced, not
    followed). A new file gets the umask's permissions, an existing one keeps its mode."""
    absolute = os.path.abspath(path)
    directory, name = os.path.split(absolute)
    try:
        if make_parents:
            os.makedirs(directory, exist_ok=True)
        descriptor = os.open(directory, _DIRECTORY_FLAGS)
    except OSError as error:
        raise WriteError(_reason(error, "the directory")) from None
    try:
        try:
            current = os.stat(name, dir_fd=descriptor, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        except OSError as error:
            raise WriteError(_reason(error, "the file")) from None
        if current is not None and stat.S_ISLNK(current.st_mode):
            with contextlib.suppress(OSError):
                target = os.stat(name, dir_fd=descriptor)
                if stat.S_ISCHR(target.st_mode) or stat.S_ISFIFO(target.st_mode):
                    _write_stream(absolute, data)
                    return
        elif current is not None and (stat.S_ISCHR(current.st_mode) or stat.S_ISFIFO(current.st_mode)):
            _write_stream(absolute, data)
            return
        elif current is not None and not stat.S_ISREG(current.st_mode):
            raise WriteError("is not a regular file (a directory, a socket or a block device); not written")
        mode = stat.S_IMODE(current.st_mode) if current is not None and stat.S_ISREG(current.st_mode) else _default_mode()
        replace_at(descriptor, name, data, mode)
    finally:
        os.close(descriptor)


def replace_at(
    directory: int,
    name: str,
    data: bytes,
    mode: int,
    *,
    owner: tuple[int, int] | None = None,
    check_written: Callable[[bytes], None] | None = None,
    check_before_replace: Callable[[], None] | None = None,
) -> None:
    """Write `data` to a new file in the directory `directory` (a descriptor) and rename it over
    `name`. `check_written` sees the bytes read back from the new file; `check_before_replace` runs
    just before the rename (the last moment to refuse). Either may raise to leave `name` untouched."""
    temporary, descriptor = _create(directory, name)
    try:
        try:
            _write_all(descriptor, data)
            os.fchmod(descriptor, mode)
            if owner is not None and owner != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.fchown(descriptor, *owner)
            os.fsync(descriptor)
            written = _read_back(descriptor, len(data))
        finally:
            os.close(descriptor)
        if written != data:
            raise WriteError("the new file did not read back as written")
        if check_written is not None:
            check_written(written)
        if check_before_replace is not None:
            check_before_replace()
        os.rename(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=directory)
        if isinstance(error, OSError):
            raise WriteError(_reason(error, "the file")) from None
        raise
    with contextlib.suppress(OSError):
        os.fsync(directory)


def _create(directory: int, name: str) -> tuple[str, int]:
    for _ in range(100):
        temporary = f".{name[:200]}.{secrets.token_hex(6)}.dflint-tmp"
        try:
            return temporary, os.open(temporary, _CREATE_FLAGS, 0o600, dir_fd=directory)
        except FileExistsError:
            continue
        except OSError as error:
            raise WriteError(_reason(error, "a temporary file next to it")) from None
    raise WriteError("cannot create a temporary file next to it (every name tried exists)")


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _read_back(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while offset <= size:
        chunk = os.pread(descriptor, min(1 << 20, size + 1 - offset), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _write_stream(path: str, data: bytes) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise WriteError(
            "is a FIFO with no reader; not written" if error.errno == errno.ENXIO else _reason(error, "it")
        ) from None
    try:
        os.set_blocking(descriptor, True)
        _write_all(descriptor, data)
    except OSError as error:
        raise WriteError(_reason(error, "it")) from None
    finally:
        os.close(descriptor)


def _default_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _reason(error: OSError, what: str) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    if error.errno == errno.EDQUOT:
        return "disk quota exceeded"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {what}: {error.strerror or 'permission denied'}"
    if error.errno == errno.ENOENT:
        return f"cannot write {what}: the directory does not exist"
    if error.errno == errno.ELOOP:
        return f"cannot write {what}: a symlink appeared in its path"
    return f"cannot write {what}: {error.strerror or error}"
