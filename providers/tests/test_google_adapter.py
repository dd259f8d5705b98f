"""The Google adapter: the real google-genai SDK against the fake's Gemini and Vertex AI paths."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from providers.base import ChatMessage, ChatRequest, Done, ErrorCode, ReasoningDelta, TextDelta, Usage
from providers.demo_text import demo_reasoning, demo_reply, split_tokens
from providers.fake_server import GOOGLE_ACCESS_TOKEN, FakeProviderServer
from providers.google_adapter import GoogleProvider, gemini_contents
from providers.registry import Endpoint
from providers.tests.conftest import collect
from providers.tests.helpers import reasoning_of, text_of, three_turn_request

PROMPT = "Explain recursion with an example"
REPLY = demo_reply(PROMPT)
GOOGLE_KEY = "google-test-key-0123456789"


def gemini(server: FakeProviderServer, key: str = GOOGLE_KEY, **options) -> GoogleProvider:
    return GoogleProvider(
        Endpoint(name="google", kind="google", label="Google", models=["gemini-2.5-flash"], api_key=key,
                 base_url=server.url, options=options)
    )


async def test_stream_text_usage_and_request_shape(fake_server, closing):
    provider = closing(gemini(fake_server))
    events, error = await collect(provider.stream(three_turn_request("gemini-2.5-flash", PROMPT, temperature=0.2)))
    assert error is None
    assert text_of(events) == REPLY and reasoning_of(events) == ""
    prompt_tokens = sum(len(split_tokens(text)) for text in ("Be brief", "Hello", "Hi! How can I help?", PROMPT))
    assert events[-2] == Usage(prompt_tokens=prompt_tokens, completion_tokens=len(split_tokens(REPLY)))
    assert events[-1] == Done("stop")
    recorded = fake_server.last_request
    assert recorded.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    assert recorded.header("x-goog-api-key") == GOOGLE_KEY
    body = recorded.body
    assert body["systemInstruction"]["parts"] == [{"text": "Be brief"}]
    assert [item["role"] for item in body["contents"]] == ["user", "model", "user"]
    assert body["generationConfig"]["temperature"] == 0.2


async def test_thoughts_stream_as_reasoning(fake_server, closing):
    provider = closing(gemini(fake_server))
    events, error = await collect(provider.stream(three_turn_request("gemini-2.5-flash", PROMPT, thinking_budget=512)))
    assert error is None
    assert reasoning_of(events) == demo_reasoning(PROMPT) and text_of(events) == REPLY
    kinds = [type(event) for event in events if isinstance(event, TextDelta | ReasoningDelta)]
    assert kinds.index(TextDelta) > max(i for i, kind in enumerate(kinds) if kind is ReasoningDelta)
    config = fake_server.last_request.body["generationConfig"]
    thinking = config.get("thinkingConfig") or config["thinking_config"]
    # The SDK sends this nested config in either spelling; Google reads both.
    assert {key.replace("_", "").lower(): value for key, value in thinking.items()} == {
        "includethoughts": True, "thinkingbudget": 512,
    }


async def test_max_tokens_gives_length(fake_server, closing):
    provider = closing(gemini(fake_server))
    events, _ = await collect(provider.stream(three_turn_request("gemini-2.5-flash", PROMPT, max_tokens=5)))
    assert events[-1] == Done("length")
    assert fake_server.last_request.body["generationConfig"]["maxOutputTokens"] == 5


@pytest.mark.parametrize(
    ("model", "code", "status"),
    [("gemini-error-401", ErrorCode.AUTH, 401), ("gemini-error-429", ErrorCode.RATE_LIMIT, 429),
     ("gemini-error-500", ErrorCode.SERVER, 500)],
)
async def test_http_errors_are_translated(fake_server, closing, model, code, status):
    provider = closing(gemini(fake_server))
    events, error = await collect(provider.stream(three_turn_request(model, PROMPT)))
    assert events == [] and error is not None
    assert (error.code, error.status) == (code, status)
    assert str(error.user_message)


async def test_an_invalid_key_is_an_auth_error_though_google_says_400(fake_server, closing):
    provider = closing(gemini(fake_server, key="bad-key"))
    _, error = await collect(provider.stream(three_turn_request("gemini-2.5-flash", PROMPT)))
    assert error is not None and error.code == ErrorCode.AUTH and error.status == 400
    assert "bad-key" not in error.detail


async def test_cut_stream_keeps_the_text_and_is_interrupted(fake_server, closing):
    provider = closing(gemini(fake_server))
    events, error = await collect(provider.stream(three_turn_request("gemini-cut", PROMPT)))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) and REPLY.startswith(text_of(events))


async def test_vertex_signs_in_with_the_service_account_and_uses_the_publisher_path(fake_server, closing, tmp_path):
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "proj-from-file", "private_key_id": "kid",
        "private_key": private_key.decode(), "client_email": "chat@proj-from-file.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": f"{fake_server.url}/token",
    }))
    provider = closing(
        gemini(fake_server, key="", vertex=True, service_key_file=str(key_file), location="europe-west4")
    )
    events, error = await collect(provider.stream(three_turn_request("gemini-2.5-flash", PROMPT)))
    assert error is None and text_of(events) == REPLY
    token_request, chat_request = fake_server.requests[-2:]
    assert token_request.path == "/token"
    assert chat_request.path == (
        "/v1beta1/projects/proj-from-file/locations/europe-west4/publishers/google/models/"
        "gemini-2.5-flash:streamGenerateContent?alt=sse"
    )
    assert chat_request.header("authorization") == f"Bearer {GOOGLE_ACCESS_TOKEN}"


async def test_complete_returns_text_without_thoughts(fake_server, closing):
    provider = closing(gemini(fake_server))
    text = await provider.complete(three_turn_request("gemini-echo", "only this", thinking=True))
    assert text == "only this"
    assert fake_server.last_request.path.endswith(":generateContent")


def test_contents_merge_turns_and_place_the_system_prompt():
    request = ChatRequest(
        model="gemini-2.5-flash",
        system="Be brief",
        messages=[
            ChatMessage(role="system", text="Answer in French"),
            ChatMessage(role="user", text="One"),
            ChatMessage(role="user", text="Two", images=[{"url": "data:image/png;base64,iVBORw0KGgo="}]),
            ChatMessage(role="assistant", text="<think>private</think>Réponse", reasoning="hidden"),
            ChatMessage(role="user", text="Three"),
        ],
    )
    system, contents = gemini_contents(request)
    assert system == "Be brief\n\nAnswer in French"
    assert [item["role"] for item in contents] == ["user", "model", "user"]
    first = contents[0]["parts"]
    assert first[0] == {"text": "One"}
    assert first[1] == {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}}
    assert first[2] == {"text": "Two"}
    assert contents[1]["parts"] == [{"text": "Réponse"}]
