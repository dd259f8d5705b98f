"""Conversation parameters end to end: validated per endpoint, stored, sent to the provider over
the wire, and the context size trimming older history."""

from __future__ import annotations

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from chat import services
from chat.models import Conversation
from chat.tests.helpers import connect, frames_until, send_frame


def _body_with(fake_provider, marker: str) -> dict:
    for recorded in reversed(list(fake_provider.requests)):
        body = recorded.body if isinstance(recorded.body, dict) else {}
        messages = body.get("messages") or []
        if messages and marker in json.dumps(messages[-1]):
            return body
    raise AssertionError(f"no request with {marker!r}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fast_streams")
async def test_system_prompt_and_sampling_reach_an_openai_style_provider(user, fake_endpoints, fake_provider):
    socket = await connect(user)
    marker = uuid.uuid4().hex
    parameters = {"promptPrefix": "Answer like a pirate.", "temperature": 0.3, "top_p": 0.8, "max_tokens": 300,
                  "stop": ["END"]}
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-echo", text=f"hi {marker}",
                                         parameters=parameters))
    frames = await frames_until(socket, "final", timeout=30)
    assert not frames[-1]["message"]["error"]
    body = _body_with(fake_provider, marker)
    assert body["messages"][0] == {"role": "system", "content": "Answer like a pirate."}
    assert body["temperature"] == 0.3 and body["top_p"] == 0.8 and body["max_tokens"] == 300
    assert body["stop"] == ["END"]
    stored = await database_sync_to_async(Conversation.objects.get)(pk=frames[0]["conversation"]["id"])
    assert stored.parameters == parameters
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fast_streams")
async def test_anthropic_style_names_and_thinking_reach_the_messages_api(user, fake_endpoints, fake_provider):
    socket = await connect(user)
    marker = uuid.uuid4().hex
    # OpenAI's names are taken as aliases and stored under Anthropic's (LibreChat's) names.
    parameters = {"promptPrefix": "Be brief.", "top_p": 0.5, "max_tokens": 120, "temperature": 0.2}
    await socket.send_json_to(send_frame(endpoint="FakeClaude", model="claude-fake", text=f"hi {marker}",
                                         parameters=parameters))
    frames = await frames_until(socket, "final", timeout=30)
    assert not frames[-1]["message"]["error"]
    body = _body_with(fake_provider, marker)
    assert body["system"] == "Be brief."
    assert body["top_p"] == 0.5 and body["temperature"] == 0.2 and body["max_tokens"] == 120
    stored = await database_sync_to_async(Conversation.objects.get)(pk=frames[0]["conversation"]["id"])
    assert stored.parameters == {"promptPrefix": "Be brief.", "topP": 0.5, "maxOutputTokens": 120,
                                 "temperature": 0.2}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fast_streams")
async def test_context_size_leaves_out_the_oldest_history(user, fake_endpoints, fake_provider):
    socket = await connect(user)
    long_text = "word " * 400
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-echo", text=f"oldest {long_text}"))
    first = await frames_until(socket, "final")
    conversation = first[0]["conversation"]["id"]
    marker = uuid.uuid4().hex
    await socket.send_json_to(send_frame(
        endpoint="Fake", model="fake-echo", text=f"newest {marker}", conversation=conversation,
        parent=first[-1]["message"]["id"], parameters={"maxContextTokens": 300},
    ))
    await frames_until(socket, "final")
    trimmed = _body_with(fake_provider, marker)
    assert [message["content"] for message in trimmed["messages"]] == [f"newest {marker}"]
    # Without a context size the whole history goes.
    marker = uuid.uuid4().hex
    second = await database_sync_to_async(Conversation.objects.get)(pk=conversation)
    await socket.send_json_to(send_frame(
        endpoint="Fake", model="fake-echo", text=f"again {marker}", conversation=conversation,
        parent=str(second.current_leaf_id), parameters={},
    ))
    await frames_until(socket, "final")
    whole = _body_with(fake_provider, marker)
    assert "oldest" in whole["messages"][0]["content"] and len(whole["messages"]) == 5
    await socket.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "model", "parameters", "named"),
    [
        ("Fake", "fake-chat", {"temperature": 2.5}, "Temperature"),
        ("FakeClaude", "claude-fake", {"temperature": 1.5}, "Temperature"),
        ("Fake", "fake-chat", {"max_tokens": 0}, "Max output tokens"),
        ("Fake", "fake-chat", {"max_tokens": 10.5}, "Max output tokens"),
        ("Fake", "fake-chat", {"top_p": True}, "Top P"),
        ("Fake", "fake-chat", {"stop": ["a", "b", "c", "d", "e"]}, "Stop sequences"),
        ("Fake", "fake-chat", {"promptPrefix": 5}, "Instructions"),
        ("Fake", "fake-chat", {"maxContextTokens": 10}, "Context size"),
        ("Fake", "fake-chat", {"warp_speed": 9}, "warp_speed"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(user, fake_endpoints, endpoint, model, parameters, named):
    with pytest.raises(services.ChatError) as caught:
        services.generation_prepare(user=user, conversation_id=None, parent_id=None, text="hi",
                                    endpoint_name=endpoint, model=model, parameters=parameters)
    assert caught.value.code == "invalid_parameters"
    assert named in caught.value.message
    assert Conversation.objects.count() == 0


@pytest.mark.django_db
def test_parameters_a_model_does_not_take_are_left_out(user, settings, fake_endpoints):
    # A reasoning model takes a reasoning effort but no temperature; a chat model the reverse.
    prepared = services.generation_prepare(
        user=user, conversation_id=None, parent_id=None, text="hi", endpoint_name="Demo", model="demo-chat",
        parameters={"temperature": 0.5, "promptPrefix": "Hi", "reasoning_effort": "high"},
    )
    assert prepared.conversation.parameters == {"promptPrefix": "Hi"}
    plan = services.generation_plan(
        user=user, conversation_id=None, parent_id=None, text="hi", endpoint_name="Fake", model="fake-chat",
        parameters={"temperature": 0.5, "reasoning_effort": "high", "thinking": True},
    )
    assert plan.params == {"temperature": 0.5}


@pytest.mark.django_db
def test_a_bad_value_in_the_chat_view_changes_nothing(client, user, other_user, fake_endpoints):
    prepared = services.generation_prepare(
        user=user, conversation_id=None, parent_id=None, text="hi", endpoint_name="Fake", model="fake-chat",
        parameters={"temperature": 0.5},
    )
    url = reverse("chat:parameters", args=[prepared.conversation.pk])
    client.force_login(user)
    response = client.post(url, {"endpoint": "Fake", "model": "fake-chat", "parameters": '{"temperature": 9}'})
    assert response.status_code == 400 and "Temperature" in response.json()["message"]
    prepared.conversation.refresh_from_db()
    assert prepared.conversation.parameters == {"temperature": 0.5}
    response = client.post(url, {"endpoint": "FakeClaude", "model": "claude-fake",
                                 "parameters": '{"promptPrefix": "New", "thinking": true, "topK": 7}'})
    assert response.status_code == 200
    prepared.conversation.refresh_from_db()
    # claude-fake is no extended-thinking model: `thinking` is left out.
    assert prepared.conversation.parameters == {"promptPrefix": "New", "topK": 7}
    assert prepared.conversation.endpoint == "FakeClaude"
    # Someone else's conversation does not exist for them.
    client.force_login(other_user)
    response = client.post(url, {"endpoint": "Fake", "model": "fake-chat", "parameters": "{}"})
    assert response.status_code == 404
