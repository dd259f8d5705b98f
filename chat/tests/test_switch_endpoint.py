"""Switching endpoint mid-conversation: the next reply goes to the new provider with the history
converted for it, and each reply keeps the endpoint and model that wrote it."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from chat import services
from chat.generation import _request_for
from chat.models import Conversation, Message
from providers.registry import get_provider, get_registry


@pytest.fixture
def conversation(user, fake_endpoints) -> Conversation:
    conversation = Conversation.objects.create(user=user, endpoint="Fake", model="fake-chat",
                                               parameters={"promptPrefix": "You are terse."})
    question = Message.objects.create(conversation=conversation, role=Message.Role.USER, text="What is 2+2?",
                                      endpoint="Fake", model="fake-chat")
    Message.objects.create(
        conversation=conversation, parent=question, role=Message.Role.ASSISTANT, text="4",
        content=[{"type": "think", "think": "Adding two and two."}, {"type": "text", "text": "4"}],
        endpoint="Fake", model="fake-chat", sender="Fake AI",
    )
    return conversation


async def _stream(endpoint, request) -> str:
    parts = []
    async for event in get_provider(endpoint).stream(request):
        parts.append(getattr(event, "text", ""))
    return "".join(parts)


@pytest.mark.django_db(transaction=True)
def test_next_message_goes_to_another_provider_with_converted_history(user, conversation, fake_provider):
    reply = conversation.messages.get(role=Message.Role.ASSISTANT)
    plan = services.generation_plan(
        user=user, conversation_id=str(conversation.pk), parent_id=str(reply.pk), text="And 3+3?",
        endpoint_name="FakeClaude", model="claude-fake",
    )
    request, _ = _request_for(plan)
    assert request.messages[1].reasoning == "Adding two and two."
    fake_provider.clear()
    async_to_sync(_stream)(plan.endpoint, request)
    sent = fake_provider.last_request
    assert sent.path == "/v1/messages"
    # Anthropic's shape: the prompt in `system`, alternating turns, no foreign reasoning.
    assert sent.body["system"] == "You are terse."
    assert sent.body["messages"] == [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ]
    assert "Adding two" not in repr(sent.body)

    prepared = services.generation_store(plan=plan)
    assert prepared.assistant_message.endpoint == "FakeClaude"
    assert prepared.assistant_message.model == "claude-fake"
    reply.refresh_from_db()
    assert (reply.endpoint, reply.model) == ("Fake", "fake-chat")
    assert get_registry().get("FakeClaude") is plan.endpoint
