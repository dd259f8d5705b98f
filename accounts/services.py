"""Writes on users: first-admin promotion, preferences, and the provider keys they enter."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.crypto import encrypt_json
from accounts.models import User, UserProviderKey
from accounts.selectors import ProviderKeyError
from providers.addresses import base_url_refusal
from providers.registry import Endpoint, allowed_addresses

logger = logging.getLogger(__name__)


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


# LibreChat's choices for how long an entered key is kept.
KEY_EXPIRY_CHOICES: dict[str, timedelta | None] = {
    "12h": timedelta(hours=12),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "never": None,
}
KEY_MAX_CHARS = 2000


def provider_key_set(
    *, user: User, endpoint: Endpoint, api_key: str = "", base_url: str = "", expires_in: str = "never"
) -> UserProviderKey:
    """Store (or replace) a user's key for a `user_provided` endpoint, encrypted, with the expiry they chose."""
    if not endpoint.needs_user_key:
        raise ProviderKeyError("not_user_provided", _("This endpoint does not take keys from users."))
    if expires_in not in KEY_EXPIRY_CHOICES:
        raise ProviderKeyError("invalid_expiry", _("Choose when the key expires."))
    api_key = (api_key or "").strip()
    base_url = (base_url or "").strip()
    values: dict[str, str] = {}
    if "apiKey" in endpoint.user_provided:
        if not api_key:
            raise ProviderKeyError("empty_key", _("Enter the API key."))
        if len(api_key) > KEY_MAX_CHARS or any(character.isspace() for character in api_key):
            raise ProviderKeyError("invalid_key", _("That does not look like an API key."))
        values["apiKey"] = api_key
    if "baseURL" in endpoint.user_provided:
        parsed = urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(base_url) > KEY_MAX_CHARS:
            raise ProviderKeyError("invalid_base_url", _("Enter the base URL, starting with https:// or http://."))
        refusal = base_url_refusal(base_url, allowed_addresses())
        if refusal:
            logger.info("Refused a user's base URL for endpoint %r: %s", endpoint.name, refusal)
            raise ProviderKeyError(
                "base_url_not_allowed",
                _("This base URL cannot be used: it must be a public address this server can reach."),
            )
        values["baseURL"] = base_url
    lifetime = KEY_EXPIRY_CHOICES[expires_in]
    key, _created = UserProviderKey.objects.update_or_create(
        user=user,
        endpoint=endpoint.name,
        defaults={
            "encrypted_value": encrypt_json(values),
            "hint": values.get("apiKey", "")[-4:],
            "expires_at": timezone.now() + lifetime if lifetime else None,
        },
    )
    return key


def provider_key_revoke(*, user: User, endpoint_name: str) -> bool:
    """Forget a user's key for an endpoint; True if there was one."""
    deleted, _details = UserProviderKey.objects.filter(user=user, endpoint=endpoint_name).delete()
    return bool(deleted)
