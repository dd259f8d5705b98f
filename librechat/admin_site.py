"""The admin site, with a page for the configured endpoints and librechat.yaml's unsupported keys."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _


class LibreChatAdminSite(admin.AdminSite):
    site_header = _("LibreChat administration")
    site_title = _("LibreChat admin")
    index_title = _("Administration")
    index_template = "admin/librechat_index.html"

    def get_urls(self) -> list[Any]:
        configuration = self.admin_view(self.configuration_view)
        extra: list[URLPattern] = [path("configuration/", configuration, name="configuration")]
        return extra + super().get_urls()

    def configuration_view(self, request: HttpRequest) -> HttpResponse:
        from providers.registry import get_registry

        registry = get_registry()
        context = {
            **self.each_context(request),
            "title": _("Configuration"),
            "endpoints": list(registry.endpoints.values()),
            "unsupported_keys": registry.unsupported_keys,
            "config_path": registry.config_path,
        }
        return TemplateResponse(request, "admin/configuration.html", context)
