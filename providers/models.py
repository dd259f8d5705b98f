"""The models an endpoint offers: its configured list, or the fetched one (`models.fetch: true`)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from django.core.cache import cache

from providers.base import ProviderError
from providers.registry import Endpoint, get_provider

logger = logging.getLogger(__name__)

FETCH_TTL = 600
FAILURE_TTL = 60


def _cache_key(endpoint: Endpoint) -> str:
    return f"models:{endpoint.name}"


def endpoint_models(endpoint: Endpoint) -> list[str]:
    """Models to offer for an endpoint; a failed fetch falls back to `models.default` for a minute."""
    if not endpoint.fetch_models or not endpoint.available:
        return list(endpoint.models)
    cached = cache.get(_cache_key(endpoint))
    if cached is not None:
        return list(cached)
    try:
        fetched = async_to_sync(get_provider(endpoint).list_models)()
    except ProviderError as error:
        logger.warning(
            "Could not fetch the model list of endpoint %r (%s); offering the configured models",
            endpoint.name, error.code,
        )
        cache.set(_cache_key(endpoint), list(endpoint.models), FAILURE_TTL)
        return list(endpoint.models)
    # Configured models come first (the admin's order), then what the service adds.
    models = list(dict.fromkeys([*endpoint.models, *sorted(fetched)]))
    cache.set(_cache_key(endpoint), models, FETCH_TTL)
    return models
