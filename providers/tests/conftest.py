"""Fixtures for provider tests: one fake provider server per session, endpoints and adapters pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from providers.base import Event, ProviderError
from providers.fake_server import FakeProviderServer
from providers.registry import Endpoint

API_KEY = "fake-provider-test-key-42"


@pytest.fixture(scope="session")
def fake_server_session() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as server:
        yield server


@pytest.fixture
def fake_server(fake_server_session: FakeProviderServer) -> FakeProviderServer:
    """The session's server with its recordings cleared and its speed reset."""
    server = fake_server_session
    server.clear()
    server.tokens_per_second = 0
    server.first_token_delay = 0
    server.stall_seconds = 30
    return server


def make_endpoint(server: FakeProviderServer, kind: str = "openai", **overrides: Any) -> Endpoint:
    fields: dict[str, Any] = {
        "name": "Fake" if kind == "openai" else "FakeClaude",
        "kind": kind,
        "label": "Fake",
        "models": ["fake-chat"],
        # OpenAI's SDK wants the /v1 prefix in the base URL; Anthropic's adds it itself.
        "base_url": f"{server.url}/v1" if kind == "openai" else server.url,
        "api_key": API_KEY,
        "custom": True,
    }
    fields.update(overrides)
    return Endpoint(**fields)


@pytest.fixture
async def make_provider(fake_server: FakeProviderServer) -> AsyncIterator[Callable[..., Any]]:
    """Build adapters for endpoints on the fake server; their clients are closed afterwards."""
    from providers.anthropic_adapter import AnthropicProvider
    from providers.openai_adapter import OpenAIProvider

    made: list[Any] = []

    def make(kind: str = "openai", **overrides: Any) -> Any:
        endpoint = make_endpoint(fake_server, kind, **overrides)
        provider = AnthropicProvider(endpoint) if kind == "anthropic" else OpenAIProvider(endpoint)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


async def collect(stream: AsyncIterator[Event]) -> tuple[list[Event], ProviderError | None]:
    """Every event of a stream, and the ProviderError that ended it, if one did."""
    events: list[Event] = []
    try:
        async for event in stream:
            events.append(event)
    except ProviderError as error:
        return events, error
    return events, None


@pytest.fixture
async def closing() -> AsyncIterator[Callable[[Any], Any]]:
    """Register an adapter to be closed after the test (clients hold connections)."""
    made: list[Any] = []

    def keep(provider: Any) -> Any:
        made.append(provider)
        return provider

    yield keep
    for provider in made:
        close = getattr(provider, "aclose", None)
        if close is not None:
            await close()
