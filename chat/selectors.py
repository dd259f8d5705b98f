"""Reads on conversations and the message tree, always scoped to one user."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from chat.models import Conversation, Message


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
    return Conversation.objects.filter(user=user).order_by("-updated_at")[:limit]


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


def message_path(*, conversation: Conversation, leaf: Message | None = None) -> list[Message]:
    """The messages from the root down to `leaf` (default: the conversation's shown leaf)."""
    messages = {message.pk: message for message in Message.objects.filter(conversation=conversation)}
    current = leaf or (messages.get(conversation.current_leaf_id) if conversation.current_leaf_id else None)
    if current is None and messages:
        current = max(messages.values(), key=lambda message: message.created_at)
    path: list[Message] = []
    seen: set[Any] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        path.append(current)
        current = messages.get(current.parent_id) if current.parent_id else None
    path.reverse()
    return path


def message_get_for_user(*, user: User, message_id: Any) -> Message | None:
    pk = parse_uuid(message_id)
    if pk is None:
        return None
    return Message.objects.select_related("conversation").filter(conversation__user=user, pk=pk).first()

