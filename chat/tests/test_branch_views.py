"""The branch JSON views: switch, tree, edit, delete, fork — and that bad input changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from chat.models import Conversation, Message
from chat.tests.test_branching import answer_again, finish, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def branched(user):
    """Question → two versions of the reply (the second shown)."""
    first = send(user, text="Question")
    finish(first.assistant_message, "Old answer")
    second = answer_again(user, first.assistant_message)
    finish(second.assistant_message, "New answer")
    first.conversation.refresh_from_db()
    return first.conversation, first.user_message, first.assistant_message, second.assistant_message


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(conversation: Conversation) -> list[Any]:
    conversation.refresh_from_db()
    rows = Message.objects.filter(conversation=conversation).order_by("created_at", "id")
    return [conversation.current_leaf_id, *rows.values_list("id", "parent_id", "text", "edited")]


def test_switching_versions_answers_the_new_path_and_remembers_it(user, branched):
    conversation, question, old, new = branched
    response = client_for(user).post(f"/c/{conversation.pk}/branch/", {"message": str(old.pk)})
    assert response.status_code == 200
    data = response.json()
    assert [message["text"] for message in data["messages"]] == ["Question", "Old answer"]
    assert data["messages"][1]["siblings"] == [str(old.pk), str(new.pk)]
    conversation.refresh_from_db()
    assert conversation.current_leaf_id == old.pk

    page = client_for(user).get(f"/c/{conversation.pk}/")
    assert b"Old answer" in page.content and b"New answer" not in page.content


def test_tree_view_lists_every_branch(user, branched):
    conversation, question, old, new = branched
    data = client_for(user).get(f"/c/{conversation.pk}/tree/").json()
    assert [(row["depth"], row["preview"], row["shown"]) for row in data["segments"]] == [
        (0, "Question", True),
        (1, "Old answer", False),
        (1, "New answer", True),
    ]


def test_edit_in_place_and_delete_a_branch(user, branched):
    conversation, question, old, new = branched
    client = client_for(user)
    response = client.post(f"/c/{conversation.pk}/m/{new.pk}/edit/", {"text": "Hand-written answer"})
    assert response.json()["message"]["edited"] is True
    new.refresh_from_db()
    assert (new.text, new.edited) == ("Hand-written answer", True)

    data = client.post(f"/c/{conversation.pk}/m/{new.pk}/delete/").json()
    assert data["leaf"] == str(old.pk)
    assert [message["text"] for message in data["messages"]] == ["Question", "Old answer"]
    assert not Message.objects.filter(pk=new.pk).exists()


def test_fork_answers_the_new_conversation(user, branched):
    conversation, question, old, new = branched
    response = client_for(user).post(f"/c/{conversation.pk}/m/{new.pk}/fork/", {"mode": "includeBranches"})
    data = response.json()
    fork = Conversation.objects.get(pk=data["conversation"]["id"])
    assert data["url"] == f"/c/{fork.pk}/"
    assert sorted(fork.messages.values_list("text", flat=True)) == ["New answer", "Old answer", "Question"]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("post", "branch/", {"message": "{old}"}),
        ("get", "tree/", {}),
        ("post", "m/{new}/edit/", {"text": "Taken over"}),
        ("post", "m/{new}/delete/", {}),
        ("post", "m/{new}/fork/", {"mode": "directPath"}),
    ],
)
def test_another_users_conversation_is_not_found_and_unchanged(user, other_user, branched, method, suffix, body):
    conversation, question, old, new = branched
    before = snapshot(conversation)
    ids = {"old": old.pk, "new": new.pk}
    path = f"/c/{conversation.pk}/" + suffix.format(**ids)
    values = {key: value.format(**ids) for key, value in body.items()}
    response = getattr(client_for(other_user), method)(path, values)
    assert response.status_code == 404
    assert snapshot(conversation) == before
    assert Conversation.objects.filter(user=other_user).count() == 0


def test_bad_targets_are_refused_and_change_nothing(user, other_user, branched):
    conversation, question, old, new = branched
    before = snapshot(conversation)
    client = client_for(user)
    # A message that does not exist, or lives in another conversation.
    elsewhere = send(user, text="Another chat").user_message
    for message in (str(uuid.uuid4()), str(elsewhere.pk), "not-a-uuid"):
        response = client.post(f"/c/{conversation.pk}/branch/", {"message": message})
        assert response.status_code == 400
        assert response.json()["message"]
    assert client.post(f"/c/{conversation.pk}/m/{uuid.uuid4()}/fork/", {"mode": "directPath"}).status_code == 404
    assert client.post(f"/c/{conversation.pk}/m/{elsewhere.pk}/edit/", {"text": "x"}).status_code == 404
    refused = client.post(f"/c/{conversation.pk}/m/{new.pk}/fork/", {"mode": "everything"})
    assert refused.status_code == 400 and "fork" in refused.json()["message"].lower()
    blank = client.post(f"/c/{conversation.pk}/m/{new.pk}/edit/", {"text": "   "})
    assert blank.status_code == 400
    assert snapshot(conversation) == before
    assert Conversation.objects.filter(user=user).count() == 2  # no fork was made
