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


@pytest.fixture
def google_and_bedrock(settings, fake_endpoints, fake_provider):
    """The built-in Google and Bedrock endpoints, switched on by their settings, served by the fake."""
    from providers.registry import reset_registry

    settings.GOOGLE_KEY = "google-test-key"
    settings.GOOGLE_SERVICE_KEY_FILE = ""
    settings.GOOGLE_BASE_URL = fake_provider.url
    settings.GOOGLE_MODELS = ["gemini-2.5-flash"]
    settings.BEDROCK_REGION = "eu-west-1"
    settings.BEDROCK_ACCESS_KEY_ID = "AKIDTEST"
    settings.BEDROCK_SECRET_ACCESS_KEY = "bedrock-secret"
    settings.BEDROCK_ENDPOINT_URL = fake_provider.url
    settings.BEDROCK_MODELS = ["anthropic.claude-3-5-sonnet-20241022-v2:0"]
    reset_registry()
    yield
    reset_registry()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("endpoint_name", "model", "path_part"),
    [("google", "gemini-2.5-flash", ":streamGenerateContent"),
     ("bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", "/converse-stream")],
)
def test_the_same_history_goes_to_gemini_and_bedrock_in_their_shapes(
    user, conversation, google_and_bedrock, fake_provider, endpoint_name, model, path_part
):
    reply = conversation.messages.get(role=Message.Role.ASSISTANT)
    plan = services.generation_plan(
        user=user, conversation_id=str(conversation.pk), parent_id=str(reply.pk), text="And 3+3?",
        endpoint_name=endpoint_name, model=model,
    )
    request, _ = _request_for(plan)
    fake_provider.clear()
    text = async_to_sync(_stream)(plan.endpoint, request)
    assert text
    sent = fake_provider.last_request
    assert path_part in sent.path
    if endpoint_name == "google":
        assert sent.body["systemInstruction"] == {"parts": [{"text": "You are terse."}]}
        assert [item["role"] for item in sent.body["contents"]] == ["user", "model", "user"]
        assert sent.body["contents"][1]["parts"] == [{"text": "4"}]
    else:
        assert sent.body["system"] == [{"text": "You are terse."}]
        assert [item["role"] for item in sent.body["messages"]] == ["user", "assistant", "user"]
        assert sent.body["messages"][1]["content"] == [{"text": "4"}]
    assert "Adding two" not in repr(sent.body)
