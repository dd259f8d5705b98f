"""The adapter for Google's Gemini models, through the Gemini API (a key) or Vertex AI (a service account).

It uses the official `google-genai` SDK's client for authentication (API key, or the service
account's OAuth token), addresses, transport and typed errors, and reads
`:streamGenerateContent?alt=sse` chunks as JSON. Thoughts (parts marked `thought`) stream as
reasoning; the usage comes from the last chunk's `usageMetadata`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from providers.base import (
    ChatRequest,
    Done,
    ErrorCode,
    Event,
    ProviderError,
    ReasoningDelta,
    TextDelta,
    error_code_for_status,
)
from providers.history import merged_turns, message_text, system_prompt
from providers.params import first_param, scrub, usage_event
from providers.sdk import SDKProvider
from providers.vision import google_image_part

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
FINISH_REASONS = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter", "RECITATION": "content_filter"}
# Google's status names for HTTP 200-family failures that come with a 400 code.
_AUTH_REASONS = ("API_KEY_INVALID", "API_KEY_EXPIRED", "API key not valid", "API key expired")


def gemini_contents(request: ChatRequest) -> tuple[str | None, list[dict[str, Any]]]:
    """(system instruction, contents) for Gemini, as its JSON spells them: roles user/model,
    alternating, images inline (base64)."""

    def parts(message: Any) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if message.role == "user":
            blocks += [google_image_part(image["url"]) for image in message.images]
        text = message_text(message)
        if text.strip():
            blocks.append({"text": text})
        return blocks

    contents = [
        {"role": "model" if role == "assistant" else "user", "parts": blocks}
        for role, blocks in merged_turns(request.messages, parts)
    ]
    return system_prompt(request) or None, contents


class _NeverRaised(Exception):
    """The SDK has no timeout or connection error classes of its own: httpx2's are mapped instead."""


class GoogleProvider(SDKProvider[genai.Client]):
    """One `genai.Client` per event loop (its HTTP connections belong to the loop)."""

    sdk_error = genai_errors.APIError
    status_error = genai_errors.APIError
    timeout_error = _NeverRaised
    connection_error = _NeverRaised

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        # google-auth raises its own errors while fetching a Vertex token.
        from google.auth import exceptions as auth_exceptions

        return (genai_errors.APIError, httpx2.HTTPError, auth_exceptions.GoogleAuthError)

    def make_client(self, **options: Any) -> genai.Client:
        from django.conf import settings

        vertex = bool(self.endpoint.options.get("vertex"))
        http_options = genai_types.HttpOptions(
            base_url=self.endpoint.base_url or None,
            api_version=None if vertex else "v1beta",
            headers=dict(self.endpoint.headers or {}) or None,
            # Milliseconds; the idle timeout bounds each read of the stream.
            timeout=int(max(settings.PROVIDER_CONNECT_TIMEOUT, settings.PROVIDER_IDLE_TIMEOUT) * 1000),
        )
        settings_ = self.endpoint.options
        if vertex:
            from google.oauth2 import service_account

            path = settings_["service_key_file"]
            credentials = service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
            project = settings_.get("project") or _project_of(path)
            return genai.Client(
                vertexai=True,
                credentials=credentials,
                project=project,
                location=settings_.get("location") or "us-central1",
                http_options=http_options,
            )
        return genai.Client(api_key=self.endpoint.api_key or "", http_options=http_options)

    async def aclose(self) -> None:
        with self._lock:
            client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aio.aclose()

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        """The generateContent body, as Google's JSON spells it (camelCase)."""
        params = request.params
        system, contents = gemini_contents(request)
        config: dict[str, Any] = {
            "temperature": first_param(params, "temperature"),
            "topP": first_param(params, "top_p", "topP"),
            "topK": first_param(params, "top_k", "topK"),
            "maxOutputTokens": first_param(params, "max_tokens", "maxOutputTokens", "max_output_tokens"),
            "presencePenalty": first_param(params, "presence_penalty", "presencePenalty"),
            "frequencyPenalty": first_param(params, "frequency_penalty", "frequencyPenalty"),
        }
        stop = first_param(params, "stop", "stop_sequences")
        config["stopSequences"] = [stop] if isinstance(stop, str) else stop
        budget = first_param(params, "thinking_budget", "thinkingBudget")
        thinking = params.get("thinking")
        if thinking is True or (thinking is None and budget is not None):
            config["thinkingConfig"] = {"includeThoughts": True}
            if budget is not None:
                config["thinkingConfig"]["thinkingBudget"] = int(budget)
        for key in self.endpoint.drop_params or []:
            config.pop(key, None)
        config.update(self.endpoint.add_params or {})
        body: dict[str, Any] = {"contents": contents}
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        config = {key: value for key, value in config.items() if value is not None}
        if config:
            body["generationConfig"] = config
        return body

    def _path(self, model: str, method: str) -> str:
        # The SDK's transport adds the API version, and for Vertex AI projects/<p>/locations/<l>/.
        prefix = "publishers/google/" if self.endpoint.options.get("vertex") else ""
        return f"{prefix}models/{model}:{method}"

    async def _chunks(self, request: ChatRequest) -> AsyncGenerator[dict[str, Any], None]:
        """The streamed chunks as plain JSON.

        The SDK's transport signs, sends and raises its typed errors; the chunks are read as dicts
        here, because building the SDK's pydantic response for each one costs about 300 µs a
        token (bench/providers.py).
        """
        api = self.client().aio.models._api_client
        responses = await api.async_request_streamed(
            "post", self._path(request.model, "streamGenerateContent?alt=sse"), self.request_body(request), None
        )
        async for response in responses:
            if response.body:
                decoded = json.loads(response.body)
                if isinstance(decoded, dict):
                    yield decoded

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        produced: list[str] = []
        finish_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        started = False
        chunks = self._chunks(request)
        try:
            async for chunk in chunks:
                started = True
                usage = chunk.get("usageMetadata")
                if usage:
                    prompt_tokens = usage.get("promptTokenCount", prompt_tokens)
                    if usage.get("candidatesTokenCount") is not None:
                        completion_tokens = usage["candidatesTokenCount"] + (usage.get("thoughtsTokenCount") or 0)
                for candidate in chunk.get("candidates") or ():
                    if candidate.get("index", 0) != 0:
                        continue
                    for part in (candidate.get("content") or {}).get("parts") or ():
                        text = part.get("text")
                        if not text:
                            continue
                        produced.append(text)
                        yield ReasoningDelta(text) if part.get("thought") else TextDelta(text)
                    reason = candidate.get("finishReason")
                    if reason:
                        finish_reason = FINISH_REASONS.get(reason, str(reason).lower())
        except self.errors as exc:
            raise self.provider_error(exc, started=started) from None
        except json.JSONDecodeError:
            raise ProviderError(ErrorCode.BAD_REQUEST, "Google sent a chunk that is not JSON.") from None
        finally:
            with contextlib.suppress(Exception):
                await chunks.aclose()
        if finish_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended without a finishReason.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(finish_reason)

    async def complete(self, request: ChatRequest) -> str:
        api = self.client().aio.models._api_client
        try:
            response = await api.async_request(
                "post", self._path(request.model, "generateContent"), self.request_body(request), None
            )
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        decoded = json.loads(response.body) if response.body else {}
        candidates = decoded.get("candidates") or [{}]
        parts = (candidates[0].get("content") or {}).get("parts") or []
        return "".join(part.get("text", "") for part in parts if not part.get("thought"))

    async def list_models(self) -> list[str]:
        try:
            return [
                (model.name or "").removeprefix("models/")
                async for model in await self.client().aio.models.list()
                if model.name
            ]
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None

    def provider_error(self, exc: BaseException, *, started: bool) -> ProviderError:
        from google.auth import exceptions as auth_exceptions

        if isinstance(exc, auth_exceptions.GoogleAuthError):
            detail = f"{self.endpoint.name}: Google credentials refused: {type(exc).__name__}"
            return ProviderError(ErrorCode.AUTH, detail)
        return super().provider_error(exc, started=started)

    def status_provider_error(self, exc: genai_errors.APIError) -> ProviderError:
        status = int(exc.code or 500)
        message = str(exc.message or "")
        detail = scrub(f"{self.endpoint.name}: HTTP {status} {exc.status or ''}: {message}", self.endpoint.api_key)
        code = error_code_for_status(status)
        if status == 400 and any(reason in json.dumps(exc.details, default=str) for reason in _AUTH_REASONS):
            # Google answers a bad key with 400 INVALID_ARGUMENT, not 401.
            code = ErrorCode.AUTH
        return ProviderError(code, detail, status=status)


def _project_of(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle).get("project_id")
    except (OSError, ValueError):
        return None
