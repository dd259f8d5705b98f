"""Writes for organising conversations; each state change is one function.

Placement changes (folder, pin, archive) are queryset updates: they must not touch `updated_at`,
or pinning a conversation would also move it to "Today".
"""

from __future__ import annotations

import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from chat.models import Conversation, Folder, Message, SharedLink, Tag
from chat.selectors import conversation_tree, message_path
from chat.services import TITLE_MAX_CHARS, ChatError

FOLDER_NAME_MAX_CHARS = 100
TAG_NAME_MAX_CHARS = 50
FOLDERS_MAX = 500
TAGS_PER_CONVERSATION_MAX = 20


def _clean_name(value: object, *, limit: int, empty: str, too_long: str) -> str:
    if not isinstance(value, str):
        raise ChatError("empty_name", empty)
    name = " ".join(value.split())
    if not name:
        raise ChatError("empty_name", empty)
    if len(name) > limit:
        raise ChatError("name_too_long", too_long % {"limit": limit})
    return name


def _folder_name(value: object) -> str:
    return _clean_name(
        value, limit=FOLDER_NAME_MAX_CHARS, empty=_("A folder needs a name."),
        too_long=_("A folder name can be at most %(limit)d characters long."),
    )


def folder_create(*, user: User, name: object) -> Folder:
    """A new, empty folder of the user's."""
    clean = _folder_name(name)
    if Folder.objects.filter(user=user).count() >= FOLDERS_MAX:
        raise ChatError("too_many_folders", _("You cannot have more than %(limit)d folders.") % {"limit": FOLDERS_MAX})
    return Folder.objects.create(user=user, name=clean)


def folder_rename(*, folder: Folder, name: object) -> Folder:
    folder.name = _folder_name(name)
    folder.save(update_fields=["name"])
    return folder


def folder_set_collapsed(*, folder: Folder, collapsed: bool) -> Folder:
    folder.collapsed = collapsed
    folder.save(update_fields=["collapsed"])
    return folder


def folder_delete(*, folder: Folder) -> int:
    """Delete a folder; its conversations go back to the main list. How many went back."""
    with transaction.atomic():
        moved = Conversation.objects.filter(folder=folder).update(folder=None)
        folder.delete()
    return moved


def conversation_move(*, conversation: Conversation, folder: Folder | None) -> Conversation:
    """Put a conversation into `folder` (one of its owner's), or back in the main list with None."""
    if folder is not None and folder.user_id != conversation.user_id:
        raise ChatError("invalid_folder", _("That folder does not exist."))
    Conversation.objects.filter(pk=conversation.pk).update(folder=folder)
    conversation.folder = folder
    return conversation


def conversation_set_pinned(*, conversation: Conversation, pinned: bool) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(pinned=pinned)
    conversation.pinned = pinned
    return conversation


def conversation_set_archived(*, conversation: Conversation, archived: bool) -> Conversation:
    """Archive (hide from the sidebar) or restore a conversation; an archived one is unpinned."""
    changes: dict[str, bool] = {"archived": archived}
    if archived:
        changes["pinned"] = False
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    for name, value in changes.items():
        setattr(conversation, name, value)
    return conversation


def tag_add(*, conversation: Conversation, name: object) -> Tag:
    """Put a tag on a conversation, creating the owner's tag of that name if needed."""
    clean = _clean_name(
        name, limit=TAG_NAME_MAX_CHARS, empty=_("A tag needs a name."),
        too_long=_("A tag can be at most %(limit)d characters long."),
    )
    with transaction.atomic():
        tag = Tag.objects.filter(user_id=conversation.user_id, name__iexact=clean).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(user_id=conversation.user_id, name=clean)
            except IntegrityError:  # made by a parallel request meanwhile
                tag = Tag.objects.get(user_id=conversation.user_id, name=clean)
        if not conversation.tags.filter(pk=tag.pk).exists():
            if conversation.tags.count() >= TAGS_PER_CONVERSATION_MAX:
                raise ChatError(
                    "too_many_tags",
                    _("A chat can have at most %(limit)d tags.") % {"limit": TAGS_PER_CONVERSATION_MAX},
                )
            conversation.tags.add(tag)
    return tag


def tag_remove(*, conversation: Conversation, tag: Tag) -> None:
    """Take a tag off a conversation; a tag left on no conversation is deleted."""
    with transaction.atomic():
        conversation.tags.remove(tag)
        if not Conversation.objects.filter(tags=tag).exists():
            tag.delete()


def conversation_duplicate(*, conversation: Conversation) -> Conversation:
    """A copy of the conversation with its whole message tree, showing the same branch.

    The copy keeps the folder and tags, starts unpinned, and is the newest in the list.
    """
    tree = conversation_tree(conversation=conversation)
    originals = Message.objects.filter(conversation=conversation).in_bulk()
    new_ids = {pk: uuid.uuid4() for pk in originals}
    title = _("%(title)s (copy)") % {"title": conversation.title or _("New chat")}
    with transaction.atomic():
        copy = Conversation.objects.create(
            user_id=conversation.user_id,
            title=title[:TITLE_MAX_CHARS],
            endpoint=conversation.endpoint,
            model=conversation.model,
            parameters=conversation.parameters,
            folder_id=conversation.folder_id,
        )
        copy.tags.set(conversation.tags.all())
        messages = []
        for pk in tree.ordered():  # parents before children
            original = originals[pk]
            messages.append(
                Message(
                    id=new_ids[pk],
                    conversation=copy,
                    parent_id=new_ids[original.parent_id] if original.parent_id else None,
                    role=original.role,
                    sender=original.sender,
                    endpoint=original.endpoint,
                    model=original.model,
                    text=original.text,
                    content=original.content,
                    token_count=original.token_count,
                    prompt_tokens=original.prompt_tokens,
                    completion_tokens=original.completion_tokens,
                    finish_reason=original.finish_reason,
                    unfinished=original.unfinished,
                    error=original.error,
                    error_code=original.error_code,
                    edited=original.edited,
                )
            )
        Message.objects.bulk_create(messages, batch_size=500)
        # auto_now_add stamped "now" on every copy; keep the originals' times, so the order holds.
        old_ids = {new: old for old, new in new_ids.items()}
        for message in messages:
            message.created_at = originals[old_ids[message.pk]].created_at
        Message.objects.bulk_update(messages, ["created_at"], batch_size=500)
        copy.current_leaf_id = new_ids.get(conversation.current_leaf_id) if conversation.current_leaf_id else None
        copy.save(update_fields=["current_leaf"])
    return copy


def _snapshot(conversation: Conversation) -> list[dict[str, object]]:
    return [
        {
            "role": message.role,
            "sender": message.sender,
            "model": message.model,
            "text": message.text,
            "reasoning": message.reasoning,
            "error": message.error,
            "created_at": message.created_at.isoformat(),
        }
        for message in message_path(conversation=conversation)
    ]


def shared_link_create(*, conversation: Conversation) -> SharedLink:
    """A public link to a copy of the branch the conversation shows now."""
    messages = _snapshot(conversation)
    if not messages:
        raise ChatError("empty_conversation", _("There is nothing to share in this chat yet."))
    return SharedLink.objects.create(
        token=secrets.token_urlsafe(24),
        user_id=conversation.user_id,
        conversation=conversation,
        title=conversation.title,
        messages=messages,
    )


def shared_link_revoke(*, link: SharedLink) -> None:
    """Turn a shared link off for good: it answers 404 from now on."""
    link.delete()

