"""What every adapter's history conversion shares, so a conversation can change provider mid-way.

Each adapter has one function that takes the common message list (providers.base.ChatMessage)
and returns its provider's shape: `openai_adapter.chat_messages`, `anthropic_adapter.
anthropic_messages`, `google_adapter.gemini_contents`, `bedrock_adapter.bedrock_messages`.
They agree on three rules, kept here:

- the system prompt is the conversation's prompt plus any system-role messages, placed where the
  provider wants it (a message, `system`, `system_instruction`);
- reasoning from an earlier reply is never sent back: providers only accept their own signed
  thinking blocks, so another provider's (or a `<think>` block left in a reply's text) is dropped;
- neighbouring turns of one role are merged for providers that demand alternation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from providers.base import ChatMessage, ChatRequest

# Reasoning some OpenAI-compatible servers (DeepSeek R1 on Ollama, ...) leave inline in the text.
_THINK_BLOCK = re.compile(r"<think>.*?</think>\s*", re.DOTALL | re.IGNORECASE)

Turn = TypeVar("Turn")


def message_text(message: ChatMessage) -> str:
    """The text to send for a message: an assistant's inline reasoning is removed."""
    if message.role == "assistant" and "<think" in message.text.lower():
        return _THINK_BLOCK.sub("", message.text)
    return message.text


def system_prompt(request: ChatRequest) -> str:
    """The conversation's system prompt joined with any system-role messages of the history."""
    parts = [request.system, *(message.text for message in request.messages if message.role == "system")]
    return "\n\n".join(part for part in parts if part and part.strip())


def merged_turns(
    messages: list[ChatMessage],
    blocks_for: Callable[[ChatMessage], list[Turn]],
) -> list[tuple[str, list[Turn]]]:
    """(role, blocks) per turn: system messages skipped, empty ones dropped, neighbours of one role merged."""
    turns: list[tuple[str, list[Turn]]] = []
    for message in messages:
        if message.role == "system":
            continue
        blocks = blocks_for(message)
        if not blocks:
            continue
        if turns and turns[-1][0] == message.role:
            turns[-1][1].extend(blocks)
        else:
            turns.append((message.role, blocks))
    return turns
