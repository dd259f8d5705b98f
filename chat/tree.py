"""The shape of a conversation's message tree, read once as bare rows and walked in memory.

A conversation of 10,000 messages is read as 10,000 small tuples (no text), so every tree
question (the shown path, siblings, the newest leaf under a message, fork sets, branch segments)
costs one query however large or bushy the tree is.

Inside, a message is its UUID's 128-bit integer and its age is its rank in creation order: the
database sorts, and building `uuid.UUID` and `datetime` objects for every row (most of the cost
of a big tree) is skipped. The methods take and return `uuid.UUID`s.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Key = int  # a message id's UUID as an integer


def key_of(value: Any) -> Key:
    """The tree key of a UUID, or of a database's raw value for one (hex text or UUID)."""
    if isinstance(value, uuid.UUID):
        return value.int
    if isinstance(value, str):
        return int(value.replace("-", ""), 16)
    return uuid.UUID(str(value)).int


def _converter_for(sample: Any) -> Callable[[Any], Key]:
    """The fastest exact `key_of` for the kind of value a database returns for ids."""
    if isinstance(sample, uuid.UUID):
        return operator.attrgetter("int")
    if isinstance(sample, str) and len(sample) == 32:  # SQLite stores hex without dashes
        return lambda value: int(value, 16) if len(value) == 32 else key_of(value)
    return key_of


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of small, acyclic objects are made.

    Each burst of allocations would otherwise start collections that walk the whole heap: on a
    10,000-message tree that was a quarter of the time (and most of its spread).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def uuid_of(key: Key) -> uuid.UUID:
    return uuid.UUID(int=key)


class Node(NamedTuple):
    id: Key
    parent_id: Key | None
    rank: int  # creation order: 0 is the oldest message
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
    nodes: dict[Key, Node]
    # Children of each message (None: the roots), oldest first.
    children: dict[Key | None, list[Key]] = field(default_factory=dict)

    @classmethod
    def from_ordered_rows(cls, rows: Iterable[tuple[Any, Any, str]]) -> Tree:
        """From (id, parent id, role) rows in creation order, ids as UUIDs or raw database values."""
        with _collector_paused():
            nodes: dict[Key, Node] = {}
            convert = None
            for rank, (message_id, parent_id, role) in enumerate(rows):
                if convert is None:
                    convert = _converter_for(message_id)
                key = convert(message_id)
                nodes[key] = Node(key, convert(parent_id) if parent_id is not None else None, rank, role)
            children: dict[Key | None, list[Key]] = {}
            for node in nodes.values():  # in rank order: children lists come out oldest first
                # A parent that is not in the conversation makes the message a root.
                parent = node.parent_id if node.parent_id in nodes else None
                siblings = children.get(parent)
                if siblings is None:
                    children[parent] = [node.id]
                else:
                    siblings.append(node.id)
        return cls(nodes=nodes, children=children)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[uuid.UUID, uuid.UUID | None, Any, str]]) -> Tree:
        """From (id, parent id, created at, role) rows in any order (ties broken by id)."""
        ordered = sorted(rows, key=lambda row: (row[2], str(row[0])))
        return cls.from_ordered_rows((row[0], row[1], row[3]) for row in ordered)

    def __contains__(self, message_id: object) -> bool:
        return isinstance(message_id, uuid.UUID) and message_id.int in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def ids(self) -> list[uuid.UUID]:
        return [uuid_of(key) for key in self.nodes]

    def node(self, message_id: uuid.UUID) -> Node:
        return self.nodes[message_id.int]

    def _parent(self, key: Key) -> Key | None:
        parent = self.nodes[key].parent_id
        return parent if parent in self.nodes else None

    def parent(self, message_id: uuid.UUID) -> uuid.UUID | None:
        parent = self._parent(message_id.int)
        return uuid_of(parent) if parent is not None else None

    def siblings(self, message_id: uuid.UUID) -> list[uuid.UUID]:
        """The message and its siblings (same parent), oldest first."""
        return [uuid_of(key) for key in self.children.get(self._parent(message_id.int), [])]

    def sibling_count(self, message_id: uuid.UUID) -> int:
        return len(self.children.get(self._parent(message_id.int), []))

    def _path(self, leaf: Key) -> list[Key]:
        path: list[Key] = []
        seen: set[Key] = set()
        current: Key | None = leaf
        while current is not None and current not in seen:
            seen.add(current)
            path.append(current)
            current = self._parent(current)
        path.reverse()
        return path

    def path(self, leaf: uuid.UUID) -> list[uuid.UUID]:
        """From the root down to `leaf`."""
        return [uuid_of(key) for key in self._path(leaf.int)]

    def _descendants(self, key: Key) -> Iterator[Key]:
        stack = list(reversed(self.children.get(key, [])))
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children.get(current, [])))

    def descendants(self, message_id: uuid.UUID) -> Iterator[uuid.UUID]:
        """Every message below `message_id` (not itself), depth first."""
        return (uuid_of(key) for key in self._descendants(message_id.int))

    def _newest_leaf(self, key: Key | None) -> Key | None:
        candidates: Iterable[Key] = self.nodes if key is None else [key, *self._descendants(key)]
        leaves = [node for node in candidates if not self.children.get(node)]
        if not leaves:
            return None
        return max(leaves, key=self._rank)

    def newest_leaf(self, message_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """The most recently created leaf under `message_id` (itself when it has no children).

        This is the branch shown after switching to a message: its latest continuation.
        """
        leaf = self._newest_leaf(message_id.int if message_id is not None else None)
        return uuid_of(leaf) if leaf is not None else None

    def depth(self, message_id: uuid.UUID) -> int:
        return len(self._path(message_id.int)) - 1

    def _depths(self) -> dict[Key, int]:
        depths: dict[Key, int] = {}
        stack = [(root, 0) for root in self.children.get(None, [])]
        while stack:
            current, depth = stack.pop()
            depths[current] = depth
            stack.extend((child, depth + 1) for child in self.children.get(current, []))
        return depths

    def depths(self) -> dict[uuid.UUID, int]:
        """Each message's depth (roots are 0), in one pass from the roots."""
        return {uuid_of(key): depth for key, depth in self._depths().items()}

    def segments(self) -> list[Segment]:
        """The tree folded into branch segments: runs of messages without a fork in them."""

        def run_from(start: Key) -> tuple[Key, Key, int]:
            count, last = 1, start
            while len(self.children.get(last, [])) == 1:
                last = self.children[last][0]
                count += 1
            return start, last, count

        # Iterative (a deep stack of forks must not hit the recursion limit): build top-down,
        # then fill each segment's newest leaf bottom-up.
        runs: list[tuple[Key, Key, int, list[int]]] = []  # (first, last, count, child run indexes)
        roots: list[int] = []
        stack: list[tuple[Key, list[int]]] = [(root, roots) for root in reversed(self.children.get(None, []))]
        while stack:
            start, siblings = stack.pop()
            first, last, count = run_from(start)
            siblings.append(len(runs))
            runs.append((first, last, count, []))
            stack.extend((child, runs[-1][3]) for child in reversed(self.children.get(last, [])))
        leaves: list[Key] = [0] * len(runs)
        for index in range(len(runs) - 1, -1, -1):  # children come after their parent
            _first, last, _count, child_runs = runs[index]
            leaves[index] = max((leaves[child] for child in child_runs), key=self._rank) if child_runs else last

        segments = [
            Segment(first=uuid_of(first), last=uuid_of(last), count=count, leaf=uuid_of(leaves[index]))
            for index, (first, last, count, _children) in enumerate(runs)
        ]
        for segment, run in zip(segments, runs, strict=True):
            segment.children = [segments[child] for child in run[3]]
        return [segments[index] for index in roots]

    def _rank(self, key: Key) -> int:
        return self.nodes[key].rank

    # --- fork sets (LibreChat's ForkOptions) ------------------------------------------------
    def fork_direct_path(self, target: uuid.UUID) -> list[uuid.UUID]:
        """Only the messages on the way from the root to the target."""
        return self.path(target)

    def fork_include_branches(self, target: uuid.UUID) -> list[uuid.UUID]:
        """The path to the target plus the siblings of every message on it."""
        chosen: list[Key] = []
        seen: set[Key] = set()
        for message in self._path(target.int):
            for sibling in self.children.get(self._parent(message), []):
                if sibling not in seen:
                    seen.add(sibling)
                    chosen.append(sibling)
        return [uuid_of(key) for key in chosen]

    def fork_target_level(self, target: uuid.UUID) -> list[uuid.UUID]:
        """Every message, on any branch, no deeper than the target."""
        limit = self.depth(target)
        depths = self._depths()
        return [uuid_of(key) for key in self._ordered() if depths.get(key, 0) <= limit]

    def _ordered(self) -> list[Key]:
        ordered: list[Key] = []
        stack = list(reversed(self.children.get(None, [])))
        while stack:
            current = stack.pop()
            ordered.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return ordered

    def ordered(self) -> list[uuid.UUID]:
        """Every message, parents before children, oldest first among siblings."""
        return [uuid_of(key) for key in self._ordered()]

    def without(self, doomed: set[uuid.UUID]) -> Tree:
        """The tree with these messages left out (ranks kept)."""
        gone = {message.int for message in doomed}
        nodes = {key: node for key, node in self.nodes.items() if key not in gone}
        return Tree.from_ordered_rows((uuid_of(node.id), *_parent_and_role(node, nodes)) for node in nodes.values())


def _parent_and_role(node: Node, nodes: dict[Key, Node]) -> tuple[uuid.UUID | None, str]:
    parent = node.parent_id if node.parent_id in nodes else None
    return (uuid_of(parent) if parent is not None else None, node.role)
