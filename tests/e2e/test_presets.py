"""The parameters panel and presets in a real browser: set a system prompt, save it as a preset,
start a new chat and apply it; the fake provider sees the prompt and the temperature."""

from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _request_with(fake, marker: str, timeout: float = 15.0):
    """The chat request the fake provider received whose last user message contains `marker`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for recorded in list(fake.requests):
            body = recorded.body if isinstance(recorded.body, dict) else {}
            messages = body.get("messages") or []
            if messages and marker in str(messages[-1].get("content")):
                return body
        time.sleep(0.1)
    raise AssertionError(f"no request with {marker!r} reached the fake provider")


def _set_field(page, key: str, value: str) -> None:
    field = page.locator(f"#parameter-{key}")
    field.fill(value)
    field.dispatch_event("change")


def test_panel_sets_system_prompt_saves_a_preset_and_applies_it_to_a_new_chat(chat, e2e_fake_provider):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-chat")
    page.click("#parameters-toggle")
    panel = page.locator("#parameters-panel")
    expect(panel).to_be_visible()
    # Only what an OpenAI-style chat model takes: no Anthropic thinking, no reasoning effort.
    expect(panel.locator("#parameter-promptPrefix")).to_be_visible()
    expect(panel.locator("#parameter-temperature")).to_be_visible()
    expect(panel.locator("#parameter-thinking")).to_have_count(0)
    expect(panel.locator("#parameter-reasoning_effort")).to_have_count(0)

    pirate = f"You are a pirate {uuid.uuid4().hex[:6]}."
    _set_field(page, "promptPrefix", pirate)
    _set_field(page, "temperature", "0.4")
    chat.shot("panel-filled")

    title = f"Pirate {uuid.uuid4().hex[:4]}"
    page.fill("#preset-title", title)
    page.click("#preset-save")
    expect(page.locator("#parameters-status")).to_contain_text(title)
    expect(page.locator("#preset-select option", has_text=title)).to_have_count(1)

    marker = f"first-{uuid.uuid4().hex[:8]}"
    chat.send(f"Ahoy {marker}")
    chat.wait_finished(chat.assistant())
    body = _request_with(e2e_fake_provider, marker)
    assert body["messages"][0] == {"role": "system", "content": pirate}
    assert body["temperature"] == 0.4

    # A new chat starts without the preset (it is not the default)...
    chat.open("/")
    page.click("#parameters-toggle")
    expect(page.locator("#parameter-promptPrefix")).to_have_value("")
    # ...until it is applied.
    page.select_option("#preset-select", label=title)
    page.click("#preset-apply")
    expect(page.locator("#parameter-promptPrefix")).to_have_value(pirate)
    expect(page.locator("#parameter-temperature")).to_have_value("0.4")
    chat.shot("preset-applied")
    marker = f"second-{uuid.uuid4().hex[:8]}"
    chat.send(f"Hello again {marker}")
    chat.wait_finished(chat.assistant())
    body = _request_with(e2e_fake_provider, marker)
    assert body["messages"][0] == {"role": "system", "content": pirate}
    assert body["temperature"] == 0.4

    # Made the default, it is where the next new chat starts; the open chat kept its parameters.
    page.check("#preset-default")
    expect(page.locator("#parameters-status")).to_contain_text("New chats")
    page.reload()
    chat.wait_socket()
    page.click("#parameters-toggle")
    expect(page.locator("#parameter-promptPrefix")).to_have_value(pirate)
    chat.open("/")
    page.click("#parameters-toggle")
    expect(page.locator("#parameter-promptPrefix")).to_have_value(pirate)
    expect(page.locator("#model-menu")).to_have_value("Fake|fake-chat")


def test_panel_refuses_a_bad_value_with_the_parameter_named(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-chat")
    chat.send("Start a conversation")
    chat.wait_finished(chat.assistant())
    page.click("#parameters-toggle")
    # The browser's own min/max are bypassed: the server names the parameter.
    page.locator("#parameter-temperature").evaluate("(el) => { el.removeAttribute('max'); }")
    _set_field(page, "temperature", "7")
    expect(page.locator("#parameters-error")).to_contain_text("Temperature")
    expect(page.locator("#parameters-error")).to_contain_text("between 0 and 2")
