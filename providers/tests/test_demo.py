"""The offline demo model: its Markdown reply, token split, titles, pacing and cancellation."""

from __future__ import annotations

import asyncio
import time

import pytest

from providers.base import ChatMessage, ChatRequest, Done, ReasoningDelta, TextDelta, Usage
from providers.demo import DemoProvider
from providers.demo_text import QUOTE_CHARS, demo_reasoning, demo_reply, demo_title, split_tokens
from providers.registry import Endpoint
from providers.tokens import count_messages


def demo_provider() -> DemoProvider:
    return DemoProvider(Endpoint(name="Demo", kind="demo", label="Demo", models=["demo-chat", "demo-fast"]))


def request(text: str, model: str = "demo-fast", system: str = "") -> ChatRequest:
    return ChatRequest(model=model, messages=[ChatMessage(role="user", text=text)], system=system)


def test_reply_has_paragraph_list_table_and_code_block():
    reply = demo_reply("How do I sort a list?")
    assert "offline demo model" in reply and "no API key is needed" in reply
    assert "\n- " in reply
    assert "| --- | --- | --- |" in reply and reply.count("\n| ") >= 4
    assert "```python\n" in reply and reply.rstrip().endswith("```")
    assert "> How do I sort a list?" in reply


def test_reply_is_deterministic_and_varies_with_the_prompt():
    assert demo_reply("same prompt") == demo_reply("same prompt")
    replies = {demo_reply(f"prompt number {number}") for number in range(10)}
    assert len(replies) == 10


def test_long_prompt_is_quoted_short_on_one_line():
    reply = demo_reply("word " * 100 + "\nsecond line")
    quote = next(line for line in reply.splitlines() if line.startswith("> "))
    assert quote.endswith("…") and len(quote) <= QUOTE_CHARS + 2


def test_cyrillic_prompt_gets_a_russian_reply():
    reply = demo_reply("Как отсортировать список?")
    assert "демомодель" in reply and "ключ API" in reply
    assert "offline demo model" not in reply
    assert "```python" in reply and "| --- |" in reply
    assert "Пользователь" in demo_reasoning("Привет")


def test_code_block_stays_valid_python_whatever_the_prompt():
    for prompt in ['He said "hi" {x}', "```", "", "print('x')"]:
        reply = demo_reply(prompt)
        code = reply.split("```python\n", 1)[1].rsplit("```", 1)[0]
        compile(code, "<demo>", "exec")


@pytest.mark.parametrize("text", [demo_reply("hello"), "  leading and trailing  \n\n", "", "a\tb\r\nc"])
def test_split_tokens_joins_back_in_short_pieces(text):
    pieces = split_tokens(text)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= 4 for piece in pieces)


def test_split_tokens_is_about_four_characters_each():
    reply = demo_reply("hello")
    assert len(reply) / 4 <= len(split_tokens(reply)) <= len(reply) / 2


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("how do I sort a list in Python quickly?", "How do I sort a list"),
        ("User: what is **Django**?\n\nAssistant: A web framework.", "What is Django"),
        ("Привет, как дела?", "Привет, как дела"),
        ("", "Demo chat"),
        ("x" * 100, "X" + "x" * 38 + "…"),
    ],
)
def test_title_is_the_first_few_words(prompt, title):
    assert demo_title(prompt) == title
    assert len(demo_title(prompt)) <= 40


async def test_stream_yields_the_reply_then_usage_then_done():
    prompt = "Show me a table"
    events = [event async for event in demo_provider().stream(request(prompt, system="Be nice"))]
    deltas = [event for event in events if isinstance(event, TextDelta)]
    assert "".join(delta.text for delta in deltas) == demo_reply(prompt)
    assert not any(isinstance(event, ReasoningDelta) for event in events)
    usage, done = events[-2], events[-1]
    assert isinstance(usage, Usage) and isinstance(done, Done) and done.finish_reason == "stop"
    assert usage.completion_tokens == len(deltas) == len(split_tokens(demo_reply(prompt)))
    assert usage.prompt_tokens == count_messages([ChatMessage(role="user", text=prompt)], "Be nice")


async def test_stream_is_paced_by_the_setting(settings):
    settings.DEMO_TOKENS_PER_SECOND = 1000.0
    started = time.monotonic()
    events = [event async for event in demo_provider().stream(request("pace me", model="demo-chat"))]
    elapsed = time.monotonic() - started
    tokens = sum(isinstance(event, TextDelta) for event in events)
    assert elapsed >= (tokens - 1) / 1000.0 * 0.9


async def test_demo_fast_is_not_paced(settings):
    settings.DEMO_TOKENS_PER_SECOND = 2.0
    started = time.monotonic()
    events = [event async for event in demo_provider().stream(request("quick", model="demo-fast"))]
    assert time.monotonic() - started < 2.0
    assert sum(isinstance(event, TextDelta) for event in events) > 100


async def test_stream_can_be_cancelled_between_tokens(settings):
    settings.DEMO_TOKENS_PER_SECOND = 5.0
    received: list[str] = []

    async def consume() -> None:
        async for event in demo_provider().stream(request("cancel me", model="demo-chat")):
            if isinstance(event, TextDelta):
                received.append(event.text)

    task = asyncio.create_task(consume())
    while not received:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=1.0)
    assert 1 <= len(received) <= 2


async def test_complete_names_the_chat_from_the_user_words():
    title_request = request("User: plan a trip to Lisbon in May\n\nAssistant: Sure, here is a plan.")
    assert await demo_provider().complete(title_request) == "Plan a trip to Lisbon in"
