"""Organising services: folders, pins, archive, tags, duplicate, shared links."""

from __future__ import annotations

import pytest

from chat.models import Conversation, Folder, Message, SharedLink, Tag
from chat.organise import services
from chat.selectors import message_path
from chat.services import ChatError

from .organise_helpers import conversation_with_branches

pytestmark = pytest.mark.django_db


def test_folder_create_rename_and_bad_names(user):
    folder = services.folder_create(user=user, name="  Work   projects ")
    assert folder.name == "Work projects"
    services.folder_rename(folder=folder, name="Work")
    assert Folder.objects.get(pk=folder.pk).name == "Work"
    for bad in ("", "   ", None, "x" * 101):
        with pytest.raises(ChatError):
            services.folder_rename(folder=folder, name=bad)
    assert Folder.objects.get(pk=folder.pk).name == "Work"  # nothing changed
    with pytest.raises(ChatError):
        services.folder_create(user=user, name="")
    assert Folder.objects.count() == 1


def test_deleting_a_folder_puts_its_conversations_back(user):
    folder = services.folder_create(user=user, name="Work")
    conversation, _ = conversation_with_branches(user)
    services.conversation_move(conversation=conversation, folder=folder)
    assert Conversation.objects.get(pk=conversation.pk).folder_id == folder.pk
    assert services.folder_delete(folder=folder) == 1
    conversation.refresh_from_db()
    assert conversation.folder_id is None
    assert Message.objects.filter(conversation=conversation).count() == 5


def test_move_refuses_someone_elses_folder(user, other_user):
    conversation, _ = conversation_with_branches(user)
    foreign = services.folder_create(user=other_user, name="Theirs")
    with pytest.raises(ChatError):
        services.conversation_move(conversation=conversation, folder=foreign)
    assert Conversation.objects.get(pk=conversation.pk).folder_id is None


def test_pin_and_archive_keep_the_date_order(user):
    conversation, _ = conversation_with_branches(user)
    before = Conversation.objects.get(pk=conversation.pk).updated_at
    services.conversation_set_pinned(conversation=conversation, pinned=True)
    assert Conversation.objects.get(pk=conversation.pk).pinned
    services.conversation_set_archived(conversation=conversation, archived=True)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.archived and not stored.pinned  # archiving unpins
    assert stored.updated_at == before
    services.conversation_set_archived(conversation=conversation, archived=False)
    assert not Conversation.objects.get(pk=conversation.pk).archived


def test_tags_are_reused_case_insensitively_and_dropped_when_unused(user):
    first, _ = conversation_with_branches(user, title="One")
    second, _ = conversation_with_branches(user, title="Two")
    tag = services.tag_add(conversation=first, name="Travel")
    assert services.tag_add(conversation=second, name=" travel ") == tag
    services.tag_add(conversation=first, name="Travel")  # twice is once
    assert list(first.tags.all()) == [tag]
    with pytest.raises(ChatError):
        services.tag_add(conversation=first, name="  ")
    services.tag_remove(conversation=first, tag=tag)
    assert Tag.objects.filter(pk=tag.pk).exists()  # still on the second
    services.tag_remove(conversation=second, tag=tag)
    assert not Tag.objects.filter(pk=tag.pk).exists()


def test_tag_limit_per_conversation(user):
    conversation, _ = conversation_with_branches(user)
    for index in range(services.TAGS_PER_CONVERSATION_MAX):
        services.tag_add(conversation=conversation, name=f"t{index}")
    with pytest.raises(ChatError):
        services.tag_add(conversation=conversation, name="one too many")
    assert conversation.tags.count() == services.TAGS_PER_CONVERSATION_MAX


def test_duplicate_copies_the_whole_tree_and_the_shown_leaf(user, settings):
    folder = services.folder_create(user=user, name="Work")
    conversation, messages = conversation_with_branches(user)
    services.conversation_move(conversation=conversation, folder=folder)
    services.tag_add(conversation=conversation, name="travel")
    services.conversation_set_pinned(conversation=conversation, pinned=True)
    conversation.refresh_from_db()

    copy = services.conversation_duplicate(conversation=conversation)
    assert copy.pk != conversation.pk
    assert copy.title == "Trip plans (copy)"
    assert copy.folder_id == folder.pk and not copy.pinned
    assert [tag.name for tag in copy.tags.all()] == ["travel"]
    copied = list(Message.objects.filter(conversation=copy))
    assert len(copied) == 5
    assert not set(m.pk for m in copied) & {m.pk for m in messages.values()}
    # Same shape: the shown path reads the same, and the other branch is there too.
    assert [m.text for m in message_path(conversation=copy)] == ["Where to go?", "Lisbon", "Why Lisbon?",
                                                                  "**Sunny** and cheap"]
    assert Message.objects.filter(conversation=copy, text="Rome").exists()
    assert copy.current_leaf is not None and copy.current_leaf.text == "**Sunny** and cheap"
    assert {m.created_at for m in copied} == {m.created_at for m in messages.values()}
    # The original is untouched.
    assert Message.objects.filter(conversation=conversation).count() == 5


def test_duplicate_title_is_translated(user):
    from django.utils import translation

    conversation, _ = conversation_with_branches(user)
    with translation.override("ru"):
        copy = services.conversation_duplicate(conversation=conversation)
    assert copy.title == "Trip plans (копия)"


def test_shared_link_is_a_snapshot_of_the_shown_branch(user):
    conversation, messages = conversation_with_branches(user)
    link = services.shared_link_create(conversation=conversation)
    assert len(link.token) >= 32
    assert [m["text"] for m in link.messages] == ["Where to go?", "Lisbon", "Why Lisbon?", "**Sunny** and cheap"]
    # Later messages and edits of the owner's do not reach the snapshot.
    Message.objects.create(conversation=conversation, parent=messages["b2"], role="user", text="SECRET later")
    Message.objects.filter(pk=messages["a2"].pk).update(text="edited later")
    link.refresh_from_db()
    assert "SECRET later" not in str(link.messages) and "edited later" not in str(link.messages)
    services.shared_link_revoke(link=link)
    assert not SharedLink.objects.exists()


def test_an_empty_conversation_cannot_be_shared(user):
    conversation = Conversation.objects.create(user=user, title="Empty")
    with pytest.raises(ChatError):
        services.shared_link_create(conversation=conversation)
    assert not SharedLink.objects.exists()
