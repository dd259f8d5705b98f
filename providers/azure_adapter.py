"""The adapter for Azure OpenAI: each visible model is a deployment of some resource (a group).

Requests go through the official SDK's `AsyncAzureOpenAI` (the `api-key` header and the
`api-version` query), one client per deployment and event loop. Streaming, usage and error
mapping are the OpenAI adapter's, since Azure speaks Chat Completions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import AsyncIterator
from typing import Any

import openai

from providers.base import ChatRequest, ErrorCode, Event, Provider, ProviderError
from providers.openai_adapter import OpenAIProvider
from providers.registry import Endpoint


class AzureDeploymentProvider(OpenAIProvider):
    """One deployment: the OpenAI adapter with Azure's client and the deployment as the model."""

    def make_client(self, **options: Any) -> openai.AsyncAzureOpenAI:  # type: ignore[override]
        # `base_url` already ends in /openai/deployments/<deployment>, so the SDK adds only the operation.
        return openai.AsyncAzureOpenAI(api_version=self.endpoint.options["version"], **options)

    def uses_responses_api(self, request: ChatRequest) -> bool:
        return False

    def chat_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        # Parameters follow the visible model's family (o1, gpt-5...); Azure routes by the deployment.
        body = super().chat_body(request, stream=stream)
        body["model"] = self.endpoint.options["deployment"]
        return body


class AzureOpenAIProvider(Provider):
    """`endpoints.azureOpenAI`: picks the model's deployment and hands the request to it."""

    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__(endpoint)
        self._deployments: dict[str, AzureDeploymentProvider] = {}
        self._lock = threading.Lock()

    def deployment(self, model: str) -> AzureDeploymentProvider:
        spec = self.endpoint.options.get("deployments", {}).get(model)
        if spec is None:
            raise ProviderError(ErrorCode.NOT_FOUND, f"{self.endpoint.name}: no deployment for model {model!r}")
        with self._lock:
            provider = self._deployments.get(model)
            if provider is None:
                endpoint = dataclasses.replace(
                    self.endpoint,
                    api_key=spec["api_key"],
                    base_url=spec["base_url"],
                    headers=dict(spec["headers"]),
                    add_params=dict(spec["add_params"]),
                    drop_params=list(spec["drop_params"]),
                    options={"deployment": spec["deployment"], "version": spec["version"]},
                )
                provider = self._deployments[model] = AzureDeploymentProvider(endpoint)
        return provider

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        async with contextlib.aclosing(self.deployment(request.model).stream(request)) as events:  # type: ignore[type-var]
            async for event in events:
                yield event

    async def complete(self, request: ChatRequest) -> str:
        return await self.deployment(request.model).complete(request)

    async def list_models(self) -> list[str]:
        # Azure has no per-resource model list worth asking: the deployments are the configuration.
        return list(self.endpoint.models)

    async def aclose(self) -> None:
        for provider in list(self._deployments.values()):
            await provider.aclose()
