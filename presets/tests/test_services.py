"""Preset writes: create with validation, update, default, share, and who sees what."""

from __future__ import annotations

import pytest

from presets import services
from presets.models import Preset
from presets.selectors import preset_default_for_user, preset_get_for_user, preset_list_for_user

pytestmark = pytest.mark.django_db


def make(owner, title="Pirate", **overrides):
    fields = {"endpoint_name": "Fake", "model": "fake-chat",
              "parameters": {"promptPrefix": "Arr.", "temperature": 0.4}}
    fields.update(overrides)
    return services.preset_create(owner=owner, title=title, **fields)


def test_create_stores_the_family_names(user, fake_endpoints):
    preset = make(user, parameters={"promptPrefix": "Arr.", "topP": 0.3, "maxOutputTokens": 50})
    assert preset.parameters == {"promptPrefix": "Arr.", "top_p": 0.3, "max_tokens": 50}
    assert preset.endpoint == "Fake" and preset.model == "fake-chat" and not preset.is_default


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": "   "}, "title", "invalid_title"),
        ({"endpoint_name": "Nowhere"}, "endpoint", "unknown_endpoint"),
        ({"endpoint_name": ""}, "endpoint", "invalid_endpoint"),
        ({"model": 5}, "model", "invalid_model"),
        ({"parameters": {"temperature": 3}}, "temperature", "invalid_parameters"),
        ({"parameters": {"nonsense": 3}}, "nonsense", "invalid_parameters"),
        ({"parameters": []}, "", "invalid_parameters"),
    ],
)
def test_bad_presets_are_refused_and_nothing_is_stored(user, fake_endpoints, overrides, field, code):
    fields = {"title": "Pirate", "endpoint_name": "Fake", "model": "fake-chat", "parameters": {}}
    fields.update(overrides)
    with pytest.raises(services.PresetError) as caught:
        services.preset_create(owner=user, **fields)
    assert caught.value.field == field and caught.value.code == code and caught.value.message
    assert Preset.objects.count() == 0


def test_one_default_per_user(user, other_user, fake_endpoints):
    first = make(user, "One", is_default=True)
    second = make(user, "Two")
    theirs = make(other_user, "Theirs", is_default=True)
    services.preset_set_default(owner=user, preset=second)
    first.refresh_from_db()
    assert not first.is_default and preset_default_for_user(user=user) == second
    assert preset_default_for_user(user=other_user) == theirs  # untouched
    services.preset_set_default(owner=user, preset=None)
    assert preset_default_for_user(user=user) is None
    with pytest.raises(services.PresetError):
        services.preset_set_default(owner=user, preset=theirs)
    theirs.refresh_from_db()
    assert theirs.is_default


def test_unshared_presets_are_invisible_to_others(user, other_user, fake_endpoints):
    preset = make(user)
    assert list(preset_list_for_user(user=other_user)) == []
    assert preset_get_for_user(user=other_user, preset_id=preset.pk) is None
    assert preset_get_for_user(user=user, preset_id=preset.pk) == preset


def test_sharing_with_a_user_and_a_role(user, other_user, third_user, editors, fake_endpoints):
    preset = make(user)
    services.preset_share(preset=preset, users="BOB@example.org, alice@example.org", groups=["editors"])
    assert list(preset.shared_with_users.all()) == [other_user]  # the owner is not a recipient
    assert list(preset.shared_with_groups.all()) == [editors]
    assert preset_get_for_user(user=other_user, preset_id=preset.pk) == preset
    assert preset_get_for_user(user=third_user, preset_id=preset.pk) == preset  # through the role
    # Listed once even when shared both ways.
    preset.shared_with_users.add(third_user)
    assert list(preset_list_for_user(user=third_user)) == [preset]
    # Unsharing takes it away.
    services.preset_share(preset=preset, users="", groups="")
    assert preset_get_for_user(user=other_user, preset_id=preset.pk) is None
    assert preset_get_for_user(user=third_user, preset_id=preset.pk) is None


@pytest.mark.parametrize(
    ("users", "groups", "code"),
    [("nobody@example.org", "", "unknown_user"), ("", "Ghosts", "unknown_group"), ([1], "", "invalid_share")],
)
def test_sharing_with_an_unknown_name_changes_nothing(user, other_user, fake_endpoints, users, groups, code):
    preset = make(user)
    services.preset_share(preset=preset, users="bob@example.org", groups="")
    with pytest.raises(services.PresetError) as caught:
        services.preset_share(preset=preset, users=users, groups=groups)
    assert caught.value.code == code
    assert list(preset.shared_with_users.all()) == [other_user]


def test_update_changes_fields_with_the_same_checks(user, fake_endpoints):
    preset = make(user)
    services.preset_update(preset=preset, title="Claude", endpoint_name="FakeClaude", model="claude-fake",
                           parameters={"temperature": 0.9, "top_p": 0.1})
    preset.refresh_from_db()
    assert (preset.title, preset.endpoint, preset.parameters) == (
        "Claude", "FakeClaude", {"temperature": 0.9, "topP": 0.1}
    )
    with pytest.raises(services.PresetError):
        services.preset_update(preset=preset, title="X", endpoint_name="FakeClaude", model="claude-fake",
                               parameters={"temperature": 1.5})
    preset.refresh_from_db()
    assert preset.title == "Claude"
