"""Browser tests: Debian's Chromium (driven by pytest-playwright) against a real Daphne server.

One server per session serves the chat tests: a migrated SQLite file, the Demo endpoint at 40
tokens/s and a custom "Fake" endpoint (librechat.yaml) pointing at a FakeProviderServer paced at
30 tokens/s, so a reply lasts long enough to reload or stop it half-way. Each test gets its own
account (sessions made up front in one subprocess) so preferences and chats do not leak between
tests. Screenshots go to artifacts/e2e/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.servers import (
    PYTHON,
    ROOT,
    DaphneServer,
    base_env,
    create_sessions,
    custom_endpoint,
    prepare_sqlite,
    write_librechat_yaml,
)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts" / "e2e"
FAKE_KEY_VARIABLE = "E2E_FAKE_PROVIDER_KEY"
FAKE_TOKENS_PER_SECOND = 30
# Accounts made up front for the chat tests (one per test; more than there are tests is fine).
POOL_SIZE = 16


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: once sync Playwright has started (a session fixture), an event loop
    counts as running in the main thread, and any asyncio test after it fails with "Cannot run the
    event loop while another loop is running"."""
    items[:] = [item for item in items if not item.get_closest_marker("e2e")] + [
        item for item in items if item.get_closest_marker("e2e")
    ]


def _require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A light device, so "system" is light and a switch to dark is visible; a desktop-sized window.
    return {**browser_context_args, "color_scheme": "light", "viewport": {"width": 1280, "height": 860}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _compile_translations() -> None:
    """Compiled catalogues are build output (git-ignored); make them as scripts/setup.sh does."""
    stale = False
    for po in (ROOT / "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale = True
    if stale:
        subprocess.run(
            [PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v", "0"],
            cwd=ROOT,
            env=base_env(),
            check=True,
            capture_output=True,
            timeout=120,
        )


@dataclass
class ChatServer:
    server: DaphneServer
    env: dict[str, str]
    directory: Path
    fake_url: str
    label: str
    sessions: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def take_session(self) -> str:
        if not self.sessions:
            self.sessions.extend(create_sessions(self.env, [f"e2e-{uuid.uuid4().hex[:10]}@example.org"]).values())
        return self.sessions.pop()


def _write_config(directory: Path, fake_url: str) -> Path:
    fake = custom_endpoint(
        "Fake", f"{fake_url}/v1",
        # llava-echo: a vision model (by its name) that echoes the prompt and lists its images.
        ["fake-chat", "fake-echo", "fake-error-500", "fake-cut", "llava-echo"], FAKE_KEY_VARIABLE,
        titleConvo=True, titleModel="fake-chat", modelDisplayLabel="Fake AI",
    )
    return write_librechat_yaml(directory / "librechat.yaml", [fake])


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[Path]:
    """A migrated SQLite file to copy: each server starts from its own copy."""
    directory = Path(tempfile.mkdtemp(prefix="librechat-e2e-template-"))
    prepare_sqlite(directory)
    yield directory / "db.sqlite3"
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def e2e_fake_provider() -> Iterator[object]:
    from providers.fake_server import FakeProviderServer

    fake = FakeProviderServer(tokens_per_second=FAKE_TOKENS_PER_SECOND, stall_seconds=30).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="session")
def start_server(migrated_database: Path, e2e_fake_provider) -> Iterator[Callable[[str], ChatServer]]:
    """Starts Daphne servers on fresh copies of the database; all are stopped at the end."""
    _compile_translations()
    started: list[ChatServer] = []

    def start(label: str) -> ChatServer:
        directory = Path(tempfile.mkdtemp(prefix="librechat-e2e-"))
        shutil.copy(migrated_database, directory / "db.sqlite3")
        config = _write_config(directory, e2e_fake_provider.url)
        env = base_env(
            DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
            DATA_DIR=str(directory),
            LIBRECHAT_CONFIG=str(config),
            DEMO_TOKENS_PER_SECOND="40",
            **{FAKE_KEY_VARIABLE: "e2e-key"},
        )
        server = DaphneServer(env, directory / "daphne.log")
        chat_server = ChatServer(
            server=server, env=env, directory=directory, fake_url=e2e_fake_provider.url, label=label
        )
        started.append(chat_server)
        return chat_server

    yield start
    for chat_server in started:
        chat_server.server.stop()
        log = chat_server.server.output()
        # Keep the server log with the screenshots: it is the first place to look when a test fails.
        (ARTIFACTS / f"daphne-{chat_server.label}.log").write_text(log)
        shutil.rmtree(chat_server.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def chat_server(start_server, artifacts) -> ChatServer:
    server = start_server("chat")
    emails = [f"e2e-{index}-{uuid.uuid4().hex[:8]}@example.org" for index in range(POOL_SIZE)]
    server.sessions.extend(create_sessions(server.env, emails).values())
    return server


class ChatPage:
    """The chat page of a signed-in test account, with the helpers the tests share."""

    def __init__(self, page, server: ChatServer, artifacts: Path, name: str) -> None:
        self.page = page
        self.server = server
        self.artifacts = artifacts
        self.name = name

    def shot(self, label: str, **kwargs) -> None:
        name = self.name.removeprefix("test_").split("[")[0]
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{name}--{label}")
        self.page.screenshot(path=str(self.artifacts / f"{safe}.png"), **kwargs)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.server.url + path)
        self.wait_socket()

    def wait_socket(self) -> None:
        # `document.body` is null for a moment while a new page loads.
        self.page.wait_for_function("document.body?.dataset.socket === 'open'", timeout=10_000)

    def choose_model(self, endpoint: str, model: str) -> None:
        self.page.select_option("#model-menu", f"{endpoint}|{model}")

    def send(self, text: str) -> None:
        composer = self.page.locator("#composer")
        composer.fill(text)
        composer.press("Enter")

    def assistant(self, index: int = -1):
        """The assistant message at `index` (a Locator), once it is on the page."""
        messages = self.page.locator('#messages .message[data-role="assistant"]')
        if index < 0:
            messages.nth(0).wait_for(timeout=10_000)
            return messages.nth(messages.count() + index)
        messages.nth(index).wait_for(timeout=10_000)
        return messages.nth(index)

    @staticmethod
    def raw_text(message) -> str:
        """The Markdown source the page holds for a message (what the server sent)."""
        return message.evaluate("(el) => el.rawText ?? el.querySelector('.message__text').textContent")

    def wait_streaming(self, message, timeout: float = 10_000) -> None:
        expect(message).to_have_attribute("data-streaming", "true", timeout=timeout)

    def wait_finished(self, message, timeout: float = 30_000) -> None:
        expect(message).not_to_have_attribute("data-streaming", "true", timeout=timeout)

    def wait_text_length(self, message, at_least: int, timeout: float = 15_000) -> None:
        handle = message.element_handle()
        self.page.wait_for_function(
            "([el, n]) => (el.rawText || '').length >= n", arg=[handle, at_least], timeout=timeout
        )


@pytest.fixture
def chat(request, page, chat_server: ChatServer, artifacts: Path) -> Iterator[ChatPage]:
    page.context.add_cookies([{"name": "sessionid", "value": chat_server.take_session(), "url": chat_server.url}])
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    chat_page = ChatPage(page, chat_server, artifacts, request.node.name)
    chat_page.errors = errors  # type: ignore[attr-defined]
    yield chat_page
    with contextlib.suppress(Exception):  # a closed page has nothing more to show
        chat_page.shot("end")
    assert not errors, f"JavaScript errors on the page: {errors}"
