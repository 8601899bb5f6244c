"""YAML for configuration and compose files: PyYAML's safe loader, with bounded work.

The safe loader builds no Python objects from tags, but on its own it still loops on a recursive
alias (`select: &a [*a]` is a list that contains itself) and lets a few lines of aliases stand for
a billion nodes that every later walk visits. This loader refuses both while composing: an alias
of an anchor that is still open is an error, and so is a document that stands for more than
`MAX_NODES` nodes once its aliases are expanded, or that nests more than `MAX_DEPTH` levels deep
(the composer and every walk after it recurse once per level). Errors are `yaml.YAMLError`s
with a mark, so callers report them as any other invalid YAML, on their line.

PyYAML is imported on first use only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_NODES = 100_000  # nodes a document may stand for, aliases expanded
MAX_DEPTH = 64  # levels of nested mappings and sequences

_LOADER: type | None = None


def parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The data of a single-document YAML text and its node tree (for line numbers)."""
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _loader_class() -> type:
    global _LOADER
    if _LOADER is None:
        _LOADER = _define_loader()
    return _LOADER


def _define_loader() -> type:
    import yaml
    from yaml.composer import ComposerError

    class BoundedSafeLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type information
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.open_anchors: set[str] = set()  # anchors whose node is being composed
            self.sizes: dict[str, int] = {}  # anchor → nodes it stands for, its aliases expanded
            self.total = 0
            self.depth = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor
                if anchor in self.open_anchors:
                    raise ComposerError(None, None, f"the alias *{anchor} refers to the node that contains it", event.start_mark)
                self._count(self.sizes.get(anchor, 1), event)
                return super().compose_node(parent, index)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            anchor = event.anchor
            before = self.total
            self._count(1, event)
            if anchor is not None:
                self.open_anchors.add(anchor)
            node = super().compose_node(parent, index)
            if anchor is not None:
                self.open_anchors.discard(anchor)
                self.sizes[anchor] = self.total - before
            self.depth -= 1
            return node

        def _count(self, nodes: int, event: yaml.Event) -> None:
            self.total += nodes
            if self.total > MAX_NODES:
                raise ComposerError(
                    None,
                    None,
                    f"the document stands for more than {MAX_NODES} nodes once its aliases are expanded",
                    event.start_mark,
                )

    return BoundedSafeLoader
