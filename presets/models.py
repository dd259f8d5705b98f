"""Presets: a named endpoint, model and parameter set a user saves, applies and shares."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Preset(models.Model):
    # LibreChat's presetId.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presets", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    model = models.CharField(_("model"), max_length=200)
    # In LibreChat's preset field names: promptPrefix, temperature, top_p / topP, max_tokens, ...
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # New chats of the owner start from it (LibreChat's defaultPreset); one per owner.
    is_default = models.BooleanField(_("default for new chats"), default=False)
    # Recipients may see and apply it, never change it.
    shared_with_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_presets", verbose_name=_("shared with users")
    )
    shared_with_groups = models.ManyToManyField(
        Group, blank=True, related_name="shared_presets", verbose_name=_("shared with roles")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("preset")
        verbose_name_plural = _("presets")
        ordering = ["title", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner"], condition=Q(is_default=True), name="preset_one_default_per_owner")
        ]

    def __str__(self) -> str:
        return self.title
