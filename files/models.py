"""Files a user attached to a message: where the bytes are stored and what was read from them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class File(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        TEXT = "text", _("Text document")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="files", verbose_name=_("owner")
    )
    # Set when the file is sent with a message; an upload not sent yet has neither.
    conversation = models.ForeignKey(
        "chat.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="files",
        verbose_name=_("conversation"),
    )
    message = models.ForeignKey(
        "chat.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="files",
        verbose_name=_("message"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    original_name = models.CharField(_("original name"), max_length=255)
    # The type read from the content itself, never the one the browser claimed.
    mime_type = models.CharField(_("MIME type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    storage_path = models.CharField(_("storage path"), max_length=500)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    endpoint = models.CharField(_("endpoint"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="file_owner_recent")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE
