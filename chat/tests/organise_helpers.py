"""Builders for the organising tests: conversations with message trees, made directly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chat.models import Conversation, Message


def conversation_with_branches(user, title: str = "Trip plans") -> tuple[Conversation, dict[str, Message]]:
    """root -> (a1 | a2), a2 -> q2 -> b2; the shown leaf is b2."""
    conversation = Conversation.objects.create(user=user, title=title, endpoint="Demo", model="demo-chat")
    root = Message.objects.create(conversation=conversation, role="user", sender="User", text="Where to go?")
    a1 = Message.objects.create(conversation=conversation, parent=root, role="assistant", text="Rome")
    a2 = Message.objects.create(conversation=conversation, parent=root, role="assistant", text="Lisbon")
    q2 = Message.objects.create(conversation=conversation, parent=a2, role="user", text="Why Lisbon?")
    b2 = Message.objects.create(conversation=conversation, parent=q2, role="assistant", text="**Sunny** and cheap")
    Conversation.objects.filter(pk=conversation.pk).update(current_leaf=b2)
    conversation.refresh_from_db()
    return conversation, {"root": root, "a1": a1, "a2": a2, "q2": q2, "b2": b2}


def conversations_at(user, moments: list[dt.datetime], **fields) -> list[Conversation]:
    """One conversation per moment, with `updated_at` set to it (auto_now bypassed)."""
    made = []
    for index, moment in enumerate(moments):
        conversation = Conversation.objects.create(user=user, title=f"Chat {index}", **fields)
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=moment)
        conversation.updated_at = moment
        made.append(conversation)
    return made


def now() -> dt.datetime:
    return timezone.now()
