"""API access in a real browser: a key made on the settings page works with the openai SDK, once revoked it does not."""

from __future__ import annotations

import openai
import pytest
from playwright.sync_api import expect

from providers.demo_text import demo_reply

pytestmark = pytest.mark.e2e


def test_a_key_created_in_the_browser_works_with_the_sdk_until_revoked(chat):
    page = chat.page
    chat.open()
    page.locator("a.account__link", has_text="API access").click()
    page.wait_for_url("**/settings/api-keys/")
    expect(page.locator("h1")).to_have_text("API access")
    page.fill("#key-name", "Browser-made key")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#created-key")
    expect(secret).to_be_visible()
    raw_key = secret.input_value()
    assert raw_key.startswith("lc-") and len(raw_key) > 40
    chat.shot("created")

    client = openai.OpenAI(api_key=raw_key, base_url=chat.server.url + "/v1", max_retries=0)
    completion = client.chat.completions.create(
        model="Demo/demo-fast", messages=[{"role": "user", "content": "from the browser's key"}]
    )
    assert completion.choices[0].message.content == demo_reply("from the browser's key")

    # Shown once: opened again, the page has only the prefix, with the last use filled in;
    # the call's conversation is listed here and not in the chat's sidebar.
    page.goto(chat.server.url + "/settings/api-keys/")
    expect(page.locator("#created-key")).to_have_count(0)
    assert raw_key not in page.content()
    row = page.locator("tr.api-key", has_text="Browser-made key")
    expect(row).to_contain_text(raw_key[:10] + "…")
    expect(row.locator(".api-key__last-used")).not_to_have_text("Never")
    expect(page.locator(".api-keys__conversations")).to_contain_text("from the browser's key")
    chat.shot("listed")

    row.get_by_role("button", name="Revoke").click()
    expect(page.locator("tr.api-key", has_text="Browser-made key")).to_contain_text("Revoked")
    with pytest.raises(openai.AuthenticationError):
        client.models.list()

    chat.open()
    expect(page.locator("#sidebar")).not_to_contain_text("from the browser's key")
