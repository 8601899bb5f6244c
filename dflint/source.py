"""Reading a Dockerfile's bytes into text, with one clear error for every kind of bad input."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputError(Exception):
    """Input dflint cannot lint: reported as `path:line: message`, exit code 2."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode a file, or raise InputError."""
    try:
        if os.path.isdir(path):
            raise InputError(path, 1, "is a directory with no Dockerfile in it")
        size = os.path.getsize(path)
        if max_bytes and size > max_bytes:
            raise InputError(
                path, 1, f"file is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:.1f} MB limit (see --max-file-size)"
            )
        with open(path, "rb") as handle:
            data = handle.read()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(path, 1, "no such file or directory") from None
    except PermissionError:
        raise InputError(path, 1, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, 1, "is a directory") from None
    except OSError as error:
        raise InputError(path, 1, f"cannot read: {error.strerror or error}") from None
    return decode(path, data, max_bytes=max_bytes)


def decode(path: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes → text: UTF-8 (a BOM is dropped, as Docker does); anything else is an input error."""
    if max_bytes and len(data) > max_bytes:
        raise InputError(
            path,
            1,
            f"input is {len(data) / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:.1f} MB limit (see --max-file-size)",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, 1, "file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\0", 0, 8192)
    if nul != -1:
        raise InputError(path, data.count(b"\n", 0, nul) + 1, f"binary file (NUL byte at offset {nul}), not a Dockerfile")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(path, line, f"invalid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    if "\0" in text:
        raise InputError(path, text.count("\n", 0, text.index("\0")) + 1, "binary file (NUL character), not a Dockerfile")
    if not text.strip():
        raise InputError(path, 1, "file is empty" if not text else "file has no instructions (only whitespace)")
    return text
