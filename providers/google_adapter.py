"""The adapter for Google's Gemini models, through the Gemini API (a key) or Vertex AI (a service account).

It uses the official `google-genai` SDK: `client.aio.models.generate_content_stream`, which reads
`:streamGenerateContent?alt=sse`. Thoughts (parts marked `thought`) stream as reasoning; the usage
comes from the last chunk's `usageMetadata`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
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
from providers.history import inline_image, merged_turns, message_text, system_prompt
from providers.params import first_param, scrub, usage_event
from providers.sdk import SDKProvider

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
FINISH_REASONS = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter", "RECITATION": "content_filter"}
# Google's status names for HTTP 200-family failures that come with a 400 code.
_AUTH_REASONS = ("API_KEY_INVALID", "API_KEY_EXPIRED", "API key not valid", "API key expired")


def gemini_contents(request: ChatRequest) -> tuple[str | None, list[dict[str, Any]]]:
    """(system_instruction, contents) for Gemini: roles user/model, alternating, images inline."""

    def parts(message: Any) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        if message.role == "user":
            for image in message.images:
                data = inline_image(image["url"])
                if data is not None:
                    blocks.append({"inline_data": {"mime_type": data.media_type, "data": data.data}})
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

    def generation_config(self, request: ChatRequest, system: str | None) -> genai_types.GenerateContentConfig:
        params = request.params
        config: dict[str, Any] = {
            "system_instruction": system,
            "temperature": first_param(params, "temperature"),
            "top_p": first_param(params, "top_p", "topP"),
            "top_k": first_param(params, "top_k", "topK"),
            "max_output_tokens": first_param(params, "max_tokens", "maxOutputTokens", "max_output_tokens"),
            "presence_penalty": first_param(params, "presence_penalty", "presencePenalty"),
            "frequency_penalty": first_param(params, "frequency_penalty", "frequencyPenalty"),
        }
        stop = first_param(params, "stop", "stop_sequences")
        config["stop_sequences"] = [stop] if isinstance(stop, str) else stop
        budget = first_param(params, "thinking_budget", "thinkingBudget")
        thinking = params.get("thinking")
        if thinking is True or (thinking is None and budget is not None):
            config["thinking_config"] = genai_types.ThinkingConfig(
                include_thoughts=True, thinking_budget=int(budget) if budget is not None else None
            )
        for key in self.endpoint.drop_params or []:
            config.pop(key, None)
        config.update(self.endpoint.add_params or {})
        # No tools are passed, so the SDK's automatic function calling has nothing to do.
        config["automatic_function_calling"] = genai_types.AutomaticFunctionCallingConfig(disable=True)
        return genai_types.GenerateContentConfig(**{key: value for key, value in config.items() if value is not None})

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        system, contents = gemini_contents(request)
        config = self.generation_config(request, system)
        produced: list[str] = []
        finish_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        started = False
        stream: Any = None
        try:
            stream = await self.client().aio.models.generate_content_stream(
                model=request.model,
                contents=contents,  # type: ignore[arg-type]
                config=config,
            )
            started = True
            async for chunk in stream:
                usage = chunk.usage_metadata
                if usage is not None:
                    prompt_tokens = usage.prompt_token_count if usage.prompt_token_count is not None else prompt_tokens
                    if usage.candidates_token_count is not None:
                        completion_tokens = usage.candidates_token_count + (usage.thoughts_token_count or 0)
                for candidate in chunk.candidates or ():
                    if candidate.index not in (None, 0):
                        continue
                    for part in (candidate.content.parts if candidate.content else None) or ():
                        if not part.text:
                            continue
                        produced.append(part.text)
                        yield ReasoningDelta(part.text) if part.thought else TextDelta(part.text)
                    if candidate.finish_reason:
                        reason = str(getattr(candidate.finish_reason, "value", candidate.finish_reason))
                        finish_reason = FINISH_REASONS.get(reason, reason.lower())
        except self.errors as exc:
            raise self.provider_error(exc, started=started) from None
        finally:
            if stream is not None:
                with contextlib.suppress(Exception):
                    await stream.aclose()
        if finish_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended without a finishReason.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(finish_reason)

    async def complete(self, request: ChatRequest) -> str:
        system, contents = gemini_contents(request)
        try:
            response = await self.client().aio.models.generate_content(
                model=request.model,
                contents=contents,  # type: ignore[arg-type]
                config=self.generation_config(request, system),
            )
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        parts = response.candidates[0].content.parts if response.candidates and response.candidates[0].content else []
        return "".join(part.text or "" for part in parts or () if not part.thought)

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
