"""The Bedrock adapter: boto3's real `converse_stream` reading the fake's binary event stream."""

from __future__ import annotations

import pytest

from providers.base import ChatMessage, ChatRequest, Done, ErrorCode, ReasoningDelta, TextDelta, Usage
from providers.bedrock_adapter import BedrockProvider, bedrock_messages
from providers.demo_text import demo_reasoning, demo_reply, split_tokens
from providers.fake_server import FakeProviderServer
from providers.registry import Endpoint
from providers.tests.conftest import collect
from providers.tests.helpers import reasoning_of, text_of, three_turn_request

PROMPT = "Explain recursion with an example"
REPLY = demo_reply(PROMPT)
SECRET = "bedrock-secret-access-key-0123456789"
CLAUDE = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def bedrock(server: FakeProviderServer, access_key: str = "AKIDEXAMPLE", **options) -> BedrockProvider:
    return BedrockProvider(
        Endpoint(name="bedrock", kind="bedrock", label="AWS Bedrock", models=[CLAUDE], api_key=SECRET,
                 base_url=server.url, options={"region": "eu-west-1", "access_key_id": access_key, **options})
    )


async def test_stream_text_usage_and_signed_request(fake_server):
    provider = bedrock(fake_server)
    events, error = await collect(provider.stream(three_turn_request(CLAUDE, PROMPT, temperature=0.4, max_tokens=900)))
    assert error is None
    assert text_of(events) == REPLY
    prompt_tokens = sum(len(split_tokens(text)) for text in ("Be brief", "Hello", "Hi! How can I help?", PROMPT))
    assert events[-2] == Usage(prompt_tokens=prompt_tokens, completion_tokens=len(split_tokens(REPLY)))
    assert events[-1] == Done("stop")
    recorded = fake_server.last_request
    assert recorded.path == "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse-stream"
    authorization = recorded.header("authorization")
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/bedrock/aws4_request" in authorization and SECRET not in authorization
    body = recorded.body
    assert body["system"] == [{"text": "Be brief"}]
    assert body["messages"][0] == {"role": "user", "content": [{"text": "Hello"}]}
    assert body["inferenceConfig"] == {"temperature": 0.4, "maxTokens": 900}


@pytest.mark.parametrize("model", ["meta.llama3-1-8b-instruct-v1:0", "mistral.mistral-large-2407-v1:0",
                                   "amazon.titan-text-premier-v1:0"])
async def test_other_model_families_stream_too(fake_server, model):
    events, error = await collect(bedrock(fake_server).stream(three_turn_request(model, PROMPT, thinking=True)))
    assert error is None and text_of(events) == REPLY
    # Thinking is Anthropic's field: other families do not get it.
    assert "additionalModelRequestFields" not in fake_server.last_request.body


async def test_claude_thinking_streams_reasoning_first(fake_server):
    events, error = await collect(bedrock(fake_server).stream(three_turn_request(CLAUDE, PROMPT, thinking=True,
                                                                                  temperature=0.5)))
    assert error is None
    assert reasoning_of(events) == demo_reasoning(PROMPT) and text_of(events) == REPLY
    last_reasoning = max(i for i, event in enumerate(events) if isinstance(event, ReasoningDelta))
    assert last_reasoning < next(i for i, event in enumerate(events) if isinstance(event, TextDelta))
    body = fake_server.last_request.body
    assert body["additionalModelRequestFields"]["thinking"] == {"type": "enabled", "budget_tokens": 2000}
    assert "temperature" not in body["inferenceConfig"] and body["inferenceConfig"]["maxTokens"] > 2000


async def test_inference_profile_replaces_the_model_id(fake_server):
    arn = "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123"
    provider = bedrock(fake_server, inference_profiles={CLAUDE: arn})
    await collect(provider.stream(three_turn_request(CLAUDE, PROMPT)))
    assert fake_server.last_request.path.startswith("/model/arn%3Aaws%3Abedrock")


@pytest.mark.parametrize(
    ("model", "code", "status"),
    [("meta.error-403", ErrorCode.AUTH, 403), ("meta.error-429", ErrorCode.RATE_LIMIT, 429),
     ("meta.error-500", ErrorCode.SERVER, 500), ("meta.error-400", ErrorCode.BAD_REQUEST, 400)],
)
async def test_http_errors_are_translated(fake_server, model, code, status):
    events, error = await collect(bedrock(fake_server).stream(three_turn_request(model, PROMPT)))
    assert events == [] and error is not None
    assert (error.code, error.status) == (code, status)
    assert SECRET not in error.detail and str(error.user_message)


async def test_unknown_access_key_is_an_auth_error(fake_server):
    _, error = await collect(bedrock(fake_server, access_key="bad-key").stream(three_turn_request(CLAUDE, PROMPT)))
    assert error is not None and error.code == ErrorCode.AUTH
    assert "UnrecognizedClientException" in error.detail


async def test_exception_inside_the_stream_keeps_the_text(fake_server):
    events, error = await collect(bedrock(fake_server).stream(three_turn_request("meta.stream-error", PROMPT)))
    assert error is not None and error.code == ErrorCode.SERVER
    assert "modelStreamErrorException" in error.detail
    assert text_of(events) == "".join(split_tokens(REPLY)[:3])


async def test_cut_stream_keeps_the_text_and_is_interrupted(fake_server):
    events, error = await collect(bedrock(fake_server).stream(three_turn_request("meta.cut", PROMPT)))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    assert text_of(events) and REPLY.startswith(text_of(events))


async def test_closing_early_stops_the_reader(fake_server):
    fake_server.tokens_per_second = 200
    stream = bedrock(fake_server).stream(three_turn_request(CLAUDE, PROMPT))
    first = await anext(stream)
    await stream.aclose()
    assert isinstance(first, TextDelta)


async def test_complete_uses_converse(fake_server):
    text = await bedrock(fake_server).complete(three_turn_request("meta.echo", "just this"))
    assert text == "just this" and fake_server.last_request.path.endswith("/converse")


def test_messages_start_with_the_user_alternate_and_carry_images_as_bytes():
    request = ChatRequest(
        model=CLAUDE,
        system="",
        messages=[
            ChatMessage(role="assistant", text="Welcome!"),
            ChatMessage(role="user", text="Look", images=[{"url": "data:image/jpeg;base64,/9j/4AAQ"}]),
            ChatMessage(role="user", text="again"),
            ChatMessage(role="assistant", text="<think>hmm</think>A cat.", reasoning="signed elsewhere"),
        ],
    )
    system, messages = bedrock_messages(request)
    assert system == []
    assert [message["role"] for message in messages] == ["user", "assistant"]
    image = messages[0]["content"][0]["image"]
    assert image["format"] == "jpeg" and isinstance(image["source"]["bytes"], bytes)
    assert messages[0]["content"][1:] == [{"text": "Look"}, {"text": "again"}]
    assert messages[1]["content"] == [{"text": "A cat."}]
