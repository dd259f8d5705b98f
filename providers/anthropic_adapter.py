"""The adapter for Anthropic's Messages API (Claude), streaming text and extended thinking."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2
from anthropic.resources.messages import AsyncMessages

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

# The body helpers are the same for every HTTP provider; they live with the OpenAI adapter.
from providers.sdk import SDKProvider
from providers.vision import anthropic_image_block

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MAX_TOKENS = 4096
# LibreChat's default thinkingBudget; Anthropic refuses budgets under 1024 tokens.
DEFAULT_THINKING_BUDGET = 2000
MIN_THINKING_BUDGET = 1024
FINISH_REASONS = {"end_turn": "stop", "max_tokens": "length"}
# Error types Anthropic sends inside a stream (HTTP status 200), mapped like their HTTP statuses.
STREAM_ERROR_CODES = {
    "rate_limit_error": ErrorCode.RATE_LIMIT,
    "authentication_error": ErrorCode.AUTH,
    "permission_error": ErrorCode.AUTH,
    "not_found_error": ErrorCode.NOT_FOUND,
    "invalid_request_error": ErrorCode.BAD_REQUEST,
    "request_too_large": ErrorCode.BAD_REQUEST,
    "timeout_error": ErrorCode.TIMEOUT,
}
_NOT_BODY = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}
_CREATE_KEYS = frozenset(inspect.signature(AsyncMessages.create).parameters) - _NOT_BODY


class AnthropicProvider(SDKProvider[anthropic.AsyncAnthropic]):
    """Anthropic's SDK against the endpoint's base URL, with one client per event loop."""

    default_base_url = DEFAULT_BASE_URL
    sdk_error = anthropic.AnthropicError
    status_error = anthropic.APIStatusError
    timeout_error = anthropic.APITimeoutError
    connection_error = anthropic.APIConnectionError

    def make_client(self, **options: Any) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(**options)

    def messages_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        params = request.params
        max_tokens = int(
            first_param(params, "max_tokens", "maxOutputTokens", "max_output_tokens") or DEFAULT_MAX_TOKENS
        )
        system = system_prompt(request)
        body: dict[str, Any] = {
            "model": request.model,
            "messages": anthropic_messages(request.messages),
            "max_tokens": max_tokens,
            "stream": stream,
            "system": system or None,
        }
        thinking = params.get("thinking")
        budget = first_param(params, "thinking_budget", "thinkingBudget")
        if isinstance(thinking, dict):
            body["thinking"] = thinking
        elif thinking is True or (thinking is None and budget is not None):
            budget = max(MIN_THINKING_BUDGET, int(budget or DEFAULT_THINKING_BUDGET))
            if budget >= max_tokens:
                # The budget must be below max_tokens; leave the reply its usual room after the thinking.
                body["max_tokens"] = budget + DEFAULT_MAX_TOKENS
            body["thinking"] = {"type": "enabled", "budget_tokens": budget}
        if "thinking" not in body:
            # Anthropic refuses sampling parameters while thinking, so they are only sent without it.
            body["temperature"] = first_param(params, "temperature")
            body["top_p"] = first_param(params, "top_p", "topP")
            body["top_k"] = first_param(params, "top_k", "topK")
        stop = first_param(params, "stop", "stop_sequences")
        body["stop_sequences"] = [stop] if isinstance(stop, str) else stop
        body = {key: value for key, value in body.items() if value is not None}
        return apply_endpoint_params(body, self.endpoint)

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        kwargs = split_body(self.messages_body(request, stream=True), _CREATE_KEYS)
        try:
            stream = await self.client().messages.create(**kwargs)
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        produced: list[str] = []
        stop_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        try:
            async for event in stream:
                if event.type == "message_start":
                    usage = event.message.usage
                    prompt_tokens = input_tokens(usage)
                    completion_tokens = usage.output_tokens
                elif event.type == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta" and delta.text:
                        produced.append(delta.text)
                        yield TextDelta(delta.text)
                    elif delta.type == "thinking_delta" and delta.thinking:
                        produced.append(delta.thinking)
                        yield ReasoningDelta(delta.thinking)
                elif event.type == "message_delta":
                    stop_reason = event.delta.stop_reason or stop_reason
                    completion_tokens = event.usage.output_tokens
                    if event.usage.input_tokens is not None:
                        prompt_tokens = input_tokens(event.usage)
        except self.errors as exc:
            raise self.provider_error(exc, started=True) from None
        finally:
            with contextlib.suppress(anthropic.AnthropicError, httpx2.HTTPError, OSError):
                await stream.close()
        if stop_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended without a stop_reason.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(FINISH_REASONS.get(stop_reason, stop_reason))

    async def complete(self, request: ChatRequest) -> str:
        """One non-streamed reply (titles): the text blocks only."""
        kwargs = split_body(self.messages_body(request, stream=False), _CREATE_KEYS)
        try:
            message = await self.client().messages.create(**kwargs)
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None
        return "".join(block.text for block in message.content if block.type == "text")

    def status_provider_error(self, exc: anthropic.APIStatusError) -> ProviderError:
        status = exc.status_code
        detail = scrub(
            f"{self.endpoint.name}: HTTP {status}: {exc.type or ''} {exc.api_message or exc.message}",
            self.endpoint.api_key,
        )
        if status >= 400:
            return ProviderError(error_code_for_status(status), detail, status=status)
        # An error event inside a stream that began with 200 OK.
        return ProviderError(STREAM_ERROR_CODES.get(str(exc.type), ErrorCode.SERVER), detail)


def input_tokens(usage: Any) -> int:
    """Prompt tokens including the cached part, which Anthropic reports separately."""
    return (
        (usage.input_tokens or 0)
        + (getattr(usage, "cache_creation_input_tokens", None) or 0)
        + (getattr(usage, "cache_read_input_tokens", None) or 0)
    )


def image_block(url: str) -> dict[str, Any]:
    return anthropic_image_block(url)


def anthropic_messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    """User and assistant turns, empty ones dropped and neighbours of one role merged (Anthropic alternates)."""
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    for message in messages:
        if message.role == "system":
            continue
        blocks: list[dict[str, Any]] = []
        if message.role == "user":
            blocks += [image_block(image["url"]) for image in message.images]
        text = message_text(message)
        if text.strip():
            blocks.append({"type": "text", "text": text})
        if not blocks:
            continue
        if turns and turns[-1][0] == message.role:
            turns[-1][1].extend(blocks)
        else:
            turns.append((message.role, blocks))
    result: list[dict[str, Any]] = []
    for role, blocks in turns:
        if all(block["type"] == "text" for block in blocks):
            result.append({"role": role, "content": "\n\n".join(block["text"] for block in blocks)})
        else:
            result.append({"role": role, "content": blocks})
    return result
