"""Attachments in a real browser: pick an image, see its thumbnail, send it to a vision model,
see it on the message after a reload; a text-only model is refused before anything is sent."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def png(width: int = 40, height: int = 30, color: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def attach(page, name: str, data: bytes, mime_type: str = "image/png") -> None:
    page.set_input_files("#attach-input", files=[{"name": name, "mimeType": mime_type, "buffer": data}])


def test_an_image_picked_in_the_composer_reaches_a_vision_model(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "llava-echo")
    attach(page, "green.png", png())
    ready = page.locator('#attachments .attachment[data-state="ready"]')
    expect(ready).to_have_count(1)
    expect(ready.locator("img.attachment__thumb")).to_be_visible()
    chat.shot("thumbnail")

    # A second file, removed again before sending.
    attach(page, "notes.txt", b"shopping list", "text/plain")
    expect(page.locator("#attachments .attachment")).to_have_count(2)
    page.locator('#attachments .attachment--file .attachment__remove').click()
    expect(page.locator("#attachments .attachment")).to_have_count(1)

    chat.send("What is in this picture?")
    reply = chat.assistant()
    chat.wait_finished(reply)
    assert chat.raw_text(reply) == "What is in this picture? [images: image/png]"
    expect(page.locator("#attachments .attachment")).to_have_count(0)
    sent = page.locator('#messages .message[data-role="user"] .message-file--image img')
    expect(sent).to_be_visible()

    page.reload()
    chat.wait_socket()
    image = page.locator('#messages .message[data-role="user"] .message-file--image img')
    expect(image).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 40", arg=image.element_handle())
    chat.shot("after-reload")


def test_a_text_only_model_refuses_an_image_before_sending(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")
    attach(page, "green.png", png())
    expect(page.locator('#attachments .attachment[data-state="ready"]')).to_have_count(1)
    chat.send("Describe it")
    error = page.locator("#composer-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("cannot see images")
    expect(page.locator("#messages .message")).to_have_count(0)
    # Nothing was lost: the attachment is still there to send to another model.
    expect(page.locator("#attachments .attachment")).to_have_count(1)
    chat.shot("refused")


def test_a_disguised_program_is_refused_with_a_message(chat):
    page = chat.page
    chat.open()
    attach(page, "holiday.png", b"MZ\x90\x00" + b"\x00" * 200)
    expect(page.locator("#composer-error")).to_contain_text("not a supported file type")
    expect(page.locator("#attachments .attachment")).to_have_count(0)
