"""Images on the wire, per provider family: what the fake provider receives from each real SDK."""

from __future__ import annotations

import base64

from providers.base import ChatMessage, ChatRequest
from providers.bedrock_adapter import BedrockProvider
from providers.google_adapter import GoogleProvider
from providers.registry import Endpoint
from providers.tests.conftest import collect
from providers.vision import data_url

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
IMAGE_REQUEST_MESSAGES = [ChatMessage(role="user", text="What is this?", images=[{"url": data_url("image/png", PNG)}])]


async def test_openai_compatible_chat_sends_an_image_url_part(make_provider, fake_server):
    provider = make_provider("openai")
    _events, error = await collect(provider.stream(ChatRequest(model="gpt-4o", messages=IMAGE_REQUEST_MESSAGES)))
    assert error is None
    content = fake_server.last_request.body["messages"][-1]["content"]
    assert {"type": "image_url", "image_url": {"url": data_url("image/png", PNG)}} in content


async def test_anthropic_sends_a_base64_image_block(make_provider, fake_server):
    provider = make_provider("anthropic")
    request = ChatRequest(model="claude-3-5-haiku", messages=IMAGE_REQUEST_MESSAGES)
    _events, error = await collect(provider.stream(request))
    assert error is None
    content = fake_server.last_request.body["messages"][-1]["content"]
    source = {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()}
    assert {"type": "image", "source": source} in content


async def test_gemini_sends_inline_data(fake_server, closing):
    endpoint = Endpoint(name="google", kind="google", label="Google", models=["gemini-2.5-flash"],
                        api_key="google-key", base_url=fake_server.url, options={})
    provider = closing(GoogleProvider(endpoint))
    request = ChatRequest(model="gemini-2.5-flash", messages=IMAGE_REQUEST_MESSAGES)
    _events, error = await collect(provider.stream(request))
    assert error is None
    parts = fake_server.last_request.body["contents"][-1]["parts"]
    assert parts[0] == {"inline_data": {"mime_type": "image/png", "data": base64.b64encode(PNG).decode()}}
    assert parts[1] == {"text": "What is this?"}


async def test_bedrock_sends_image_bytes(fake_server):
    provider = BedrockProvider(Endpoint(name="bedrock", kind="bedrock", label="AWS Bedrock",
                                        models=["anthropic.claude-3-5-sonnet-20241022-v2:0"], api_key="secret",
                                        base_url=fake_server.url,
                                        options={"region": "eu-west-1", "access_key_id": "AKIDEXAMPLE"}))
    _events, error = await collect(provider.stream(
        ChatRequest(model="anthropic.claude-3-5-sonnet-20241022-v2:0", messages=IMAGE_REQUEST_MESSAGES)))
    assert error is None
    [message] = fake_server.last_request.body["messages"]
    # Converse's JSON carries the blob base64-encoded (boto3 encodes the bytes it was given).
    assert message["content"][0] == {"image": {"format": "png", "source": {"bytes": base64.b64encode(PNG).decode()}}}
