"""Shared links: a public read-only snapshot; later messages never leak; revoked means 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Message
from chat.organise import services

from .organise_helpers import conversation_with_branches

pytestmark = pytest.mark.django_db


def test_shared_page_is_public_read_only_and_frozen(client, user):
    conversation, messages = conversation_with_branches(user)
    client.force_login(user)
    url = client.post(reverse("organise:share", args=[conversation.pk])).json()["url"]
    path = url.removeprefix("http://testserver")

    # The owner writes on after sharing, and switches to another branch.
    Message.objects.create(conversation=conversation, parent=messages["b2"], role="user", text="PRIVATE follow-up")
    services_branch = messages["a1"]
    conversation.current_leaf = services_branch
    conversation.save(update_fields=["current_leaf"])

    anonymous = Client()
    response = anonymous.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why Lisbon?" in html and "**Sunny** and cheap" in html
    assert "Rome" not in html  # another branch than the one shown at share time
    assert "PRIVATE follow-up" not in html
    assert 'id="composer"' not in html and "<textarea" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_revoked_and_unknown_links_are_not_found(client, user):
    conversation, _ = conversation_with_branches(user)
    link = services.shared_link_create(conversation=conversation)
    client.force_login(user)
    response = client.post(reverse("organise:shared-revoke", args=[link.token]))
    assert response.status_code == 302
    assert Client().get(reverse("organise:shared", args=[link.token])).status_code == 404
    assert Client().get(reverse("organise:shared", args=["not-a-token"])).status_code == 404


def test_deleting_the_conversation_removes_its_links(user):
    from chat.services import conversation_delete

    conversation, _ = conversation_with_branches(user)
    link = services.shared_link_create(conversation=conversation)
    conversation_delete(conversation=conversation)
    assert Client().get(reverse("organise:shared", args=[link.token])).status_code == 404


def test_user_text_is_escaped_on_the_shared_page(user):
    conversation, messages = conversation_with_branches(user, title="<b>title</b>")
    Message.objects.filter(pk=messages["q2"].pk).update(text="<script>alert(1)</script>")
    link = services.shared_link_create(conversation=conversation)
    html = Client().get(reverse("organise:shared", args=[link.token])).content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>title</b>" not in html
