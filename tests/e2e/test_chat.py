"""The chat in a real browser: sign-up, streaming, reload and stop mid-reply, errors, i18n, safety, theme."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from providers.demo_text import demo_reply

pytestmark = pytest.mark.e2e

CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _conversation_id(url: str) -> str:
    match = re.search(r"/c/([0-9a-f-]{36})/", url)
    assert match, f"not a conversation URL: {url}"
    return match.group(1)


def _message_text(message) -> str:
    return message.locator(".message__text").inner_text()


# --- a. sign-up ------------------------------------------------------------------------------------
def test_signup_lands_on_chat_and_first_account_is_admin(page, start_server, artifacts):
    server = start_server("signup")  # its own database: the account made here is the very first one

    def sign_up(email: str, shot: str) -> None:
        page.goto(server.url + "/accounts/signup/")
        page.fill('input[name="email"]', email)
        page.fill('input[name="password1"]', "a-long-e2e-password-1")
        page.fill('input[name="password2"]', "a-long-e2e-password-1")
        page.screenshot(path=str(artifacts / f"signup-{shot}-form.png"))
        page.locator('form button[type="submit"]').last.click()
        page.wait_for_url(server.url + "/")
        page.wait_for_function("document.body?.dataset.socket === 'open'")
        expect(page.locator("#composer")).to_be_visible()
        expect(page.locator(".account__email")).to_have_text(email)
        page.screenshot(path=str(artifacts / f"signup-{shot}-chat.png"))

    sign_up("first-admin@example.org", "first")
    admin_link = page.locator('#sidebar a[href="/admin/"]')
    expect(admin_link).to_be_visible()

    # A second account is an ordinary user: no admin link.
    page.context.clear_cookies()
    sign_up("second-user@example.org", "second")
    expect(page.locator('#sidebar a[href="/admin/"]')).to_have_count(0)


# --- b. a streamed Demo reply ------------------------------------------------------------------------
def test_demo_reply_streams_renders_markdown_and_names_the_chat(chat):
    page = chat.page
    chat.open()
    chat.shot("empty")
    chat.choose_model("Demo", "demo-chat")
    prompt = "Streaming check with a table please"
    chat.send(prompt)

    reply = chat.assistant()
    chat.wait_streaming(reply)
    expect(page.locator("#composer")).to_be_disabled()
    expect(page.locator("#stop-button")).to_be_visible()
    # The text grows between two reads while the reply streams.
    chat.wait_text_length(reply, 20)
    first = len(_message_text(reply))
    page.wait_for_function(
        "([el, n]) => el.dataset.streaming === 'true' && el.querySelector('.message__text').innerText.length > n",
        arg=[reply.element_handle(), first],
    )
    second = len(_message_text(reply))
    assert second > first
    expect(reply).to_have_attribute("data-streaming", "true")
    chat.shot("streaming")

    # The new conversation is in the sidebar while the reply is still streaming.
    conversation_id = _conversation_id(page.url)
    row = page.locator(f'#conversation-list .conversation-row[data-conversation-id="{conversation_id}"]')
    expect(row).to_have_count(1)

    chat.wait_finished(reply)
    expect(page.locator("#composer")).to_be_enabled()
    expect(page.locator("#send-button")).to_be_visible()
    expect(page.locator("#stop-button")).to_be_hidden()
    assert chat.raw_text(reply) == demo_reply(prompt)
    expect(reply).not_to_have_attribute("data-unfinished", "true")
    body = reply.locator(".message__text")
    expect(body.locator("table")).to_have_count(1)
    expect(body.locator("table th").first).to_have_text("Feature")
    expect(body.locator("ul, ol").first).to_be_visible()
    expect(body.locator("strong").first).to_be_visible()
    code = body.locator(".code-block pre code")
    expect(code).to_have_count(1)
    expect(code).to_have_class(re.compile(r"\bhljs\b"))
    assert code.locator("span[class^='hljs-']").count() > 0, "the code block is not highlighted"
    expect(body.locator(".code-block .code-block__copy")).to_be_visible()

    # The title task names the chat and the sidebar shows it without a reload.
    title = row.locator(".conversation-row__title")
    expect(title).to_have_text(re.compile(r"^Streaming check"), timeout=15_000)
    expect(page).to_have_title(re.compile(r"^Streaming check"))
    chat.shot("finished")

    # What was stored renders the same after a reload.
    chat.open(f"/c/{conversation_id}/")
    stored = chat.assistant()
    assert chat.raw_text(stored) == demo_reply(prompt)
    expect(stored.locator(".message__text table")).to_have_count(1)
    stored_title = page.locator(f'.conversation-row[data-conversation-id="{conversation_id}"] .conversation-row__title')
    expect(stored_title).to_have_text(re.compile(r"^Streaming check"))


# --- c. reload mid-reply ---------------------------------------------------------------------------
def test_reload_mid_reply_keeps_the_text_and_follows_the_stream_to_the_end(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-chat")  # paced at 30 tokens/s: about 8 s for the reply
    prompt = f"Reload while streaming {uuid.uuid4().hex[:6]}"
    expected = demo_reply(prompt)
    chat.send(prompt)
    reply = chat.assistant()
    chat.wait_streaming(reply)
    message_id = reply.get_attribute("data-message-id")
    first_before = ""
    # Twice: each reload joins the running reply at a different point.
    for attempt in (1, 2):
        # Past a periodic save (STREAM_SAVE_INTERVAL is 1 s) but far from the end.
        page.wait_for_timeout(1_200)
        chat.wait_text_length(reply, 60 * attempt)
        before = chat.raw_text(reply)
        first_before = first_before or before
        assert expected.startswith(before), f"wrong text before reload {attempt}: {before[-60:]!r}"
        assert len(before) < len(expected) * 2 // 3, "the reply was nearly over before the reload"
        chat.shot(f"before-reload-{attempt}")

        page.reload()
        reply = page.locator(f'#messages .message[data-message-id="{message_id}"]')
        # The text so far is on the page at once (saved progress rendered by the server) ...
        expect(reply).to_be_visible()
        saved = chat.raw_text(reply)
        assert saved and expected.startswith(saved), f"wrong text right after reload {attempt}: {saved[-60:]!r}"
        chat.wait_socket()
        # ... and after the snapshot the reply streams again, from where it had got to.
        chat.wait_streaming(reply)
        expect(page.locator("#composer")).to_be_disabled()
        chat.wait_text_length(reply, len(before))
        now = chat.raw_text(reply)
        assert expected.startswith(now), f"after reload {attempt} the text is not a prefix of the reply: {now[-60:]!r}"
        chat.shot(f"after-reload-{attempt}-streaming")

    chat.wait_finished(reply)
    expect(page.locator("#composer")).to_be_enabled()
    after = chat.raw_text(reply)
    assert len(after) > len(before) > len(first_before)
    assert after == expected, "the text followed after the reload differs from the reply (a gap or a repeat)"
    expect(reply).not_to_have_attribute("data-unfinished", "true")
    expect(reply.locator(".badge--unfinished")).to_have_count(0)
    chat.shot("after-reload-finished")

    # The stored reply is the same text.
    page.reload()
    chat.wait_socket()
    stored = page.locator(f'#messages .message[data-message-id="{message_id}"]')
    assert chat.raw_text(stored) == expected
    expect(stored).not_to_have_attribute("data-streaming", "true")


# --- d. stop ------------------------------------------------------------------------------------------
def test_stop_keeps_partial_text_and_marks_the_reply_unfinished(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-chat")
    prompt = f"Stop me half-way {uuid.uuid4().hex[:6]}"
    expected = demo_reply(prompt)
    chat.send(prompt)
    reply = chat.assistant()
    chat.wait_streaming(reply)
    chat.wait_text_length(reply, 40)
    expect(page.locator("#stop-button")).to_be_enabled()
    chat.shot("before-stop")
    page.click("#stop-button")

    chat.wait_finished(reply)
    expect(reply).to_have_attribute("data-unfinished", "true")
    expect(reply.locator(".badge--unfinished")).to_be_visible()
    expect(page.locator("#composer")).to_be_enabled()
    partial = chat.raw_text(reply)
    assert len(partial) >= 40
    assert len(partial) < len(expected)
    assert expected.startswith(partial)
    chat.shot("stopped")

    # Nothing more arrives, and the stored reply is the same partial text, still unfinished.
    page.wait_for_timeout(500)
    assert chat.raw_text(reply) == partial
    message_id = reply.get_attribute("data-message-id")
    page.reload()
    chat.wait_socket()
    stored = page.locator(f'#messages .message[data-message-id="{message_id}"]')
    expect(stored).to_have_attribute("data-unfinished", "true")
    expect(stored.locator(".badge--unfinished")).to_be_visible()
    assert chat.raw_text(stored) == partial
    expect(page.locator("#composer")).to_be_enabled()
    chat.shot("stopped-reloaded")


# --- e. provider errors -----------------------------------------------------------------------------
def test_provider_error_is_shown_readably(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-error-500")
    chat.send("This will fail with a 500")
    reply = chat.assistant()
    expect(reply).to_have_attribute("data-error", "true")
    error = reply.locator(".message__error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile(r"internal error", re.IGNORECASE))
    text = error.inner_text()
    assert "Traceback" not in text and "HTTP" not in text and "{" not in text
    expect(page.locator("#composer")).to_be_enabled()
    chat.shot("error-500")


def test_cut_stream_keeps_partial_text_and_shows_an_error(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-cut")
    prompt = f"Cut me off {uuid.uuid4().hex[:6]}"
    chat.send(prompt)
    reply = chat.assistant()
    expect(reply).to_have_attribute("data-error", "true")
    expect(reply.locator(".message__error")).to_have_text(re.compile(r"broke off", re.IGNORECASE))
    partial = chat.raw_text(reply)
    assert partial, "the text received before the cut was lost"
    assert demo_reply(prompt).startswith(partial)
    expect(reply.locator(".message__text")).not_to_be_empty()
    expect(page.locator("#composer")).to_be_enabled()
    chat.shot("cut")

    message_id = reply.get_attribute("data-message-id")
    page.reload()
    chat.wait_socket()
    stored = page.locator(f'#messages .message[data-message-id="{message_id}"]')
    expect(stored).to_have_attribute("data-error", "true")
    expect(stored.locator(".message__error")).to_be_visible()
    assert chat.raw_text(stored) == partial


# --- f. language ----------------------------------------------------------------------------------
def test_switching_to_russian_translates_the_interface(chat):
    page = chat.page
    chat.open()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("#language-select", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    chat.wait_socket()
    placeholder = page.locator("#composer").get_attribute("placeholder") or ""
    assert CYRILLIC.search(placeholder), f"placeholder not translated: {placeholder!r}"
    new_chat = page.locator("#new-chat").inner_text()
    assert CYRILLIC.search(new_chat), f"'New chat' not translated: {new_chat!r}"
    chat.shot("russian")

    # The choice is stored with the account, and strings made by the script are translated too.
    chat.open()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    chat.choose_model("Fake", "fake-error-500")
    chat.send("Ошибка, пожалуйста")
    reply = chat.assistant()
    expect(reply).to_have_attribute("data-error", "true")
    expect(reply.locator(".message__error")).to_have_text(CYRILLIC)
    expect(reply.locator(".message__sender")).to_have_text(re.compile(r"."))
    chat.shot("russian-error")


# --- g. no HTML injection -----------------------------------------------------------------------------
def test_model_output_cannot_inject_html(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")  # replies with the user's own text
    payload = (
        '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
        '<a href="javascript:window.__pwned=3">link</a> [md](javascript:window.__pwned=4)'
    )
    chat.send(payload)
    reply = chat.assistant()
    chat.wait_finished(reply)
    expect(page.locator("#composer")).to_be_enabled()
    assert chat.raw_text(reply) == payload
    # The text is shown as text, not turned into elements.
    expect(reply.locator(".message__text")).to_contain_text("<img src=x")
    page.wait_for_timeout(300)  # give an injected onerror a chance to run

    def assert_clean() -> None:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator('#messages img[src="x"]').count() == 0
        assert page.locator("#messages script").count() == 0
        assert page.locator('#messages a[href^="javascript:"]').count() == 0

    assert_clean()
    chat.shot("echo-live")

    # The server-rendered page, hydrated by the script, is safe too.
    page.reload()
    chat.wait_socket()
    page.wait_for_timeout(300)
    assert_clean()
    expect(chat.assistant().locator(".message__text")).to_contain_text("<script>")
    chat.shot("echo-reloaded")


# --- h. theme and phone layout ------------------------------------------------------------------------
def _background_luminance(page) -> float:
    return page.evaluate(
        """() => {
            // The colour behind the composer: the first ancestor with an opaque background.
            for (let el = document.getElementById('composer'); el; el = el.parentElement) {
                const [r, g, b, a = 1] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
                if (a > 0.5) return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
            }
            return 1;  // the canvas default is white
        }"""
    )


def test_dark_theme_and_phone_layout(chat):
    page = chat.page
    chat.open()
    assert _background_luminance(page) > 0.7, "the light theme is not light"
    page.select_option("#theme-select", "dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background_luminance(page) < 0.3, "the dark theme background is not dark"
    chat.shot("dark")

    # The choice is saved for the account (in the background): a fresh load is dark too.
    page.wait_for_timeout(300)
    chat.open()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background_luminance(page) < 0.3

    # Phone size: the composer is usable, the sidebar hides behind the menu button.
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(300)
    composer = page.locator("#composer")
    expect(composer).to_be_visible()
    expect(composer).to_be_in_viewport()
    box = composer.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways"
    toggle = page.locator("#sidebar-toggle")
    expect(toggle).to_be_visible()
    expect(page.locator("#new-chat")).not_to_be_in_viewport()
    chat.shot("phone-dark")
    toggle.click()
    expect(page.locator("#new-chat")).to_be_in_viewport()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    chat.shot("phone-sidebar-open")
    page.keyboard.press("Escape")
    expect(page.locator("#new-chat")).not_to_be_in_viewport()

    # And a message can be sent from the phone layout.
    chat.choose_model("Fake", "fake-echo")
    chat.send("Hello from a phone")
    reply = chat.assistant()
    chat.wait_finished(reply)
    expect(reply.locator(".message__text")).to_have_text("Hello from a phone")
    expect(reply).to_be_in_viewport()
    chat.shot("phone-message")
