"""The model menu on the chat page: fetched lists, and a clear note when the fetch failed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from providers.registry import reset_registry
from tests.servers import custom_endpoint, free_port, write_librechat_yaml


@pytest.fixture
def fetching(settings, tmp_path, fake_provider, monkeypatch):
    monkeypatch.setenv("FAKE_PROVIDER_KEY", "test-key")
    good = custom_endpoint("Fetched", f"{fake_provider.url}/v1", ["fake-chat"], "FAKE_PROVIDER_KEY")
    down = custom_endpoint("Down", f"http://127.0.0.1:{free_port()}/v1", ["fallback-model"], "FAKE_PROVIDER_KEY")
    good["models"]["fetch"] = down["models"]["fetch"] = True
    settings.LIBRECHAT_CONFIG = str(write_librechat_yaml(tmp_path / "librechat.yaml", [good, down]))
    cache.clear()
    reset_registry()
    yield
    reset_registry()
    cache.clear()


def test_menu_lists_fetched_models_and_says_when_a_fetch_failed(client, user, fetching, fake_provider, caplog):
    client.force_login(user)
    page = client.get(reverse("chat:index")).content.decode()
    for model in fake_provider.models:
        assert f'value="Fetched|{model}"' in page
    assert 'value="Down|fallback-model"' in page
    assert "Down · model list could not be fetched" in page
    assert "Fetched · model list" not in page
    assert "Could not fetch the model list of endpoint 'Down'" in caplog.text
