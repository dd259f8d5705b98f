"""Fixtures for chat tests: users, a fast demo endpoint, endpoints served by the fake provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.models import User
from tests.servers import custom_endpoint, write_librechat_yaml


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(email="alice@example.org", password="a-long-password-1")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user(email="bob@example.org", password="a-long-password-2")


@pytest.fixture
def fast_streams(settings):
    """Quick flushes and saves, so streaming tests finish fast."""
    settings.STREAM_FLUSH_INTERVAL = 0.005
    settings.STREAM_SAVE_INTERVAL = 0.05
    settings.DEMO_TOKENS_PER_SECOND = 400.0
    return settings


@pytest.fixture(scope="session")
def fake_provider() -> Iterator[object]:
    from providers.fake_server import FakeProviderServer

    server = FakeProviderServer(tokens_per_second=200, stall_seconds=30).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_endpoints(settings, tmp_path: Path, fake_provider, monkeypatch):
    """A librechat.yaml with OpenAI- and Anthropic-style endpoints served by the fake provider."""
    from providers.registry import reset_registry

    monkeypatch.setenv("FAKE_PROVIDER_KEY", "test-key")
    fake_models = ["fake-chat", "fake-echo", "fake-error-401", "fake-error-429", "fake-error-500", "fake-cut",
                   "fake-stall"]
    config = write_librechat_yaml(
        tmp_path / "librechat.yaml",
        [
            custom_endpoint("Fake", f"{fake_provider.url}/v1", fake_models, "FAKE_PROVIDER_KEY",
                            titleConvo=True, titleModel="fake-chat", modelDisplayLabel="Fake AI"),
            custom_endpoint(
                "FakeClaude", fake_provider.url, ["claude-fake"], "FAKE_PROVIDER_KEY", provider="anthropic"
            ),
            custom_endpoint("NoKey", f"{fake_provider.url}/v1", ["fake-chat"], "SURELY_UNSET_VARIABLE_FOR_TESTS"),
        ],
    )
    settings.LIBRECHAT_CONFIG = str(config)
    reset_registry()
    yield config
    reset_registry()
