"""Conversations and the message tree, shaped after LibreChat's so imports map one to one."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# LibreChat's parent sentinel for a root message; stored here as parent = NULL.
NO_PARENT = "00000000-0000-0000-0000-000000000000"


class Conversation(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Web chat")
        # Made through the OpenAI-compatible API (api/): kept out of the sidebar by default.
        API = "api", _("API")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    endpoint = models.CharField(_("endpoint"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WEB)
    current_leaf = models.ForeignKey(
        "Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last message of the shown branch"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Organising (chat/organise/): where it sits in the sidebar. Changed with queryset updates so
    # that pinning or filing a conversation does not move it in the date order.
    folder = models.ForeignKey(
        "Folder", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations",
        verbose_name=_("folder"),
    )
    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", blank=True, related_name="conversations", verbose_name=_("tags")
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["user", "-updated_at"], name="conversation_user_recent"),
            # The sidebar's keyset pages (chat/organise/selectors.py): the visible, unpinned chats of
            # one user in one folder (or none), newest first, ties broken by id.
            models.Index(
                fields=["user", "folder", "-updated_at", "-id"],
                name="conversation_sidebar",
                condition=models.Q(archived=False, pinned=False),
            ),
            # Pinned chats, few per user: without it, listing them walks all of the user's chats.
            models.Index(
                fields=["user", "folder", "-updated_at", "-id"],
                name="conversation_pinned",
                condition=models.Q(archived=False, pinned=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("New chat"))


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", _("User")
        ASSISTANT = "assistant", _("Assistant")
        SYSTEM = "system", pgettext_lazy("message role", "System")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("conversation")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # What LibreChat shows as the author: "User", a model label such as "GPT-4o", ...
    sender = models.CharField(_("sender"), max_length=200, blank=True)
    endpoint = models.CharField(_("endpoint"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Typed parts: {"type": "text"|"think"|"tool_call"|"image_url", ...}, as LibreChat's content.
    content = models.JSONField(_("content parts"), default=list, blank=True)
    token_count = models.PositiveIntegerField(_("tokens"), null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), null=True, blank=True)
    finish_reason = models.CharField(_("finish reason"), max_length=32, blank=True)
    unfinished = models.BooleanField(_("unfinished"), default=False)
    error = models.BooleanField(_("has an error"), default=False)
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    # Changed in place by its owner after it was written (LibreChat's isEdited).
    edited = models.BooleanField(_("edited"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_conversation_time")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.text[:60]}"

    @property
    def is_created_by_user(self) -> bool:
        return self.role == self.Role.USER

    @property
    def parent_message_id(self) -> str:
        return str(self.parent_id) if self.parent_id else NO_PARENT

    @property
    def reasoning(self) -> str:
        return "".join(part.get("think", "") for part in self.content if part.get("type") == "think")


class Folder(models.Model):
    """A user's folder of conversations in the sidebar."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="folders", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    # Remembered so the server renders the sidebar as the user left it.
    collapsed = models.BooleanField(_("collapsed"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name", "created_at"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A label a user puts on conversations (LibreChat's bookmarks)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=50)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tag_unique_name_per_user")]

    def __str__(self) -> str:
        return self.name


class SharedLink(models.Model):
    """A public, read-only snapshot of a conversation's shown branch, reached by an unguessable token.

    The messages are copied at share time, so what the owner writes later never shows; revoking
    deletes the row, so the link answers 404.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_links", verbose_name=_("user")
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="shared_links", verbose_name=_("conversation")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    # [{"role", "sender", "model", "text", "reasoning", "created_at"}, ...] from the root down.
    messages = models.JSONField(_("messages"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared link")
        verbose_name_plural = _("shared links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or str(_("New chat"))
