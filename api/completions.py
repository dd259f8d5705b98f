"""Chat completions through the chat engine (chat.generation), in OpenAI's wire shapes.

An API call is stored as a conversation marked `source="api"`: the client's earlier messages as
one branch, its last user message, and the reply, which the engine generates, saves and counts
exactly as it does for the web chat. This module follows the reply's channel-layer group (the same
frames a browser tab gets) and turns the frames into a `chat.completion` object or into
`chat.completion.chunk` Server-Sent Events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import translation

from accounts.models import User
from api.errors import PROVIDER_STATUS, ApiError, error_body
from api.requests import CompletionRequest
from api.selectors import ModelEntry
from chat.generation import STREAMS, generation_start, generation_stop
from chat.groups import stream_group
from chat.models import Conversation, Message
from chat.presenters import error_message_for
from chat.services import ChatError, conversation_delete

# Longest wait for the engine to forget a reply after its final frame (it does so at once).
FORGET_WAIT = 2.0
# OpenAI's finish reasons; providers' own (Anthropic's "end_turn", ...) map onto them.
FINISH_REASONS = {"length": "length", "max_tokens": "length", "content_filter": "content_filter"}


@dataclass
class CompletionCall:
    """A validated call whose conversation is stored, ready to generate."""

    user: User
    entry: ModelEntry
    request: CompletionRequest
    conversation: Conversation
    parent: Message | None
    language: str
    created: int

    @property
    def conversation_id(self) -> str:
        return str(self.conversation.pk)


def finish_reason_for(reason: str) -> str:
    return FINISH_REASONS.get(reason, "stop")


def usage_for(message: dict[str, Any]) -> dict[str, int]:
    prompt = int(message.get("prompt_tokens") or 0)
    completion = int(message.get("completion_tokens") or 0)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def error_for(message: dict[str, Any] | None, language: str) -> ApiError:
    """The API error for a reply that failed (or vanished because its conversation was deleted)."""
    code = (message or {}).get("error_code") or "unknown"
    with translation.override(language):
        text = error_message_for(code)
    return ApiError(
        text, status_code=PROVIDER_STATUS.get(code, 502), type="provider_error", code=code,
    )


async def reply_frames(call: CompletionCall) -> AsyncIterator[dict[str, Any]]:
    """Start the reply and yield the engine's frames for it, ending with the `final` frame (whose
    `message` is None if the conversation was deleted meanwhile). A caller that stops iterating
    early (the client went away) stops the reply; what was generated is kept, marked unfinished."""
    layer = get_channel_layer()
    assert layer is not None  # settings always configure one
    channel = await layer.new_channel()
    followed: list[str] = []

    async def follow(message_id: str) -> None:
        followed.append(message_id)
        await layer.group_add(stream_group(message_id), channel)

    try:
        await generation_start(
            user=call.user,
            follow=follow,
            kind="send",
            conversation_id=call.conversation_id,
            parent_id=str(call.parent.pk) if call.parent is not None else None,
            text=call.request.prompt,
            endpoint_name=call.entry.endpoint.name,
            model=call.entry.model,
            parameters=call.request.parameters,
        )
    except BaseException:
        # Refused (or failed) before a reply existed: the call leaves no conversation behind.
        with contextlib.suppress(Exception):
            if followed:
                await layer.group_discard(stream_group(followed[0]), channel)
            await database_sync_to_async(conversation_delete)(conversation=call.conversation)
        raise
    message_id = followed[0]
    finished = False
    receive: asyncio.Task[dict[str, Any]] | None = None
    try:
        while True:
            if receive is None:
                receive = asyncio.ensure_future(layer.receive(channel))
            # Never cancel a receive mid-way (a frame could be lost): wait on the same task again.
            done, _pending = await asyncio.wait({receive}, timeout=1.0)
            if not done:
                if message_id not in STREAMS:
                    finished = True
                    yield {"type": "final", "message": None}
                    return
                continue
            frame = receive.result()["frame"]
            receive = None
            if frame.get("type") == "final":
                finished = True
                deadline = time.monotonic() + FORGET_WAIT
                while message_id in STREAMS and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
                yield frame
                return
            yield frame
    finally:
        if receive is not None and not receive.done():
            receive.cancel()
        if not finished:
            await generation_stop(message_id=message_id)
        with contextlib.suppress(Exception):
            await layer.group_discard(stream_group(message_id), channel)


def completion_id(message_id: str) -> str:
    return f"chatcmpl-{message_id}"


async def completion_create(call: CompletionCall) -> dict[str, Any]:
    """Generate the whole reply and return it as a `chat.completion` object (or raise ApiError)."""
    final: dict[str, Any] | None = None
    async for frame in reply_frames(call):
        if frame["type"] == "final":
            final = frame["message"]
    if final is None or final.get("error"):
        raise error_for(final, call.language)
    message: dict[str, Any] = {"role": "assistant", "content": final["text"], "refusal": None}
    if final.get("reasoning"):
        message["reasoning_content"] = final["reasoning"]
    return {
        "id": completion_id(final["id"]),
        "object": "chat.completion",
        "created": call.created,
        "model": call.entry.qualified_id,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": finish_reason_for(final.get("finish_reason", "")),
            }
        ],
        "usage": usage_for(final),
        "system_fingerprint": None,
        "conversation_id": call.conversation_id,
    }


def _event(payload: dict[str, Any] | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


async def completion_stream(call: CompletionCall) -> AsyncIterator[bytes]:
    """The reply as `chat.completion.chunk` events, then `data: [DONE]`. A provider error after
    the first token arrives as an `{"error": ...}` event (the OpenAI SDK raises it as APIError)."""
    base: dict[str, Any] = {
        "object": "chat.completion.chunk",
        "created": call.created,
        "model": call.entry.qualified_id,
        "system_fingerprint": None,
    }
    if call.request.include_usage:
        base["usage"] = None
    started = False
    try:
        async for frame in reply_frames(call):
            message_id = frame.get("message") if frame["type"] == "delta" else (frame.get("message") or {}).get("id")
            if message_id:
                base["id"] = completion_id(str(message_id))
            if not started and message_id:
                started = True
                role = {"role": "assistant", "content": ""}
                choice = {"index": 0, "delta": role, "logprobs": None, "finish_reason": None}
                yield _event({**base, "choices": [choice]})
            if frame["type"] == "delta":
                delta: dict[str, Any] = {}
                if frame.get("reasoning"):
                    delta["reasoning_content"] = frame["reasoning"]
                if frame.get("text"):
                    delta["content"] = frame["text"]
                if delta:
                    yield _event({**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                       "finish_reason": None}]})
                continue
            final = frame.get("message")
            if final is None or final.get("error"):
                yield _event(error_for(final, call.language).body())
            else:
                finish = finish_reason_for(final.get("finish_reason", ""))
                yield _event({**base, "choices": [{"index": 0, "delta": {}, "logprobs": None,
                                                   "finish_reason": finish}]})
                if call.request.include_usage:
                    yield _event({**base, "choices": [], "usage": usage_for(final)})
    except ChatError as error:  # the response has started: the error can only travel as an event
        yield _event(error_body(error.message, type="invalid_request_error", code=error.code))
    yield _event("[DONE]")
