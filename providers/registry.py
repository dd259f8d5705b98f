"""The configured endpoints, built once from settings and librechat.yaml, keyed by name."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from librechat.config import AppConfig, CustomEndpointConfig, load_config

if TYPE_CHECKING:
    from providers.base import Provider

logger = logging.getLogger(__name__)

DEMO = "Demo"
OPENAI = "openAI"
ANTHROPIC = "anthropic"


@dataclass
class Endpoint:
    name: str
    # Which adapter serves it: "demo", "openai" (Chat Completions / Responses) or "anthropic".
    kind: str
    label: str
    models: list[str]
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict)
    add_params: dict[str, Any] = field(default_factory=dict)
    drop_params: list[str] = field(default_factory=list)
    title_convo: bool = True
    title_model: str | None = None
    icon_url: str | None = None
    fetch_models: bool = False
    use_responses_api: bool = False
    custom: bool = False
    available: bool = True
    unavailable_reason: str = ""

    def title_model_for(self, model: str) -> str:
        if not self.title_model or self.title_model == "current_model":
            return model
        return self.title_model


@dataclass
class Registry:
    endpoints: dict[str, Endpoint]
    config: AppConfig
    config_path: str | None
    unsupported_keys: list[str]

    def available(self) -> list[Endpoint]:
        return [endpoint for endpoint in self.endpoints.values() if endpoint.available]

    def get(self, name: str) -> Endpoint | None:
        return self.endpoints.get(name)


def _custom_endpoint(entry: CustomEndpointConfig) -> Endpoint:
    checked = [("apiKey", entry.apiKey), ("baseURL", entry.baseURL)]
    checked += [(f"headers.{name}", str(value)) for name, value in (entry.headers or {}).items()]
    # A ${VAR} still in place means the variable is not set: sending the literal would be wrong.
    missing = {
        label: _VARIABLE.findall(value) for label, value in checked if value is not None and _unresolved(value)
    }
    endpoint = Endpoint(
        name=entry.name,
        kind="anthropic" if entry.provider == "anthropic" else "openai",
        label=entry.modelDisplayLabel or entry.name,
        models=list(entry.models.default),
        base_url=entry.baseURL,
        api_key=entry.apiKey,
        headers={key: str(value) for key, value in (entry.headers or {}).items()},
        add_params=dict(entry.addParams or {}),
        drop_params=list(entry.dropParams or []),
        title_convo=bool(entry.titleConvo),
        title_model=entry.titleModel,
        icon_url=entry.iconURL,
        fetch_models=bool(entry.models.fetch),
        custom=True,
    )
    if missing:
        endpoint.available = False
        endpoint.unavailable_reason = "; ".join(
            f"{label} needs the environment variable {', '.join(names) or '?'}, which is not set"
            for label, names in missing.items()
        )
    elif entry.apiKey == "user_provided" or entry.baseURL == "user_provided":
        endpoint.available = False
        endpoint.unavailable_reason = "Keys provided by users are not supported yet"
    return endpoint


_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _unresolved(value: str) -> bool:
    return "${" in value


def build_registry(config: AppConfig, config_path: str | None, unsupported: list[str]) -> Registry:
    endpoints: dict[str, Endpoint] = {}
    if settings.DEMO_ENDPOINT_ENABLED:
        endpoints[DEMO] = Endpoint(name=DEMO, kind="demo", label="Demo", models=["demo-chat", "demo-fast"])
    if settings.OPENAI_API_KEY:
        endpoints[OPENAI] = Endpoint(
            name=OPENAI,
            kind="openai",
            label="OpenAI",
            models=list(settings.OPENAI_MODELS),
            api_key=settings.OPENAI_API_KEY,
            base_url=settings.OPENAI_BASE_URL,
            title_model="gpt-4o-mini",
        )
    if settings.ANTHROPIC_API_KEY:
        endpoints[ANTHROPIC] = Endpoint(
            name=ANTHROPIC,
            kind="anthropic",
            label="Anthropic",
            models=list(settings.ANTHROPIC_MODELS),
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL,
            title_model="claude-3-5-haiku-latest",
        )
    for entry in config.endpoints.custom if config.endpoints else []:
        endpoint = _custom_endpoint(entry)
        endpoints[endpoint.name] = endpoint
        if not endpoint.available:
            logger.warning("Endpoint %r is unavailable: %s", endpoint.name, endpoint.unavailable_reason)
    return Registry(endpoints=endpoints, config=config, config_path=config_path, unsupported_keys=unsupported)


@cache
def load_registry() -> Registry:
    """Read librechat.yaml (if present) and build the endpoints; cached for the process."""
    path = settings.LIBRECHAT_CONFIG
    if path and os.path.exists(path):
        loaded = load_config(path, environ=os.environ)
        for key in loaded.unsupported:
            logger.warning("librechat.yaml: %s is not supported yet and is ignored", key)
        return build_registry(loaded.config, path, loaded.unsupported)
    return build_registry(AppConfig(), None, [])


def get_registry() -> Registry:
    return load_registry()


def reset_registry() -> None:
    """Forget the cached registry and adapters (tests and config reloads)."""
    load_registry.cache_clear()
    _provider_cache.clear()


_provider_cache: dict[str, Provider] = {}


def get_provider(endpoint: Endpoint) -> Provider:
    """The adapter instance for an endpoint (one per endpoint, reused across requests)."""
    provider = _provider_cache.get(endpoint.name)
    if provider is None or provider.endpoint is not endpoint:
        provider = _make_provider(endpoint)
        _provider_cache[endpoint.name] = provider
    return provider


def _make_provider(endpoint: Endpoint) -> Provider:
    if endpoint.kind == "demo":
        from providers.demo import DemoProvider

        return DemoProvider(endpoint)
    if endpoint.kind == "anthropic":
        from providers.anthropic_adapter import AnthropicProvider

        return AnthropicProvider(endpoint)
    from providers.openai_adapter import OpenAIProvider

    return OpenAIProvider(endpoint)
