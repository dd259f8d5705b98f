"""Request-building helpers every adapter shares: LibreChat's parameter aliases, librechat.yaml's
dropParams/addParams, SDK keyword splitting, key scrubbing and token usage."""

from __future__ import annotations

import asyncio
from typing import Any

from providers.base import ChatRequest, Usage
from providers.tokens import count_messages, count_tokens

# Keys sent even when dropParams names them: without them there is no request at all.
REQUIRED_KEYS = frozenset({"model", "messages", "input", "stream"})
DETAIL_CHARS = 500


def first_param(params: dict[str, Any], *names: str) -> Any:
    """The first of LibreChat's aliases for one parameter that is set."""
    for name in names:
        value = params.get(name)
        if value is not None and value != "":
            return value
    return None


def apply_endpoint_params(body: dict[str, Any], endpoint: Any) -> dict[str, Any]:
    """librechat.yaml's dropParams, then addParams, applied to an outgoing body."""
    for key in endpoint.drop_params or []:
        if key not in REQUIRED_KEYS:
            body.pop(key, None)
    body.update(endpoint.add_params or {})
    return body


def split_body(body: dict[str, Any], named: frozenset[str]) -> dict[str, Any]:
    """SDK keyword arguments for a body: the keys the method names, the rest as extra_body."""
    kwargs = {key: value for key, value in body.items() if key in named}
    extra = {key: value for key, value in body.items() if key not in named}
    if extra:
        kwargs["extra_body"] = extra
    return kwargs


def scrub(text: str, secret: str | None) -> str:
    # Some providers echo the key back in their error message ("Incorrect API key provided: ...").
    if secret:
        text = text.replace(secret, "[redacted]")
    return text[:DETAIL_CHARS]


async def usage_event(
    request: ChatRequest, prompt_tokens: int | None, completion_tokens: int | None, produced: str
) -> Usage:
    """The provider's token counts, with tiktoken's count for whatever it did not report."""
    # The first count loads an encoding from disk: keep it off the event loop.
    if prompt_tokens is None:
        prompt_tokens = await asyncio.to_thread(count_messages, request.messages, request.system, request.model)
    if completion_tokens is None:
        completion_tokens = await asyncio.to_thread(count_tokens, produced, request.model)
    return Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
