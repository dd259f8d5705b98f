"""The /v1 views in process (Django's test client): refusals that leave nothing behind."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from accounts.models import User
from api.services import api_key_create
from chat import generation
from chat.models import Conversation
from chat.services import ChatError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(db) -> str:
    user = User.objects.create_user(email="views@example.org")
    return api_key_create(user=user, name="views")[1]


async def _collect(response) -> list[bytes]:
    return [part async for part in response.streaming_content]


def _post(client, key: str, **body):
    return client.post(
        reverse("api:chat-completions"),
        {"model": "Demo/demo-fast", "messages": [{"role": "user", "content": "hi"}], **body},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_non_streaming_reply_in_process(client, key, settings):
    settings.STREAM_FLUSH_INTERVAL = 0.005
    response = _post(client, key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["object"] == "chat.completion" and body["choices"][0]["message"]["content"]
    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert conversation.source == Conversation.Source.API and conversation.title == "hi"
    assert response["X-Conversation-Id"] == str(conversation.pk)


@pytest.mark.parametrize("stream", [False, True])
def test_a_refusal_by_the_chat_engine_leaves_no_conversation(client, key, monkeypatch, stream):
    """Whatever the engine refuses at start (a token budget, say) reaches the client as the
    engine's message, and the call's conversation is removed."""

    def refuse(**kwargs):
        raise ChatError("insufficient_balance", "Your token balance is used up.")

    monkeypatch.setitem(generation.PLANNERS, "send", refuse)
    response = _post(client, key, stream=stream)
    if stream:
        events = b"".join(async_to_sync(_collect)(response)).decode().strip().split("\n\n")
        assert '"code":"insufficient_balance"' in events[0] and "token balance" in events[0]
        assert events[-1] == "data: [DONE]"
    else:
        assert response.status_code == 400
        assert response.json()["error"] == {
            "message": "Your token balance is used up.", "type": "invalid_request_error", "param": None,
            "code": "insufficient_balance",
        }
    assert not Conversation.objects.exists()
