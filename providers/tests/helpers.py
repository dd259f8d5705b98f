"""Helpers the adapter tests share: a three-turn request, and the text an event stream carried."""

from __future__ import annotations

from providers.base import ChatMessage, ChatRequest, Event, ReasoningDelta, TextDelta


def three_turn_request(model: str, prompt: str, system: str = "Be brief", **params) -> ChatRequest:
    """A short conversation ending in `prompt`, as a chat page would send it."""
    messages = [
        ChatMessage(role="user", text="Hello"),
        ChatMessage(role="assistant", text="Hi! How can I help?"),
        ChatMessage(role="user", text=prompt),
    ]
    return ChatRequest(model=model, messages=messages, system=system, params=params)


def text_of(events: list[Event]) -> str:
    return "".join(event.text for event in events if isinstance(event, TextDelta))


def reasoning_of(events: list[Event]) -> str:
    return "".join(event.text for event in events if isinstance(event, ReasoningDelta))
