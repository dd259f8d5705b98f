"""Conversations and the message tree, shaped after LibreChat's so imports map one to one."""

from __future__ import annotations

import uuid

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

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="conversation_user_recent")]

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
