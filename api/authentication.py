"""DRF authentication by a per-user API key sent as `Authorization: Bearer lc-...`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.selectors import api_key_for_secret
from api.services import api_key_mark_used


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _space, raw_key = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not raw_key.strip():
            raise exceptions.AuthenticationFailed(_("Send the API key as “Authorization: Bearer lc-…”."))
        api_key = api_key_for_secret(raw_key=raw_key.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                _("The API key is not valid or has been revoked. Create a new one under Settings → API access.")
            )
        api_key_mark_used(api_key=api_key)
        return api_key.user, api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
