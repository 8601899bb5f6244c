"""The rule contract: metadata, findings, fixes. Rule modules import only this and `dflint.model`."""

from __future__ import annotations

import enum
from dataclasses import Field, dataclass, field
from typing import ClassVar, Protocol

from dflint.model import Span


class Severity(enum.IntEnum):
    """Ordered so that `severity >= threshold` reads naturally."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity '{text}' (expected error, warning, info or style)") from None


class RuleOptions(Protocol):
    """A rule's options: an instance of the frozen `Options` dataclass its module declares, built
    from the configuration by `dflint.config` (validated there, once) or from its defaults. A rule's
    `check(dockerfile, options: Options | None)` receives its own type; the core only needs to know
    that it is a dataclass."""

    __dataclass_fields__: ClassVar[dict[str, Field[object]]]


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a rule declares about itself: code, name, severity, summary and how it runs."""

    code: str  # DF + three digits
    name: str  # kebab-case slug
    severity: Severity
    summary: str
    aliases: tuple[str, ...] = ()
    fixable: bool = False
    default_enabled: bool = True  # False: opt-in, runs only when selected by its exact code or name
    after_suppressions: bool = False  # runs after pragmas are applied, on `Dockerfile.suppressions` with `used` filled in
    # False: the rule's question does not carry into an ONBUILD trigger (which runs in another
    # Dockerfile's build, where stage names mean that file's stages), so the engine does not show it
    # the instructions triggers wrap (`dflint.onbuild`)
    reads_onbuild: bool = True
    # True: the rule judges the image people deploy (its size, pins, base tag, user, signals) or the
    # file's style; the engine does not run it on a CI or test image or a development container,
    # which nobody deploys (`Purpose.ships`, decided in `dflint.purpose`), unless it is selected by its
    # own code or name. On test data (`Purpose.test_data`) the engine runs no rule unless so selected.
    skip_images_nobody_deploys: bool = False
    # True: the rule judges how the file is written (the form of an instruction, the case of a
    # keyword, a shell idiom) rather than the image it builds; the engine does not run it on a
    # generated Dockerfile (`Dockerfile.generated`, decided in `dflint.generated`: a header that says
    # "DO NOT EDIT"), whose form is its template's, unless it is selected by its own code or name.
    judges_form: bool = False
    # What a file must use for the rule to have anything to say, any one of: an instruction keyword
    # (`"EXPOSE"`), a command name or wrapper (`"sudo"`, `"wget"`) or a package manager (`"apk"`), as
    # `Dockerfile.vocabulary()` lists them. Empty: any file. The engine does not run (nor, from the
    # command line, import) a rule whose needs the file lacks; `tests/test_rule_needs.py` checks that
    # no finding of a fixture or corpus file comes from a file without them.
    needs: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        from dflint import HOMEPAGE

        return f"{HOMEPAGE}/blob/main/docs/rules/{self.code}.md"


def clip(text: str, limit: int = 40) -> str:
    """A word for a short message: at most `limit` characters, an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_path(path: str, limit: int = 40) -> str:
    """A path for a short message: at most `limit` characters where it can be, keeping the file name
    whole and as many of the last folders as fit (`…/v1beta1/requirements.txt`), since the end of a
    path is what names the file; a file name too long on its own is clipped like any word."""
    if len(path) <= limit:
        return path
    parts = path.split("/")
    kept = parts[-1]
    if len(kept) + 2 > limit:
        return clip(kept, limit)
    for part in reversed(parts[:-1]):
        if len(part) + len(kept) + 3 > limit:
            break
        kept = f"{part}/{kept}"
    return f"…/{kept}"


def approx_mb(megabytes: float) -> str:
    """A size for a short message: `~325 MB`, `<1 MB`."""
    return "<1 MB" if megabytes < 1 else f"~{megabytes:.0f} MB"


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace the text between two character offsets of `Dockerfile.text`."""

    start: int
    end: int
    replacement: str

    @classmethod
    def insert(cls, offset: int, text: str) -> Edit:
        return cls(offset, offset, text)

    @classmethod
    def replace(cls, span: Span, text: str) -> Edit:
        return cls(span.offset, span.end_offset, text)

    @classmethod
    def delete(cls, span: Span) -> Edit:
        return cls(span.offset, span.end_offset, "")


class Applicability(enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that fix a finding, with how safe they are."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability
    # Indexes of instructions this fix merges into the instruction just before them (a RUN joined
    # to the previous RUN). The fixer accepts exactly that change of structure from this fix and
    # no other; a fix that merges is always unsafe.
    merges: tuple[int, ...] = ()

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, tuple(sorted(edits)), Applicability.SAFE)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls(title, tuple(sorted(edits)), Applicability.UNSAFE)

    @classmethod
    def merging(cls, title: str, merged: int, *edits: Edit) -> Fix:
        """An unsafe fix that joins instruction `merged` into the one before it."""
        return cls(title, tuple(sorted(edits)), Applicability.UNSAFE, (merged,))


@dataclass(frozen=True, slots=True)
class Savings:
    """An estimate of what fixing a finding would take off the image, with where the number comes from.
    An estimate made of others (one finding for several packages) names them in `parts`, so a summary
    counts each of them once."""

    mb: float
    source: str
    parts: tuple[Savings, ...] = ()
    # it counts dependencies that other such estimates may share (an apt package's closure): of
    # several, the largest stands for all, where estimates of different wheels add up
    overlaps: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """The decision a finding is one place of (`dflint.grouping`): findings of one rule and file with
    the same `key` become one finding, which says how many more there are `where` ("this stage")."""

    key: str
    where: str
    unit: str = ""  # what a place is, when the message's head does not say (`install`: "and 1 more install")
    named: bool = False  # the places differ in what they hold: the merged detail says what each one says


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields. The engine fills in `path` and may override `severity`."""

    rule: RuleMeta
    span: Span
    message: str
    fix: Fix | None = None
    savings: Savings | None = None
    severity: Severity | None = None  # None: the rule's default
    path: str = ""
    stage: str | None = field(default=None, compare=False)
    detail: str | None = field(default=None, compare=False)  # the longer explanation and alternatives (JSON `detail`)
    group: Group | None = field(default=None, compare=False)  # the decision it is one place of, if several may be
    also: tuple[Span, ...] = field(default=(), compare=False)  # the decision's other places, once merged
    # a file outside the Dockerfile that the fix edits and other Dockerfiles may share (the context's
    # `.dockerignore`, absolute): a run over several Dockerfiles tells one decision about it once
    shared_file: str | None = field(default=None, compare=False)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def effective_severity(self) -> Severity:
        return self.severity if self.severity is not None else self.rule.severity

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.rule.code, self.message)
