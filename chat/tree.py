"""The shape of a conversation's message tree, read once as bare rows and walked in memory.

A conversation of 10,000 messages is read as 10,000 small tuples (no text), so every tree
question (the shown path, siblings, the newest leaf under a message, fork sets, branch segments)
costs one query however large or bushy the tree is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    created_at: dt.datetime
    role: str


@dataclass
class Segment:
    """A run of messages with no fork inside; `leaf` is the newest leaf below it (shown on a jump)."""

    first: uuid.UUID
    last: uuid.UUID
    count: int
    leaf: uuid.UUID
    children: list[Segment] = field(default_factory=list)


@dataclass
class Tree:
    nodes: dict[uuid.UUID, Node]
    # Children of each message (None: the roots), oldest first.
    children: dict[uuid.UUID | None, list[uuid.UUID]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[uuid.UUID, uuid.UUID | None, dt.datetime, str]]) -> Tree:
        nodes = {row[0]: Node(*row) for row in rows}
        children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
        for node in sorted(nodes.values(), key=lambda node: (node.created_at, str(node.id))):
            # A parent that is not in the conversation makes the message a root.
            parent = node.parent_id if node.parent_id in nodes else None
            children.setdefault(parent, []).append(node.id)
        return cls(nodes=nodes, children=children)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def parent(self, message_id: uuid.UUID) -> uuid.UUID | None:
        parent = self.nodes[message_id].parent_id
        return parent if parent in self.nodes else None

    def siblings(self, message_id: uuid.UUID) -> list[uuid.UUID]:
        """The message and its siblings (same parent), oldest first."""
        return self.children.get(self.parent(message_id), [])

    def path(self, leaf: uuid.UUID) -> list[uuid.UUID]:
        """From the root down to `leaf`."""
        path: list[uuid.UUID] = []
        seen: set[uuid.UUID] = set()
        current: uuid.UUID | None = leaf
        while current is not None and current not in seen:
            seen.add(current)
            path.append(current)
            current = self.parent(current)
        path.reverse()
        return path

    def descendants(self, message_id: uuid.UUID) -> Iterator[uuid.UUID]:
        """Every message below `message_id` (not itself), depth first."""
        stack = list(reversed(self.children.get(message_id, [])))
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children.get(current, [])))

    def newest_leaf(self, message_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """The most recently created leaf under `message_id` (itself when it has no children).

        This is the branch shown after switching to a message: its latest continuation.
        """
        if message_id is None:
            candidates: Iterable[uuid.UUID] = self.nodes
        else:
            candidates = [message_id, *self.descendants(message_id)]
        leaves = [node for node in candidates if not self.children.get(node)]
        if not leaves:
            return None
        return max(leaves, key=self._recency)

    def depth(self, message_id: uuid.UUID) -> int:
        return len(self.path(message_id)) - 1

    def depths(self) -> dict[uuid.UUID, int]:
        """Each message's depth (roots are 0), in one pass from the roots."""
        depths: dict[uuid.UUID, int] = {}
        stack = [(root, 0) for root in self.children.get(None, [])]
        while stack:
            current, depth = stack.pop()
            depths[current] = depth
            stack.extend((child, depth + 1) for child in self.children.get(current, []))
        return depths

    def segments(self) -> list[Segment]:
        """The tree folded into branch segments: runs of messages without a fork in them."""

        def run_from(start: uuid.UUID) -> Segment:
            count, last = 1, start
            while len(self.children.get(last, [])) == 1:
                last = self.children[last][0]
                count += 1
            return Segment(first=start, last=last, count=count, leaf=last)

        # Iterative (a deep stack of forks must not hit the recursion limit): build top-down,
        # then fill each segment's newest leaf bottom-up.
        roots = [run_from(root) for root in self.children.get(None, [])]
        order: list[Segment] = []
        stack = list(roots)
        while stack:
            segment = stack.pop()
            order.append(segment)
            segment.children = [run_from(child) for child in self.children.get(segment.last, [])]
            stack.extend(segment.children)
        for segment in reversed(order):
            if segment.children:
                segment.leaf = max((child.leaf for child in segment.children), key=self._recency)
        return roots

    def _recency(self, message_id: uuid.UUID) -> tuple[dt.datetime, str]:
        return (self.nodes[message_id].created_at, str(message_id))

    # --- fork sets (LibreChat's ForkOptions) ------------------------------------------------
    def fork_direct_path(self, target: uuid.UUID) -> list[uuid.UUID]:
        """Only the messages on the way from the root to the target."""
        return self.path(target)

    def fork_include_branches(self, target: uuid.UUID) -> list[uuid.UUID]:
        """The path to the target plus the siblings of every message on it."""
        chosen: list[uuid.UUID] = []
        seen: set[uuid.UUID] = set()
        for message in self.path(target):
            for sibling in self.siblings(message):
                if sibling not in seen:
                    seen.add(sibling)
                    chosen.append(sibling)
        return chosen

    def fork_target_level(self, target: uuid.UUID) -> list[uuid.UUID]:
        """Every message, on any branch, no deeper than the target."""
        limit = self.depth(target)
        depths = self.depths()
        return [message for message in self.ordered() if depths.get(message, 0) <= limit]

    def ordered(self) -> list[uuid.UUID]:
        """Every message, parents before children, oldest first among siblings."""
        ordered: list[uuid.UUID] = []
        stack = list(reversed(self.children.get(None, [])))
        while stack:
            current = stack.pop()
            ordered.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return ordered
