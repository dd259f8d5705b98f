"""Settings → API keys: create (shown in full once), list by prefix, revoke, last use, API chats."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from accounts.models import User
from api.models import ApiKey
from api.selectors import api_key_for_secret
from api.services import api_key_create, api_key_mark_used
from chat.models import Conversation
from chat.organise.selectors import sidebar_for_user, sidebar_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(email="keys@example.org", password="a-long-password-1")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_page_needs_sign_in(client):
    response = client.get(reverse("api:keys"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_shows_the_full_key_once_then_only_its_prefix(signed_in, user):
    response = signed_in.post(reverse("api:keys"), {"name": "  My   script "})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    match = re.search(r'value="(lc-[A-Za-z0-9_-]{40,})"', html)
    assert match, "the new key is shown in full"
    raw_key = match.group(1)
    api_key = ApiKey.objects.get(user=user)
    assert api_key.name == "My script"
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key not in {api_key.prefix, api_key.key_hash, api_key.name}
    assert api_key_for_secret(raw_key=raw_key) == api_key

    later = signed_in.get(reverse("api:keys")).content.decode()
    assert raw_key not in later
    assert api_key.prefix + "…" in later and raw_key.startswith(api_key.prefix)
    assert "Never" in later


def test_empty_name_is_refused_and_stores_nothing(signed_in):
    response = signed_in.post(reverse("api:keys"), {"name": "   "})
    assert response.status_code == 400
    assert "Give the key a name" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoke_stops_the_key_and_keeps_it_listed(signed_in, user):
    api_key, raw_key = api_key_create(user=user, name="ci")
    response = signed_in.post(reverse("api:revoke", args=[api_key.pk]))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api_key_for_secret(raw_key=raw_key) is None
    page = signed_in.get(reverse("api:keys")).content.decode()
    assert "Revoked" in page and f'action="{reverse("api:revoke", args=[api_key.pk])}"' not in page


def test_cannot_revoke_someone_elses_key(signed_in):
    other = User.objects.create_user(email="other@example.org", password="a-long-password-2")
    api_key, raw_key = api_key_create(user=other, name="theirs")
    assert signed_in.post(reverse("api:revoke", args=[api_key.pk])).status_code == 404
    assert signed_in.get(reverse("api:revoke", args=[api_key.pk])).status_code == 405
    assert api_key_for_secret(raw_key=raw_key) == api_key


def test_last_use_is_shown_and_written_at_most_once_a_minute(signed_in, user):
    api_key, _raw = api_key_create(user=user, name="ci")
    api_key_mark_used(api_key=api_key)
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None
    api_key_mark_used(api_key=api_key)
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first
    assert "Never" not in signed_in.get(reverse("api:keys")).content.decode()


def test_keys_of_inactive_users_and_foreign_strings_do_not_authenticate(user):
    _api_key, raw_key = api_key_create(user=user, name="ci")
    assert api_key_for_secret(raw_key="sk-" + raw_key[3:]) is None
    assert api_key_for_secret(raw_key=raw_key + "x") is None
    user.is_active = False
    user.save()
    assert api_key_for_secret(raw_key=raw_key) is None


def test_api_conversations_are_listed_here_and_not_in_the_sidebar(signed_in, user):
    web = Conversation.objects.create(user=user, title="From the web")
    api = Conversation.objects.create(user=user, title="From a script", source=Conversation.Source.API)
    sidebar = sidebar_for_user(user=user)
    listed = [conversation for group in sidebar.groups for conversation in group["conversations"]]
    assert web in listed and api not in listed
    assert api not in sidebar_page(user=user)[0]
    # Pinned by its owner, it is shown like any other.
    Conversation.objects.filter(pk=api.pk).update(pinned=True)
    assert api in sidebar_for_user(user=user).pinned
    page = signed_in.get(reverse("api:keys")).content.decode()
    assert "From a script" in page and reverse("chat:conversation", args=[api.pk]) in page
    assert "From the web" not in page
    # The conversation itself opens like any other.
    assert signed_in.get(reverse("chat:conversation", args=[api.pk])).status_code == 200


def test_page_is_translated(signed_in, user):
    user.language = "ru"
    user.save()
    html = signed_in.get(reverse("api:keys"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Доступ к API" in html


def test_admin_lists_keys_without_secrets_and_revokes_them(client, user):
    admin_user = User.objects.create_superuser(email="root@example.org", password="correct-horse-battery")
    client.force_login(admin_user)
    api_key, raw_key = api_key_create(user=user, name="leaked")
    page = client.get(reverse("admin:api_apikey_changelist")).content.decode()
    assert "leaked" in page and api_key.prefix in page
    assert raw_key not in page and api_key.key_hash not in page
    detail = client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).content.decode()
    assert api_key.key_hash not in detail
    assert client.get(reverse("admin:api_apikey_add")).status_code == 403
    response = client.post(
        reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [api_key.pk]}
    )
    assert response.status_code == 302
    assert api_key_for_secret(raw_key=raw_key) is None
