"""The in-memory tree: paths, siblings, newest leaves, segments and fork sets."""

from __future__ import annotations

import datetime as dt
import uuid

from chat.tree import Tree

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def build(edges: list[tuple[str, str | None]]) -> tuple[Tree, dict[str, uuid.UUID]]:
    """A tree from (name, parent name) pairs, created in the order given."""
    ids = {name: uuid.uuid4() for name, _parent in edges}
    rows = [
        (ids[name], ids[parent] if parent else None, START + dt.timedelta(seconds=index), "user")
        for index, (name, parent) in enumerate(edges)
    ]
    return Tree.from_rows(rows), ids


#   a ─ b ─ c ─ d
#       │   └── e ─ f
#       └── g
EDGES = [("a", None), ("b", "a"), ("c", "b"), ("d", "c"), ("e", "c"), ("f", "e"), ("g", "a")]


def names(tree_ids: dict[str, uuid.UUID], values) -> list[str]:
    by_id = {value: key for key, value in tree_ids.items()}
    return [by_id[value] for value in values]


def test_path_siblings_and_newest_leaf():
    tree, ids = build(EDGES)
    assert names(ids, tree.path(ids["f"])) == ["a", "b", "c", "e", "f"]
    assert names(ids, tree.siblings(ids["e"])) == ["d", "e"]
    assert names(ids, tree.siblings(ids["a"])) == ["a"]
    assert names(ids, [tree.newest_leaf()]) == ["g"]
    assert names(ids, [tree.newest_leaf(ids["b"])]) == ["f"]
    assert names(ids, [tree.newest_leaf(ids["d"])]) == ["d"]


def test_a_parent_outside_the_conversation_makes_a_root():
    stray = uuid.uuid4()
    tree = Tree.from_rows([(uuid.uuid4(), stray, START, "user")])
    (only,) = tree.ids()
    assert tree.path(only) == [only] and tree.parent(only) is None


def test_segments_fold_runs_and_point_at_the_newest_leaf():
    tree, ids = build(EDGES)
    (root,) = tree.segments()
    assert (names(ids, [root.first, root.last]), root.count) == (["a", "a"], 1)
    first, second = root.children
    assert names(ids, [first.first, first.last, first.leaf]) == ["b", "c", "f"]
    assert names(ids, [second.first, second.leaf]) == ["g", "g"]
    assert [names(ids, [child.first, child.last]) for child in first.children] == [["d", "d"], ["e", "f"]]


def test_segments_of_a_very_deep_fork_chain_do_not_recurse():
    edges: list[tuple[str, str | None]] = [("n0", None)]
    for index in range(1, 3000):
        edges.append((f"n{index}", f"n{index - 1}"))
        edges.append((f"x{index}", f"n{index - 1}"))  # a fork at every level
    tree, ids = build(edges)
    segments = tree.segments()
    assert len(segments) == 1
    assert segments[0].leaf == tree.newest_leaf() == ids["x2999"]


def test_fork_sets_follow_librechat_options():
    tree, ids = build(EDGES)
    assert names(ids, tree.fork_direct_path(ids["e"])) == ["a", "b", "c", "e"]
    assert names(ids, tree.fork_include_branches(ids["e"])) == ["a", "b", "g", "c", "d", "e"]
    assert sorted(names(ids, tree.fork_target_level(ids["e"]))) == ["a", "b", "c", "d", "e", "g"]
    assert sorted(names(ids, tree.fork_target_level(ids["b"]))) == ["a", "b", "g"]


def test_ids_from_any_database_mean_the_same_message():
    message = uuid.uuid4()
    tree = Tree.from_ordered_rows([(message.hex, None, "user"), (str(uuid.uuid4()), str(message), "assistant")])
    assert message in tree
    (reply,) = [pk for pk in tree.ids() if pk != message]
    assert tree.parent(reply) == message and tree.path(reply) == [message, reply]
    assert tree.node(reply).rank == 1 and tree.newest_leaf() == reply
