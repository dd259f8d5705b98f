"""Attachments through the whole send: the socket, the stored message, and the request each
provider receives (read back from the fake provider, which speaks the real wire formats)."""

from __future__ import annotations

import base64
import json

import pytest
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Message
from chat.tests.helpers import connect, frames_until, send_frame
from files.models import File
from files.services import file_upload
from files.tests.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def uploaded(user, name: str, raw: bytes) -> str:
    return str(file_upload(user=user, upload=SimpleUploadedFile(name, raw)).pk)


def last_body(fake_provider, path_end: str) -> dict:
    for request in reversed(fake_provider.requests):
        if request.path.rstrip("/").endswith(path_end):
            return request.body
    raise AssertionError(f"no request to {path_end}")


def user_turns(body: dict) -> list:
    return [message["content"] for message in body["messages"] if message["role"] == "user"]


async def test_an_image_reaches_an_openai_style_vision_model_as_image_url(user, vision_endpoints, fake_provider):
    png = image_bytes(30, 20)
    file_id = await uploaded(user, "red.png", png)
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="What colour?", files=[file_id]))
    frames = await frames_until(socket, "final")
    created = frames[0]
    assert created["type"] == "created"
    [shown] = created["user_message"]["files"]
    assert shown["id"] == file_id and shown["kind"] == "image" and shown["url"].endswith(f"/files/{file_id}/")
    # The echo model says which images it was given.
    assert frames[-1]["message"]["text"] == "What colour? [images: image/png]"
    [content] = user_turns(last_body(fake_provider, "/chat/completions"))
    assert content[0] == {"type": "text", "text": "What colour?"}
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    assert content[1] == {"type": "image_url", "image_url": {"url": url}}
    file = await database_sync_to_async(File.objects.get)(pk=file_id)
    assert str(file.message_id) == created["user_message"]["id"]
    assert str(file.conversation_id) == created["conversation"]["id"]
    await socket.disconnect()


async def test_an_image_reaches_claude_as_a_base64_image_block(user, vision_endpoints, fake_provider):
    jpeg = image_bytes(30, 20, "JPEG")
    file_id = await uploaded(user, "photo.jpg", jpeg)
    socket = await connect(user)
    await socket.send_json_to(
        send_frame(endpoint="FakeClaude", model="claude-3-echo", text="Describe", files=[file_id])
    )
    frames = await frames_until(socket, "final")
    assert frames[-1]["message"]["text"] == "Describe [images: image/jpeg]"
    [content] = user_turns(last_body(fake_provider, "/messages"))
    image = next(block for block in content if block["type"] == "image")
    assert image["source"] == {"type": "base64", "media_type": "image/jpeg", "data": base64.b64encode(jpeg).decode()}
    await socket.disconnect()


async def test_a_non_vision_model_gets_a_clear_refusal_and_nothing_is_sent(user, vision_endpoints, fake_provider):
    file_id = await uploaded(user, "red.png", image_bytes())
    before = len(fake_provider.requests)
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-echo", text="What is it?", files=[file_id]))
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == "not_vision"
    assert "fake-echo" in error["message"] and "images" in error["message"]
    assert len(fake_provider.requests) == before
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_images_in_history_are_resent_in_the_new_providers_format(user, vision_endpoints, fake_provider):
    png = image_bytes(12, 12)
    file_id = await uploaded(user, "dot.png", png)
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="llava-echo", text="Look", files=[file_id]))
    first = await frames_until(socket, "final")
    # The user switches to Claude mid-chat: the earlier image goes again, as an Anthropic block.
    await socket.send_json_to(
        send_frame(endpoint="FakeClaude", model="claude-3-echo", text="And now?",
                   conversation=first[0]["conversation"]["id"], parent=first[-1]["message"]["id"])
    )
    second = await frames_until(socket, "final")
    assert second[-1]["message"]["text"] == "And now?"
    turns = user_turns(last_body(fake_provider, "/messages"))
    first_turn = turns[0]
    assert {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                        "data": base64.b64encode(png).decode()}} in first_turn
    # And to a text-only model it goes without the image, saying so, instead of failing.
    await socket.send_json_to(
        send_frame(endpoint="Fake", model="fake-echo", text="Text only",
                   conversation=first[0]["conversation"]["id"], parent=second[-1]["message"]["id"])
    )
    third = await frames_until(socket, "final")
    assert not third[-1]["message"]["error"]
    turns = user_turns(last_body(fake_provider, "/chat/completions"))
    assert isinstance(turns[0], str) and "not shown: this model cannot see images" in turns[0]
    await socket.disconnect()


async def test_a_text_file_goes_into_the_prompt_and_shows_on_the_message(user, vision_endpoints, fake_provider):
    file_id = await uploaded(user, "notes.md", b"# Plan\n- buy milk")
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="fake-echo", text="Summarise", files=[file_id]))
    frames = await frames_until(socket, "final")
    [content] = user_turns(last_body(fake_provider, "/chat/completions"))
    assert content.startswith('<file name="notes.md" type="text/markdown">\n# Plan\n- buy milk\n</file>')
    assert content.endswith("Summarise")
    [shown] = frames[0]["user_message"]["files"]
    assert shown["kind"] == "text" and shown["name"] == "notes.md" and not shown["truncated"]
    await socket.disconnect()


async def test_someone_elses_or_an_already_sent_file_is_refused(user, other_user, vision_endpoints):
    theirs = await uploaded(other_user, "theirs.png", image_bytes())
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="Hi", files=[theirs]))
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "invalid_files"
    mine = await uploaded(user, "mine.png", image_bytes())
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="Hi", files=[mine]))
    await frames_until(socket, "final")
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="Again", files=[mine]))
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "invalid_files"
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="Bad", files="nope"))
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_files"
    await socket.disconnect()


async def test_attachments_show_after_a_reload(user, vision_endpoints, client):
    file_id = await uploaded(user, "red.png", image_bytes())
    socket = await connect(user)
    await socket.send_json_to(send_frame(endpoint="Fake", model="gpt-4o-echo", text="Look", files=[file_id]))
    frames = await frames_until(socket, "final")
    await socket.disconnect()
    await database_sync_to_async(client.force_login)(user)
    page = await database_sync_to_async(client.get)(f"/c/{frames[0]['conversation']['id']}/")
    html = page.content.decode()
    assert f'href="/files/{file_id}/"' in html and 'class="message__files"' in html
    data = json.loads(html.split('id="messages-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert data[0]["files"][0]["id"] == file_id
