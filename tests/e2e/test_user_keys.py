"""Bring your own key in a real browser: the menu says the endpoint needs a key, the user enters
it on /settings/keys/, and then chats with that endpoint, their key reaching the provider."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.servers import DaphneServer, base_env, create_sessions, custom_endpoint, write_librechat_yaml

pytestmark = pytest.mark.e2e

USER_KEY = "sk-e2e-user-key-7c41"


@pytest.fixture(scope="module")
def byok_server(migrated_database, e2e_fake_provider):
    directory = Path(tempfile.mkdtemp(prefix="librechat-e2e-byok-"))
    shutil.copy(migrated_database, directory / "db.sqlite3")
    entry = custom_endpoint("MyKey", f"{e2e_fake_provider.url}/v1", ["fake-echo", "fake-chat"], "UNUSED",
                            modelDisplayLabel="My Key AI")
    entry["apiKey"] = "user_provided"
    config = write_librechat_yaml(directory / "librechat.yaml", [entry])
    env = base_env(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        DATA_DIR=str(directory),
        LIBRECHAT_CONFIG=str(config),
        DEMO_TOKENS_PER_SECOND="200",
        CREDS_KEY="e2e-creds-key-for-encrypting-user-keys",
    )
    server = DaphneServer(env, directory / "daphne.log")
    session = next(iter(create_sessions(env, [f"e2e-byok-{uuid.uuid4().hex[:8]}@example.org"]).values()))
    try:
        yield server, session
    finally:
        server.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "daphne-byok.log").write_text(server.output())
        shutil.rmtree(directory, ignore_errors=True)


def test_user_enters_a_key_then_chats_with_the_endpoint(page, byok_server, e2e_fake_provider, artifacts):
    server, session = byok_server
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/")
    page.wait_for_function("document.body?.dataset.socket === 'open'", timeout=10_000)

    group = page.locator('#model-menu optgroup[data-endpoint="MyKey"]')
    expect(group).to_have_attribute("label", "My Key AI (needs your key)")
    expect(group).to_have_attribute("disabled", "")
    page.screenshot(path=str(artifacts / "byok-1-needs-key.png"))
    page.click("#model-menu-key-hint")
    page.wait_for_url(server.url + "/settings/keys/")

    section = page.locator('section[data-endpoint="MyKey"]')
    expect(section.locator("[data-key-status]")).to_contain_text("No key saved.")
    section.locator('input[name="api_key"]').fill(USER_KEY)
    section.locator('select[name="expires_in"]').select_option("7d")
    page.screenshot(path=str(artifacts / "byok-2-form.png"))
    section.locator('button[value="save"]').click()
    section = page.locator('section[data-endpoint="MyKey"]')
    expect(section.locator("[data-key-status]")).to_contain_text("…7c41")
    assert USER_KEY not in page.content()
    page.screenshot(path=str(artifacts / "byok-3-saved.png"))

    page.click("text=Back to the chat")
    page.wait_for_function("document.body?.dataset.socket === 'open'", timeout=10_000)
    expect(page.locator("#model-menu-key-hint")).to_have_count(0)
    page.select_option("#model-menu", "MyKey|fake-echo")
    composer = page.locator("#composer")
    composer.fill("hello with my own key")
    composer.press("Enter")
    reply = page.locator('#messages .message[data-role="assistant"]').last
    expect(reply.locator(".message__text")).to_have_text("hello with my own key", timeout=20_000)
    expect(reply).not_to_have_attribute("data-streaming", "true", timeout=20_000)
    page.screenshot(path=str(artifacts / "byok-4-chat.png"))
    sent = [request for request in e2e_fake_provider.requests if request.path.endswith("/chat/completions")]
    assert sent and sent[-1].header("authorization") == f"Bearer {USER_KEY}"
    assert not errors, f"JavaScript errors on the page: {errors}"
