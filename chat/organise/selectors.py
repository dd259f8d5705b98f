"""Reads for organising conversations: the paged sidebar, folders, tags, archive and shared links.

The sidebar pages with a keyset on (updated_at, id), newest first, never OFFSET: a page deep in
ten thousand conversations costs what the first one does (index `conversation_sidebar`), and two
conversations updated in the same microsecond are neither repeated nor skipped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from chat.models import Conversation, Folder, SharedLink, Tag
from chat.selectors import parse_uuid

# Conversations per sidebar page, per folder on first render, and pinned ones shown at most.
PAGE_SIZE = 50
FOLDER_PAGE_SIZE = 10
PINNED_LIMIT = 100
CURSOR_SEPARATOR = "~"


class BadCursor(ValueError):
    """A page cursor the server did not make."""


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def cursor_encode(conversation: Conversation) -> str:
    """The position after `conversation`: its time in whole microseconds and its id (URL-safe)."""
    return f"{(conversation.updated_at - EPOCH) // MICROSECOND}{CURSOR_SEPARATOR}{conversation.pk}"


def cursor_decode(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    stamp, _sep, pk = cursor.partition(CURSOR_SEPARATOR)
    key = parse_uuid(pk)
    if not stamp.isdigit() or len(stamp) > 18 or key is None:
        raise BadCursor(cursor)
    try:
        moment = EPOCH + int(stamp) * MICROSECOND
    except OverflowError as error:
        raise BadCursor(cursor) from error
    return moment, key


def age_label(moment: dt.datetime, *, today: dt.date) -> str:
    """The sidebar group a conversation updated at `moment` falls in."""
    day = timezone.localtime(moment).date()
    age = (today - day).days
    if age <= 0:
        return _("Today")
    if age == 1:
        return _("Yesterday")
    if age <= 7:
        return _("Previous 7 days")
    if age <= 30:
        return _("Previous 30 days")
    return date_format(day, "F Y")


def _visible(user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user, archived=False)


def _recent(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The unfiled, unpinned list. Conversations made through the API are left out of it (they are
    listed on the API keys page) unless their owner pins, files or tags them."""
    return queryset.filter(folder__isnull=True, pinned=False).exclude(source=Conversation.Source.API)


def _keyset(
    queryset: QuerySet[Conversation], *, cursor: str | None, limit: int
) -> tuple[list[Conversation], str | None]:
    """One page newest first after `cursor`, and the cursor of the next page (None at the end)."""
    if cursor:
        moment, key = cursor_decode(cursor)
        # The redundant `lte` gives the database an index range to start from; the OR alone
        # would make it walk the index from the newest row down.
        queryset = queryset.filter(updated_at__lte=moment).filter(
            Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=key)
        )
    rows = list(queryset.order_by("-updated_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (cursor_encode(rows[-1]) if more and rows else None)


def tag_get_for_user(*, user: User, tag_id: Any) -> Tag | None:
    try:
        pk = int(tag_id)
    except (TypeError, ValueError):
        return None
    return Tag.objects.filter(user=user, pk=pk).first()


def folder_get_for_user(*, user: User, folder_id: Any) -> Folder | None:
    pk = parse_uuid(folder_id)
    return Folder.objects.filter(user=user, pk=pk).first() if pk else None


def folder_list_for_user(*, user: User) -> list[Folder]:
    return list(Folder.objects.filter(user=user).order_by("name", "created_at"))


def tag_list_for_user(*, user: User) -> list[Tag]:
    return list(Tag.objects.filter(user=user).order_by("name"))


def sidebar_page(
    *, user: User, cursor: str | None = None, tag: Tag | None = None, folder: Folder | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Conversation], str | None]:
    """A page of the sidebar list (raises BadCursor for a forged cursor).

    With `tag`: every visible conversation carrying it. With `folder`: that folder's unpinned
    conversations. Otherwise: the unfiled, unpinned ones (pinned ones are listed above them).
    """
    queryset = _visible(user)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    elif folder is not None:
        queryset = queryset.filter(folder=folder, pinned=False)
    else:
        queryset = _recent(queryset)
    rows, next_cursor = _keyset(queryset, cursor=cursor, limit=limit)
    prefetch_related_objects(rows, "tags")
    return rows, next_cursor


def group_by_age(conversations: list[Conversation], *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    today = timezone.localtime(now or timezone.now()).date()
    groups: dict[str, list[Conversation]] = {}
    for conversation in conversations:
        groups.setdefault(age_label(conversation.updated_at, today=today), []).append(conversation)
    return [{"label": label, "conversations": items} for label, items in groups.items()]


@dataclass
class FolderView:
    folder: Folder
    conversations: list[Conversation]
    next_cursor: str | None
    count: int = 0  # visible conversations in it, loaded or not


@dataclass
class Sidebar:
    pinned: list[Conversation] = field(default_factory=list)
    folders: list[FolderView] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None
    tags: list[Tag] = field(default_factory=list)
    active_tag: Tag | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.pinned or self.folders or self.groups)


def sidebar_for_user(*, user: User, tag: Tag | None = None, now: dt.datetime | None = None) -> Sidebar:
    """The first screen of the sidebar: pinned, folders with their first conversations, the first
    page of the rest grouped by age. Filtered by `tag`, one flat list grouped by age instead.

    A fixed number of queries, plus two per folder.
    """
    sidebar = Sidebar(tags=tag_list_for_user(user=user), active_tag=tag)
    if tag is not None:
        rows, sidebar.next_cursor = sidebar_page(user=user, tag=tag)
        sidebar.groups = group_by_age(rows, now=now)
        return sidebar
    sidebar.pinned = list(
        _visible(user).filter(folder__isnull=True, pinned=True).order_by("-updated_at", "-pk")[:PINNED_LIMIT]
    )
    counts = dict(
        _visible(user).filter(folder__isnull=False).values_list("folder").annotate(count=Count("pk")).order_by()
    )
    for folder in folder_list_for_user(user=user):
        pinned = list(_visible(user).filter(folder=folder, pinned=True).order_by("-updated_at", "-pk")[:PINNED_LIMIT])
        rows, next_cursor = _keyset(
            _visible(user).filter(folder=folder, pinned=False), cursor=None, limit=FOLDER_PAGE_SIZE
        )
        sidebar.folders.append(
            FolderView(
                folder=folder, conversations=pinned + rows, next_cursor=next_cursor, count=counts.get(folder.pk, 0)
            )
        )
    rows, sidebar.next_cursor = _keyset(_recent(_visible(user)), cursor=None, limit=PAGE_SIZE)
    sidebar.groups = group_by_age(rows, now=now)
    everything = sidebar.pinned + [c for view in sidebar.folders for c in view.conversations] + rows
    prefetch_related_objects(everything, "tags")
    return sidebar


def archived_list_for_user(*, user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user, archived=True).order_by("-updated_at", "-pk")


def shared_link_list_for_user(*, user: User) -> QuerySet[SharedLink]:
    return SharedLink.objects.filter(user=user).select_related("conversation").order_by("-created_at", "-pk")


def shared_link_get(*, token: str) -> SharedLink | None:
    """The live shared link with this token (anyone may read it), or None."""
    if not token or len(token) > 64:
        return None
    return SharedLink.objects.filter(token=token).first()


def shared_link_get_for_user(*, user: User, token: str) -> SharedLink | None:
    return SharedLink.objects.filter(user=user, token=token).first()
