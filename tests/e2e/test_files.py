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


DROP_OR_PASTE = """
async ([kind, name, base64]) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  const form = document.getElementById("composer-form");
  if (kind === "paste") {
    document.getElementById("composer").dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  } else {
    form.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    form.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}
"""


@pytest.mark.parametrize("kind", ["paste", "drop"])
def test_images_can_be_pasted_or_dropped(chat, kind):
    import base64

    page = chat.page
    chat.open()
    chat.choose_model("Fake", "llava-echo")
    page.evaluate(DROP_OR_PASTE, [kind, f"{kind}.png", base64.b64encode(png(20, 20, "blue")).decode()])
    expect(page.locator('#attachments .attachment[data-state="ready"]')).to_have_count(1)
    chat.send(f"A {kind}d image")
    reply = chat.assistant()
    chat.wait_finished(reply)
    assert chat.raw_text(reply) == f"A {kind}d image [images: image/png]"


def test_edit_and_resubmit_keeps_the_questions_image(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "llava-echo")
    attach(page, "green.png", png())
    expect(page.locator('#attachments .attachment[data-state="ready"]')).to_have_count(1)
    chat.send("First look")
    chat.wait_finished(chat.assistant())

    question = page.locator('#messages .message[data-role="user"]').last
    question.hover()
    question.locator('[data-action="edit"]').click()
    question.locator(".message-editor__input").fill("Second look")
    question.locator('[data-action="edit-submit"]').click()
    reply = chat.assistant()
    expect(reply.locator(".message__text")).to_have_text("Second look [images: image/png]", timeout=20_000)
    new_question = page.locator('#messages .message[data-role="user"]').last
    expect(new_question.locator(".message-file--image img")).to_be_visible()


def test_a_text_file_shows_as_a_chip_and_its_text_reaches_the_model(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")
    attach(page, "notes.md", b"# Plan\n- buy milk\n", "text/markdown")
    chip = page.locator('#attachments .attachment--file[data-state="ready"]')
    expect(chip).to_have_count(1)
    expect(chip.locator(".attachment__name")).to_have_text("notes.md")
    chat.send("Summarise")
    reply = chat.assistant()
    chat.wait_finished(reply)
    assert chat.raw_text(reply).startswith('<file name="notes.md" type="text/markdown">')
    sent = page.locator('#messages .message[data-role="user"] .message-file--file')
    expect(sent.locator(".attachment__name")).to_have_text("notes.md")
    expect(sent.locator(".attachment__size")).to_have_text("18 bytes")
    page.reload()
    chat.wait_socket()
    expect(page.locator('#messages .message[data-role="user"] .message-file--file .attachment__name')).to_have_text(
        "notes.md"
    )
    chat.shot("text-chip")


def test_an_image_alone_can_be_sent_without_text(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "llava-echo")
    expect(page.locator("#send-button")).to_be_disabled()
    attach(page, "green.png", png())
    expect(page.locator('#attachments .attachment[data-state="ready"]')).to_have_count(1)
    expect(page.locator("#send-button")).to_be_enabled()
    page.locator("#send-button").click()
    reply = chat.assistant()
    chat.wait_finished(reply)
    assert chat.raw_text(reply).strip() == "[images: image/png]"
