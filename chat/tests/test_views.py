"""The chat pages and JSON actions: scoping to the owner, rename, delete."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from chat import services
from chat.models import Conversation
from chat.selectors import conversation_groups_for_user, message_path

pytestmark = pytest.mark.django_db


def make_conversation(user, text="Hello"):
    return services.generation_prepare(
        user=user, conversation_id=None, parent_id=None, text=text, endpoint_name="Demo", model="demo-chat"
    )


def test_page_lists_endpoints_and_the_shown_path(client, user):
    prepared = make_conversation(user, text="Ping <script>alert(1)</script>")
    client.force_login(user)
    response = client.get(reverse("chat:conversation", args=[prepared.conversation.pk]))
    assert response.status_code == 200
    assert [message["id"] for message in response.context["chat_messages"]] == [
        str(prepared.user_message.pk),
        str(prepared.assistant_message.pk),
    ]
    # Nothing is generating it in this process (and there is no Redis): no socket should wait for it.
    assert response.context["streaming"] == []
    assert any(endpoint["name"] == "Demo" for endpoint in response.context["endpoints"])
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html  # user text is escaped everywhere


def test_someone_elses_conversation_is_not_found(client, user, other_user):
    prepared = make_conversation(other_user)
    client.force_login(user)
    assert client.get(reverse("chat:conversation", args=[prepared.conversation.pk])).status_code == 404
    assert client.post(reverse("chat:delete", args=[prepared.conversation.pk])).status_code == 404
    assert Conversation.objects.count() == 1


def test_rename_and_delete_actions(client, user):
    prepared = make_conversation(user)
    client.force_login(user)
    response = client.post(reverse("chat:rename", args=[prepared.conversation.pk]), {"title": "Trip"})
    assert json.loads(response.content) == {"ok": True, "title": "Trip"}
    bad = client.post(reverse("chat:rename", args=[prepared.conversation.pk]), {"title": " "})
    assert bad.status_code == 400
    assert client.post(reverse("chat:delete", args=[prepared.conversation.pk])).status_code == 200
    assert not Conversation.objects.exists()


def test_sidebar_groups_by_age(user):
    now = timezone.now()
    ages = {"today": 0, "yesterday": 1, "week": 5, "month": 20, "old": 90}
    for title, days in ages.items():
        conversation = make_conversation(user, text=title).conversation
        Conversation.objects.filter(pk=conversation.pk).update(title=title, updated_at=now - dt.timedelta(days=days))
    groups = conversation_groups_for_user(user=user, now=now)
    labels = [group["label"] for group in groups]
    assert labels[:4] == ["Today", "Yesterday", "Previous 7 days", "Previous 30 days"]
    assert [conversation.title for conversation in groups[0]["conversations"]] == ["today"]
    assert len(groups) == 5


def test_message_path_follows_the_shown_leaf(user):
    first = make_conversation(user)
    conversation = first.conversation
    branch_a = services.generation_prepare(
        user=user, conversation_id=str(conversation.pk), parent_id=str(first.assistant_message.pk),
        text="A", endpoint_name="Demo", model="demo-chat",
    )
    branch_b = services.generation_prepare(
        user=user, conversation_id=str(conversation.pk), parent_id=str(first.assistant_message.pk),
        text="B", endpoint_name="Demo", model="demo-chat",
    )
    conversation.refresh_from_db()
    assert [message.text for message in message_path(conversation=conversation)][2] == "B"
    path_a = message_path(conversation=conversation, leaf=branch_a.assistant_message)
    assert [message.pk for message in path_a][-2:] == [branch_a.user_message.pk, branch_a.assistant_message.pk]
    assert branch_b.assistant_message.pk not in [message.pk for message in path_a]


def test_page_asks_to_follow_a_reply_that_is_generating(client, user, monkeypatch):
    from chat import generation

    prepared = make_conversation(user)
    monkeypatch.setitem(generation.STREAMS, str(prepared.assistant_message.pk), object())
    client.force_login(user)
    response = client.get(reverse("chat:conversation", args=[prepared.conversation.pk]))
    assert response.context["streaming"] == [str(prepared.assistant_message.pk)]
