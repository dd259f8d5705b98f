"""The paged sidebar: keyset pages with no duplicates or gaps, groups, pinned, folders, tags."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chat.models import Conversation
from chat.organise import selectors, services

from .organise_helpers import conversations_at, now

pytestmark = pytest.mark.django_db


def _walk(user, limit, **kwargs) -> list[Conversation]:
    seen: list[Conversation] = []
    cursor = None
    while True:
        rows, cursor = selectors.sidebar_page(user=user, cursor=cursor, limit=limit, **kwargs)
        seen.extend(rows)
        if cursor is None:
            return seen


def test_pages_have_no_duplicates_or_gaps_with_equal_timestamps(user, other_user):
    moment = now().replace(microsecond=0)
    # 23 share one timestamp, and they straddle page boundaries at every page size below.
    made = conversations_at(user, [moment] * 23 + [moment - dt.timedelta(hours=i) for i in range(1, 15)])
    conversations_at(other_user, [moment] * 5)
    expected = sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)
    for limit in (1, 4, 7, 10, 50):
        walked = _walk(user, limit)
        assert [c.pk for c in walked] == [c.pk for c in expected], limit


def test_pages_skip_pinned_archived_and_filed(user):
    moment = now()
    plain, pinned, archived, filed = conversations_at(user, [moment] * 4)
    folder = services.folder_create(user=user, name="F")
    services.conversation_set_pinned(conversation=pinned, pinned=True)
    services.conversation_set_archived(conversation=archived, archived=True)
    services.conversation_move(conversation=filed, folder=folder)
    assert [c.pk for c in _walk(user, 10)] == [plain.pk]
    assert [c.pk for c in _walk(user, 10, folder=folder)] == [filed.pk]
    sidebar = selectors.sidebar_for_user(user=user)
    assert [c.pk for c in sidebar.pinned] == [pinned.pk]
    assert [c.pk for c in sidebar.folders[0].conversations] == [filed.pk]


def test_tag_filter_lists_tagged_conversations_across_folders(user):
    moment = now()
    tagged_plain, tagged_filed, untagged = conversations_at(user, [moment - dt.timedelta(minutes=i) for i in range(3)])
    folder = services.folder_create(user=user, name="F")
    services.conversation_move(conversation=tagged_filed, folder=folder)
    tag = services.tag_add(conversation=tagged_plain, name="work")
    services.tag_add(conversation=tagged_filed, name="work")
    sidebar = selectors.sidebar_for_user(user=user, tag=tag)
    listed = [c.pk for group in sidebar.groups for c in group["conversations"]]
    assert listed == [tagged_plain.pk, tagged_filed.pk]
    assert untagged.pk not in listed


def test_groups_by_age(user):
    current = now()
    today, yesterday, week, month, old = conversations_at(
        user, [current, current - dt.timedelta(days=1), current - dt.timedelta(days=5),
               current - dt.timedelta(days=20), current - dt.timedelta(days=90)]
    )
    groups = selectors.group_by_age([today, yesterday, week, month, old], now=current)
    labels = [group["label"] for group in groups]
    assert labels[:4] == ["Today", "Yesterday", "Previous 7 days", "Previous 30 days"]
    assert len(labels) == 5


def test_json_page_continues_the_first_page(client, user):
    moment = now()
    made = conversations_at(user, [moment - dt.timedelta(minutes=i) for i in range(selectors.PAGE_SIZE + 7)])
    client.force_login(user)
    page = client.get(reverse("chat:index"))
    first = [c.pk for g in page.context["conversation_groups"] for c in g["conversations"]]
    assert first == [c.pk for c in made[: selectors.PAGE_SIZE]]
    cursor = page.context["sidebar"].next_cursor
    assert f'data-next-cursor="{cursor}"' in page.content.decode()
    answer = client.get(reverse("organise:sidebar-page"), {"cursor": cursor}).json()
    assert [item["id"] for item in answer["items"]] == [str(c.pk) for c in made[selectors.PAGE_SIZE:]]
    assert answer["next"] is None
    assert answer["items"][0]["group"] == "Today"


def test_json_page_refuses_a_forged_cursor_and_foreign_filters(client, user, other_user):
    client.force_login(user)
    bad = client.get(reverse("organise:sidebar-page"), {"cursor": "yesterday~nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
    foreign_folder = services.folder_create(user=other_user, name="Theirs")
    assert client.get(reverse("organise:sidebar-page"), {"folder": str(foreign_folder.pk)}).status_code == 404
    (theirs,) = conversations_at(other_user, [now()])
    foreign_tag = services.tag_add(conversation=theirs, name="secret")
    assert client.get(reverse("organise:sidebar-page"), {"tag": foreign_tag.pk}).status_code == 404


def test_another_users_conversations_never_show(client, user, other_user):
    conversations_at(other_user, [now()] * 3)
    client.force_login(user)
    answer = client.get(reverse("organise:sidebar-page")).json()
    assert answer["items"] == []


def test_deep_page_query_count_is_constant(client, user):
    moment = now()
    conversations_at(user, [moment - dt.timedelta(seconds=i) for i in range(120)])
    client.force_login(user)
    rows, cursor = selectors.sidebar_page(user=user, limit=100)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("organise:sidebar-page"), {"cursor": cursor})
    assert len(json.loads(response.content)["items"]) == 20
    # session, user, the page, its tags: never one per row.
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_folders_show_their_full_count_and_a_first_page(user):
    folder = services.folder_create(user=user, name="Big")
    moment = now()
    made = conversations_at(user, [moment - dt.timedelta(minutes=i) for i in range(selectors.FOLDER_PAGE_SIZE + 3)])
    for conversation in made:
        services.conversation_move(conversation=conversation, folder=folder)
    services.conversation_set_archived(conversation=made[-1], archived=True)
    (view,) = selectors.sidebar_for_user(user=user).folders
    assert view.count == selectors.FOLDER_PAGE_SIZE + 2
    assert [c.pk for c in view.conversations] == [c.pk for c in made[: selectors.FOLDER_PAGE_SIZE]]
    rest, cursor = selectors.sidebar_page(user=user, folder=folder, cursor=view.next_cursor)
    assert [c.pk for c in rest] == [c.pk for c in made[selectors.FOLDER_PAGE_SIZE: -1]] and cursor is None
