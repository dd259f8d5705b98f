"""The Azure OpenAI adapter: the real `AsyncAzureOpenAI` client against the fake's deployment paths."""

from __future__ import annotations

import pytest

from providers.azure_adapter import AzureOpenAIProvider
from providers.base import Done, ErrorCode, TextDelta, Usage
from providers.demo_text import demo_reply, split_tokens
from providers.fake_server import FakeProviderServer
from providers.registry import Endpoint
from providers.tests.conftest import collect
from providers.tests.helpers import text_of, three_turn_request

PROMPT = "Explain recursion with an example"
REPLY = demo_reply(PROMPT)
AZURE_KEY = "azure-test-key-0123456789"


def deployment(server: FakeProviderServer, name: str, version: str = "2024-10-21", **extra) -> dict:
    return {
        "group": "west", "deployment": name, "version": version,
        "base_url": f"{server.url}/openai/deployments/{name}", "api_key": AZURE_KEY,
        "headers": {}, "add_params": {}, "drop_params": [], **extra,
    }


def azure(server: FakeProviderServer, **models: dict) -> AzureOpenAIProvider:
    return AzureOpenAIProvider(
        Endpoint(name="azureOpenAI", kind="azure", label="Azure OpenAI", models=list(models),
                 options={"deployments": models})
    )


async def test_streams_through_the_models_deployment_with_api_version_and_key(fake_server, closing):
    provider = closing(azure(fake_server, **{"gpt-4o": deployment(fake_server, "prod-gpt4o", "2024-10-21")}))
    events, error = await collect(provider.stream(three_turn_request("gpt-4o", PROMPT)))
    assert error is None
    assert text_of(events) == REPLY
    assert isinstance(events[-2], Usage) and events[-2].completion_tokens == len(split_tokens(REPLY))
    assert events[-1] == Done("stop")
    recorded = fake_server.last_request
    assert recorded.path == "/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21"
    assert recorded.header("api-key") == AZURE_KEY
    assert recorded.body["model"] == "prod-gpt4o"
    assert recorded.body["messages"][0] == {"role": "system", "content": "Be brief"}


async def test_each_model_uses_its_own_group_settings(fake_server, closing):
    provider = closing(azure(
        fake_server,
        **{
            "gpt-4o": deployment(fake_server, "dep-a", "2024-10-21"),
            "o4-mini": deployment(fake_server, "dep-b", "2025-04-01-preview", drop_params=["stop"],
                                  add_params={"user": "librechat"}, headers={"X-Group": "east"}),
        },
    ))
    await collect(provider.stream(three_turn_request("o4-mini", PROMPT, stop=["END"], max_tokens=50)))
    recorded = fake_server.last_request
    assert recorded.path == "/openai/deployments/dep-b/chat/completions?api-version=2025-04-01-preview"
    assert recorded.header("x-group") == "east"
    # The visible model (o4-mini) decides the parameter family even though the deployment is dep-b.
    assert recorded.body["max_completion_tokens"] == 50 and "stop" not in recorded.body
    assert recorded.body["user"] == "librechat"


async def test_a_model_without_deployment_is_not_found(fake_server, closing):
    provider = closing(azure(fake_server, **{"gpt-4o": deployment(fake_server, "dep-a")}))
    _, error = await collect(provider.stream(three_turn_request("gpt-9", PROMPT)))
    assert error is not None and error.code == ErrorCode.NOT_FOUND


@pytest.mark.parametrize(
    ("name", "code", "status"),
    [("error-401", ErrorCode.AUTH, 401), ("error-429", ErrorCode.RATE_LIMIT, 429),
     ("error-500", ErrorCode.SERVER, 500)],
)
async def test_http_errors_are_translated(fake_server, closing, name, code, status):
    provider = closing(azure(fake_server, **{"m": deployment(fake_server, name)}))
    events, error = await collect(provider.stream(three_turn_request("m", PROMPT)))
    assert events == [] and error is not None
    assert error.code == code and error.status == status
    assert AZURE_KEY not in error.detail
    assert str(error.user_message)


async def test_a_rejected_key_is_an_auth_error(fake_server, closing):
    provider = closing(azure(fake_server, **{"m": deployment(fake_server, "dep", api_key="bad-key")}))
    _, error = await collect(provider.stream(three_turn_request("m", PROMPT)))
    assert error is not None and error.code == ErrorCode.AUTH and "bad-key" not in error.detail


async def test_cut_stream_keeps_the_text_and_is_interrupted(fake_server, closing):
    provider = closing(azure(fake_server, **{"m": deployment(fake_server, "dep-cut")}))
    events, error = await collect(provider.stream(three_turn_request("m", PROMPT)))
    assert error is not None and error.code == ErrorCode.INTERRUPTED
    streamed = text_of(events)
    assert streamed and REPLY.startswith(streamed) and all(isinstance(event, TextDelta) for event in events)


async def test_complete_returns_the_text(fake_server, closing):
    provider = closing(azure(fake_server, **{"m": deployment(fake_server, "dep-echo")}))
    assert await provider.complete(three_turn_request("m", "say exactly this")) == "say exactly this"
