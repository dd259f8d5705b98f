"""Organising in a real browser: folders, pin, archive and restore, infinite scroll, shared links
opened in a fresh signed-out browser context, and revoking them."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ChatPage
from tests.servers import create_sessions, manage

pytestmark = pytest.mark.e2e

SEED_SCRIPT = """
import datetime as dt, json, sys
from django.utils import timezone
from accounts.models import User
from chat.models import Conversation, Message
data = json.loads(sys.stdin.read())
user = User.objects.get(email=data["email"])
now = timezone.now()
for index, title in enumerate(data["titles"]):
    conversation = Conversation.objects.create(user=user, title=title, endpoint="Demo", model="demo-chat")
    question = Message.objects.create(conversation=conversation, role="user", sender="User", text=f"Question {title}")
    answer = Message.objects.create(conversation=conversation, parent=question, role="assistant", sender="Demo",
                                    text=f"**Answer** about {title}")
    Conversation.objects.filter(pk=conversation.pk).update(
        current_leaf=answer, updated_at=now - dt.timedelta(minutes=index))
print("SEEDED")
"""


def _signed_in(page, chat_server, artifacts, request, titles: list[str]) -> ChatPage:
    email = f"organise-{uuid.uuid4().hex[:10]}@example.org"
    key = create_sessions(chat_server.env, [email])[email]
    manage(chat_server.env, "shell", "-c", SEED_SCRIPT, input_text=json.dumps({"email": email, "titles": titles}))
    page.context.add_cookies([{"name": "sessionid", "value": key, "url": chat_server.url}])
    page.set_default_timeout(15_000)
    chat = ChatPage(page, chat_server, artifacts, request.node.name)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    chat.errors = errors  # type: ignore[attr-defined]
    return chat


def _row(page, title: str):
    return page.locator("#conversation-list .conversation-row", has_text=title)


def _menu(page, title: str, item: str) -> None:
    row = _row(page, title)
    row.hover()
    row.locator("[data-action='menu']").click()
    page.locator(".row-menu [role='menuitem']", has_text=item).click()


def test_folders_pin_archive_and_share(page, browser, chat_server, artifacts, request):
    chat = _signed_in(page, chat_server, artifacts, request, ["Alpha plans", "Beta notes", "Gamma ideas"])
    chat.open()
    expect(_row(page, "Alpha plans")).to_be_visible()

    # A folder, made inline.
    page.locator("#folder-new").click()
    page.locator(".folder__input--new").fill("Work")
    page.locator(".folder__input--new").press("Enter")
    folder = page.locator("#folder-list .folder", has_text="Work")
    expect(folder).to_be_visible()

    # Move a chat into it from the row menu.
    _menu(page, "Alpha plans", "Work")
    expect(folder.locator(".conversation-row", has_text="Alpha plans")).to_be_visible()
    expect(page.locator("#conversation-groups .conversation-row", has_text="Alpha plans")).to_have_count(0)
    # Collapsing hides it, and the page remembers it.
    folder.locator(".folder__summary").click(position={"x": 30, "y": 10})
    expect(folder.locator(".conversation-row", has_text="Alpha plans")).to_be_hidden()
    page.wait_for_timeout(300)
    chat.open()
    folder = page.locator("#folder-list .folder", has_text="Work")
    expect(folder).not_to_have_attribute("open", "")
    folder.locator(".folder__summary").click(position={"x": 30, "y": 10})
    expect(folder.locator(".conversation-row", has_text="Alpha plans")).to_be_visible()

    # Pin: the chat goes on top, in "Pinned".
    _menu(page, "Beta notes", "Pin")
    expect(page.locator("#pinned-section .conversation-row", has_text="Beta notes")).to_be_visible()
    chat.shot("organised")

    # Archive: gone from the sidebar, listed in settings, restored from there.
    _menu(page, "Gamma ideas", "Archive")
    expect(_row(page, "Gamma ideas")).to_have_count(0)
    page.goto(chat_server.url + "/settings/chats/")
    archived = page.locator("#archived-chats tr", has_text="Gamma ideas")
    expect(archived).to_be_visible()
    chat.shot("settings-archived")
    archived.locator("[data-action='restore']").click()
    expect(page.locator("#archived-chats tr", has_text="Gamma ideas")).to_have_count(0)
    chat.open()
    expect(_row(page, "Gamma ideas")).to_be_visible()

    # Share a chat, then open the link signed out, in a fresh browser context.
    _menu(page, "Beta notes", "Share")
    page.locator("[data-share-create]").click()
    link_input = page.locator(".organise-dialog__link")
    expect(link_input).to_be_visible()
    shared_url = link_input.input_value()
    assert "/share/" in shared_url
    page.keyboard.press("Escape")

    stranger = browser.new_context()
    try:
        public = stranger.new_page()
        response = public.goto(shared_url)
        assert response is not None and response.status == 200
        expect(public.locator(".shared__title")).to_have_text("Beta notes")
        expect(public.locator(".message__text").first).to_have_text("Question Beta notes")
        # Assistant text is rendered as Markdown: the bold is a <strong>.
        expect(public.locator(".message--assistant .message__text strong")).to_have_text("Answer")
        expect(public.locator("#composer")).to_have_count(0)
        expect(public.locator("textarea")).to_have_count(0)
        public.screenshot(path=str(artifacts / "organise-shared-public.png"))

        # Revoke it in settings: the stranger now gets a 404.
        page.goto(chat_server.url + "/settings/chats/")
        shared_row = page.locator("#shared-links tr", has_text="Beta notes")
        expect(shared_row).to_be_visible()
        shared_row.locator("[data-action='revoke']").click()
        expect(page.locator("#shared-links tr", has_text="Beta notes")).to_have_count(0)
        gone = public.goto(shared_url)
        assert gone is not None and gone.status == 404
    finally:
        stranger.close()
    assert not chat.errors, chat.errors  # type: ignore[attr-defined]


def test_sidebar_scrolls_through_every_conversation(page, chat_server, artifacts, request):
    titles = [f"Chat number {index:03d}" for index in range(130)]
    chat = _signed_in(page, chat_server, artifacts, request, titles)
    chat.open()
    rows = page.locator("#conversation-groups .conversation-row")
    expect(rows).to_have_count(50)  # the first page, rendered by the server
    for _ in range(20):
        if rows.count() >= len(titles):
            break
        page.locator("#conversation-list").evaluate("(nav) => { nav.scrollTop = nav.scrollHeight; }")
        page.wait_for_timeout(250)
    expect(rows).to_have_count(len(titles))
    shown = rows.locator(".conversation-row__title").all_inner_texts()
    assert shown == titles  # newest first, no duplicates, no gaps
    assert not chat.errors, chat.errors  # type: ignore[attr-defined]


def test_tags_filter_duplicate_and_drag_into_a_folder(page, chat_server, artifacts, request):
    chat = _signed_in(page, chat_server, artifacts, request, ["Delta trip", "Echo budget", "Foxtrot recipe"])
    chat.open()

    # Tag two chats from the row menu; chips appear on the rows and a filter bar on top.
    for title in ("Delta trip", "Foxtrot recipe"):
        _menu(page, title, "Tags")
        dialog = page.locator("dialog.organise-dialog")
        dialog.locator("input[name='name']").fill("holiday")
        dialog.locator("input[name='name']").press("Enter")
        expect(dialog.locator(".tag-chip", has_text="holiday")).to_be_visible()
        dialog.locator(".organise-dialog__close").click()
        expect(_row(page, title).locator(".tag-chip", has_text="holiday")).to_be_visible()
    page.locator(".tag-filter a", has_text="holiday").click()
    page.wait_for_url("**/?tag=*")
    expect(page.locator("#conversation-groups .conversation-row")).to_have_count(2)
    expect(_row(page, "Echo budget")).to_have_count(0)
    chat.shot("tag-filter")
    page.locator(".tag-filter a.is-active").click()  # clears the filter
    expect(_row(page, "Echo budget")).to_be_visible()

    # Duplicate opens the copy, with the same messages.
    _menu(page, "Echo budget", "Duplicate")
    page.wait_for_url("**/c/*/")
    expect(page.locator("#messages .message--assistant .message__text")).to_contain_text("Answer about Echo budget")
    expect(_row(page, "Echo budget (copy)")).to_be_visible()

    # Drag a chat onto a folder files it.
    page.locator("#folder-new").click()
    page.locator(".folder__input--new").fill("Kitchen")
    page.locator(".folder__input--new").press("Enter")
    folder = page.locator("#folder-list .folder", has_text="Kitchen")
    expect(folder).to_be_visible()
    _row(page, "Foxtrot recipe").drag_to(folder.locator(".folder__summary"))
    expect(folder.locator(".conversation-row", has_text="Foxtrot recipe")).to_be_visible()
    # Dragged back onto the list, it leaves the folder.
    folder.locator(".conversation-row", has_text="Foxtrot recipe").drag_to(page.locator("#conversation-groups"))
    expect(page.locator("#conversation-groups .conversation-row", has_text="Foxtrot recipe")).to_be_visible()
    # Deleting the folder deletes no chat.
    page.once("dialog", lambda confirm: confirm.accept())
    folder.locator(".folder__summary").hover()
    folder.locator("[data-folder-action='delete']").click()
    expect(page.locator("#folder-list .folder", has_text="Kitchen")).to_have_count(0)
    expect(_row(page, "Foxtrot recipe")).to_be_visible()
    assert not chat.errors, chat.errors  # type: ignore[attr-defined]
