"""Account pages: interface preferences (language, theme)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import user_set_preferences


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
