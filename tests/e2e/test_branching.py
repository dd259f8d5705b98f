"""Message management in a real browser: edit and resend, version arrows, regenerate, continue,
in-place edits, delete a branch, the tree view and fork."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _user(page, index: int = -1):
    messages = page.locator('#messages .message[data-role="user"]')
    return messages.nth(index) if index >= 0 else messages.last


def _text(message) -> str:
    return message.locator(".message__text").inner_text().strip()


def _ask(chat, text: str):
    """Send `text` and wait for the whole reply; the reply's locator."""
    count = chat.page.locator('#messages .message[data-role="assistant"]').count()
    chat.send(text)
    reply = chat.page.locator('#messages .message[data-role="assistant"]').nth(count)
    reply.wait_for()
    chat.wait_finished(reply)
    return reply


def _versions(message):
    return message.locator(".sibling-nav__count")


def test_edit_and_resend_keeps_the_old_branch_behind_the_arrows(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")
    first = f"What is a fjord {uuid.uuid4().hex[:6]}?"
    reply = _ask(chat, first)
    expect(reply.locator(".message__text")).to_have_text(first)
    expect(reply.locator(".message__model")).to_have_text("fake-echo")
    assert reply.locator(".sibling-nav").count() == 0

    question = _user(page)
    question.hover()
    question.locator('[data-action="edit"]').click()
    editor = question.locator(".message-editor__input")
    expect(editor).to_have_value(first)
    edited = "What is a glacier, then?"
    editor.fill(edited)
    chat.shot("editing")
    question.locator('[data-action="edit-submit"]').click()

    # A new version of the question, answered; the old one waits behind "‹ 1 / 2".
    new_question = _user(page)
    expect(new_question.locator(".message__text")).to_have_text(edited)
    new_reply = chat.assistant()
    chat.wait_finished(new_reply)
    expect(new_reply.locator(".message__text")).to_have_text(edited)
    expect(_versions(new_question)).to_have_text("2 / 2")
    expect(page.locator("#messages .message")).to_have_count(2)
    chat.shot("edited-version-2")

    new_question.locator('[data-action="sibling-previous"]').click()
    expect(_versions(_user(page))).to_have_text("1 / 2")
    expect(_user(page).locator(".message__text")).to_have_text(first)
    expect(chat.assistant().locator(".message__text")).to_have_text(first)

    # The shown version is remembered by the server: a reload (or another device) shows it.
    page.reload()
    chat.wait_socket()
    expect(_versions(_user(page))).to_have_text("1 / 2")
    expect(_user(page).locator(".message__text")).to_have_text(first)
    _user(page).locator('[data-action="sibling-next"]').click()
    expect(_user(page).locator(".message__text")).to_have_text(edited)
    chat.shot("back-to-version-2")


def test_regenerate_and_continue(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")  # echoes the question, a few seconds at the fake's pace
    words = " ".join(f"tide{index}" for index in range(60))
    chat.send(f"Tell me about tides {uuid.uuid4().hex[:6]} {words}")
    reply = chat.assistant()
    chat.wait_streaming(reply)
    chat.wait_text_length(reply, 40)
    page.click("#stop-button")
    chat.wait_finished(reply)
    expect(reply).to_have_attribute("data-unfinished", "true")
    partial = chat.raw_text(reply)
    reply_id = reply.get_attribute("data-message-id")

    # Continue: the same message grows from where it stopped, and is no longer unfinished.
    reply.locator('[data-action="continue"]').click()
    continued = page.locator(f'#messages .message[data-message-id="{reply_id}"]')
    chat.wait_finished(continued)
    expect(continued).not_to_have_attribute("data-unfinished", "true")
    text = chat.raw_text(continued)
    assert text.startswith(partial) and len(text) > len(partial)
    expect(continued.locator('[data-action="continue"]')).to_have_count(0)
    chat.shot("continued")

    # Regenerate: a second version of the reply beside the first.
    continued.locator('[data-action="regenerate"]').click()
    expect(chat.assistant().locator(".sibling-nav__count")).to_have_text("2 / 2")
    second = chat.assistant()
    chat.wait_finished(second)
    assert second.get_attribute("data-message-id") != reply_id
    expect(page.locator("#messages .message")).to_have_count(2)
    second.locator('[data-action="sibling-previous"]').click()
    expect(chat.assistant()).to_have_attribute("data-message-id", reply_id)
    expect(_versions(chat.assistant())).to_have_text("1 / 2")
    chat.shot("regenerated")


def test_edit_a_reply_in_place_and_delete_a_branch(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")
    first = f"Keep this {uuid.uuid4().hex[:6]}"
    reply = _ask(chat, first)
    reply_id = reply.get_attribute("data-message-id")

    reply.hover()
    reply.locator('[data-action="edit"]').click()
    expect(reply.locator('[data-action="edit-submit"]')).to_have_count(0)  # a reply is only saved
    reply.locator(".message-editor__input").fill("A better answer, written by hand.")
    reply.locator('[data-action="edit-save"]').click()
    expect(reply.locator(".message__text")).to_have_text("A better answer, written by hand.")
    expect(reply.locator(".badge--edited")).to_be_visible()
    page.reload()
    chat.wait_socket()
    stored = page.locator(f'#messages .message[data-message-id="{reply_id}"]')
    expect(stored.locator(".message__text")).to_have_text("A better answer, written by hand.")
    expect(stored.locator(".badge--edited")).to_be_visible()

    # Regenerate, then delete the new version (after confirming): the first one is shown again.
    stored.locator('[data-action="regenerate"]').click()
    expect(_versions(chat.assistant())).to_have_text("2 / 2")
    chat.wait_finished(chat.assistant())
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    chat.assistant().locator('[data-action="delete"]').click()
    expect(chat.assistant()).to_have_attribute("data-message-id", reply_id)
    expect(chat.assistant().locator(".sibling-nav")).to_have_count(0)
    assert dialogs and "cannot be undone" in dialogs[0]
    page.reload()
    chat.wait_socket()
    expect(page.locator("#messages .message")).to_have_count(2)


def test_tree_view_jumps_between_branches_and_fork_copies_them(chat):
    page = chat.page
    chat.open()
    chat.choose_model("Fake", "fake-echo")
    marker = uuid.uuid4().hex[:6]
    _ask(chat, f"Root question {marker}")
    _ask(chat, "Follow-up one")
    question = _user(page)
    question.locator('[data-action="edit"]').click()
    question.locator(".message-editor__input").fill("Follow-up two")
    question.locator('[data-action="edit-submit"]').click()
    chat.wait_finished(chat.assistant())
    expect(_versions(_user(page))).to_have_text("2 / 2")
    source_url = page.url

    page.click("#tree-toggle")
    rows = page.locator("#tree-list .tree__item")
    expect(rows).to_have_count(3)  # the shared start, then the two follow-ups
    expect(page.locator("#tree-list .tree__item.is-shown")).to_have_count(2)
    chat.shot("tree")
    page.locator("#tree-list .tree__jump", has_text="Follow-up one").click()
    expect(_user(page).locator(".message__text")).to_have_text("Follow-up one")
    expect(page.locator("#tree-list .tree__item.is-shown .tree__preview", has_text="Follow-up one")).to_have_count(1)

    # Fork from the shown reply with its branches: a new conversation holding both follow-ups.
    reply = chat.assistant()
    reply.hover()
    reply.locator('[data-action="fork"]').click()
    menu = reply.locator(".fork-menu")
    menu.locator('input[value="includeBranches"]').check()
    chat.shot("fork-menu")
    menu.locator("[data-fork-go]").click()
    page.wait_for_url(lambda url: url != source_url and re.search(r"/c/[0-9a-f-]{36}/$", url) is not None)
    chat.wait_socket()
    expect(_user(page).locator(".message__text")).to_have_text("Follow-up one")
    expect(_versions(_user(page))).to_have_text("1 / 2")
    fork_path = re.search(r"/c/[0-9a-f-]{36}/$", page.url).group(0)
    expect(page.locator(f'#sidebar a[href="{fork_path}"]')).to_have_count(1)
    chat.shot("forked")
