"""The server-sent-event decoder used for Chat Completions streams."""

from __future__ import annotations

import pytest

from providers.base import ProviderError
from providers.openai_adapter import sse_json


async def lines(*items: str):
    for item in items:
        yield item


async def decode(*items: str) -> list[dict]:
    return [chunk async for chunk in sse_json(lines(*items))]


async def test_events_comments_and_done():
    chunks = await decode(
        ": keep-alive", "", "event: message", 'data: {"a": 1}', "", "id: 7", 'data: {"b": 2}', "",
        "data: [DONE]", "", 'data: {"after": "done"}', "",
    )
    assert chunks == [{"a": 1}, {"b": 2}]


async def test_data_split_over_lines_and_missing_final_blank_line():
    assert await decode('data: {"a":', "data: 1}", "", 'data: {"last": true}') == [{"a": 1}, {"last": True}]


async def test_a_chunk_that_is_not_json_is_a_provider_error():
    with pytest.raises(ProviderError) as caught:
        await decode("data: <html>oops</html>", "")
    assert caught.value.code == "bad_request"
