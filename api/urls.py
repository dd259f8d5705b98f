from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

app_name = "api"
urlpatterns = [
    path("v1/models", views.ModelListView.as_view(), name="models"),
    path("v1/models/<path:model_id>", views.ModelDetailView.as_view(), name="model"),
    path("v1/chat/completions", views.ChatCompletionsView.as_view(), name="chat-completions"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("settings/api-keys/", views.api_keys, name="keys"),
    path("settings/api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="revoke"),
]
