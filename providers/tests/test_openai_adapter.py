"""The OpenAI adapter, run with the real SDK against the fake provider."""

from __future__ import annotations

import socket
import time

import pytest

from providers.base import ChatMessage, ChatRequest, Done, ErrorCode, ProviderError, ReasoningDelta, TextDelta, Usage
from providers.demo_text import demo_reasoning, demo_reply, split_tokens
from providers.openai_adapter import OpenAIProvider, is_reasoning_model
from providers.registry import Endpoint
from providers.tests.conftest import API_KEY, collect
from providers.tests.helpers import reasoning_of, text_of, three_turn_request
from providers.tokens import count_messages, count_tokens

PROMPT = "Compare two sorting algorithms"
REPLY = demo_reply(PROMPT)


def chat(model: str = "gpt-4o", system: str = "Be brief", **params) -> ChatRequest:
    return three_turn_request(model, PROMPT, system, **params)


def server_prompt_tokens(*texts: str) -> int:
    return sum(len(split_tokens(text)) for text in texts)


# --- Chat Completions ----------------------------------------------------------------------------
async def test_stream_yields_the_reply_usage_and_done(make_provider, fake_server):
    events, error = await collect(make_provider().stream(chat()))
    assert error is None
    assert text_of(events) == REPLY
    assert events[-2] == Usage(
        prompt_tokens=server_prompt_tokens("Be brief", "Hello", "Hi! How can I help?", PROMPT),
        completion_tokens=len(split_tokens(REPLY)),
    )
    assert events[-1] == Done("stop")
    body = fake_server.last_request.body
    assert fake_server.last_request.path == "/v1/chat/completions"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
        {"role": "user", "content": PROMPT},
    ]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


async def test_librechat_params_are_mapped(make_provider, fake_server):
    request = chat(
        temperature=0.4,
        top_p=0.9,
        maxOutputTokens=300,
        stop=["END"],
        presence_penalty=0.1,
        frequency_penalty=0.2,
        unknown_param="not sent",
    )
    await collect(make_provider().stream(request))
    body = fake_server.last_request.body
    assert body["temperature"] == 0.4 and body["top_p"] == 0.9 and body["max_tokens"] == 300
    assert body["stop"] == ["END"] and body["presence_penalty"] == 0.1 and body["frequency_penalty"] == 0.2
    assert "unknown_param" not in body and "max_completion_tokens" not in body


async def test_reasoning_models_get_max_completion_tokens_and_effort_but_no_sampling(make_provider, fake_server):
    assert is_reasoning_model("o4-mini") and is_reasoning_model("gpt-5-mini") and not is_reasoning_model("gpt-4o")
    await collect(make_provider().stream(chat("o4-mini", temperature=0.4, max_tokens=500, reasoning_effort="high")))
    body = fake_server.last_request.body
    assert body["max_completion_tokens"] == 500 and body["reasoning_effort"] == "high"
    assert "temperature" not in body and "max_tokens" not in body


async def test_max_tokens_reached_is_finish_reason_length(make_provider):
    events, error = await collect(make_provider().stream(chat(max_tokens=5)))
    assert error is None
    assert text_of(events) == "".join(split_tokens(REPLY)[:5])
    assert events[-1] == Done("length")


# deepseek-* streams delta.reasoning_content, openrouter/* delta.reasoning.
@pytest.mark.parametrize("model", ["deepseek-reasoner", "openrouter/r1"])
async def test_chat_reasoning_deltas_come_before_the_text(make_provider, model):
    events, error = await collect(make_provider().stream(chat(model)))
    assert error is None
    assert reasoning_of(events) == demo_reasoning(PROMPT)
    kinds = [type(event) for event in events]
    assert kinds.index(TextDelta) > max(index for index, kind in enumerate(kinds) if kind is ReasoningDelta)
    assert text_of(events) == REPLY


async def test_drop_params_removes_keys_and_usage_is_then_counted_offline(make_provider, fake_server):
    provider = make_provider(drop_params=["stream_options", "temperature"])
    events, error = await collect(provider.stream(chat(temperature=0.5)))
    assert error is None
    body = fake_server.last_request.body
    assert "stream_options" not in body and "temperature" not in body
    # Without include_usage the server reports no usage: the adapter counts with tiktoken.
    request = chat()
    assert events[-2] == Usage(
        prompt_tokens=count_messages(request.messages, request.system, "gpt-4o"),
        completion_tokens=count_tokens(REPLY, "gpt-4o"),
    )


async def test_drop_params_never_removes_the_model_or_messages(make_provider, fake_server):
    events, error = await collect(make_provider(drop_params=["model", "messages"]).stream(chat()))
    assert error is None and text_of(events) == REPLY
    assert fake_server.last_request.body["model"] == "gpt-4o"


async def test_add_params_adds_named_and_unnamed_keys(make_provider, fake_server):
    provider = make_provider(add_params={"custom_flag": True, "temperature": 0.1, "seed": 7})
    await collect(provider.stream(chat(temperature=0.9)))
    body = fake_server.last_request.body
    assert body["custom_flag"] is True and body["temperature"] == 0.1 and body["seed"] == 7


async def test_endpoint_headers_and_key_arrive(make_provider, fake_server):
    await collect(make_provider(headers={"X-Team": "blue", "HTTP-Referer": "https://chat.example"}).stream(chat()))
    recorded = fake_server.last_request
    assert recorded.header("x-team") == "blue" and recorded.header("http-referer") == "https://chat.example"
    assert recorded.header("authorization") == f"Bearer {API_KEY}"


async def test_images_are_sent_as_content_parts(make_provider, fake_server):
    image = {"url": "data:image/png;base64,iVBORw0KGgo="}
    request = ChatRequest(model="gpt-4o", messages=[ChatMessage(role="user", text="What is this?", images=[image])])
    await collect(make_provider().stream(request))
    assert fake_server.last_request.body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": image["url"]}},
            ],
        }
    ]


async def test_complete_is_one_non_streamed_request(make_provider, fake_server):
    assert await make_provider().complete(chat("fake-echo", temperature=0.2)) == PROMPT
    body = fake_server.last_request.body
    assert body.get("stream") is False and "stream_options" not in body and body["temperature"] == 0.2


async def test_list_models(make_provider, fake_server):
    assert await make_provider().list_models() == fake_server.models


async def test_client_is_reused_within_a_loop(make_provider):
    provider = make_provider()
    assert provider.client() is provider.client()


# --- Responses API -------------------------------------------------------------------------------
@pytest.mark.parametrize("switch", ["endpoint", "param"])
async def test_responses_api_stream(make_provider, fake_server, switch):
    provider = make_provider(use_responses_api=switch == "endpoint")
    params = {"useResponsesApi": True} if switch == "param" else {}
    events, error = await collect(provider.stream(chat("gpt-4.1", max_tokens=2000, **params)))
    assert error is None
    assert fake_server.last_request.path == "/v1/responses"
    body = fake_server.last_request.body
    assert body["instructions"] == "Be brief" and body["max_output_tokens"] == 2000
    assert body["input"] == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
        {"role": "user", "content": PROMPT},
    ]
    assert "useResponsesApi" not in body
    assert text_of(events) == REPLY
    assert events[-2] == Usage(
        prompt_tokens=server_prompt_tokens("Be brief", "Hello", "Hi! How can I help?", PROMPT),
        completion_tokens=len(split_tokens(REPLY)),
    )
    assert events[-1] == Done("stop")


async def test_responses_api_reasoning_summary(make_provider, fake_server):
    provider = make_provider(use_responses_api=True)
    events, error = await collect(provider.stream(chat("o4-mini", reasoning_effort="low")))
    assert error is None
    assert fake_server.last_request.body["reasoning"] == {"effort": "low", "summary": "auto"}
    assert reasoning_of(events) == demo_reasoning(PROMPT)
    assert text_of(events) == REPLY
    first_text = next(index for index, event in enumerate(events) if isinstance(event, TextDelta))
    assert all(not isinstance(event, ReasoningDelta) for event in events[first_text:])


async def test_responses_api_incomplete_is_length(make_provider):
    events, error = await collect(make_provider(use_responses_api=True).stream(chat("gpt-4.1", max_tokens=3)))
    assert error is None and events[-1] == Done("length")


async def test_responses_api_complete(make_provider, fake_server):
    assert await make_provider(use_responses_api=True).complete(chat("gpt-4.1-echo")) == PROMPT
    assert fake_server.last_request.path == "/v1/responses"
    assert fake_server.last_request.body.get("stream") is False


# --- Failures ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "code", "status"),
    [
        ("fake-error-401", ErrorCode.AUTH, 401),
        ("fake-error-429", ErrorCode.RATE_LIMIT, 429),
        ("fake-error-500", ErrorCode.SERVER, 500),
        ("fake-error-404", ErrorCode.NOT_FOUND, 404),
    ],
)
@pytest.mark.parametrize("responses", [False, True])
async def test_http_errors_become_provider_errors(make_provider, model, code, status, responses):
    events, error = await collect(make_provider(use_responses_api=responses).stream(chat(model)))
    assert events == [] and error is not None
    assert error.code == code and error.status == status
    assert API_KEY not in str(error) and API_KEY not in error.detail


async def test_rejected_key_is_auth_error_without_the_key(make_provider):
    provider = make_provider(api_key="bad-key")
    _, error = await collect(provider.stream(chat()))
    assert error is not None and error.code == ErrorCode.AUTH
    # The server echoes the key it was given, as OpenAI does; the adapter must not pass it on.
    assert "bad-key" not in error.detail and "bad-key" not in str(error)
    with pytest.raises(ProviderError) as raised:
        await make_provider(api_key=API_KEY).complete(chat("fake-error-401"))
    assert raised.value.code == ErrorCode.AUTH and API_KEY not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


async def test_unreachable_server_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = Endpoint(
        name="Gone", kind="openai", label="Gone", models=[], base_url=f"http://127.0.0.1:{port}/v1", api_key=API_KEY
    )
    provider = OpenAIProvider(endpoint)
    _, error = await collect(provider.stream(chat()))
    await provider.aclose()
    assert error is not None and error.code == ErrorCode.CONNECTION


@pytest.mark.parametrize("responses", [False, True])
async def test_cut_stream_is_interrupted_after_the_partial_text(make_provider, responses):
    events, error = await collect(make_provider(use_responses_api=responses).stream(chat("fake-cut")))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])
    assert not any(isinstance(event, Done | Usage) for event in events)


@pytest.mark.parametrize("responses", [False, True])
async def test_stalled_stream_times_out(make_provider, settings, responses):
    settings.PROVIDER_IDLE_TIMEOUT = 0.3
    started = time.monotonic()
    events, error = await collect(make_provider(use_responses_api=responses).stream(chat("fake-stall")))
    assert time.monotonic() - started < 3
    assert error is not None and error.code == ErrorCode.TIMEOUT
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])


@pytest.mark.parametrize("responses", [False, True])
async def test_stream_ending_without_a_finish_is_interrupted(make_provider, responses):
    events, error = await collect(make_provider(use_responses_api=responses).stream(chat("fake-unfinished")))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])
