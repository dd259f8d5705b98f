"""Regenerate and continue over the chat socket: new sibling replies, and text appended in place."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from chat.tests.helpers import connect, frames_until, send_frame, streamed_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_streams")]


async def first_exchange(socket, **overrides):
    await socket.send_json_to(send_frame(**overrides))
    frames = await frames_until(socket, "final")
    return frames[0], frames[-1]["message"]


async def test_regenerate_streams_a_new_sibling_reply(user):
    socket = await connect(user)
    created, reply = await first_exchange(socket)
    await socket.send_json_to(
        {"type": "regenerate", "request": "r2", "message": reply["id"], "endpoint": "Demo", "model": "demo-fast"}
    )
    frames = await frames_until(socket, "final")
    again = frames[0]
    assert again["type"] == "created" and again["kind"] == "regenerate" and again["request"] == "r2"
    assert again["user_message"]["id"] == created["user_message"]["id"]
    new_reply = again["assistant_message"]
    assert new_reply["id"] != reply["id"]
    assert new_reply["siblings"] == [reply["id"], new_reply["id"]]
    final = frames[-1]["message"]
    assert final["id"] == new_reply["id"] and final["text"] and streamed_text(frames) == final["text"]
    assert await database_sync_to_async(Message.objects.count)() == 3
    await socket.disconnect()


async def test_continue_appends_to_a_stopped_reply(user, fake_endpoints, fake_provider):
    socket = await connect(user)
    _created, reply = await first_exchange(socket, endpoint="Fake", model="fake-cut")
    assert reply["error"] and reply["text"]
    partial = reply["text"]
    await socket.send_json_to(
        {"type": "continue", "request": "r3", "message": reply["id"], "endpoint": "Fake", "model": "fake-echo"}
    )
    frames = await frames_until(socket, "final")
    assert frames[0]["kind"] == "continue" and frames[0]["assistant_message"]["id"] == reply["id"]
    assert frames[0]["assistant_message"]["text"] == partial
    final = frames[-1]["message"]
    assert final["id"] == reply["id"] and not final["error"]
    assert final["text"].startswith(partial) and len(final["text"]) > len(partial)
    # The partial reply went to the provider last, as the assistant's own words to carry on from.
    last = fake_provider.last_request.body["messages"][-1]
    content = last["content"]
    sent = content if isinstance(content, str) else "".join(part.get("text", "") for part in content)
    assert last["role"] == "assistant" and sent == partial
    stored = await database_sync_to_async(Message.objects.get)(pk=reply["id"])
    assert stored.text == final["text"] and not stored.error
    assert await database_sync_to_async(Message.objects.count)() == 2
    await socket.disconnect()


async def test_regenerate_of_someone_elses_reply_is_refused(user, other_user):
    theirs = await connect(other_user)
    _created, reply = await first_exchange(theirs)
    await theirs.disconnect()
    socket = await connect(user)
    await socket.send_json_to(
        {"type": "regenerate", "request": "r4", "message": reply["id"], "endpoint": "Demo", "model": "demo-fast"}
    )
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == "invalid_message" and error["request"] == "r4"
    assert await database_sync_to_async(Message.objects.count)() == 2
    await socket.disconnect()


async def test_continue_of_a_reply_still_streaming_is_refused(user, settings):
    settings.DEMO_TOKENS_PER_SECOND = 20.0
    socket = await connect(user)
    await socket.send_json_to(send_frame(model="demo-chat"))
    created = await socket.receive_json_from(timeout=5)
    reply_id = created["assistant_message"]["id"]
    await socket.send_json_to(
        {"type": "continue", "request": "r5", "message": reply_id, "endpoint": "Demo", "model": "demo-chat"}
    )
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == "error":
            break
    assert frame["code"] == "still_streaming" and frame["request"] == "r5"
    await socket.send_json_to({"type": "stop", "message": reply_id})
    await frames_until(socket, "final")
    await socket.disconnect()
