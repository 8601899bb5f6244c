"""Applying fixes: the text edits findings carry, in passes, written atomically and checked by re-parsing.

A pass takes the fixes of one lint run (safe ones, plus unsafe ones when asked), in file order, and
applies every fix whose edits do not conflict with an edit already taken; the others wait for the
next pass, which lints the new text again. Passes repeat until no fix applies, at most `MAX_PASSES`
times. Two edits conflict when their ranges overlap, when both insert at the same offset, or when
one inserts strictly inside the other's range; edits that only touch are applied in order.

The fixed text must parse to the same structure as the original (instruction count, stages, their
names, the stages they are built FROM, the kind of each instruction, and no parse error): a fix that
would change it is refused (not applied, reported as an input error naming it) and the pass is redone
without it. The one change a fix may declare is a merge (`Fix.merges`, always unsafe): the
instructions it names disappear into the instruction before them, and the text must then parse to
exactly the original structure less those instructions — nothing else may change. Writing goes through a new file in the same directory (`writing.replace_at`) that is read back and
re-parsed before it is renamed over the original, just after a last check that the original is still
what was read, so a failure never leaves a partial file and an edit made meanwhile is never lost.
A file with more than one hard link is refused (see `write_atomically`). The file
keeps its line endings (edits bring `\\n`; a CRLF file gets `\\r\\n`), UTF-8 byte-order mark,
trailing newline (or its absence) and mode.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dflint.engine import FileResult, Settings, lint_source
from dflint.model import ContextChoice, Dockerfile, Span
from dflint.parse import Options as ParseOptions
from dflint.parse import parse
from dflint.positions import LineIndex
from dflint.registry import Rule
from dflint.rule import Applicability, Edit, Finding, Fix
from dflint.source import InputError, decode, read_dockerfile_bytes

if TYPE_CHECKING:
    from dflint.reading import FileData

MAX_PASSES = 10

Structure = tuple[int, int, tuple[tuple[str, int | None, tuple[str, ...]], ...]]
# Keywords a fix may turn into one another (MAINTAINER → LABEL, ADD → COPY); any other change of keyword
# makes a different instruction.
_SAME_KIND = {"MAINTAINER": "LABEL", "ADD": "COPY"}


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """What fixing one file did. `result` holds the findings that remain (all of them when the file
    was left unchanged because of an error) and the errors."""

    path: str
    original: str
    fixed: str
    applied: tuple[Finding, ...]  # the findings whose fixes were applied, as reported in their pass
    result: FileResult
    passes: int = 0
    bom: bool = False
    first: FileResult | None = field(default=None, compare=False)  # the lint of the original text

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    @property
    def fixed_counts(self) -> Counter[str]:
        return Counter(finding.code for finding in self.applied)

    def fixed_bytes(self) -> bytes:
        return encode(self.fixed, bom=self.bom)


def wanted(fix: Fix | None, unsafe: bool) -> bool:
    """Whether a fix applies at this safety level (`--fix`: safe only; `--unsafe-fixes`: all)."""
    return fix is not None and (fix.applicability is Applicability.SAFE or unsafe)


def newline_of(text: str) -> str:
    """The file's line ending: CRLF when its first line break is one, LF otherwise."""
    position = text.find("\n")
    return "\r\n" if position > 0 and text[position - 1] == "\r" else "\n"


def _conflict(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _well_formed(fix: Fix, length: int) -> bool:
    edits = fix.edits
    if not edits or any(not 0 <= edit.start <= edit.end <= length for edit in edits):
        return False
    return not any(_conflict(edits[i], edits[j]) for i in range(len(edits)) for j in range(i + 1, len(edits)))


def adapt_newlines(replacement: str, newline: str) -> str:
    """A replacement's line breaks written the file's way (`newline_of`)."""
    if newline == "\n" or "\n" not in replacement:
        return replacement
    return replacement.replace("\r\n", "\n").replace("\n", newline)


def apply_pass(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> tuple[str, tuple[Finding, ...]]:
    """Apply every non-conflicting wanted fix once; return the new text and the findings fixed.

    Fixes are taken in file order (then by code); a fix whose edits conflict with one already
    taken is skipped and left for the next pass. A fix identical to one taken counts as applied.
    A malformed fix (an edit out of range, or edits of one fix that conflict) is never applied.
    """
    newline = newline_of(text)
    candidates = [f for f in findings if wanted(f.fix, unsafe)]
    candidates.sort(key=lambda f: (f.fix.edits[0].start if f.fix and f.fix.edits else 0, f.code, f.span))
    taken: list[Edit] = []
    taken_set: set[Edit] = set()
    applied: list[Finding] = []
    for finding in candidates:
        fix = finding.fix
        assert fix is not None
        if not _well_formed(fix, len(text)):
            continue
        if all(edit in taken_set for edit in fix.edits):
            applied.append(finding)
            continue
        if any(_conflict(edit, other) for edit in fix.edits for other in taken):
            continue
        taken.extend(fix.edits)
        taken_set.update(fix.edits)
        applied.append(finding)
    if not taken:
        return text, ()
    pieces: list[str] = []
    position = 0
    # Insertions sort before a replacement starting at the same offset (Edit orders by start, end).
    for edit in sorted(taken):
        pieces.append(text[position : edit.start])
        pieces.append(adapt_newlines(edit.replacement, newline))
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), tuple(applied)


def structure(dockerfile: Dockerfile) -> Structure:
    """What a fix must not change: the instruction count, the global ARGs, and each stage's key,
    parent stage and sequence of instruction kinds (so that one fix adding an instruction and
    another removing one cannot pass for no change)."""
    return (
        len(dockerfile.instructions),
        len(dockerfile.global_args),
        tuple(
            (stage.key, stage.base_stage, tuple(_SAME_KIND.get(i.keyword, i.keyword) for i in stage.instructions))
            for stage in dockerfile.stages
        ),
    )


def expected_structure(dockerfile: Dockerfile, findings: Iterable[Finding]) -> Structure:
    """The structure after these findings' fixes: the model's own, less the instructions their fixes
    declare they merge into the previous one (`Fix.merges`)."""
    merged = {index for finding in findings if finding.fix is not None for index in finding.fix.merges}
    if not merged:
        return structure(dockerfile)
    return (
        len(dockerfile.instructions) - len(merged),
        len(dockerfile.global_args),
        tuple(
            (
                stage.key,
                stage.base_stage,
                tuple(_SAME_KIND.get(i.keyword, i.keyword) for i in stage.instructions if i.index not in merged),
            )
            for stage in dockerfile.stages
        ),
    )


def _describe(shape: Structure, before: Structure | None = None) -> str:
    count, _, stages = shape
    text = f"{count} instructions in {len(stages)} stage{'s' if len(stages) != 1 else ''}"
    if before is not None and shape != before and text == _describe(before):
        changed = [stage[0] for stage, old in zip(stages, before[2], strict=False) if stage != old]
        text += f", {'different kinds' if not changed else 'different instructions in stage ' + changed[0]}"
    return text


def _keep_final_newline(original: str, fixed: str, newline: str) -> str:
    """A file that ended with a line break still does; one that did not still does not."""
    if original.endswith("\n") == fixed.endswith("\n"):
        return fixed
    if original.endswith("\n"):
        return fixed + newline
    return fixed[:-2] if fixed.endswith("\r\n") else fixed[:-1]


def fix_source(
    text: str,
    path: str,
    settings: Settings,
    rules: Sequence[Rule],
    context_dir: str | None,
    *,
    unsafe: bool = False,
    max_passes: int = MAX_PASSES,
    bom: bool = False,
    choice: ContextChoice | None = None,
) -> FixOutcome:
    """Lint and fix `text` in memory until no wanted fix applies. Writes nothing. `choice` says
    why `context_dir` is the build context (as `engine.lint_source` takes it).

    A file with parse errors is not fixed. A fix that would change the file's structure is refused:
    it is not applied, the pass is redone without it, and an input error names it. When the fixes
    do not settle within `max_passes` passes, or undo each other, the text is left as it was and
    an input error says so."""
    first = lint_source(text, path, settings, rules, context_dir, choice)
    unchanged = FixOutcome(path, text, text, (), first, 0, bom, first)
    dockerfile = first.dockerfile
    if dockerfile is None or dockerfile.errors or not dockerfile.stages:
        return unchanged
    options = ParseOptions(build_args=settings.build_args, target=settings.target, context_dir=context_dir)
    newline = newline_of(text)
    current, result = text, first
    applied: list[Finding] = []
    refused: set[tuple[object, ...]] = set()
    refusals: list[InputError] = []
    seen = {text}
    passes = 0
    while True:
        offered = [f for f in result.findings if _key(f, current) not in refused]
        fixed, done = apply_pass(current, offered, unsafe=unsafe)
        if not done or fixed == current:
            break
        fixed = _keep_final_newline(text, fixed, newline)
        if passes == max_passes:
            return _failed(unchanged, f"fixes did not settle after {max_passes} passes; file left unchanged")
        if fixed in seen:
            return _failed(unchanged, f"fixes undo each other ({_titles(done)}); file left unchanged")
        candidate = lint_source(fixed, path, settings, rules, context_dir, choice)
        model = result.dockerfile
        assert model is not None
        shape = expected_structure(model, done)
        if candidate.dockerfile is None or candidate.dockerfile.errors or structure(candidate.dockerfile) != shape:
            alone = {id(f): _alone(current, f, text, newline) for f in done}
            alone_shape = {id(f): expected_structure(model, [f]) for f in done}
            culprits = [f for f in done if not _keeps_structure(alone[id(f)], alone_shape[id(f)], path, options)] or list(done)
            for culprit in culprits:
                refused.add(_key(culprit, current))
                refusals.append(_refusal(culprit, alone_shape[id(culprit)], alone[id(culprit)], path, options))
            continue
        seen.add(fixed)
        passes += 1
        current, result = fixed, candidate
        applied.extend(done)
    if refusals:
        result = dataclasses.replace(result, errors=(*result.errors, *refusals), context=None, warnings=())
    return FixOutcome(path, text, current, tuple(applied), result, passes, bom, first)


def _key(finding: Finding, text: str) -> tuple[object, ...]:
    """A fix's identity that survives other edits moving it: code, title, what it replaces, with what."""
    fix = finding.fix
    if fix is None:
        return (finding.code,)
    return (finding.code, fix.title, tuple((text[edit.start : edit.end], edit.replacement) for edit in fix.edits))


def _alone(text: str, finding: Finding, original: str, newline: str) -> str:
    fixed, _ = apply_pass(text, [finding], unsafe=True)
    return _keep_final_newline(original, fixed, newline)


def _keeps_structure(text: str, shape: Structure, path: str, options: ParseOptions) -> bool:
    dockerfile = parse(text, path, options)
    return not dockerfile.errors and structure(dockerfile) == shape


def _refusal(finding: Finding, shape: Structure, alone: str, path: str, options: ParseOptions) -> InputError:
    dockerfile = parse(alone, path, options)
    after = "a parse error" if dockerfile.errors else _describe(structure(dockerfile), shape)
    title = finding.fix.title if finding.fix is not None else ""
    return InputError(
        path,
        finding.span.line,
        f"{finding.code} fix '{title}' not applied: it would change the file's structure ({_describe(shape)} before, {after} after)",
    )


def _titles(findings: Sequence[Finding]) -> str:
    names = sorted({f"{finding.code} {finding.fix.title}" for finding in findings if finding.fix is not None})
    return "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")


def _failed(outcome: FixOutcome, message: str) -> FixOutcome:
    """Leave the file as it was: its original findings, nothing applied, and an input error."""
    first = outcome.first or outcome.result
    error = InputError(outcome.path, 1, message)
    result = dataclasses.replace(first, errors=(*first.errors, error), context=None, warnings=())
    return FixOutcome(outcome.path, outcome.original, outcome.original, (), result, 0, outcome.bom, first)


def encode(text: str, *, bom: bool) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def fix_bytes(
    data: bytes,
    path: str,
    settings: Settings,
    rules: Sequence[Rule],
    context_dir: str | None,
    *,
    unsafe: bool = False,
    max_passes: int = MAX_PASSES,
    choice: ContextChoice | None = None,
) -> FixOutcome:
    """Decode and fix (stdin, or a file already read). Writes nothing."""
    try:
        text = decode(path, data, max_bytes=settings.max_bytes)
    except InputError as error:
        return FixOutcome(path, "", "", (), FileResult(path, (), (error,)))
    return fix_source(
        text,
        path,
        settings,
        rules,
        context_dir,
        unsafe=unsafe,
        max_passes=max_passes,
        bom=data.startswith(codecs.BOM_UTF8),
        choice=choice,
    )


def fix_file(
    path: str,
    settings: Settings,
    rules: Sequence[Rule],
    *,
    unsafe: bool = False,
    write: bool = True,
    display_path: str | None = None,
    max_passes: int = MAX_PASSES,
    boundary: str | None = None,
) -> FixOutcome:
    """Fix one file (read like any Dockerfile: a regular file inside `boundary`, at most
    `settings.max_bytes`, checked before reading); with `write`, replace it atomically when
    something changed."""
    shown = display_path or path
    try:
        source = read_dockerfile_bytes(path, max_bytes=settings.max_bytes, boundary=boundary)
    except InputError as error:
        return FixOutcome(shown, "", "", (), FileResult(shown, (), (InputError(shown, error.line, error.message),)))
    data = source.data
    context_dir, choice = settings.context_dir, None
    if context_dir is None:
        from dflint.context_discovery import choose

        choice = choose(path, data.decode("utf-8", "replace"))
        context_dir = choice.directory
    outcome = fix_bytes(data, shown, settings, rules, context_dir, unsafe=unsafe, max_passes=max_passes, choice=choice)
    if not write or not outcome.changed:
        return outcome
    assert outcome.result.dockerfile is not None
    options = ParseOptions(build_args=settings.build_args, target=settings.target, context_dir=context_dir)
    try:
        write_atomically(
            path, data, outcome.fixed_bytes(), structure(outcome.result.dockerfile), options, display_path=shown, source=source
        )
    except InputError as error:
        return _failed(outcome, error.message)
    return outcome


def write_atomically(
    path: str,
    original: bytes,
    data: bytes,
    expected: Structure,
    options: ParseOptions | None = None,
    *,
    display_path: str | None = None,
    source: FileData | None = None,
) -> None:
    """Replace the file `path` was read from (`source`, or read now) with `data`, or raise
    InputError and leave it untouched.

    Refuses a read-only or vanished file, a file with more than one hard link (see below), and a file
    that is no longer what was read: its bytes must be `original`, and at the last moment, just
    before the rename, the name must still be the same inode with the same size and modification time
    and the same bytes. The new file (`writing.replace_at`: unique name, no link followed, the
    original's mode and owner) is read back, decoded and parsed to `expected` before it replaces the
    original. The directory is opened from the read's boundary without following a symlink, so the
    write lands where the read came from.

    Hard links are refused, not broken: replacing a file by rename gives the name a new inode and
    leaves every other name with the old text, and writing in place instead could leave a torn file
    on a crash or a full disk. A refusal says so; the file is left as it was."""
    from dflint.reading import ReadError, identity, open_directory, read_at, read_file
    from dflint.writing import WriteError, replace_at

    shown = display_path or path
    if source is None:
        try:
            source = read_file(path, limit=0)
        except ReadError as error:
            if error.status == "missing":
                raise InputError(shown, 1, "file vanished before the fix could be written; nothing written") from None
            raise InputError(shown, 1, f"cannot write the fix: {error.reason}") from None
    if source.data != original:
        raise InputError(shown, 1, "file changed while it was being fixed; fix not written")
    info = source.info
    if info.st_nlink > 1:
        raise InputError(
            shown,
            1,
            f"file has {info.st_nlink} hard links; --fix replaces the file, which would leave the other names with the old "
            "text, so the fix was not written (break the link or fix one copy)",
        )
    mode = stat.S_IMODE(info.st_mode)
    real = source.real_path
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
        raise InputError(shown, 1, "file is read-only; fix not written")
    name = os.path.basename(real)

    def unchanged() -> None:  # the last moment: same inode, size, mtime and bytes as what was read
        try:
            now = os.stat(name, dir_fd=directory, follow_symlinks=False)
            if (
                identity(now) != source.identity
                or read_at(directory, name, real, source.boundary, max(len(original), 1), "file").data != original
            ):
                raise InputError(shown, 1, "file changed while it was being fixed; fix not written")
        except FileNotFoundError:
            raise InputError(shown, 1, "file vanished before the fix could be written; nothing written") from None
        except ReadError as error:
            if error.status == "missing":
                raise InputError(shown, 1, "file vanished before the fix could be written; nothing written") from None
            raise InputError(shown, 1, "file changed while it was being fixed; fix not written") from None

    try:
        directory = open_directory(source.boundary, os.path.dirname(real))
    except OSError as error:
        raise InputError(shown, 1, f"cannot write the fix: {error.strerror or error}") from None
    try:
        replace_at(
            directory,
            name,
            data,
            mode,
            owner=(info.st_uid, info.st_gid),
            check_written=lambda written: _verify(written, expected, options, shown),
            check_before_replace=unchanged,
        )
    except WriteError as error:
        raise InputError(shown, 1, f"cannot write the fix: {error.reason}; original kept") from None
    finally:
        os.close(directory)


def _verify(written: bytes, expected: Structure, options: ParseOptions | None, shown: str) -> None:
    try:
        text = decode(shown, written, max_bytes=0)
    except InputError as error:
        raise InputError(shown, 1, f"the fixed file does not decode ({error.message}); original kept") from None
    dockerfile = parse(text, shown, options)
    if dockerfile.errors or structure(dockerfile) != expected:
        raise InputError(shown, 1, "the fixed file does not parse to the same instructions and stages; original kept")


def unified_diff(outcome: FixOutcome) -> str:
    """The change as a unified diff (`--- path` / `+++ path`), with "No newline at end of file" marks."""
    import difflib

    if not outcome.changed:
        return ""
    lines = difflib.unified_diff(
        outcome.original.splitlines(keepends=True),
        outcome.fixed.splitlines(keepends=True),
        fromfile=outcome.path,
        tofile=outcome.path,
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def edit_span(index: LineIndex, edit: Edit) -> Span:
    """Where an edit stands, as 1-based line/column positions (end exclusive) with its offsets."""
    return index.span(edit.start, edit.end)


__all__ = [
    "MAX_PASSES",
    "FixOutcome",
    "adapt_newlines",
    "apply_pass",
    "edit_span",
    "encode",
    "fix_bytes",
    "fix_file",
    "fix_source",
    "newline_of",
    "structure",
    "unified_diff",
    "wanted",
    "write_atomically",
]
