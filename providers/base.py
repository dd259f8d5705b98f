"""The one streaming interface every AI provider adapter speaks."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

Role = Literal["system", "user", "assistant"]


@dataclass
class ChatMessage:
    role: Role
    text: str
    # Inline images for vision models: {"url": "data:..." or "https://..."}; later issues fill it.
    images: list[dict[str, str]] = field(default_factory=list)
    # An earlier reply's reasoning, for the record: adapters never send it back (providers.history).
    reasoning: str = ""


@dataclass
class ChatRequest:
    model: str
    messages: list[ChatMessage]
    # The conversation's system prompt ("instructions" in LibreChat).
    system: str = ""
    # Parameters in LibreChat's names: temperature, top_p, max_tokens (maxOutputTokens),
    # stop, reasoning_effort, thinking_budget, ... Adapters map and drop what they cannot send.
    params: dict[str, Any] = field(default_factory=dict)


# --- Events an adapter yields ----------------------------------------------------------------
@dataclass
class TextDelta:
    text: str


@dataclass
class ReasoningDelta:
    text: str


@dataclass
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass
class Done:
    finish_reason: str = "stop"


Event = TextDelta | ReasoningDelta | Usage | Done


class ErrorCode:
    AUTH = "auth"
    RATE_LIMIT = "rate_limit"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    INTERRUPTED = "interrupted"
    UNKNOWN = "unknown"


# What a person reads for each code, in their language. Keep in step with ErrorCode.
ERROR_MESSAGES = {
    ErrorCode.AUTH: _("The AI provider rejected the API key. Check the key in the server settings."),
    ErrorCode.RATE_LIMIT: _("The AI provider is rate limiting requests. Wait a moment and try again."),
    ErrorCode.SERVER: _("The AI provider had an internal error. Try again in a moment."),
    ErrorCode.TIMEOUT: _("The AI provider stopped responding, so the reply was cut off."),
    ErrorCode.CONNECTION: _("Could not reach the AI provider. Check the network and the endpoint address."),
    ErrorCode.BAD_REQUEST: _("The AI provider refused the request."),
    ErrorCode.NOT_FOUND: _("The AI provider does not know this model."),
    ErrorCode.UNAVAILABLE: _("This endpoint is not available right now."),
    ErrorCode.INTERRUPTED: _("The connection to the AI provider broke off in the middle of the reply."),
    ErrorCode.UNKNOWN: _("Something went wrong while generating the reply."),
}


class ProviderError(Exception):
    """A provider failure, with a code the UI turns into a translated message.

    `detail` is for the log (never contains a key); `status` is the HTTP status when there was one.
    """

    def __init__(self, code: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.status = status

    @property
    def user_message(self) -> str:
        return str(ERROR_MESSAGES.get(self.code, ERROR_MESSAGES[ErrorCode.UNKNOWN]))


def error_code_for_status(status: int) -> str:
    if status in (401, 403):
        return ErrorCode.AUTH
    if status == 404:
        return ErrorCode.NOT_FOUND
    if status == 429:
        return ErrorCode.RATE_LIMIT
    if status in (408, 504):
        return ErrorCode.TIMEOUT
    if 400 <= status < 500:
        return ErrorCode.BAD_REQUEST
    return ErrorCode.SERVER


class Provider(abc.ABC):
    """One configured endpoint's connection to an AI service."""

    def __init__(self, endpoint: Any) -> None:
        # `endpoint` is the providers.registry.Endpoint this adapter serves.
        self.endpoint = endpoint

    @abc.abstractmethod
    def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        """Yield events for one reply; raise ProviderError on failure (after any partial text)."""

    async def complete(self, request: ChatRequest) -> str:
        """The whole reply as text (titles and other short side calls)."""
        parts: list[str] = []
        async for event in self.stream(request):
            if isinstance(event, TextDelta):
                parts.append(event.text)
        return "".join(parts)

    async def list_models(self) -> list[str]:
        """Models the service offers (for `models.fetch`); the configured list by default."""
        return list(self.endpoint.models)
