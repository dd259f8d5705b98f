"""LibreChat's preset JSON: export, import (one object or a list), round trip, and bad input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from presets import services
from presets.models import Preset

pytestmark = pytest.mark.django_db

# A preset as LibreChat exports one (fields side by side, its own bookkeeping included).
LIBRECHAT_PRESET = {
    "presetId": "5a0c7a62-1d1f-4f6e-9d6f-2f1a9e3c0b11",
    "title": "Code reviewer",
    "endpoint": "Fake",
    "model": "fake-chat",
    "modelLabel": "Reviewer",
    "promptPrefix": "Review code carefully.",
    "temperature": 0.2,
    "top_p": 0.9,
    "maxOutputTokens": 800,
    "resendFiles": True,
    "user": "65f0c0ffee",
    "createdAt": "2024-05-01T10:00:00.000Z",
    "updatedAt": "2024-05-01T10:00:00.000Z",
}


def test_import_of_a_librechat_preset_object(user, fake_endpoints):
    result = services.presets_import(owner=user, source=json.dumps(LIBRECHAT_PRESET).encode())
    [preset] = result.presets
    assert preset.title == "Code reviewer" and preset.endpoint == "Fake" and preset.model == "fake-chat"
    assert preset.parameters == {"promptPrefix": "Review code carefully.", "temperature": 0.2, "top_p": 0.9,
                                 "max_tokens": 800}
    # A new id: importing never takes over someone's preset.
    assert str(preset.pk) != LIBRECHAT_PRESET["presetId"]
    assert result.ignored == ["The preset: resendFiles, modelLabel"]


def test_import_of_a_list_with_a_default(user, fake_endpoints):
    items = [
        {"title": "A", "endpoint": "Fake", "model": "fake-chat", "temperature": 1},
        {"title": "B", "endpoint": "FakeClaude", "model": "claude-fake", "topK": 3, "defaultPreset": True},
        {"endpoint": "Demo"},
    ]
    result = services.presets_import(owner=user, source=json.dumps(items))
    assert [preset.title for preset in result.presets] == ["A", "B", "Imported preset"]
    assert [preset.is_default for preset in result.presets] == [False, True, False]
    assert result.presets[2].model == "demo-chat"  # no model: the endpoint's first


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (b"{not json", "not valid JSON (line 1"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "no presets"),
        (b"42", "not a JSON object"),
        (json.dumps([{"title": "ok", "endpoint": "Fake"}, {"title": "x", "endpoint": "Mars"}]),
         "Preset 2, field “endpoint”: The endpoint “Mars” is not configured."),
        (json.dumps([{"title": "ok", "endpoint": "Fake"}, {"title": "no endpoint"}]),
         "Preset 2: the field “endpoint” is missing."),
        (json.dumps({"title": "hot", "endpoint": "Fake", "model": "fake-chat", "temperature": 9}),
         "The preset, field “temperature”"),
        (json.dumps({"title": "t", "endpoint": "Fake", "defaultPreset": "yes"}), "“defaultPreset”"),
    ],
)
def test_bad_imports_name_the_problem_and_import_nothing(user, fake_endpoints, source, words):
    with pytest.raises(services.PresetError) as caught:
        services.presets_import(owner=user, source=source)
    assert words in caught.value.message
    assert Preset.objects.count() == 0


def test_export_then_import_round_trip(client, user, other_user, fake_endpoints):
    original = services.preset_create(
        owner=user, title="Précis", endpoint_name="FakeClaude", model="claude-fake",
        parameters={"promptPrefix": "Кратко.", "temperature": 0.5, "topK": 4, "stop": ["###"],
                    "maxContextTokens": 4000},
        is_default=True,
    )
    client.force_login(user)
    response = client.get(reverse("presets:export"), {"id": str(original.pk)})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="precis.json"'
    exported = json.loads(response.content)
    assert exported == {
        "presetId": str(original.pk), "title": "Précis", "endpoint": "FakeClaude", "model": "claude-fake",
        "promptPrefix": "Кратко.", "temperature": 0.5, "topK": 4, "stop": ["###"], "maxContextTokens": 4000,
        "defaultPreset": True,
    }
    # Another user imports the file through the page's upload.
    client.force_login(other_user)
    upload = response.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(reverse("presets:import"), {"file": SimpleUploadedFile("precis.json", upload)})
    assert answer.status_code == 200, answer.content
    [copy] = Preset.objects.filter(owner=other_user)
    assert (copy.title, copy.endpoint, copy.model, copy.parameters, copy.is_default) == (
        original.title, original.endpoint, original.model, original.parameters, True
    )
    # The whole list export holds what the user sees, as a list.
    listing = json.loads(client.get(reverse("presets:export")).content)
    assert [item["title"] for item in listing] == ["Précis"]
    # Someone else's unshared preset cannot be exported.
    assert client.get(reverse("presets:export"), {"id": str(original.pk)}).status_code == 404


def test_import_view_refuses_bad_json_with_a_message(client, user, fake_endpoints):
    client.force_login(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("presets:import"), {"file": SimpleUploadedFile("x.json", b"[{]")})
    assert response.status_code == 400 and "not valid JSON" in response.json()["message"]
    response = client.post(reverse("presets:import"), {})
    assert response.status_code == 400 and response.json()["code"] == "empty_import"
    assert Preset.objects.count() == 0
