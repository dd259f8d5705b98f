"""`models.fetch: true`: the list comes from the service, is cached, and falls back on failure."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from providers.models import endpoint_models
from providers.registry import Endpoint
from tests.servers import free_port


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def endpoint(url: str, fetch: bool = True) -> Endpoint:
    return Endpoint(name=f"E{url}", kind="openai", label="E", models=["configured-model"], base_url=url,
                    api_key="test-key", fetch_models=fetch)


def test_fetched_models_follow_the_configured_ones_and_are_cached(fake_server):
    target = endpoint(f"{fake_server.url}/v1")
    models = endpoint_models(target)
    assert models[0] == "configured-model"
    assert set(fake_server.models) <= set(models)
    requests_before = len(fake_server.requests)
    assert endpoint_models(target) == models
    assert len(fake_server.requests) == requests_before  # served from the cache


def test_unreachable_service_falls_back_to_the_configured_list(caplog):
    target = endpoint(f"http://127.0.0.1:{free_port()}/v1")
    assert endpoint_models(target) == ["configured-model"]
    assert "Could not fetch the model list" in caplog.text
    assert "test-key" not in caplog.text


def test_without_fetch_the_service_is_not_asked(fake_server):
    requests_before = len(fake_server.requests)
    assert endpoint_models(endpoint(f"{fake_server.url}/v1", fetch=False)) == ["configured-model"]
    assert len(fake_server.requests) == requests_before


def test_a_failed_fetch_is_remembered_for_the_menu_and_cleared_by_success(fake_server):
    from providers.models import endpoint_models_error

    target = endpoint(f"{fake_server.url}/v1")
    target.api_key = "bad-key"
    assert endpoint_models(target) == ["configured-model"]
    assert endpoint_models_error(target) == "auth"
    cache.clear()
    target.api_key = "test-key"
    assert len(endpoint_models(target)) > 1
    assert endpoint_models_error(target) is None


def test_each_users_own_key_gets_its_own_list(fake_server):
    import dataclasses

    shared = endpoint(f"{fake_server.url}/v1")
    shared.user_provided = ("apiKey",)
    requests_before = len(fake_server.requests)
    # Without a user's key nothing can be asked.
    assert endpoint_models(shared) == ["configured-model"]
    assert len(fake_server.requests) == requests_before
    alice = dataclasses.replace(shared, api_key="alice-key", owner_id=1)
    bob = dataclasses.replace(shared, api_key="bad-key", owner_id=2)
    assert "gpt-4o" in endpoint_models(alice)
    assert endpoint_models(bob) == ["configured-model"]
    assert fake_server.requests[-1].header("authorization") == "Bearer bad-key"
