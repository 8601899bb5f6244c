"""Reading a Dockerfile's bytes into text, with one clear error for every kind of bad input."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dflint.reading import FileData, ReadError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_MESSAGE = 500  # characters of an input error's message printed
# Characters never printed as they are: C0/C1 controls (a newline would start a fake finding line, an
# escape sequence would drive the terminal), line/paragraph separators, bidirectional overrides, and
# the lone surrogates Python uses for bytes of a file name that are not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_SHORT = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code in _SHORT:
        return _SHORT[code]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_path(path: str) -> str:
    """A file name as printed in every format: control characters and bytes that are not UTF-8
    escaped (`\\n`, `\\xff`), so that a name can neither inject lines nor break an encoder."""
    return _UNPRINTABLE.sub(_escape_one, path)


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of `text` (then `…`), escaped like `escape_path`."""
    return escape_path(text if len(text) <= limit else text[:limit] + "…")


@dataclass(frozen=True, slots=True)
class InputError(Exception):
    """Input dflint cannot lint: reported as `path:line: message`, exit code 2."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{escape_path(self.path)}:{self.line}: {excerpt(self.message, MAX_MESSAGE)}"


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, boundary: str | None = None) -> str:
    """Read (through `reading.read_file`: regular files inside `boundary` only) and decode a file,
    or raise InputError."""
    return decode(path, read_dockerfile_bytes(path, max_bytes=max_bytes, boundary=boundary).data, max_bytes=max_bytes)


def read_dockerfile_bytes(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, boundary: str | None = None) -> FileData:
    """A Dockerfile's bytes and identity, or InputError with a one-line reason."""
    from dflint.reading import ReadError, read_file

    try:
        return read_file(path, limit=max_bytes, boundary=boundary)
    except ReadError as error:
        raise InputError(path, 1, _dockerfile_reason(error, max_bytes)) from None


def _dockerfile_reason(error: ReadError, max_bytes: int) -> str:
    if error.status == "missing":
        return "no such file or directory"
    if error.status == "directory":
        return "is a directory with no Dockerfile in it"
    if error.status == "too-large":
        shown = f"file is {error.size / 1_000_000:.1f} MB, over" if error.size is not None else "file is over"
        return f"{shown} the {max_bytes / 1_000_000:.1f} MB limit (see --max-file-size)"
    if error.reason.endswith("permission denied"):
        return "permission denied"
    return error.reason


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


def text_line(error: UnicodeDecodeError) -> int:
    """The 1-based line of the first byte that is not UTF-8."""
    data = error.object if isinstance(error.object, bytes) else b""
    return data.count(b"\n", 0, error.start) + 1
