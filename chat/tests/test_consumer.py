"""The chat socket end to end through Channels' communicator: send, stream, stop, join, refuse."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chat.models import Conversation, Message
from chat.tests.helpers import connect, frames_until, send_frame, streamed_text
from librechat.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_streams")]


async def test_send_streams_a_reply_in_coalesced_deltas_and_stores_it(user):
    socket = await connect(user)
    await socket.send_json_to(send_frame())
    frames = await frames_until(socket, "final")
    created = frames[0]
    assert created["type"] == "created" and created["request"] == "r1" and created["new_conversation"]
    final = frames[-1]["message"]
    assert final["id"] == created["assistant_message"]["id"]
    assert not final["unfinished"] and not final["error"]
    assert final["finish_reason"] == "stop"
    assert "|" in final["text"] and "```" in final["text"]  # the demo reply has a table and code
    deltas = [frame for frame in frames if frame["type"] == "delta"]
    assert streamed_text(frames) == final["text"]
    assert [frame["seq"] for frame in deltas] == list(range(1, len(deltas) + 1))
    assert final["completion_tokens"] and final["prompt_tokens"]
    assert len(deltas) < final["completion_tokens"] / 2  # coalesced, not one frame per token
    stored = await database_sync_to_async(Message.objects.get)(pk=final["id"])
    assert stored.text == final["text"] and not stored.unfinished
    await socket.disconnect()


async def test_second_socket_joins_mid_stream_and_sees_the_whole_reply(user, settings):
    settings.DEMO_TOKENS_PER_SECOND = 150.0
    first = await connect(user)
    await first.send_json_to(send_frame(model="demo-chat"))
    created = await first.receive_json_from(timeout=5)
    await asyncio.sleep(0.3)
    second = await connect(user)
    await second.send_json_to({"type": "join", "message": created["assistant_message"]["id"]})
    frames_second = await frames_until(second, "final")
    frames_first = await frames_until(first, "final")
    assert frames_second[0]["type"] == "snapshot" and frames_second[0]["seq"] > 0
    final = frames_first[-1]["message"]
    assert streamed_text(frames_second) == final["text"] == frames_second[-1]["message"]["text"]
    await first.disconnect()
    await second.disconnect()


async def test_stop_keeps_partial_text_and_marks_the_reply_unfinished(user, settings):
    settings.DEMO_TOKENS_PER_SECOND = 50.0
    socket = await connect(user)
    await socket.send_json_to(send_frame(model="demo-chat"))
    created = await socket.receive_json_from(timeout=5)
    await asyncio.sleep(0.3)
    await socket.send_json_to({"type": "stop", "message": created["assistant_message"]["id"]})
    frames = await frames_until(socket, "final")
    final = frames[-1]["message"]
    assert final["unfinished"] and not final["error"]
    assert final["text"] and streamed_text(frames) == final["text"]
    stored = await database_sync_to_async(Message.objects.get)(pk=final["id"])
    assert stored.unfinished and stored.text == final["text"]
    assert len(stored.text) < 400  # it really stopped early
    await socket.disconnect()


async def test_reply_survives_the_client_going_away(user, settings):
    settings.DEMO_TOKENS_PER_SECOND = 300.0
    socket = await connect(user)
    await socket.send_json_to(send_frame(model="demo-chat"))
    created = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    message_id = created["assistant_message"]["id"]
    for _ in range(200):
        stored = await database_sync_to_async(Message.objects.get)(pk=message_id)
        if not stored.unfinished:
            break
        await asyncio.sleep(0.05)
    assert not stored.unfinished and "```" in stored.text


async def test_join_after_the_end_gets_the_stored_reply(user):
    socket = await connect(user)
    await socket.send_json_to(send_frame())
    frames = await frames_until(socket, "final")
    await socket.send_json_to({"type": "join", "message": frames[-1]["message"]["id"]})
    again = await socket.receive_json_from(timeout=5)
    assert again["type"] == "final" and again["message"]["text"] == frames[-1]["message"]["text"]
    await socket.disconnect()


async def test_follow_up_history_reaches_the_provider(user, fake_endpoints, fake_provider):
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-echo", text="first question"))
    first = await frames_until(socket, "final")
    assert first[-1]["message"]["text"] == "first question"
    conversation = first[0]["conversation"]["id"]
    await socket.send_json_to(
        send_frame(endpoint="Fake", model="fake-echo", text="second", conversation=conversation,
                   parent=first[-1]["message"]["id"])
    )
    second = await frames_until(socket, "final")
    assert not second[0]["new_conversation"]
    assert second[-1]["message"]["text"] == "second"
    body = fake_provider.requests[-1]["body"] if isinstance(fake_provider.requests[-1], dict) else None
    if body is not None and "messages" in body:
        contents = [message["content"] for message in body["messages"]]
        assert "first question" in json.dumps(contents) and "second" in json.dumps(contents)
    await socket.disconnect()


@pytest.mark.parametrize(
    ("model", "code"),
    [("fake-error-401", "auth"), ("fake-error-429", "rate_limit"), ("fake-error-500", "server")],
)
async def test_provider_errors_become_readable_failed_replies(user, fake_endpoints, model, code):
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model=model))
    frames = await frames_until(socket, "final")
    final = frames[-1]["message"]
    assert final["error"] and final["error_code"] == code
    assert final["error_message"] and "key" not in final["error_message"].lower() or code == "auth"
    stored = await database_sync_to_async(Message.objects.get)(pk=final["id"])
    assert stored.error and stored.error_code == code
    await socket.disconnect()


async def test_cut_stream_keeps_the_partial_text_and_fails(user, fake_endpoints):
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-cut"))
    frames = await frames_until(socket, "final")
    final = frames[-1]["message"]
    assert final["error"] and final["error_code"] == "interrupted"
    assert final["text"] and streamed_text(frames) == final["text"]
    await socket.disconnect()


async def test_stalled_provider_times_out_and_keeps_the_partial_text(user, fake_endpoints, settings):
    settings.PROVIDER_IDLE_TIMEOUT = 0.5
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-stall"))
    frames = await frames_until(socket, "final", timeout=15)
    final = frames[-1]["message"]
    assert final["error"] and final["error_code"] == "timeout"
    assert final["text"]
    await socket.disconnect()


async def test_error_message_is_in_the_sockets_language(user, fake_endpoints):
    user.language = "ru"
    await database_sync_to_async(user.save)()
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-error-500"))
    frames = await frames_until(socket, "final")
    assert any("а" <= char <= "я" for char in frames[-1]["message"]["error_message"])
    await socket.send_json_to({"type": "bogus"})
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error" and any("а" <= char <= "я" for char in error["message"])
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "bogus"}, "unknown_type"),
        ({"no": "type"}, "unknown_type"),
        (send_frame(text=""), "empty_text"),
        (send_frame(endpoint="Missing"), "unknown_endpoint"),
        (send_frame(model="gpt-5"), "unknown_model"),
        (send_frame(conversation="2f4b0b7e-2d5f-4d2e-8d8e-1e4a8b9b6c11"), "invalid_conversation"),
        (send_frame(parameters=[1]), "invalid_parameters"),
        ({"type": "stop", "message": "nope"}, "invalid_message"),
        ({"type": "join", "message": "2f4b0b7e-2d5f-4d2e-8d8e-1e4a8b9b6c11"}, "invalid_message"),
    ],
)
async def test_invalid_frames_get_an_error_and_store_nothing(user, frame, code):
    socket = await connect(user)
    await socket.send_json_to(frame)
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == code and error["message"]
    if "request" in frame:
        assert error["request"] == frame["request"]
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_malformed_json_gets_an_error(user):
    socket = await connect(user)
    await socket.send_to(text_data="{not json")
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "invalid_json"
    await socket.disconnect()


async def test_cannot_join_or_stop_someone_elses_reply(user, other_user):
    mine = await connect(user)
    await mine.send_json_to(send_frame())
    frames = await frames_until(mine, "final")
    intruder = await connect(other_user)
    for kind in ("join", "stop"):
        await intruder.send_json_to({"type": kind, "message": frames[-1]["message"]["id"]})
        error = await intruder.receive_json_from(timeout=5)
        assert error["code"] == "invalid_message"
    await mine.disconnect()
    await intruder.disconnect()


async def test_unauthenticated_socket_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_foreign_origin_is_refused(user):
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


async def test_session_cookie_authenticates_the_socket(user, client):
    await database_sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application, "/ws/chat/", headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(send_frame())
    frames = await frames_until(communicator, "final")
    assert frames[-1]["message"]["text"]
    await communicator.disconnect()


async def test_first_exchange_names_the_conversation_and_tells_the_sidebar(user, fake_endpoints):
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-chat", text="Plan a trip to Kazan"))
    frames = await frames_until(socket, "title")
    title = frames[-1]
    conversation_id = frames[0]["conversation"]["id"]
    assert title["conversation"] == conversation_id and title["title"]
    stored = await database_sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert stored.title == title["title"]
    await socket.disconnect()


async def test_a_broken_adapter_still_ends_the_reply_with_a_readable_error(user, monkeypatch):
    import chat.generation

    def broken(endpoint):
        raise RuntimeError("adapter exploded")

    monkeypatch.setattr(chat.generation, "get_provider", broken)
    socket = await connect(user)
    await socket.send_json_to(send_frame())
    frames = await frames_until(socket, "final")
    final = frames[-1]["message"]
    assert final["error"] and final["error_code"] == "unknown" and final["error_message"]
    assert "exploded" not in json.dumps(frames)  # details go to the log, not to the user
    await socket.disconnect()


async def test_a_send_whose_storing_fails_is_dropped_without_a_trace(user, monkeypatch):
    """The provider starts before the messages are stored; if storing fails, the reply is abandoned."""
    from chat import generation, services

    def conversation_vanished(*, plan):
        raise services.ChatError("invalid_conversation", "That conversation does not exist.")

    monkeypatch.setattr(services, "generation_store", conversation_vanished)
    socket = await connect(user)
    await socket.send_json_to(send_frame(model="demo-chat"))
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == "invalid_conversation"
    await asyncio.sleep(0.3)
    assert await socket.receive_nothing(timeout=0.3)  # no delta or final for a reply that does not exist
    assert generation.STREAMS == {}
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()
