"""Shared by DF201 and DF202: the packages of one install command reported together."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from dflint.build_deps import Install, Sized, by_size, combined_savings, where
from dflint.model import Instruction, Span
from dflint.rule import Group, Savings, approx_mb, clip

T = TypeVar("T")
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Shipped(Generic[E]):
    """A package of the group's kind (`entry`: its facts from the data) installed in a shipped
    stage, and the later RUN that removes it, if any."""

    install: Install
    entry: E
    later: Instruction | None  # a later RUN that removes it, a layer too late
    measured: float | None = None  # the data's size, measured on Debian 12 (to judge it small)

    @property
    def raw(self) -> str:
        return self.install.requirement.raw or self.install.name

    @property
    def span(self) -> Span:
        requirement = self.install.requirement
        return self.install.op.command.span if where(self.install) or requirement.span is None else requirement.span


def per_command(items: Iterable[T], install: Callable[[T], Install], advice: Callable[[T], Hashable]) -> list[list[T]]:
    """`items` grouped by install command (and by the COPY that ships them, and by `advice`: what
    their finding tells), in the order their first package appears."""
    groups: dict[tuple[int, int, Hashable], list[T]] = {}
    for item in items:
        found = install(item)
        key = (id(found.op), id(found.via) if found.via is not None else 0, advice(item))
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def same_run(items: Sequence[Shipped[E]]) -> Group:
    """One decision per RUN: the same packages installed by two commands of one RUN (the branches of
    an `if` on the architecture, `apt install -y unixodbc-dev msodbcsql18` or `… msodbcsql17`) are
    one finding, which names the other place."""
    install = items[0].install
    names = ",".join(sorted({item.install.name for item in items}))
    via = install.via.index if install.via is not None else -1
    return Group(f"{install.stage.index}:{install.instruction.index}:{via}:{names}", "this RUN", "install")


def spanning(spans: Sequence[Span]) -> Span:
    """One span from the first start to the last end of `spans`."""
    first = min(spans, key=lambda span: span.offset)
    last = max(spans, key=lambda span: span.end_offset)
    return Span(first.line, first.column, last.end_line, last.end_column, first.offset, last.end_offset)


def listing(items: Sequence[Sized], room: int) -> str:
    """`` `build-essential` ~325 MB, `cmake` ~147 MB and 3 more``: the packages largest first, as many as
    fit in `room` characters (always the first, its name clipped)."""
    ordered = by_size(items)
    shown: list[str] = []
    for count, item in enumerate(ordered, start=1):
        size = f" {approx_mb(item.savings.mb)}" if item.savings is not None else ""
        entry = f"`{clip(item.name, 32)}`{size}"
        rest = len(ordered) - count
        text = ", ".join([*shown, entry]) + (f" and {rest} more" if rest else "")
        if shown and len(text) > room:
            break
        shown.append(entry)
    rest = len(ordered) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


MESSAGE_LIMIT = 120  # characters a grouped message aims at


def group_message(what: str, sized: Sequence[Sized], action: str) -> str:
    """`3 build tools ship in stage 0 (`build-essential` ~325 MB, … and 1 more); install them in a build
    stage`: `what` names the count and the place, the packages fill what is left of the limit."""
    head, end = f"{what} (", f"); {action}"
    return head + listing(sized, MESSAGE_LIMIT - len(head) - len(end)) + end


def group_savings(sized: Sequence[Sized]) -> tuple[Savings | None, str]:
    """What removing the group saves, and the detail's sentence saying how the number was made."""
    savings, how = combined_savings(sized)
    return savings, f". Together: {how}" if how else ". No size is known for any of them"


def shipped_through(install: Install) -> str:
    """The detail's words for a package that reaches the image through a `COPY --from`."""
    return f", which ship in the image through the COPY at line {install.via.span.line}" if install.via is not None else ""
