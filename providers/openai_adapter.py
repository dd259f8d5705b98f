"""The adapter for OpenAI and OpenAI-compatible endpoints: Chat Completions and the Responses API."""

from __future__ import annotations

import contextlib
import inspect
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai
from openai.resources.chat.completions import AsyncCompletions
from openai.resources.responses import AsyncResponses

from providers.base import (
    ChatMessage,
    ChatRequest,
    Done,
    ErrorCode,
    Event,
    ProviderError,
    ReasoningDelta,
    TextDelta,
    error_code_for_status,
)
from providers.history import message_text, system_prompt
from providers.params import apply_endpoint_params, first_param, scrub, split_body, usage_event
from providers.sdk import SDKProvider
from providers.vision import openai_image_part, responses_image_part

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# o1, o3, o4-mini, gpt-5...: they take max_completion_tokens and refuse sampling parameters.
_REASONING_MODEL = re.compile(r"(^|[/:])(o\d|gpt-5)", re.IGNORECASE)
_SAMPLING_KEYS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_NOT_BODY = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}
# The body keys each SDK method takes by name; anything else goes in extra_body.
_CHAT_KEYS = frozenset(inspect.signature(AsyncCompletions.create).parameters) - _NOT_BODY
_RESPONSES_KEYS = frozenset(inspect.signature(AsyncResponses.create).parameters) - _NOT_BODY


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING_MODEL.search(model))


class OpenAIProvider(SDKProvider[openai.AsyncOpenAI]):
    """OpenAI's SDK against the endpoint's base URL, with one client per event loop."""

    default_base_url = DEFAULT_BASE_URL
    sdk_error = openai.OpenAIError
    status_error = openai.APIStatusError
    timeout_error = openai.APITimeoutError
    connection_error = openai.APIConnectionError

    def make_client(self, **options: Any) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(**options)

    def uses_responses_api(self, request: ChatRequest) -> bool:
        return bool(self.endpoint.use_responses_api or request.params.get("useResponsesApi"))

    # --- request bodies -------------------------------------------------------------------------
    def chat_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        params = request.params
        reasoning = is_reasoning_model(request.model)
        body: dict[str, Any] = {"model": request.model, "messages": chat_messages(request), "stream": stream}
        if stream:
            # Without this OpenAI sends no usage in a stream; servers that refuse it list it in dropParams.
            body["stream_options"] = {"include_usage": True}
        if not reasoning:
            body["temperature"] = first_param(params, "temperature")
            body["top_p"] = first_param(params, "top_p", "topP")
            body["presence_penalty"] = first_param(params, "presence_penalty", "presencePenalty")
            body["frequency_penalty"] = first_param(params, "frequency_penalty", "frequencyPenalty")
        max_tokens = first_param(params, "max_tokens", "maxOutputTokens", "max_output_tokens", "max_completion_tokens")
        body["max_completion_tokens" if reasoning else "max_tokens"] = max_tokens
        body["stop"] = first_param(params, "stop")
        body["reasoning_effort"] = first_param(params, "reasoning_effort", "reasoningEffort")
        body = {key: value for key, value in body.items() if value is not None}
        return apply_endpoint_params(body, self.endpoint)

    def responses_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        params = request.params
        body: dict[str, Any] = {"model": request.model, "input": responses_input(request.messages), "stream": stream}
        body["instructions"] = request.system or None
        if not is_reasoning_model(request.model):
            body["temperature"] = first_param(params, "temperature")
            body["top_p"] = first_param(params, "top_p", "topP")
        body["max_output_tokens"] = first_param(
            params, "max_output_tokens", "maxOutputTokens", "max_tokens", "max_completion_tokens"
        )
        effort = first_param(params, "reasoning_effort", "reasoningEffort")
        if effort:
            summary = first_param(params, "reasoning_summary", "reasoningSummary") or "auto"
            body["reasoning"] = {"effort": effort, "summary": summary}
        body = {key: value for key, value in body.items() if value is not None}
        return apply_endpoint_params(body, self.endpoint)

    # --- streaming ------------------------------------------------------------------------------
    def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        if self.uses_responses_api(request):
            return self._stream_responses(request)
        return self._stream_chat(request)

    async def _stream_chat(self, request: ChatRequest) -> AsyncIterator[Event]:
        # The SDK builds, authenticates and sends the request and raises its typed errors; the
        # chunks are decoded here with json.loads, because building the SDK's model object for
        # every chunk costs about 90 µs a token against 15 (measured in bench/stream.py).
        kwargs = split_body(self.chat_body(request, stream=True), _CHAT_KEYS)
        produced: list[str] = []
        finish_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        started = False
        try:
            async with self.client().chat.completions.with_streaming_response.create(**kwargs) as response:
                started = True
                async for chunk in sse_json(response.iter_lines()):
                    if chunk.get("error"):
                        detail = scrub(f"Stream error: {chunk['error']}", self.endpoint.api_key)
                        raise ProviderError(ErrorCode.SERVER, detail)
                    usage = chunk.get("usage")
                    if usage:
                        prompt_tokens = usage.get("prompt_tokens", prompt_tokens)
                        completion_tokens = usage.get("completion_tokens", completion_tokens)
                    for choice in chunk.get("choices") or ():
                        if choice.get("index", 0) != 0:
                            continue
                        delta = choice.get("delta") or {}
                        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
                        if isinstance(reasoning, str) and reasoning:
                            produced.append(reasoning)
                            yield ReasoningDelta(reasoning)
                        content = delta.get("content")
                        if isinstance(content, str) and content:
                            produced.append(content)
                            yield TextDelta(content)
                        if choice.get("finish_reason"):
                            finish_reason = choice["finish_reason"]
        except self.errors as exc:
            raise self.provider_error(exc, started=started) from None
        if finish_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended without a finish_reason.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(finish_reason)

    async def _stream_responses(self, request: ChatRequest) -> AsyncIterator[Event]:
        kwargs = split_body(self.responses_body(request, stream=True), _RESPONSES_KEYS)
        try:
            stream = await self.client().responses.create(**kwargs)
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        produced: list[str] = []
        finish_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        summary_index: int | None = None
        try:
            async for event in stream:
                kind = event.type
                if kind == "response.output_text.delta":
                    produced.append(event.delta)
                    yield TextDelta(event.delta)
                elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
                    index = getattr(event, "summary_index", getattr(event, "content_index", 0))
                    if summary_index is not None and index != summary_index:
                        # Separate the summary's parts the way ChatGPT shows them.
                        yield ReasoningDelta("\n\n")
                    summary_index = index
                    produced.append(event.delta)
                    yield ReasoningDelta(event.delta)
                elif kind in ("response.completed", "response.incomplete"):
                    response = event.response
                    if response.usage is not None:
                        prompt_tokens = response.usage.input_tokens
                        completion_tokens = response.usage.output_tokens
                    finish_reason = "stop" if kind == "response.completed" else incomplete_reason(response)
                elif kind == "response.failed":
                    error = event.response.error
                    raise ProviderError(ErrorCode.SERVER, scrub(f"Response failed: {error}", self.endpoint.api_key))
                elif kind == "error":
                    code = ErrorCode.RATE_LIMIT if "rate" in str(event.code or "") else ErrorCode.SERVER
                    detail = scrub(f"Stream error {event.code}: {event.message}", self.endpoint.api_key)
                    raise ProviderError(code, detail)
        except self.errors as exc:
            raise self.provider_error(exc, started=True) from None
        finally:
            with contextlib.suppress(openai.OpenAIError, httpx2.HTTPError, OSError):
                await stream.close()
        if finish_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended before response.completed.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(finish_reason)

    # --- side calls -----------------------------------------------------------------------------
    async def complete(self, request: ChatRequest) -> str:
        """One non-streamed reply (titles): the text only."""
        try:
            if self.uses_responses_api(request):
                kwargs = split_body(self.responses_body(request, stream=False), _RESPONSES_KEYS)
                response = await self.client().responses.create(**kwargs)
                return response.output_text
            kwargs = split_body(self.chat_body(request, stream=False), _CHAT_KEYS)
            completion = await self.client().chat.completions.create(**kwargs)
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        if not completion.choices:
            return ""
        return completion.choices[0].message.content or ""

    def status_provider_error(self, exc: openai.APIStatusError) -> ProviderError:
        status = exc.status_code
        detail = scrub(f"{self.endpoint.name}: HTTP {status}: {exc.message}", self.endpoint.api_key)
        return ProviderError(error_code_for_status(status), detail, status=status)


def chat_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """The history as Chat Completions messages: one leading system message, then the turns."""
    messages: list[dict[str, Any]] = []
    system = system_prompt(request)
    if system:
        messages.append({"role": "system", "content": system})
    for message in request.messages:
        if message.role == "system":
            continue
        text = message_text(message)
        if message.images and message.role == "user":
            parts: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
            parts += [openai_image_part(image["url"]) for image in message.images]
            messages.append({"role": message.role, "content": parts})
        elif text:
            messages.append({"role": message.role, "content": text})
    return messages


def responses_input(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for message in messages:
        text = message_text(message)
        if message.images and message.role == "user":
            parts: list[dict[str, Any]] = [{"type": "input_text", "text": text}] if text else []
            parts += [responses_image_part(image["url"]) for image in message.images]
            items.append({"role": message.role, "content": parts})
        elif text:
            items.append({"role": message.role, "content": text})
    return items


async def sse_json(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of a server-sent event stream, up to `[DONE]`; comments are skipped."""
    data: list[str] = []
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
            continue
        if line or not data:
            continue  # `event:`, `id:`, `:` comments and keep-alives
        payload = "\n".join(data)
        data.clear()
        if payload.strip() == "[DONE]":
            return
        try:
            decoded = json.loads(payload)
        except json.JSONDecodeError:
            raise ProviderError(ErrorCode.BAD_REQUEST, "The provider sent a chunk that is not JSON.") from None
        if isinstance(decoded, dict):
            yield decoded
    if data and "".join(data).strip() != "[DONE]":
        with contextlib.suppress(json.JSONDecodeError):
            decoded = json.loads("\n".join(data))
            if isinstance(decoded, dict):
                yield decoded


def incomplete_reason(response: Any) -> str:
    details = getattr(response, "incomplete_details", None)
    reason = getattr(details, "reason", None)
    return "length" if reason in (None, "max_output_tokens") else str(reason)
