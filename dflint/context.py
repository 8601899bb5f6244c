"""Read-only access to the build context: never a path outside it, never a symlink out of it."""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass

MAX_CONTEXT_FILE_BYTES = 1024 * 1024


class ContextError(Exception):
    """A context file that cannot be read; `status` says why (outside-context, missing, unreadable)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BuildContext:
    """A build context directory, whose paths are read without leaving it."""

    root: str  # absolute, symlinks resolved

    @classmethod
    def at(cls, directory: str) -> BuildContext:
        return cls(os.path.realpath(directory))

    def _resolve(self, relative: str) -> str:
        """Context-relative path → absolute real path, or ContextError if it leaves the context."""
        if relative.startswith("/") or relative.startswith("\\"):
            relative = relative.lstrip("/\\")
        normal = posixpath.normpath(relative) if relative else "."
        if normal == ".." or normal.startswith("../"):
            raise ContextError("outside-context", f"'{relative}' is outside the build context; not read")
        try:
            absolute = os.path.realpath(os.path.join(self.root, normal))
        except OSError:  # a link swapped for a file while it was being resolved
            raise ContextError("unreadable", f"'{relative}' changed while it was being read; not read") from None
        if absolute != self.root and not absolute.startswith(self.root + os.sep):
            raise ContextError("outside-context", f"'{relative}' resolves outside the build context (a symlink); not read")
        return absolute

    def is_dir(self, relative: str) -> bool:
        try:
            return os.path.isdir(self._resolve(relative))
        except ContextError:
            return False

    def exists(self, relative: str) -> bool:
        try:
            return os.path.exists(self._resolve(relative))
        except ContextError:
            return False

    def read_text(self, relative: str) -> str:
        """A context file's text, read once through `reading.read_file` (inside the context, a regular
        file, at most `MAX_CONTEXT_FILE_BYTES`), or ContextError."""
        from dflint.reading import ReadError, read_file

        absolute = self._resolve(relative)
        try:
            data = read_file(absolute, limit=MAX_CONTEXT_FILE_BYTES, boundary=self.root, what=f"'{relative}'").data
        except ReadError as error:
            if error.status == "missing":
                raise ContextError("missing", f"'{relative}' does not exist in the build context") from None
            if error.status == "outside":
                raise ContextError(
                    "outside-context", f"'{relative}' resolves outside the build context (a symlink); not read"
                ) from None
            if error.status == "too-large":
                raise ContextError(
                    "unreadable", f"'{relative}' is larger than {MAX_CONTEXT_FILE_BYTES // 1024} KiB; not read"
                ) from None
            raise ContextError("unreadable", error.reason) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ContextError("unreadable", f"'{relative}' is not UTF-8 text") from None

    def matches(self, directory: str, pattern: str) -> list[str]:
        """Context-relative paths in `directory` whose names match a glob `pattern`."""
        try:
            absolute = self._resolve(directory)
            names = sorted(os.listdir(absolute))
        except (ContextError, OSError):
            return []
        prefix = "" if directory in ("", ".") else directory.rstrip("/") + "/"
        return [prefix + name for name in names if fnmatch.fnmatchcase(name, pattern)]


@dataclass(frozen=True, slots=True)
class Copy:
    """What a COPY/ADD put where: sources (context-relative, or from elsewhere) and its destination."""

    sources: tuple[str, ...]
    destination: str | None  # absolute image path (BASE_WORKDIR-relative when WORKDIR is the base's)
    from_context: bool  # False for --from, URLs, heredocs
    line: int
    inline: tuple[tuple[str, str], ...] = ()  # heredoc files (`COPY <<EOF dst`): (marker, body)
    unknown_sources: bool = False  # some source depends on an unknown variable (`COPY $DIR/r.txt /app/`)

    def inline_body(self, image_path: str) -> str | None:
        """The text a heredoc COPY put at `image_path`, or None if it put nothing there."""
        if not self.inline or self.destination is None:
            return None
        if len(self.inline) == 1 and not self.destination.endswith("/") and image_path == self.destination:
            return self.inline[0][1]
        directory, name = posixpath.split(image_path)
        if directory == self.destination.rstrip("/"):
            for marker, body in self.inline:
                if marker == name:
                    return body
        return None


def map_image_path(image_path: str, copies: list[Copy], context: BuildContext | None) -> tuple[str | None, str, str]:
    """Find which context file a path in the image came from: (context path, status, reason).

    Status is `found`, `not-from-context` (another stage, a URL, a heredoc) or `not-copied`."""
    for copy in reversed(copies):
        if copy.destination is None:
            continue
        destination = copy.destination.rstrip("/") or "/"
        as_directory = copy.destination.endswith("/") or len(copy.sources) > 1
        for source in copy.sources:
            source_norm = posixpath.normpath(source.lstrip("/")) if source.strip("/.") else "."
            is_glob = any(char in source for char in "*?[")
            source_is_dir = (
                source_norm == "."
                or (not is_glob and source.endswith(("/", "/.")))
                or (context is not None and not is_glob and context.is_dir(source_norm))
            )
            if (
                not source_is_dir
                and not is_glob
                and len(copy.sources) == 1
                and not copy.destination.endswith("/")
                and image_path.startswith(destination.rstrip("/") + "/")
                and image_path != posixpath.join(destination, posixpath.basename(source_norm))
                and (not copy.from_context or context is None or not context.exists(source_norm))
            ):
                source_is_dir = True  # only a directory puts files under its destination
            candidate: str | None = None
            if source_is_dir:
                if image_path.startswith(destination.rstrip("/") + "/"):
                    relative = image_path[len(destination.rstrip("/")) + 1 :]
                    candidate = relative if source_norm == "." else posixpath.join(source_norm, relative)
            elif is_glob or as_directory:
                directory, name = posixpath.split(image_path)
                if directory == destination and fnmatch.fnmatchcase(name, posixpath.basename(source_norm)):
                    candidate = posixpath.join(posixpath.dirname(source_norm), name)
            elif image_path in (destination, posixpath.join(destination, posixpath.basename(source_norm))):
                candidate = source_norm  # `COPY a.txt /app` lands at /app or /app/a.txt
            if candidate is None:
                continue
            if not copy.from_context:
                return (
                    None,
                    "not-from-context",
                    f"'{image_path}' comes from a COPY/ADD on line {copy.line} that does not read the build context",
                )
            return candidate, "found", f"copied on line {copy.line}"
        if copy.unknown_sources and (image_path == destination or image_path.startswith(destination.rstrip("/") + "/")):
            return (
                None,
                "unresolved",
                f"'{image_path}' may come from the COPY/ADD on line {copy.line}, whose source depends on an unknown variable",
            )
    return None, "not-copied", f"no COPY or ADD puts '{image_path}' into the image from the build context"
