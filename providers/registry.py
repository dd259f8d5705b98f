"""The configured endpoints, built once from settings and librechat.yaml, keyed by name."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from librechat.config import AppConfig, AzureOpenAIConfig, BedrockConfig, CustomEndpointConfig, load_config

if TYPE_CHECKING:
    from providers.base import Provider

logger = logging.getLogger(__name__)

DEMO = "Demo"
OPENAI = "openAI"
ANTHROPIC = "anthropic"
AZURE = "azureOpenAI"
GOOGLE = "google"
BEDROCK = "bedrock"
# The value that asks each user for their own key (or base URL), as in LibreChat.
USER_PROVIDED = "user_provided"


@dataclass
class Endpoint:
    name: str
    # Which adapter serves it: "demo", "openai" (Chat Completions / Responses), "anthropic",
    # "azure", "google" or "bedrock".
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
    # What the adapter kind needs beyond the common fields (Azure deployments, Vertex, AWS...).
    options: dict[str, Any] = field(default_factory=dict, repr=False)
    # Which of "apiKey" / "baseURL" each user enters for themselves (`user_provided`).
    user_provided: tuple[str, ...] = ()
    # Set on a user's copy of a user_provided endpoint: whose key it carries.
    owner_id: int | None = None

    @property
    def needs_user_key(self) -> bool:
        return bool(self.user_provided)

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
    endpoint.user_provided = tuple(
        label for label, value in (("apiKey", entry.apiKey), ("baseURL", entry.baseURL)) if value == USER_PROVIDED
    )
    return endpoint


def _azure_endpoint(config: AzureOpenAIConfig) -> Endpoint:
    """One endpoint for all groups; each visible model knows its deployment, version and resource."""
    deployments: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for group in config.groups:
        for model, spec in group.models.items():
            if spec is False:
                continue
            own = spec if not isinstance(spec, bool) else None
            deployment = (own.deploymentName if own else None) or group.deploymentName or model
            version = (own.version if own else None) or group.version or ""
            if group.baseURL:
                # LibreChat's placeholders for proxies that put the resource and deployment in the path.
                base_url = group.baseURL.replace("${INSTANCE_NAME}", group.instanceName or "").replace(
                    "${DEPLOYMENT_NAME}", deployment
                )
            else:
                instance = group.instanceName or ""
                # A full address (a proxy, the fake server) is used as it is.
                resource = instance if "://" in instance else f"https://{instance}.openai.azure.com"
                base_url = f"{resource.rstrip('/')}/openai/deployments/{deployment}"
            for label, value in (("apiKey", group.apiKey), ("baseURL", base_url)):
                if _unresolved(value):
                    missing.append(f"groups[{group.group}].{label} needs {', '.join(_VARIABLE.findall(value))}")
            deployments[model] = {
                "group": group.group,
                "deployment": deployment,
                "version": version,
                "base_url": base_url,
                "api_key": group.apiKey,
                "headers": {**group.headers, **group.additionalHeaders},
                "add_params": dict(group.addParams),
                "drop_params": list(group.dropParams),
            }
    endpoint = Endpoint(
        name=AZURE,
        kind="azure",
        label="Azure OpenAI",
        models=list(deployments),
        title_convo=config.titleConvo,
        title_model=config.titleModel,
        options={"deployments": deployments},
    )
    if missing:
        endpoint.available = False
        endpoint.unavailable_reason = "; ".join(sorted(set(missing))) + " (environment variables not set)"
    return endpoint


def _google_endpoint(config: AppConfig) -> Endpoint | None:
    google = config.endpoints.google if config.endpoints else None
    if not settings.GOOGLE_KEY and not settings.GOOGLE_SERVICE_KEY_FILE:
        return None
    # A service-account file means Vertex AI, unless an API key is also given (LibreChat prefers the key).
    vertex = bool(settings.GOOGLE_SERVICE_KEY_FILE) and not settings.GOOGLE_KEY
    endpoint = Endpoint(
        name=GOOGLE,
        kind="google",
        label="Google",
        models=list(settings.GOOGLE_MODELS),
        api_key=None if vertex or settings.GOOGLE_KEY == USER_PROVIDED else settings.GOOGLE_KEY,
        base_url=settings.GOOGLE_BASE_URL,
        headers=dict(google.headers) if google else {},
        title_convo=google.titleConvo if google else True,
        title_model=(google.titleModel if google else None) or settings.GOOGLE_TITLE_MODEL,
        options={
            "vertex": vertex,
            "service_key_file": settings.GOOGLE_SERVICE_KEY_FILE,
            "project": settings.GOOGLE_CLOUD_PROJECT,
            "location": settings.GOOGLE_LOCATION,
        },
        user_provided=("apiKey",) if settings.GOOGLE_KEY == USER_PROVIDED else (),
    )
    if vertex and not os.path.exists(settings.GOOGLE_SERVICE_KEY_FILE):
        endpoint.available = False
        endpoint.unavailable_reason = "GOOGLE_SERVICE_KEY_FILE names a file that does not exist"
    return endpoint


def _bedrock_endpoint(config: BedrockConfig | None) -> Endpoint | None:
    if not settings.BEDROCK_REGION:
        if config is not None:
            logger.warning("endpoints.bedrock is set but BEDROCK_AWS_DEFAULT_REGION is not: Bedrock is off")
        return None
    models = list((config.models if config else None) or settings.BEDROCK_MODELS)
    return Endpoint(
        name=BEDROCK,
        kind="bedrock",
        label="AWS Bedrock",
        models=models,
        base_url=settings.BEDROCK_ENDPOINT_URL,
        api_key=settings.BEDROCK_SECRET_ACCESS_KEY or None,
        title_convo=config.titleConvo if config else True,
        title_model=config.titleModel if config else None,
        options={
            "region": settings.BEDROCK_REGION,
            "access_key_id": settings.BEDROCK_ACCESS_KEY_ID,
            "session_token": settings.BEDROCK_SESSION_TOKEN,
            "profile": settings.BEDROCK_PROFILE,
            "inference_profiles": dict(config.inferenceProfiles) if config else {},
        },
    )


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
            user_provided=("apiKey",) if settings.OPENAI_API_KEY == USER_PROVIDED else (),
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
            user_provided=("apiKey",) if settings.ANTHROPIC_API_KEY == USER_PROVIDED else (),
        )
    if config.endpoints and config.endpoints.azureOpenAI:
        endpoints[AZURE] = _azure_endpoint(config.endpoints.azureOpenAI)
    google = _google_endpoint(config)
    if google is not None:
        endpoints[GOOGLE] = google
    bedrock = _bedrock_endpoint(config.endpoints.bedrock if config.endpoints else None)
    if bedrock is not None:
        endpoints[BEDROCK] = bedrock
    for endpoint in endpoints.values():
        if not endpoint.available:
            logger.warning("Endpoint %r is unavailable: %s", endpoint.name, endpoint.unavailable_reason)
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


def allowed_addresses() -> list[str]:
    """`endpoints.allowedAddresses`: private host:port pairs users' base URLs may point to."""
    endpoints = get_registry().config.endpoints
    return list(endpoints.allowedAddresses or []) if endpoints else []


def reset_registry() -> None:
    """Forget the cached registry and adapters (tests and config reloads)."""
    load_registry.cache_clear()
    _provider_cache.clear()


_provider_cache: dict[str, Provider] = {}


def get_provider(endpoint: Endpoint) -> Provider:
    """The adapter instance for an endpoint (one per endpoint, and per user for users' own keys)."""
    key = endpoint.name if endpoint.owner_id is None else f"{endpoint.name}\x00{endpoint.owner_id}"
    provider = _provider_cache.get(key)
    # Equal, not identical: a user's copy is rebuilt per request but keeps its client while the key is the same.
    if provider is None or (provider.endpoint is not endpoint and provider.endpoint != endpoint):
        provider = _make_provider(endpoint)
        _provider_cache[key] = provider
    return provider


def _make_provider(endpoint: Endpoint) -> Provider:
    if endpoint.kind == "demo":
        from providers.demo import DemoProvider

        return DemoProvider(endpoint)
    if endpoint.kind == "anthropic":
        from providers.anthropic_adapter import AnthropicProvider

        return AnthropicProvider(endpoint)
    if endpoint.kind == "azure":
        from providers.azure_adapter import AzureOpenAIProvider

        return AzureOpenAIProvider(endpoint)
    if endpoint.kind == "google":
        from providers.google_adapter import GoogleProvider

        return GoogleProvider(endpoint)
    if endpoint.kind == "bedrock":
        from providers.bedrock_adapter import BedrockProvider

        return BedrockProvider(endpoint)
    from providers.openai_adapter import OpenAIProvider

    return OpenAIProvider(endpoint)
