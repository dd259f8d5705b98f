"""The presets JSON actions: the owner changes, recipients only read, strangers see nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from presets import services
from presets.models import Preset

pytestmark = pytest.mark.django_db


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_create_list_update_default_delete(client, user, fake_endpoints):
    client.force_login(user)
    response = post_json(client, reverse("presets:create"), {
        "title": "Pirate", "endpoint": "Fake", "model": "fake-chat",
        "parameters": {"promptPrefix": "Arr.", "temperature": 0.4},
    })
    assert response.status_code == 200, response.content
    preset_id = response.json()["preset"]["id"]
    listed = client.get(reverse("presets:list")).json()["presets"]
    assert [(item["title"], item["own"], item["kind"]) for item in listed] == [("Pirate", True, "preset")]

    response = post_json(client, reverse("presets:update", args=[preset_id]), {
        "title": "Pirate 2", "endpoint": "Fake", "model": "fake-echo", "parameters": {"temperature": 5},
    })
    assert response.status_code == 400 and response.json()["field"] == "temperature"
    assert Preset.objects.get().title == "Pirate"
    response = post_json(client, reverse("presets:update", args=[preset_id]), {"title": "Pirate 2"})
    assert response.status_code == 200 and Preset.objects.get().title == "Pirate 2"

    assert post_json(client, reverse("presets:default", args=[preset_id]), {"on": True}).json()["preset"]["is_default"]
    assert Preset.objects.get().is_default
    post_json(client, reverse("presets:default", args=[preset_id]), {"on": False})
    assert not Preset.objects.get().is_default

    assert post_json(client, reverse("presets:delete", args=[preset_id])).status_code == 200
    assert Preset.objects.count() == 0


def test_recipients_read_but_cannot_change(client, user, other_user, fake_endpoints):
    preset = services.preset_create(owner=user, title="Shared", endpoint_name="Fake", model="fake-chat",
                                    parameters={"temperature": 0.1})
    services.preset_share(preset=preset, users=[other_user.email], groups=[])
    client.force_login(other_user)
    listed = client.get(reverse("presets:list")).json()["presets"]
    assert [(item["title"], item["read_only"], item["owner"]) for item in listed] == [
        ("Shared", True, user.email)
    ]
    assert "shared_with_users" not in listed[0]  # whom else it goes to is the owner's business
    for name in ("update", "delete", "default", "share"):
        response = post_json(client, reverse(f"presets:{name}", args=[preset.pk]), {"title": "Mine now"})
        assert response.status_code == 403, name
        assert response.json()["code"] == "read_only"
    preset.refresh_from_db()
    assert preset.title == "Shared" and not preset.is_default and list(preset.shared_with_users.all()) == [other_user]


def test_strangers_get_not_found(client, user, other_user, fake_endpoints):
    preset = services.preset_create(owner=user, title="Private", endpoint_name="Fake", model="fake-chat",
                                    parameters={})
    client.force_login(other_user)
    assert client.get(reverse("presets:list")).json()["presets"] == []
    for name in ("update", "delete", "default", "share"):
        assert post_json(client, reverse(f"presets:{name}", args=[preset.pk])).status_code == 404
    assert Preset.objects.filter(pk=preset.pk).exists()


def test_share_view_names_an_unknown_user(client, user, fake_endpoints):
    preset = services.preset_create(owner=user, title="P", endpoint_name="Fake", model="fake-chat", parameters={})
    client.force_login(user)
    response = post_json(client, reverse("presets:share", args=[preset.pk]), {"users": "who@example.org"})
    assert response.status_code == 400 and "who@example.org" in response.json()["message"]


def test_anonymous_users_are_sent_to_sign_in(client, fake_endpoints):
    assert client.get(reverse("presets:list")).status_code == 302
    assert client.post(reverse("presets:create")).status_code == 302


def test_the_default_preset_starts_new_chats_only(client, user, fake_endpoints):
    preset = services.preset_create(owner=user, title="Start", endpoint_name="Fake", model="fake-echo",
                                    parameters={"promptPrefix": "Hi."}, is_default=True)
    client.force_login(user)
    panel = client.get(reverse("chat:index")).context["panel"]
    assert panel["start"]["id"] == str(preset.pk) and panel["parameters"] is None
    assert panel["endpoints"]["Fake"]["family"] == "openai"
    assert "temperature" in panel["endpoints"]["Fake"]["models"]["fake-chat"]
    assert panel["endpoints"]["FakeClaude"]["family"] == "anthropic"


def test_admin_lists_and_edits_presets(client, user, fake_endpoints):
    from accounts.models import User

    admin = User.objects.create_superuser(email="root@example.org", password="a-long-password-9")
    services.preset_create(owner=user, title="Listed", endpoint_name="Fake", model="fake-chat", parameters={})
    client.force_login(admin)
    response = client.get(reverse("admin:presets_preset_changelist"))
    assert response.status_code == 200 and "Listed" in response.content.decode()
    preset = Preset.objects.get()
    assert client.get(reverse("admin:presets_preset_change", args=[preset.pk])).status_code == 200
