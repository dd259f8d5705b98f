"""Presets in the admin: whose they are, what they set, and whom they are shared with."""

from __future__ import annotations

from django.contrib import admin

from presets.models import Preset


@admin.register(Preset)
class PresetAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "endpoint", "model", "is_default", "updated_at")
    list_filter = ("endpoint", "is_default")
    search_fields = ("title", "owner__email", "model")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("shared_with_users", "shared_with_groups")
    readonly_fields = ("id", "created_at", "updated_at")
    fields = (
        "id", "title", "owner", "endpoint", "model", "parameters", "is_default",
        "shared_with_users", "shared_with_groups", "created_at", "updated_at",
    )
