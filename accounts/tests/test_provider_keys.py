"""Keys users enter for `user_provided` endpoints: encrypted at rest, expiring, private, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, UserProviderKey
from accounts.selectors import ProviderKeyError, endpoint_for_user
from accounts.services import provider_key_revoke, provider_key_set
from chat import services
from providers.registry import get_registry, reset_registry
from tests.servers import custom_endpoint, write_librechat_yaml

pytestmark = pytest.mark.django_db

SECRET = "sk-user-entered-secret-9f3a"


@pytest.fixture(scope="module")
def fake_provider():
    from providers.fake_server import FakeProviderServer

    with FakeProviderServer() as server:
        yield server


@pytest.fixture
def byok(settings, tmp_path, fake_provider):
    """A librechat.yaml with an endpoint whose key each user enters, and one with user base URL too."""
    entry = custom_endpoint("MyKey", f"{fake_provider.url}/v1", ["fake-chat", "fake-echo"], "UNUSED",
                            titleConvo=True)
    entry["apiKey"] = "user_provided"
    both = custom_endpoint("MyServer", "user_provided", ["fake-chat"], "UNUSED")
    both["apiKey"] = "user_provided"
    settings.LIBRECHAT_CONFIG = str(write_librechat_yaml(tmp_path / "librechat.yaml", [entry, both]))
    reset_registry()
    yield get_registry()
    reset_registry()


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user(email="alice@example.org", password="a-long-password-1")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user(email="bob@example.org", password="a-long-password-2")


def test_user_provided_endpoint_is_available_and_asks_for_a_key(byok):
    endpoint = byok.get("MyKey")
    assert endpoint.available and endpoint.needs_user_key and endpoint.user_provided == ("apiKey",)
    assert byok.get("MyServer").user_provided == ("apiKey", "baseURL")


def test_the_key_is_encrypted_in_the_database(byok, alice):
    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET, expires_in="7d")
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_value, hint FROM accounts_userproviderkey")
        stored, hint = cursor.fetchone()
    assert SECRET not in stored and SECRET[:-4] not in stored
    assert hint == "9f3a"
    endpoint = endpoint_for_user(endpoint=byok.get("MyKey"), user=alice)
    assert endpoint.api_key == SECRET and endpoint.owner_id == alice.pk
    assert byok.get("MyKey").api_key == "user_provided"  # the shared endpoint is untouched


def test_a_changed_creds_key_cannot_read_old_keys(byok, alice, settings):
    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET)
    settings.CREDS_KEY = "another-long-random-secret-for-this-test"
    with pytest.raises(ProviderKeyError) as caught:
        endpoint_for_user(endpoint=byok.get("MyKey"), user=alice)
    assert caught.value.code == "key_unreadable"


def test_an_expired_key_asks_to_be_entered_again(byok, alice):
    key = provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET, expires_in="12h")
    assert timedelta(hours=11) < key.expires_at - timezone.now() <= timedelta(hours=12)
    UserProviderKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.ChatError) as caught:
        services.generation_plan(user=alice, conversation_id="new", parent_id=None, text="Hi",
                                 endpoint_name="MyKey", model="fake-chat")
    assert caught.value.code == "key_expired" and "expired" in caught.value.message
    assert "Enter it again" in caught.value.message


def test_never_means_no_expiry(byok, alice):
    key = provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET, expires_in="never")
    assert key.expires_at is None


def test_another_user_cannot_use_it(byok, alice, bob):
    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET)
    plan = services.generation_plan(user=alice, conversation_id="new", parent_id=None, text="Hi",
                                    endpoint_name="MyKey", model="fake-chat")
    assert plan.endpoint.api_key == SECRET
    with pytest.raises(services.ChatError) as caught:
        services.generation_plan(user=bob, conversation_id="new", parent_id=None, text="Hi",
                                 endpoint_name="MyKey", model="fake-chat")
    assert caught.value.code == "key_missing" and SECRET not in caught.value.message


def test_the_users_key_reaches_the_provider(byok, alice, fake_provider):
    from asgiref.sync import async_to_sync

    from providers.base import ChatMessage, ChatRequest
    from providers.registry import get_provider

    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET)
    endpoint = endpoint_for_user(endpoint=byok.get("MyKey"), user=alice)
    request = ChatRequest(model="fake-echo", messages=[ChatMessage(role="user", text="ping")])
    assert async_to_sync(get_provider(endpoint).complete)(request) == "ping"
    assert fake_provider.last_request.header("authorization") == f"Bearer {SECRET}"


def test_base_url_and_bad_input_are_checked(byok, alice):
    server = byok.get("MyServer")
    with pytest.raises(ProviderKeyError, match="base URL"):
        provider_key_set(user=alice, endpoint=server, api_key=SECRET, base_url="ftp://example.org")
    with pytest.raises(ProviderKeyError, match="Enter the API key"):
        provider_key_set(user=alice, endpoint=server, api_key="  ", base_url="https://8.8.8.8/v1")
    with pytest.raises(ProviderKeyError):
        provider_key_set(user=alice, endpoint=server, api_key=SECRET, base_url="https://8.8.8.8", expires_in="forever")
    assert not UserProviderKey.objects.exists()
    provider_key_set(user=alice, endpoint=server, api_key=SECRET, base_url="https://8.8.8.8/v1")
    assert endpoint_for_user(endpoint=server, user=alice).base_url == "https://8.8.8.8/v1"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:11434/v1", "http://localhost:8000/v1", "http://10.0.0.5/v1", "http://169.254.169.254/latest",
     "http://[::1]:8080/v1", "http://[::ffff:192.168.1.2]/v1"],
)
def test_a_base_url_on_a_private_address_is_refused(byok, alice, url):
    with pytest.raises(ProviderKeyError) as caught:
        provider_key_set(user=alice, endpoint=byok.get("MyServer"), api_key=SECRET, base_url=url)
    assert caught.value.code == "base_url_not_allowed"
    assert not UserProviderKey.objects.exists()


def test_allowed_addresses_let_a_private_base_url_through(settings, tmp_path, alice, fake_provider):
    entry = custom_endpoint("MyServer", "user_provided", ["fake-echo"], "UNUSED")
    entry["apiKey"] = "user_provided"
    port = fake_provider.url.rsplit(":", 1)[1]
    config = write_librechat_yaml(tmp_path / "librechat.yaml", [entry])
    allowed = f"endpoints:\n  allowedAddresses: ['127.0.0.1:{port}']\n"
    config.write_text(config.read_text().replace("endpoints:\n", allowed))
    settings.LIBRECHAT_CONFIG = str(config)
    reset_registry()
    try:
        server = get_registry().get("MyServer")
        provider_key_set(user=alice, endpoint=server, api_key=SECRET, base_url=f"{fake_provider.url}/v1")
        assert endpoint_for_user(endpoint=server, user=alice).base_url == f"{fake_provider.url}/v1"
    finally:
        reset_registry()


def test_revoke_forgets_the_key(byok, alice):
    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET)
    assert provider_key_revoke(user=alice, endpoint_name="MyKey") is True
    assert provider_key_revoke(user=alice, endpoint_name="MyKey") is False
    with pytest.raises(ProviderKeyError):
        endpoint_for_user(endpoint=byok.get("MyKey"), user=alice)


def test_settings_page_saves_shows_only_the_last_four_and_revokes(byok, alice, client):
    client.force_login(alice)
    page = client.get(reverse("provider_keys")).content.decode()
    assert "MyKey" in page and "No key saved." in page
    response = client.post(reverse("provider_keys"), {"endpoint": "MyKey", "api_key": SECRET, "expires_in": "1d"})
    assert response.status_code == 302
    page = client.get(reverse("provider_keys")).content.decode()
    assert "…9f3a" in page and SECRET not in page
    client.post(reverse("provider_keys"), {"endpoint": "MyKey", "action": "revoke"})
    assert not UserProviderKey.objects.filter(user=alice).exists()


def test_settings_page_refuses_bad_input_with_a_message(byok, alice, client):
    client.force_login(alice)
    response = client.post(reverse("provider_keys"), {"endpoint": "MyKey", "api_key": "", "expires_in": "1d"},
                           follow=True)
    assert "Enter the API key." in response.content.decode()
    response = client.post(reverse("provider_keys"), {"endpoint": "Nope", "api_key": SECRET}, follow=True)
    assert "does not take keys from users" in response.content.decode()
    assert not UserProviderKey.objects.exists()


def test_model_menu_marks_endpoints_needing_a_key(byok, alice, client):
    client.force_login(alice)
    page = client.get(reverse("chat:index")).content.decode()
    assert 'data-endpoint="MyKey" data-needs-key="true" disabled' in page
    assert "MyKey (needs your key)" in page
    assert 'id="model-menu-key-hint" href="/settings/keys/"' in page
    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET, expires_in="never")
    page = client.get(reverse("chat:index")).content.decode()
    assert 'data-endpoint="MyKey" data-needs-key' not in page
    assert 'value="MyKey|fake-chat"' in page


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(reverse("provider_keys"))
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_the_title_is_asked_with_the_owners_key(byok, alice, fake_provider):
    from chat.models import Conversation, Message
    from chat.titles import conversation_generate_title

    provider_key_set(user=alice, endpoint=byok.get("MyKey"), api_key=SECRET)
    conversation = Conversation.objects.create(user=alice, endpoint="MyKey", model="fake-chat")
    question = Message.objects.create(conversation=conversation, role=Message.Role.USER, text="Tell me about owls")
    Message.objects.create(conversation=conversation, parent=question, role=Message.Role.ASSISTANT, text="Owls...")
    fake_provider.clear()
    assert conversation_generate_title(conversation_id=conversation.pk)
    assert fake_provider.last_request.header("authorization") == f"Bearer {SECRET}"


@pytest.mark.django_db(transaction=True)
def test_a_send_without_a_key_gets_a_translated_error_over_the_socket(byok, alice):
    from asgiref.sync import async_to_sync

    from chat.models import Conversation
    from chat.tests.helpers import connect, send_frame

    alice.language = "ru"
    alice.save()

    async def send() -> dict:
        socket = await connect(alice)
        await socket.send_json_to(send_frame(endpoint="MyKey", model="fake-chat"))
        error = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return error

    error = async_to_sync(send)()
    assert error["type"] == "error" and error["code"] == "key_missing"
    assert "Ваши API-ключи" in error["message"]
    assert not Conversation.objects.exists()
