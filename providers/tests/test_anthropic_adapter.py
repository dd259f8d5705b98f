"""The Anthropic adapter, run with the real SDK against the fake provider."""

from __future__ import annotations

import time

import pytest

from providers.anthropic_adapter import anthropic_messages
from providers.base import ChatMessage, ChatRequest, Done, ErrorCode, ProviderError, ReasoningDelta, TextDelta, Usage
from providers.demo_text import demo_reasoning, demo_reply, split_tokens
from providers.tests.conftest import API_KEY, collect
from providers.tests.helpers import reasoning_of, text_of, three_turn_request

PROMPT = "Explain recursion with an example"
REPLY = demo_reply(PROMPT)
REASONING = demo_reasoning(PROMPT)


def chat(model: str = "claude-fake", system: str = "Be brief", **params) -> ChatRequest:
    return three_turn_request(model, PROMPT, system, **params)


async def test_stream_yields_the_reply_usage_and_done(make_provider, fake_server):
    events, error = await collect(make_provider("anthropic").stream(chat()))
    assert error is None
    assert text_of(events) == REPLY and reasoning_of(events) == ""
    prompt_tokens = sum(len(split_tokens(text)) for text in ("Be brief", "Hello", "Hi! How can I help?", PROMPT))
    assert events[-2] == Usage(prompt_tokens=prompt_tokens, completion_tokens=len(split_tokens(REPLY)))
    assert events[-1] == Done("stop")
    recorded = fake_server.last_request
    assert recorded.path == "/v1/messages"
    # This SDK version sends the key as a bearer token; older ones used x-api-key.
    assert API_KEY in (recorded.header("x-api-key"), recorded.header("authorization").removeprefix("Bearer "))
    assert recorded.header("anthropic-version")
    body = recorded.body
    assert body["system"] == "Be brief" and body["max_tokens"] == 4096 and body["stream"] is True
    assert "thinking" not in body
    assert body["messages"] == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
        {"role": "user", "content": PROMPT},
    ]


async def test_sampling_params_and_stop_sequences(make_provider, fake_server):
    request = chat(temperature=0.3, topP=0.8, topK=40, maxOutputTokens=1000, stop="END")
    await collect(make_provider("anthropic").stream(request))
    body = fake_server.last_request.body
    assert body["temperature"] == 0.3 and body["top_p"] == 0.8 and body["top_k"] == 40
    assert body["max_tokens"] == 1000 and body["stop_sequences"] == ["END"]


@pytest.mark.parametrize("params", [{"thinking": True}, {"thinking_budget": 3000}, {"thinkingBudget": 3000}])
async def test_thinking_streams_reasoning_before_the_text(make_provider, fake_server, params):
    events, error = await collect(make_provider("anthropic").stream(chat(temperature=0.5, **params)))
    assert error is None
    assert reasoning_of(events) == REASONING and text_of(events) == REPLY
    last_reasoning = max(index for index, event in enumerate(events) if isinstance(event, ReasoningDelta))
    first_text = next(index for index, event in enumerate(events) if isinstance(event, TextDelta))
    assert last_reasoning < first_text
    body = fake_server.last_request.body
    budget = params.get("thinking_budget") or params.get("thinkingBudget") or 2000
    assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
    # Anthropic refuses sampling parameters with thinking on.
    assert "temperature" not in body
    assert events[-2].completion_tokens == len(split_tokens(REPLY)) + len(split_tokens(REASONING))


async def test_thinking_budget_is_kept_valid(make_provider, fake_server):
    provider = make_provider("anthropic")
    await collect(provider.stream(chat(thinking=True, thinking_budget=100)))
    assert fake_server.last_request.body["thinking"]["budget_tokens"] == 1024
    await collect(provider.stream(chat(thinking=True, thinking_budget=2000, max_tokens=1500)))
    body = fake_server.last_request.body
    assert body["thinking"]["budget_tokens"] == 2000 and body["max_tokens"] > 2000


async def test_explicit_thinking_false_wins_over_a_budget(make_provider, fake_server):
    events, _ = await collect(make_provider("anthropic").stream(chat(thinking=False, thinking_budget=3000)))
    assert "thinking" not in fake_server.last_request.body and reasoning_of(events) == ""


async def test_max_tokens_stop_reason_is_length(make_provider):
    events, error = await collect(make_provider("anthropic").stream(chat(max_tokens=4)))
    assert error is None
    assert text_of(events) == "".join(split_tokens(REPLY)[:4])
    assert events[-1] == Done("length")


def test_messages_merge_same_role_neighbours_and_drop_empty_ones():
    messages = [
        ChatMessage(role="system", text="folded into system"),
        ChatMessage(role="assistant", text="Welcome"),
        ChatMessage(role="user", text="first"),
        ChatMessage(role="user", text="  "),
        ChatMessage(role="user", text="second"),
        ChatMessage(role="assistant", text=""),
        ChatMessage(role="user", text="third", images=[{"url": "data:image/png;base64,iVBORw0KGgo="}]),
        ChatMessage(role="assistant", text="reply"),
        ChatMessage(role="assistant", text="more"),
    ]
    assert anthropic_messages(messages) == [
        {"role": "assistant", "content": "Welcome"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "first"},
                {"type": "text", "text": "second"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "text", "text": "third"},
            ],
        },
        {"role": "assistant", "content": "reply\n\nmore"},
    ]


async def test_system_messages_join_the_system_prompt(make_provider, fake_server):
    request = ChatRequest(
        model="claude-fake",
        messages=[ChatMessage(role="system", text="Use metric units."), ChatMessage(role="user", text="hi")],
        system="Be brief",
    )
    await collect(make_provider("anthropic").stream(request))
    body = fake_server.last_request.body
    assert body["system"] == "Be brief\n\nUse metric units."
    assert body["messages"] == [{"role": "user", "content": "hi"}]


async def test_endpoint_params_and_headers(make_provider, fake_server):
    provider = make_provider(
        "anthropic", drop_params=["top_k"], add_params={"metadata": {"user_id": "u1"}}, headers={"X-Team": "red"}
    )
    await collect(provider.stream(chat(top_k=5, temperature=0.2)))
    recorded = fake_server.last_request
    assert "top_k" not in recorded.body and recorded.body["temperature"] == 0.2
    assert recorded.body["metadata"] == {"user_id": "u1"}
    assert recorded.header("x-team") == "red"


async def test_complete_returns_the_text_blocks(make_provider, fake_server):
    assert await make_provider("anthropic").complete(chat("claude-echo", thinking=True)) == PROMPT
    assert fake_server.last_request.body.get("stream") is False


async def test_list_models(make_provider, fake_server):
    assert await make_provider("anthropic").list_models() == fake_server.models


@pytest.mark.parametrize(
    ("model", "code", "status"),
    [
        ("claude-error-401", ErrorCode.AUTH, 401),
        ("claude-error-429", ErrorCode.RATE_LIMIT, 429),
        ("claude-error-500", ErrorCode.SERVER, 500),
        ("claude-error-529", ErrorCode.SERVER, 529),
    ],
)
async def test_http_errors_become_provider_errors(make_provider, model, code, status):
    events, error = await collect(make_provider("anthropic").stream(chat(model)))
    assert events == [] and error is not None
    assert error.code == code and error.status == status
    # The fake echoes the key in its 401 message; the adapter must not pass it on.
    assert API_KEY not in str(error) and API_KEY not in error.detail


async def test_rejected_key_on_complete_is_auth_error(make_provider):
    with pytest.raises(ProviderError) as raised:
        await make_provider("anthropic", api_key="bad-key").complete(chat())
    assert raised.value.code == ErrorCode.AUTH and "bad-key" not in raised.value.detail


async def test_cut_stream_is_interrupted_after_the_partial_text(make_provider):
    events, error = await collect(make_provider("anthropic").stream(chat("claude-cut")))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])
    assert not any(isinstance(event, Done | Usage) for event in events)


async def test_stalled_stream_times_out(make_provider, settings):
    settings.PROVIDER_IDLE_TIMEOUT = 0.3
    started = time.monotonic()
    events, error = await collect(make_provider("anthropic").stream(chat("claude-stall")))
    assert time.monotonic() - started < 3
    assert error is not None and error.code == ErrorCode.TIMEOUT
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])


async def test_stream_ending_without_a_stop_reason_is_interrupted(make_provider):
    events, error = await collect(make_provider("anthropic").stream(chat("claude-unfinished")))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])
