"""Writes on users."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User


def user_promote_if_first(*, user: User) -> bool:
    """Make the very first account an administrator, as LibreChat does; True if it was."""
    with transaction.atomic():
        if User.objects.exclude(pk=user.pk).exists():
            return False
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return True


def user_set_preferences(*, user: User, language: str | None = None, theme: str | None = None) -> User:
    """Store the interface language and theme a user picked."""
    fields = []
    if language is not None:
        user.language = language
        fields.append("language")
    if theme is not None:
        user.theme = theme
        fields.append("theme")
    if fields:
        user.save(update_fields=fields)
    return user
