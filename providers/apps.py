from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("AI providers")

    def ready(self) -> None:
        # Parse librechat.yaml once at start; a malformed file stops start-up here.
        from providers.registry import load_registry

        load_registry()
