"""Account pages: interface preferences (language, theme) and the API keys users enter."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import ProviderKeyError, provider_key_is_usable, provider_key_list_for_user
from accounts.services import provider_key_revoke, provider_key_set, user_set_preferences
from providers.registry import get_registry


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Store language and theme on the account (or only in a cookie before sign-in)."""
    language = request.POST.get("language")
    theme = request.POST.get("theme")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = None
    if theme not in User.Theme.values:
        theme = None
    if request.user.is_authenticated:
        user_set_preferences(user=request.user, language=language, theme=theme)  # type: ignore[arg-type]
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
def provider_keys(request: HttpRequest) -> HttpResponse:
    """Your API keys: enter, replace or revoke the keys of `user_provided` endpoints."""
    user: User = request.user  # type: ignore[assignment]
    endpoints = [endpoint for endpoint in get_registry().endpoints.values() if endpoint.needs_user_key]
    if request.method == "POST":
        endpoint = next((item for item in endpoints if item.name == request.POST.get("endpoint")), None)
        if endpoint is None:
            messages.error(request, _("That endpoint does not take keys from users."))
        elif request.POST.get("action") == "revoke":
            if provider_key_revoke(user=user, endpoint_name=endpoint.name):
                messages.success(request, _("Your key for “%(name)s” was removed.") % {"name": endpoint.label})
        else:
            try:
                provider_key_set(
                    user=user,
                    endpoint=endpoint,
                    api_key=request.POST.get("api_key", ""),
                    base_url=request.POST.get("base_url", ""),
                    expires_in=request.POST.get("expires_in", ""),
                )
            except ProviderKeyError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your key for “%(name)s” was saved.") % {"name": endpoint.label})
        return HttpResponseRedirect(reverse("provider_keys"))
    saved = provider_key_list_for_user(user=user)
    rows = [
        {
            "endpoint": endpoint,
            "key": saved.get(endpoint.name),
            "usable": provider_key_is_usable(saved.get(endpoint.name)),
            "needs_api_key": "apiKey" in endpoint.user_provided,
            "needs_base_url": "baseURL" in endpoint.user_provided,
        }
        for endpoint in endpoints
    ]
    expiry_choices = [
        ("12h", _("12 hours")),
        ("1d", _("1 day")),
        ("7d", _("7 days")),
        ("30d", _("30 days")),
        ("never", _("Never")),
    ]
    return render(request, "accounts/provider_keys.html", {"rows": rows, "expiry_choices": expiry_choices})
