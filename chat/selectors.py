"""Reads on conversations and the message tree, always scoped to one user."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from chat.models import Conversation, Message
from chat.presenters import message_to_dict
from chat.tree import Segment, Tree

# Characters of a message shown in the tree view.
PREVIEW_CHARS = 120


def parse_uuid(value: Any) -> uuid.UUID | None:
    """A UUID from a client value, or None when it is not one."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def conversation_get_for_user(*, user: User, conversation_id: Any) -> Conversation | None:
    """The user's conversation with this id, or None (also for a malformed id)."""
    pk = parse_uuid(conversation_id)
    return Conversation.objects.filter(user=user, pk=pk).first() if pk else None


def conversation_list_for_user(*, user: User, limit: int = 200) -> QuerySet[Conversation]:
    # Conversations made through the API are listed on the API keys page, not in the sidebar.
    return Conversation.objects.filter(user=user).exclude(source=Conversation.Source.API).order_by("-updated_at")[
        :limit
    ]


def conversation_groups_for_user(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The sidebar: Today / Yesterday / Previous 7 days / Previous 30 days / one group per month."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    groups: dict[str, list[Conversation]] = {}
    for conversation in conversation_list_for_user(user=user):
        day = timezone.localtime(conversation.updated_at).date()
        age = (today - day).days
        if age <= 0:
            label = _("Today")
        elif age == 1:
            label = _("Yesterday")
        elif age <= 7:
            label = _("Previous 7 days")
        elif age <= 30:
            label = _("Previous 30 days")
        else:
            label = date_format(day, "F Y")
        groups.setdefault(label, []).append(conversation)
    return [{"label": label, "conversations": items} for label, items in groups.items()]


def conversation_tree(*, conversation: Conversation) -> Tree:
    """The conversation's tree shape: one query of bare rows, no text."""
    query = Message.objects.filter(conversation=conversation).order_by("created_at", "id").values_list(
        "id", "parent_id", "role"
    )
    # The raw rows: the tree takes the database's own id values (no per-row conversion).
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return Tree.from_ordered_rows(cursor.fetchall())


def shown_leaf(*, conversation: Conversation, tree: Tree) -> uuid.UUID | None:
    """The leaf the conversation shows: the remembered one, else the newest."""
    if conversation.current_leaf_id in tree:
        return conversation.current_leaf_id
    return tree.newest_leaf()


def messages_by_id(ids: list[uuid.UUID]) -> list[Message]:
    """The messages with these ids, in the order given (one query)."""
    found = Message.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def message_path(*, conversation: Conversation, leaf: Message | None = None) -> list[Message]:
    """The messages from the root down to `leaf` (default: the conversation's shown leaf)."""
    tree = conversation_tree(conversation=conversation)
    target = leaf.pk if leaf is not None else shown_leaf(conversation=conversation, tree=tree)
    if target is None or target not in tree:
        return []
    return messages_by_id(tree.path(target))


def message_sibling_ids(*, message: Message) -> list[str]:
    """The ids of the message and its siblings, oldest first."""
    siblings = Message.objects.filter(conversation_id=message.conversation_id, parent_id=message.parent_id)
    return [str(pk) for pk in siblings.order_by("created_at", "id").values_list("id", flat=True)]


def conversation_view(
    *, conversation: Conversation, leaf_id: uuid.UUID | None = None, tree: Tree | None = None
) -> list[dict[str, Any]]:
    """The shown branch as message dicts, each with its siblings for the "‹ 2 / 3 ›" switch
    and whether it is still streaming.

    Two queries whatever the size of the tree: its shape (unless given), then the messages on
    the path.
    """
    if tree is None:
        tree = conversation_tree(conversation=conversation)
    target = leaf_id if leaf_id in tree else shown_leaf(conversation=conversation, tree=tree)
    if target is None:
        return []
    from chat.generation import is_streaming  # the engine imports the services, which import this

    views = []
    for message in messages_by_id(tree.path(target)):
        view = message_to_dict(message)
        view["siblings"] = [str(sibling) for sibling in tree.siblings(message.pk)]
        # Whether a socket should join it: the reply may still be being written.
        view["streaming"] = message.role == Message.Role.ASSISTANT and is_streaming(message)
        views.append(view)
    return views


def tree_outline(*, conversation: Conversation) -> list[dict[str, Any]]:
    """The tree view: branch segments with a short preview of their first message.

    Previews are cut in the database, so a long conversation is not read in full.
    """
    tree = conversation_tree(conversation=conversation)
    segments = tree.segments()
    firsts: list[uuid.UUID] = []
    stack = list(segments)
    while stack:
        segment = stack.pop()
        firsts.append(segment.first)
        stack.extend(segment.children)
    heads = {
        pk: (preview, model, created_at)
        for pk, preview, model, created_at in Message.objects.filter(pk__in=firsts)
        .annotate(preview=Substr("text", 1, PREVIEW_CHARS))
        .values_list("id", "preview", "model", "created_at")
    }
    leaf = shown_leaf(conversation=conversation, tree=tree)
    shown = set(tree.path(leaf)) if leaf is not None else set()

    # A flat list in reading order with each segment's depth: easy to render, and no recursion.
    rows: list[dict[str, Any]] = []
    pending: list[tuple[Segment, int]] = [(segment, 0) for segment in reversed(segments)]
    while pending:
        segment, depth = pending.pop()
        node = tree.node(segment.first)
        preview, model, created_at = heads.get(segment.first, ("", "", None))
        rows.append(
            {
                "first": str(segment.first),
                "last": str(segment.last),
                "leaf": str(segment.leaf),
                "count": segment.count,
                "depth": depth,
                "role": node.role,
                "model": model,
                "preview": " ".join((preview or "").split()),
                "created_at": created_at.isoformat() if created_at else None,
                "shown": segment.first in shown,
            }
        )
        pending.extend((child, depth + 1) for child in reversed(segment.children))
    return rows


def message_get_for_user(*, user: User, message_id: Any) -> Message | None:
    pk = parse_uuid(message_id)
    if pk is None:
        return None
    return Message.objects.select_related("conversation").filter(conversation__user=user, pk=pk).first()

