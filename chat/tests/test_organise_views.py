"""Organising actions over HTTP: each for the owner only, bad input refused, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chat.models import Conversation, Folder, Message, SharedLink, Tag
from chat.organise import services

from .organise_helpers import conversation_with_branches

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def test_folder_actions(client, user):
    client.force_login(user)
    answer = client.post(reverse("organise:folder-create"), {"name": "Work"}).json()
    folder = Folder.objects.get(pk=answer["folder"]["id"])
    assert folder.user == user and folder.name == "Work"
    assert client.post(reverse("organise:folder-create"), {"name": " "}).status_code == 400
    assert client.post(reverse("organise:folder-rename", args=[folder.pk]), {"name": "Job"}).json()["ok"]
    client.post(reverse("organise:folder-collapse", args=[folder.pk]), {"collapsed": "1"})
    folder.refresh_from_db()
    assert (folder.name, folder.collapsed) == ("Job", True)
    conversation, _ = conversation_with_branches(user)
    client.post(reverse("organise:move", args=[conversation.pk]), {"folder": str(folder.pk)})
    assert Conversation.objects.get(pk=conversation.pk).folder_id == folder.pk
    page = client.get(reverse("chat:index")).content.decode()
    assert 'class="folder"' in page and "Job" in page and "Trip plans" in page
    assert client.post(reverse("organise:folder-delete", args=[folder.pk])).json() == {"ok": True, "moved": 1}
    assert Conversation.objects.get(pk=conversation.pk).folder_id is None
    client.post(reverse("organise:move", args=[conversation.pk]), {"folder": ""})
    assert Conversation.objects.get(pk=conversation.pk).folder_id is None


def test_pin_archive_tag_duplicate_share_actions(client, user):
    client.force_login(user)
    conversation, _ = conversation_with_branches(user)
    pinned = client.post(reverse("organise:pin", args=[conversation.pk]), {"pinned": "1"}).json()
    assert pinned["conversation"]["pinned"]
    page = client.get(reverse("chat:index"))
    assert [c.pk for c in page.context["sidebar"].pinned] == [conversation.pk]

    answer = client.post(reverse("organise:tag-add", args=[conversation.pk]), {"name": "travel"}).json()
    tag_id = answer["conversation"]["tags"][0]["id"]
    assert client.post(reverse("organise:tag-add", args=[conversation.pk]), {"name": ""}).status_code == 400
    filtered = client.get(reverse("chat:index"), {"tag": tag_id})
    assert filtered.context["sidebar"].active_tag.pk == tag_id
    assert 'tag-chip--filter is-active' in filtered.content.decode()
    client.post(reverse("organise:tag-remove", args=[conversation.pk, tag_id]))
    assert not Tag.objects.exists()

    duplicate = client.post(reverse("organise:duplicate", args=[conversation.pk])).json()
    copy = Conversation.objects.get(pk=duplicate["conversation"]["id"])
    assert duplicate["url"] == reverse("chat:conversation", args=[copy.pk])
    assert copy.messages.count() == 5

    share = client.post(reverse("organise:share", args=[conversation.pk])).json()
    assert share["url"].endswith(f"/share/{share['token']}/")

    assert client.post(reverse("organise:archive", args=[conversation.pk]), {"archived": "1"}, **AJAX).json()["ok"]
    page = client.get(reverse("chat:index"))
    assert conversation.pk not in [c.pk for c in page.context["sidebar"].pinned]
    settings_page = client.get(reverse("organise:settings")).content.decode()
    assert "Trip plans" in settings_page and share["token"] in settings_page

    # Restore from the settings page: a plain form that redirects back.
    response = client.post(reverse("organise:archive", args=[conversation.pk]), {"archived": "0"})
    assert response.status_code == 302 and response["Location"] == reverse("organise:settings")
    assert not Conversation.objects.get(pk=conversation.pk).archived


def test_settings_page_deletes_an_archived_chat(client, user):
    client.force_login(user)
    conversation, _ = conversation_with_branches(user)
    services.conversation_set_archived(conversation=conversation, archived=True)
    response = client.post(reverse("organise:delete", args=[conversation.pk]))
    assert response.status_code == 302
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    assert not Message.objects.exists()


def test_everything_is_the_owners_only(client, user, other_user):
    theirs, _ = conversation_with_branches(other_user, title="Not yours")
    folder = services.folder_create(user=other_user, name="Their folder")
    tag = services.tag_add(conversation=theirs, name="theirs")
    link = services.shared_link_create(conversation=theirs)
    mine, _ = conversation_with_branches(user, title="Mine")
    client.force_login(user)

    attempts = [
        (reverse("organise:folder-rename", args=[folder.pk]), {"name": "hacked"}),
        (reverse("organise:folder-collapse", args=[folder.pk]), {"collapsed": "1"}),
        (reverse("organise:folder-delete", args=[folder.pk]), {}),
        (reverse("organise:move", args=[theirs.pk]), {"folder": ""}),
        (reverse("organise:move", args=[mine.pk]), {"folder": str(folder.pk)}),  # my chat, their folder
        (reverse("organise:pin", args=[theirs.pk]), {"pinned": "1"}),
        (reverse("organise:archive", args=[theirs.pk]), {"archived": "1"}),
        (reverse("organise:delete", args=[theirs.pk]), {}),
        (reverse("organise:tag-add", args=[theirs.pk]), {"name": "mine now"}),
        (reverse("organise:tag-remove", args=[theirs.pk, tag.pk]), {}),
        (reverse("organise:tag-remove", args=[mine.pk, tag.pk]), {}),
        (reverse("organise:duplicate", args=[theirs.pk]), {}),
        (reverse("organise:share", args=[theirs.pk]), {}),
        (reverse("organise:shared-revoke", args=[link.token]), {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404, url

    theirs.refresh_from_db()
    folder.refresh_from_db()
    assert (folder.name, folder.collapsed) == ("Their folder", False)
    assert (theirs.pinned, theirs.archived, theirs.folder_id) == (False, False, None)
    assert list(theirs.tags.values_list("name", flat=True)) == ["theirs"]
    assert Conversation.objects.filter(user=user).count() == 1
    assert Conversation.objects.get(pk=mine.pk).folder_id is None
    assert SharedLink.objects.filter(pk=link.pk).exists()
    # Their things never show on my pages.
    page = client.get(reverse("chat:index")).content.decode()
    assert "Their folder" not in page and "Not yours" not in page and "theirs" not in page
    assert link.token not in client.get(reverse("organise:settings")).content.decode()


def test_actions_need_a_login_and_post(client, user):
    conversation, _ = conversation_with_branches(user)
    response = client.post(reverse("organise:pin", args=[conversation.pk]), {"pinned": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert response.status_code == 302
    client.force_login(user)
    assert client.get(reverse("organise:pin", args=[conversation.pk])).status_code == 405
    assert not Conversation.objects.get(pk=conversation.pk).pinned


def test_an_archived_chat_says_so_and_can_be_restored_from_its_page(client, user):
    conversation, _ = conversation_with_branches(user)
    services.conversation_set_archived(conversation=conversation, archived=True)
    client.force_login(user)
    url = reverse("chat:conversation", args=[conversation.pk])
    assert 'data-action="unarchive"' in client.get(url).content.decode()
    response = client.post(reverse("organise:archive", args=[conversation.pk]), {"archived": "0", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert 'data-action="unarchive"' not in client.get(url).content.decode()
    # A "next" elsewhere is not followed.
    response = client.post(reverse("organise:archive", args=[conversation.pk]),
                           {"archived": "0", "next": "https://evil.example/"})
    assert response["Location"] == reverse("organise:settings")
