"""The API as a program sees it: the official openai SDK against a real Daphne server."""

from __future__ import annotations

import time
import uuid

import httpx2 as httpx  # the HTTP client the openai SDK itself uses
import openai
import pytest

from providers.demo_text import demo_reply

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def client(api_server) -> openai.OpenAI:
    return openai.OpenAI(api_key=api_server.take_key()["key"], base_url=api_server.base_url, max_retries=0)


def _conversation_of(api_server, completion_id: str) -> tuple[str, str]:
    message_id = uuid.UUID(completion_id.removeprefix("chatcmpl-")).hex
    rows = api_server.query(
        "SELECT c.id, c.source FROM chat_message m JOIN chat_conversation c ON c.id = m.conversation_id "
        "WHERE m.id = ?", message_id,
    )
    assert rows, f"no stored message for {completion_id}"
    return rows[0]


def _messages(api_server, conversation_id: str) -> list[tuple]:
    return api_server.query(
        "SELECT role, text, error, error_code, unfinished, prompt_tokens, completion_tokens, parent_id, id "
        "FROM chat_message WHERE conversation_id = ? ORDER BY created_at", conversation_id,
    )


def test_models_lists_qualified_and_unambiguous_bare_ids(client):
    ids = [model.id for model in client.models.list()]
    assert {"Demo/demo-chat", "Fake/fake-echo", "Fake/fake-chat", "Other/fake-chat", "Other/only-other"} <= set(ids)
    # Bare ids only where one endpoint offers the model.
    assert "fake-echo" in ids and "only-other" in ids and "demo-chat" in ids
    assert "fake-chat" not in ids
    # An endpoint whose key variable is unset is not offered.
    assert not any(model_id.startswith("Broken/") or model_id == "broken-model" for model_id in ids)
    model = client.models.retrieve("Other/only-other")
    assert model.id == "Other/only-other" and model.owned_by == "Other"


def test_non_streaming_demo_reply_is_stored_as_an_api_conversation_with_usage(client, api_server):
    prompt = "Tell me about the demo " + uuid.uuid4().hex[:6]
    completion = client.chat.completions.create(
        model="Demo/demo-fast",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Earlier question"},
            {"role": "assistant", "content": "Earlier answer"},
            {"role": "user", "content": [{"type": "text", "text": prompt}]},
        ],
    )
    choice = completion.choices[0]
    assert choice.message.content == demo_reply(prompt)
    assert choice.finish_reason == "stop"
    assert completion.model == "Demo/demo-fast"
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens

    conversation_id, source = _conversation_of(api_server, completion.id)
    assert source == "api"
    rows = _messages(api_server, conversation_id)
    assert [(row[0], row[1]) for row in rows] == [
        ("user", "Earlier question"),
        ("assistant", "Earlier answer"),
        ("user", prompt),
        ("assistant", demo_reply(prompt)),
    ]
    # One branch, each message under the one before.
    assert [row[7] for row in rows[1:]] == [row[8] for row in rows[:-1]]
    reply = rows[-1]
    assert reply[2:5] == (0, "", 0)  # no error, finished
    # Usage is recorded on the stored reply exactly as reported to the client.
    assert (reply[5], reply[6]) == (completion.usage.prompt_tokens, completion.usage.completion_tokens)
    (parameters, title), = api_server.query(
        "SELECT parameters, title FROM chat_conversation WHERE id = ?", conversation_id
    )
    assert "You are terse." in parameters and title == "Earlier question"


def test_streaming_with_usage_sends_history_and_system_prompt_to_the_provider(client, api_server, api_fake_provider):
    prompt = "echo this back " + uuid.uuid4().hex[:6]
    stream = client.chat.completions.create(
        model="fake-echo",  # a bare id: only the Fake endpoint offers it
        messages=[
            {"role": "developer", "content": "Answer in English."},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "second"},
            {"role": "user", "content": prompt},
        ],
        stream=True,
        stream_options={"include_usage": True},
        temperature=0.5,
        max_tokens=50,
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == prompt
    assert len([chunk for chunk in chunks if chunk.choices and chunk.choices[0].delta.content]) >= 1
    finishes = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert all(chunk.usage is None for chunk in chunks[:-1])
    assert len({chunk.id for chunk in chunks}) == 1

    sent = next(
        request.body for request in reversed(api_fake_provider.requests)
        if isinstance(request.body, dict) and request.body.get("messages", [{}])[-1].get("content") == prompt
    )
    assert sent["model"] == "fake-echo" and sent["temperature"] == 0.5
    roles = [(message["role"], message["content"]) for message in sent["messages"]]
    assert roles[0][0] == "system" and "Answer in English." in roles[0][1]
    assert roles[1:] == [("user", "first"), ("assistant", "second"), ("user", prompt)]

    conversation_id, source = _conversation_of(api_server, chunks[0].id)
    reply = _messages(api_server, conversation_id)[-1]
    assert source == "api" and reply[1] == prompt
    assert (reply[5], reply[6]) == (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens)


def test_streaming_without_usage_option_sends_no_usage_chunk(client):
    chunks = list(client.chat.completions.create(
        model="Demo/demo-fast", messages=[{"role": "user", "content": "short"}], stream=True
    ))
    assert all(chunk.choices for chunk in chunks)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == demo_reply("short")


def test_raw_stream_ends_with_done(api_server):
    key = api_server.take_key()["key"]
    with httpx.stream(
        "POST", api_server.base_url + "/chat/completions", headers={"Authorization": f"Bearer {key}"},
        json={"model": "Fake/fake-echo", "messages": [{"role": "user", "content": "raw"}], "stream": True},
        timeout=30,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-conversation-id"]
        events = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in events)
    assert events[-1] == "data: [DONE]"


def test_provider_error_mid_stream_is_readable_and_keeps_the_streamed_text(client, api_server):
    received: list[str] = []
    first_id = ""
    with pytest.raises(openai.APIError) as raised:
        for chunk in client.chat.completions.create(
            model="Fake/fake-cut", messages=[{"role": "user", "content": "go"}], stream=True
        ):
            first_id = first_id or chunk.id
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert "broke off" in raised.value.message
    assert raised.value.body["code"] == "interrupted" and raised.value.body["type"] == "provider_error"
    assert received, "some text streamed before the provider cut the connection"
    conversation_id, _source = _conversation_of(api_server, first_id)
    reply = _messages(api_server, conversation_id)[-1]
    assert reply[0] == "assistant" and reply[1] == "".join(received)
    assert reply[2] == 1 and reply[3] == "interrupted" and reply[4] == 1


def test_provider_error_before_any_text_is_an_http_error_and_is_stored(client, api_server):
    prompt = "limited " + uuid.uuid4().hex[:6]
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="Fake/fake-error-429", messages=[{"role": "user", "content": prompt}])
    assert raised.value.status_code == 429
    assert raised.value.body["code"] == "rate_limit"
    (error, code), = api_server.query(
        "SELECT r.error, r.error_code FROM chat_message r JOIN chat_message u ON r.parent_id = u.id "
        "WHERE u.text = ?", prompt,
    )
    assert (error, code) == (1, "rate_limit")
    with pytest.raises(openai.InternalServerError) as raised_500:
        client.chat.completions.create(model="Fake/fake-error-500", messages=[{"role": "user", "content": "x"}])
    assert raised_500.value.status_code == 502 and raised_500.value.body["code"] == "server"


def test_revoked_unknown_and_missing_keys_are_refused_with_401(api_server):
    revoked = api_server.take_key(revoked=True)["key"]
    for key in (revoked, "lc-" + "x" * 43, "sk-not-ours"):
        client = openai.OpenAI(api_key=key, base_url=api_server.base_url, max_retries=0)
        with pytest.raises(openai.AuthenticationError) as raised:
            client.models.list()
        assert raised.value.status_code == 401
        assert raised.value.body["code"] == "invalid_api_key"
        assert "revoked" in raised.value.body["message"]
        assert set(raised.value.body) >= {"message", "type", "code"}
    response = httpx.post(api_server.base_url + "/chat/completions", json={"model": "x", "messages": []})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_unknown_and_ambiguous_models_are_404(client):
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="Fake/no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["code"] == "model_not_found" and raised.value.body["param"] == "model"
    with pytest.raises(openai.NotFoundError) as ambiguous:
        client.chat.completions.create(model="fake-chat", messages=[{"role": "user", "content": "hi"}])
    assert "Fake/fake-chat" in ambiguous.value.body["message"] and "Other/fake-chat" in ambiguous.value.body["message"]
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="Broken/broken-model", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("Fake/no-such-model")


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]},
         "messages[0].content[0].type"),
        ({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}, "messages"),
        ({"temperature": 3}, "temperature"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"n": 2}, "n"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools"),
        ({"stream_options": {"include_usage": True}}, "stream_options"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client, api_server, extra, param):
    body = {"model": "Demo/demo-fast", "messages": [{"role": "user", "content": "hi"}], **extra}
    before = api_server.query("SELECT COUNT(*) FROM chat_conversation")[0][0]
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(**body)
    assert raised.value.status_code == 400
    assert raised.value.body["param"] == param, raised.value.body
    assert raised.value.body["message"]
    # Nothing was stored for a refused request.
    assert api_server.query("SELECT COUNT(*) FROM chat_conversation")[0][0] == before


def test_missing_model_and_invalid_json_are_400(api_server):
    key = api_server.take_key()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    response = httpx.post(api_server.base_url + "/chat/completions", headers=headers,
                          json={"messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 400 and response.json()["error"]["param"] == "model"
    response = httpx.post(api_server.base_url + "/chat/completions",
                          headers={**headers, "Content-Type": "application/json"}, content=b"{not json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"


def test_errors_follow_the_request_language(api_server):
    key = api_server.take_key()["key"]
    response = httpx.post(
        api_server.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {key}", "Accept-Language": "ru"},
        json={"model": "Fake/nope", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status_code == 404
    assert any("\u0400" <= char <= "\u04ff" for char in response.json()["error"]["message"])


def test_using_a_key_records_its_last_use(api_server):
    entry = api_server.take_key()
    email, key = entry["email"], entry["key"]
    assert api_server.query(
        "SELECT k.last_used_at FROM api_apikey k JOIN accounts_user u ON u.id = k.user_id WHERE u.email = ?", email
    ) == [(None,)]
    openai.OpenAI(api_key=key, base_url=api_server.base_url).models.list()
    (last_used,), = api_server.query(
        "SELECT k.last_used_at FROM api_apikey k JOIN accounts_user u ON u.id = k.user_id WHERE u.email = ?", email
    )
    assert last_used is not None


def test_client_leaving_mid_stream_stops_the_reply_and_keeps_its_text(api_server):
    key = api_server.take_key()["key"]
    with httpx.stream(
        "POST", api_server.base_url + "/chat/completions", headers={"Authorization": f"Bearer {key}"},
        json={"model": "Fake/fake-stall", "messages": [{"role": "user", "content": "stall"}], "stream": True},
        timeout=30,
    ) as response:
        conversation_id = response.headers["x-conversation-id"]
        for line in response.iter_lines():
            if '"content":"' in line and '"content":""' not in line:
                break  # some text arrived; the provider now goes quiet for 30 s, and the client leaves
    deadline = time.monotonic() + 15
    reply: tuple = ()
    while time.monotonic() < deadline:
        reply = _messages(api_server, uuid.UUID(conversation_id).hex)[-1]
        if reply[0] == "assistant" and reply[1] and reply[4] == 1 and reply[8]:
            finish = api_server.query("SELECT finish_reason FROM chat_message WHERE id = ?", reply[8])[0][0]
            if finish == "stop_requested":
                break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the reply was not stopped after the client left: {reply}")
    assert reply[2] == 0, "a stop is not an error"


def test_reasoning_arrives_as_reasoning_content(client):
    completion = client.chat.completions.create(
        model="Fake/fake-reason", messages=[{"role": "user", "content": "think first"}]
    )
    message = completion.choices[0].message
    assert message.content and message.model_extra["reasoning_content"]
    chunks = list(client.chat.completions.create(
        model="Fake/fake-reason", messages=[{"role": "user", "content": "think first"}], stream=True
    ))
    reasoning = "".join((chunk.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
                        for chunk in chunks if chunk.choices)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert reasoning == message.model_extra["reasoning_content"] and text == message.content


def test_an_anthropic_endpoint_answers_through_the_same_api(client, api_server, api_fake_provider):
    prompt = "hello claude " + uuid.uuid4().hex[:6]
    completion = client.chat.completions.create(
        model="claude-fake", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}],
        max_tokens=5,
    )
    assert completion.model == "Claude/claude-fake"
    # Cut at max_tokens: Anthropic's "max_tokens" stop reason is OpenAI's "length".
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 5
    assert demo_reply(prompt).startswith(completion.choices[0].message.content)
    sent = next(request for request in reversed(api_fake_provider.requests) if request.path.endswith("/messages"))
    assert sent.body["system"] and "Be brief." in str(sent.body["system"])
    assert sent.body["messages"][-1]["content"] in (prompt, [{"type": "text", "text": prompt}])
    chunks = list(client.chat.completions.create(
        model="Claude/claude-fake", messages=[{"role": "user", "content": prompt}], stream=True
    ))
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == demo_reply(prompt)
