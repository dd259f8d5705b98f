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


@pytest.fixture
def byok_endpoint(settings, tmp_path):
    """An endpoint whose provider key each user enters (`apiKey: user_provided`), on the fake."""
    from providers.fake_server import FakeProviderServer
    from providers.registry import get_registry, reset_registry
    from tests.servers import custom_endpoint, write_librechat_yaml

    with FakeProviderServer() as fake:
        entry = custom_endpoint("Mine", f"{fake.url}/v1", ["fake-echo"], "UNUSED")
        entry["apiKey"] = "user_provided"
        settings.LIBRECHAT_CONFIG = str(write_librechat_yaml(tmp_path / "librechat.yaml", [entry]))
        reset_registry()
        yield get_registry().get("Mine"), fake
        reset_registry()


def test_an_endpoint_taking_the_users_own_key_is_offered_once_they_saved_one(client, key, byok_endpoint, settings):
    from accounts.services import provider_key_set

    settings.STREAM_FLUSH_INTERVAL = 0.005
    endpoint, fake = byok_endpoint
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    ids = [model["id"] for model in client.get(reverse("api:models"), **auth).json()["data"]]
    assert "Mine/fake-echo" not in ids and "Demo/demo-fast" in ids
    response = _post(client, key, model="Mine/fake-echo")
    assert response.status_code == 404 and response.json()["error"]["code"] == "model_not_found"

    provider_key_set(user=User.objects.get(email="views@example.org"), endpoint=endpoint, api_key="sk-users-own-key")
    ids = [model["id"] for model in client.get(reverse("api:models"), **auth).json()["data"]]
    assert "Mine/fake-echo" in ids
    response = _post(client, key, model="Mine/fake-echo", messages=[{"role": "user", "content": "with my key"}])
    assert response.status_code == 200, response.content
    assert response.json()["choices"][0]["message"]["content"] == "with my key"
    assert fake.last_request.header("authorization") == "Bearer sk-users-own-key"
