"""The admin: conversations with their message tree, read-only messages, the configuration page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from chat import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(email="root@example.org", password="correct-horse-battery")
    client.force_login(admin)
    return client


def test_conversation_page_shows_the_message_tree(admin_client, user):
    prepared = services.generation_prepare(
        user=user, conversation_id=None, parent_id=None, text="Root question", endpoint_name="Demo", model="demo-chat"
    )
    services.generation_prepare(
        user=user, conversation_id=str(prepared.conversation.pk), parent_id=str(prepared.assistant_message.pk),
        text="Branch <b>one</b>", endpoint_name="Demo", model="demo-chat",
    )
    page = admin_client.get(reverse("admin:chat_conversation_change", args=[prepared.conversation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<ul class='message-tree'>") >= 3  # nested: root > reply > branch
    assert "Root question" in html and "Branch &lt;b&gt;one&lt;/b&gt;" in html


def test_messages_are_read_only(admin_client, user):
    prepared = services.generation_prepare(
        user=user, conversation_id=None, parent_id=None, text="Hi", endpoint_name="Demo", model="demo-chat"
    )
    url = reverse("admin:chat_message_change", args=[prepared.user_message.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="text"' not in page.content.decode()
    admin_client.post(url, {"text": "changed"})
    prepared.user_message.refresh_from_db()
    assert prepared.user_message.text == "Hi"
    assert admin_client.get(reverse("admin:chat_message_add")).status_code == 403


def test_configuration_page_lists_endpoints_and_unsupported_keys(admin_client, fake_endpoints):
    fake_endpoints.write_text(fake_endpoints.read_text() + "\nwebSearch:\n  searxngInstanceUrl: http://x\n")
    from providers.registry import reset_registry

    reset_registry()
    page = admin_client.get(reverse("admin:configuration"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Fake AI" in html and "NoKey" in html and "SURELY_UNSET_VARIABLE_FOR_TESTS" in html
    assert "<code>webSearch</code>" in html
    assert "test-key" not in html  # keys are never shown


def test_configuration_page_needs_staff(client, user):
    client.force_login(user)
    assert client.get(reverse("admin:configuration")).status_code == 302
