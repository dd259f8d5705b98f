"""Reads on users: the provider keys they entered, and endpoints carrying those keys."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.crypto import decrypt_json
from accounts.models import User, UserProviderKey
from providers.addresses import base_url_refusal
from providers.registry import Endpoint, allowed_addresses


class ProviderKeyError(Exception):
    """A user's key cannot be used (missing, expired, unreadable) or entered (bad input); `message` is translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def provider_key_list_for_user(*, user: User) -> dict[str, UserProviderKey]:
    """The user's saved keys by endpoint name (expired ones included, so the page can say so)."""
    return {key.endpoint: key for key in UserProviderKey.objects.filter(user=user)}


def provider_key_is_usable(key: UserProviderKey | None) -> bool:
    return key is not None and (key.expires_at is None or key.expires_at > timezone.now())


def provider_key_values(*, user: User, endpoint: Endpoint) -> dict[str, Any]:
    """The decrypted {"apiKey", "baseURL"} a user saved for an endpoint, or a ProviderKeyError saying why not."""
    key = UserProviderKey.objects.filter(user=user, endpoint=endpoint.name).first()
    name = endpoint.label
    if key is None:
        raise ProviderKeyError(
            "key_missing",
            _("“%(name)s” needs your own API key. Enter it in Settings → Your API keys.") % {"name": name},
        )
    if not provider_key_is_usable(key):
        raise ProviderKeyError(
            "key_expired",
            _("Your API key for “%(name)s” has expired. Enter it again in Settings → Your API keys.") % {"name": name},
        )
    values = decrypt_json(key.encrypted_value)
    if values is None:
        raise ProviderKeyError(
            "key_unreadable",
            _("Your saved key for “%(name)s” can no longer be read. Enter it again in Settings → Your API keys.")
            % {"name": name},
        )
    return values


def endpoint_for_user(*, endpoint: Endpoint, user: User) -> Endpoint:
    """The endpoint as this user reaches it: with their own key (and base URL) where the endpoint asks for one."""
    if not endpoint.needs_user_key:
        return endpoint
    values = provider_key_values(user=user, endpoint=endpoint)
    if "baseURL" in endpoint.user_provided and base_url_refusal(str(values.get("baseURL")), allowed_addresses()):
        # Checked again at use: the name may resolve elsewhere now than when it was saved.
        raise ProviderKeyError(
            "base_url_not_allowed",
            _("Your base URL for “%(name)s” points to an address this server may not call. Enter another one "
              "in Settings → Your API keys.") % {"name": endpoint.label},
        )
    return dataclasses.replace(
        endpoint,
        api_key=values.get("apiKey") if "apiKey" in endpoint.user_provided else endpoint.api_key,
        base_url=values.get("baseURL") if "baseURL" in endpoint.user_provided else endpoint.base_url,
        owner_id=user.pk,
    )
