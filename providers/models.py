"""The models an endpoint offers: its configured list, or the fetched one (`models.fetch: true`)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache

from providers.base import ProviderError
from providers.registry import Endpoint, get_provider

logger = logging.getLogger(__name__)

FAILURE_TTL = 60


def _cache_key(endpoint: Endpoint) -> str:
    # A user's own key may see other models than the server's: their list is theirs.
    owner = f":{endpoint.owner_id}" if endpoint.owner_id is not None else ""
    return f"models:{endpoint.name}{owner}"


def _error_key(endpoint: Endpoint) -> str:
    return f"{_cache_key(endpoint)}:error"


def endpoint_models(endpoint: Endpoint) -> list[str]:
    """Models to offer for an endpoint; a failed fetch falls back to `models.default` for a minute."""
    if not endpoint.fetch_models or not endpoint.available:
        return list(endpoint.models)
    if endpoint.needs_user_key and endpoint.owner_id is None:
        # No key to ask with until a user enters theirs.
        return list(endpoint.models)
    cached = cache.get(_cache_key(endpoint))
    if cached is not None:
        return list(cached)
    try:
        fetched = async_to_sync(get_provider(endpoint).list_models)()
    except ProviderError as error:
        logger.warning(
            "Could not fetch the model list of endpoint %r (%s: %s); offering the configured models",
            endpoint.name, error.code, error.detail,
        )
        cache.set(_cache_key(endpoint), list(endpoint.models), FAILURE_TTL)
        cache.set(_error_key(endpoint), error.code, FAILURE_TTL)
        return list(endpoint.models)
    # Configured models come first (the admin's order), then what the service adds.
    models = list(dict.fromkeys([*endpoint.models, *sorted(fetched)]))
    cache.set(_cache_key(endpoint), models, settings.MODELS_FETCH_TTL)
    cache.delete(_error_key(endpoint))
    return models


def endpoint_models_error(endpoint: Endpoint) -> str | None:
    """The error code of the last failed model-list fetch, while its fallback list is in use."""
    if not endpoint.fetch_models:
        return None
    code = cache.get(_error_key(endpoint))
    return str(code) if code else None
