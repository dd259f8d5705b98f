from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from librechat.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("settings/preferences/", account_views.preferences, name="preferences"),
    path("settings/keys/", account_views.provider_keys, name="provider_keys"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("presets/", include("presets.urls")),
    path("files/", include("files.urls")),
    path("", include("api.urls")),
    path("", include("chat.organise.urls")),
    path("", include("chat.urls")),
]
