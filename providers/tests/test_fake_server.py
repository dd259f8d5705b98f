"""The fake provider speaks OpenAI and Anthropic well enough for the official SDKs, with its switches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import anthropic
import httpx2
import openai
import pytest

from providers.demo_text import demo_reasoning, demo_reply, demo_title, split_tokens
from providers.fake_server import TOKENS_BEFORE_TROUBLE, FakeProviderServer

KEY = "test-key"
PROMPT = "Tell me about tables"
REPLY = demo_reply(PROMPT)
REPLY_TOKENS = len(split_tokens(REPLY))


def openai_client(server: FakeProviderServer, key: str = KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key=key, base_url=f"{server.url}/v1", max_retries=0)


def anthropic_client(server: FakeProviderServer, key: str = KEY) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(api_key=key, base_url=server.url, max_retries=0)


def sse_events(text: str) -> list[tuple[str | None, str]]:
    events = []
    for block in text.strip().split("\n\n"):
        name = None
        data = []
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        events.append((name, "\n".join(data)))
    return events


# --- OpenAI Chat Completions ---------------------------------------------------------------------
async def test_chat_stream_parses_in_the_sdk_with_a_usage_chunk(fake_server):
    client = openai_client(fake_server)
    stream = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": "Be brief"}, {"role": "user", "content": PROMPT}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    await client.close()
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == REPLY
    assert [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices][-1] == "stop"
    usage = chunks[-1].usage
    assert chunks[-1].choices == [] and usage is not None
    assert usage.completion_tokens == REPLY_TOKENS
    assert usage.prompt_tokens == len(split_tokens("Be brief")) + len(split_tokens(PROMPT))
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


async def test_chat_stream_without_include_usage_has_no_usage(fake_server):
    client = openai_client(fake_server)
    stream = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    chunks = [chunk async for chunk in stream]
    await client.close()
    assert all(chunk.usage is None for chunk in chunks)


def test_chat_stream_ends_with_done_and_terminating_chunk(fake_server):
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with httpx2.Client() as client:
        response = client.post(
            f"{fake_server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k"}
        )
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.text.endswith("data: [DONE]\n\n")


async def test_chat_reasoning_fields_by_model_name(fake_server):
    client = openai_client(fake_server)
    for model, field in (("deepseek-reasoner", "reasoning_content"), ("openrouter/some-model", "reasoning")):
        stream = await client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": PROMPT}], stream=True
        )
        chunks = [chunk async for chunk in stream]
        reasoning = "".join((chunk.choices[0].delta.model_extra or {}).get(field) or "" for chunk in chunks)
        assert reasoning == demo_reasoning(PROMPT)
    await client.close()


async def test_chat_non_stream(fake_server):
    client = openai_client(fake_server)
    completion = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PROMPT}])
    await client.close()
    assert completion.choices[0].message.content == REPLY
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.completion_tokens == REPLY_TOKENS


async def test_max_tokens_truncates_with_length(fake_server):
    client = openai_client(fake_server)
    completion = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": PROMPT}], max_tokens=5
    )
    await client.close()
    assert completion.choices[0].message.content == "".join(split_tokens(REPLY)[:5])
    assert completion.choices[0].finish_reason == "length"


async def test_echo_and_title_replies(fake_server):
    client = openai_client(fake_server)
    echo = await client.chat.completions.create(model="fake-echo", messages=[{"role": "user", "content": "say *this*"}])
    title = await client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "Write a short title for the conversation."},
            {"role": "user", "content": "User: plan a trip to Lisbon\n\nAssistant: Sure."},
        ],
    )
    await client.close()
    assert echo.choices[0].message.content == "say *this*"
    assert title.choices[0].message.content == demo_title("plan a trip to Lisbon") == "Plan a trip to Lisbon"


# --- OpenAI Responses API ------------------------------------------------------------------------
async def test_responses_stream_events_and_usage(fake_server):
    client = openai_client(fake_server)
    stream = await client.responses.create(model="gpt-4.1", input=PROMPT, instructions="Be brief", stream=True)
    events = [event async for event in stream]
    await client.close()
    kinds = [event.type for event in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert "".join(event.delta for event in events if event.type == "response.output_text.delta") == REPLY
    completed = events[-1].response
    assert completed.output_text == REPLY and completed.status == "completed"
    assert completed.usage.output_tokens == REPLY_TOKENS
    assert completed.usage.input_tokens == len(split_tokens("Be brief")) + len(split_tokens(PROMPT))


async def test_responses_stream_reasoning_summary_when_asked(fake_server):
    client = openai_client(fake_server)
    stream = await client.responses.create(
        model="o4-mini",
        input=[{"role": "user", "content": PROMPT}],
        reasoning={"effort": "low", "summary": "auto"},
        stream=True,
    )
    events = [event async for event in stream]
    await client.close()
    kinds = [event.type for event in events]
    summary = "".join(event.delta for event in events if event.type == "response.reasoning_summary_text.delta")
    assert summary == demo_reasoning(PROMPT)
    assert kinds.index("response.reasoning_summary_text.done") < kinds.index("response.output_text.delta")
    assert events[-1].response.usage.output_tokens_details.reasoning_tokens == len(split_tokens(summary))


async def test_responses_non_stream_and_incomplete(fake_server):
    client = openai_client(fake_server)
    response = await client.responses.create(model="gpt-4.1", input=PROMPT)
    short = await client.responses.create(model="gpt-4.1", input=PROMPT, max_output_tokens=4)
    await client.close()
    assert response.output_text == REPLY and response.status == "completed"
    assert short.status == "incomplete" and short.incomplete_details.reason == "max_output_tokens"
    assert short.output_text == "".join(split_tokens(REPLY)[:4])


# --- Anthropic Messages --------------------------------------------------------------------------
async def test_anthropic_stream_with_thinking(fake_server):
    client = anthropic_client(fake_server)
    stream = await client.messages.create(
        model="claude-fake",
        max_tokens=8000,
        system="Be brief",
        messages=[{"role": "user", "content": PROMPT}],
        thinking={"type": "enabled", "budget_tokens": 2000},
        stream=True,
    )
    events = [event async for event in stream]
    await client.close()
    kinds = [event.type for event in events]
    assert kinds[0] == "message_start" and kinds[-2:] == ["message_delta", "message_stop"]
    deltas = [event.delta for event in events if event.type == "content_block_delta"]
    assert "".join(delta.thinking for delta in deltas if delta.type == "thinking_delta") == demo_reasoning(PROMPT)
    assert any(delta.type == "signature_delta" and delta.signature for delta in deltas)
    assert "".join(delta.text for delta in deltas if delta.type == "text_delta") == REPLY
    starts = [event.content_block.type for event in events if event.type == "content_block_start"]
    assert starts == ["thinking", "text"]
    assert events[0].message.usage.input_tokens == len(split_tokens("Be brief")) + len(split_tokens(PROMPT))
    assert events[-2].delta.stop_reason == "end_turn"
    assert events[-2].usage.output_tokens == REPLY_TOKENS + len(split_tokens(demo_reasoning(PROMPT)))


async def test_anthropic_stream_without_thinking_has_only_text(fake_server):
    client = anthropic_client(fake_server)
    stream = await client.messages.create(
        model="claude-fake", max_tokens=1000, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    events = [event async for event in stream]
    await client.close()
    assert [event.content_block.type for event in events if event.type == "content_block_start"] == ["text"]


async def test_anthropic_non_stream_and_max_tokens(fake_server):
    client = anthropic_client(fake_server)
    message = await client.messages.create(
        model="claude-fake", max_tokens=1000, messages=[{"role": "user", "content": PROMPT}]
    )
    short = await client.messages.create(
        model="claude-fake", max_tokens=3, messages=[{"role": "user", "content": PROMPT}]
    )
    await client.close()
    assert message.content[0].text == REPLY and message.stop_reason == "end_turn"
    assert message.usage.output_tokens == REPLY_TOKENS
    assert short.stop_reason == "max_tokens" and short.content[0].text == "".join(split_tokens(REPLY)[:3])


# --- Models, auth and errors ---------------------------------------------------------------------
async def test_model_list_reads_in_both_sdks(fake_server):
    fake_server.models = ["model-a", "model-b"]
    try:
        openai_api = openai_client(fake_server)
        anthropic_api = anthropic_client(fake_server)
        assert [model.id async for model in openai_api.models.list()] == ["model-a", "model-b"]
        assert [model.id async for model in anthropic_api.models.list()] == ["model-a", "model-b"]
        await openai_api.close()
        await anthropic_api.close()
    finally:
        fake_server.models = ["gpt-4o-mini", "gpt-4o", "o4-mini", "claude-sonnet-4-5", "fake-chat"]


@pytest.mark.parametrize("status", [401, 429, 500])
def test_error_models_answer_with_each_apis_error_shape(fake_server, status):
    with httpx2.Client(base_url=fake_server.url) as client:
        chat = client.post(
            "/v1/chat/completions",
            json={"model": f"fake-error-{status}", "messages": []},
            headers={"authorization": f"Bearer {KEY}"},
        )
        messages = client.post(
            "/v1/messages",
            json={"model": f"claude-error-{status}", "max_tokens": 5, "messages": []},
            headers={"x-api-key": KEY},
        )
    assert chat.status_code == messages.status_code == status
    assert set(chat.json()["error"]) == {"message", "type", "param", "code"}
    anthropic_body = messages.json()
    assert anthropic_body["type"] == "error" and set(anthropic_body["error"]) == {"type", "message"}
    expected_type = {401: "authentication_error", 429: "rate_limit_error", 500: "api_error"}[status]
    assert anthropic_body["error"]["type"] == expected_type


async def test_error_models_raise_the_sdks_status_errors(fake_server):
    client = openai_client(fake_server)
    with pytest.raises(openai.RateLimitError):
        await client.chat.completions.create(model="x-error-429", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.InternalServerError):
        await client.responses.create(model="x-error-500", input="hi")
    await client.close()
    claude = anthropic_client(fake_server)
    with pytest.raises(anthropic.AuthenticationError):
        await claude.messages.create(model="c-error-401", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    await claude.close()


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer bad-key"}, {"x-api-key": "bad-key"}])
def test_missing_or_bad_key_is_401(fake_server, headers):
    with httpx2.Client() as client:
        response = client.post(f"{fake_server.url}/v1/chat/completions", json={"model": "gpt-4o"}, headers=headers)
    assert response.status_code == 401


def test_requests_are_recorded_with_headers_and_body(fake_server):
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.3}
    with httpx2.Client() as client:
        client.post(
            f"{fake_server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k", "X-Team": "blue"}
        )
    recorded = fake_server.last_request
    assert recorded is not None and recorded.method == "POST" and recorded.path == "/v1/chat/completions"
    assert recorded.body == body
    assert recorded.header("X-Team") == "blue" and recorded.headers["authorization"] == "Bearer k"


# --- Cut, stall, pace, stop ----------------------------------------------------------------------
def test_cut_closes_the_connection_mid_stream(fake_server):
    body = {"model": "fake-cut", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    received = b""
    with httpx2.Client() as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            with client.stream(
                "POST", f"{fake_server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k"}
            ) as response:
                for data in response.iter_bytes():
                    received += data
    contents = [json.loads(data)["choices"][0]["delta"].get("content") for _, data in sse_events(received.decode())]
    assert "".join(filter(None, contents)) == "".join(split_tokens(REPLY)[:TOKENS_BEFORE_TROUBLE])
    assert b"[DONE]" not in received


def test_cut_a_short_reply_still_drops_the_final_events(fake_server):
    body = {"model": "claude-echo-cut", "max_tokens": 50, "messages": [{"role": "user", "content": "ok"}]}
    received = b""
    with httpx2.Client(base_url=fake_server.url) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            with client.stream(
                "POST", "/v1/messages", json={**body, "stream": True}, headers={"x-api-key": "k"}
            ) as reply:
                for data in reply.iter_bytes():
                    received += data
    kinds = [name for name, _ in sse_events(received.decode())]
    assert "content_block_delta" in kinds and "message_stop" not in kinds and "message_delta" not in kinds


def test_unfinished_ends_the_response_cleanly_without_final_events(fake_server):
    body = {"model": "fake-unfinished", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    with httpx2.Client() as client:
        response = client.post(
            f"{fake_server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k"}
        )
    events = [json.loads(data) for _, data in sse_events(response.text)]
    assert response.status_code == 200 and "[DONE]" not in response.text
    assert "".join(event["choices"][0]["delta"].get("content") or "" for event in events) == "".join(
        split_tokens(REPLY)[:TOKENS_BEFORE_TROUBLE]
    )
    assert all(event["choices"][0]["finish_reason"] is None for event in events)


def test_stall_holds_the_stream_open_then_finishes(fake_server):
    fake_server.stall_seconds = 0.4
    body = {"model": "fake-echo-stall", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    times: list[float] = []
    with httpx2.Client() as client:
        with client.stream(
            "POST", f"{fake_server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k"}
        ) as response:
            text = ""
            for line in response.iter_lines():
                if line.startswith("data: {"):
                    content = json.loads(line[6:])["choices"][0]["delta"].get("content")
                    if content:
                        times.append(time.monotonic())
                        text += content
    assert text == PROMPT
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps[TOKENS_BEFORE_TROUBLE - 1] >= 0.35
    assert max(gaps[: TOKENS_BEFORE_TROUBLE - 1], default=0) < 0.2


async def test_tokens_per_second_and_first_token_delay_pace_the_stream(fake_server):
    fake_server.tokens_per_second = 100
    fake_server.first_token_delay = 0.2
    client = openai_client(fake_server)
    started = time.monotonic()
    stream = await client.chat.completions.create(
        model="fake-echo", messages=[{"role": "user", "content": "x" * 80}], stream=True
    )
    first: float | None = None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content and first is None:
            first = time.monotonic() - started
    total = time.monotonic() - started
    await client.close()
    # 20 pieces of 4 characters: the first after 0.2 s, the rest 0.01 s apart.
    assert first is not None and first >= 0.19
    assert total >= 0.2 + 19 * 0.01 - 0.01


def test_stop_returns_quickly_with_a_stalled_stream_open():
    server = FakeProviderServer(stall_seconds=30).start()
    body = {"model": "fake-stall", "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    outcome: dict[str, object] = {}
    first_bytes = threading.Event()

    def read() -> None:
        try:
            with httpx2.Client(timeout=10) as client:
                with client.stream(
                    "POST", f"{server.url}/v1/chat/completions", json=body, headers={"authorization": "Bearer k"}
                ) as response:
                    for _ in response.iter_bytes():
                        first_bytes.set()
        except httpx2.HTTPError as error:
            outcome["error"] = error

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert first_bytes.wait(5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    reader.join(5)
    assert not reader.is_alive()
    assert isinstance(outcome.get("error"), httpx2.RemoteProtocolError)


def test_context_manager_starts_and_stops():
    with FakeProviderServer() as server:
        with httpx2.Client() as client:
            response = client.get(f"{server.url}/v1/models", headers={"authorization": "Bearer k"})
        assert response.status_code == 200
        url = server.url
    with pytest.raises(httpx2.ConnectError), httpx2.Client() as client:
        client.get(f"{url}/v1/models", headers={"authorization": "Bearer k"})


def test_command_line_serves_until_interrupted():
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "providers.fake_server", "--port", "0", "--tokens-per-second", "50"],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split()[3]
        assert url.startswith("http://127.0.0.1:")
        with httpx2.Client() as client:
            response = client.get(f"{url}/v1/models", headers={"authorization": "Bearer k"})
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
