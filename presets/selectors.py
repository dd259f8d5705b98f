"""Reads on presets: what a user may see (own and shared with them), and their default."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from presets.models import Preset


def _visible_filter(user: User) -> Q:
    return Q(owner=user) | Q(shared_with_users=user) | Q(shared_with_groups__in=user.groups.all())


def preset_list_for_user(*, user: User) -> QuerySet[Preset]:
    """The user's own presets and those shared with them or one of their roles."""
    visible = Preset.objects.filter(_visible_filter(user)).values("pk")
    return (
        Preset.objects.filter(pk__in=visible)
        .select_related("owner")
        .prefetch_related("shared_with_users", "shared_with_groups")
        .order_by("title", "created_at")
    )


def _pk(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def preset_get_for_user(*, user: User, preset_id: Any) -> Preset | None:
    """A preset the user may see (and apply), or None."""
    pk = _pk(preset_id)
    return preset_list_for_user(user=user).filter(pk=pk).first() if pk else None


def preset_get_owned(*, user: User, preset_id: Any) -> Preset | None:
    """A preset the user owns (and so may change), or None."""
    pk = _pk(preset_id)
    return Preset.objects.filter(owner=user, pk=pk).first() if pk else None


def preset_default_for_user(*, user: User) -> Preset | None:
    return Preset.objects.filter(owner=user, is_default=True).first()


def preset_to_dict(preset: Preset, *, user: User) -> dict[str, Any]:
    """A preset for the page: the owner also sees whom it is shared with."""
    own = preset.owner_id == user.pk
    data: dict[str, Any] = {
        "id": str(preset.pk),
        "title": preset.title,
        "endpoint": preset.endpoint,
        "model": preset.model,
        "parameters": preset.parameters,
        "is_default": preset.is_default and own,
        "own": own,
        "read_only": not own,
        "kind": "preset",
        "owner": "" if own else preset.owner.email,
    }
    if own:
        data["shared_with_users"] = sorted(member.email for member in preset.shared_with_users.all())
        data["shared_with_groups"] = sorted(group.name for group in preset.shared_with_groups.all())
    return data
