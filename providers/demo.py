"""The offline demo endpoint: streams a canned Markdown reply at a realistic pace, no API key needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from django.conf import settings

from providers.base import ChatMessage, ChatRequest, Done, Event, Provider, TextDelta, Usage
from providers.demo_text import demo_reply, demo_title, split_tokens
from providers.tokens import count_messages

FAST_MODEL = "demo-fast"


def last_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.text
    return ""


class DemoProvider(Provider):
    """Answers every prompt with demo_text's reply; 'demo-fast' skips the pacing."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        tokens = split_tokens(demo_reply(last_user_text(request.messages)))
        rate = float(settings.DEMO_TOKENS_PER_SECOND)
        interval = 0.0 if request.model == FAST_MODEL or rate <= 0 else 1.0 / rate
        loop = asyncio.get_running_loop()
        started = loop.time()
        for index, token in enumerate(tokens):
            if interval:
                # Sleep until this token's slot rather than a fixed gap, so the pace does not drift.
                await asyncio.sleep(max(0.0, started + index * interval - loop.time()))
            else:
                # Still yield to the loop each token, so a stop request can cancel the stream.
                await asyncio.sleep(0)
            yield TextDelta(token)
        # The first count loads an encoding (about a second); keep that off the event loop.
        prompt_tokens = await asyncio.to_thread(count_messages, request.messages, request.system)
        yield Usage(prompt_tokens=prompt_tokens, completion_tokens=len(tokens))
        yield Done("stop")

    async def complete(self, request: ChatRequest) -> str:
        # Side calls from the demo endpoint are title requests: name the chat after the user's words.
        return demo_title(last_user_text(request.messages))
