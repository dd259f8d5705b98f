"""Views for organising conversations: small JSON actions for the sidebar, the paged sidebar
feed, the "Archived chats and shared links" settings page, and the public shared page.

Every action is the owner's only: someone else's conversation, folder, tag or link is a 404.
Actions answer JSON to the page's scripts and redirect back for plain HTML forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from chat.models import Conversation, Folder, Tag
from chat.organise import selectors, services
from chat.selectors import conversation_get_for_user
from chat.services import ChatError


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _conversation(request: HttpRequest, conversation_id: Any) -> Conversation:
    conversation = conversation_get_for_user(user=_user(request), conversation_id=conversation_id)
    if conversation is None:
        raise Http404
    return conversation


def _folder(request: HttpRequest, folder_id: Any) -> Folder:
    folder = selectors.folder_get_for_user(user=_user(request), folder_id=folder_id)
    if folder is None:
        raise Http404
    return folder


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default
    return HttpResponseRedirect(target)


def _refused(error: ChatError) -> JsonResponse:
    return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=400)


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name, "1") in ("1", "true", "on")


def folder_to_dict(folder: Folder) -> dict[str, Any]:
    return {
        "id": str(folder.pk),
        "name": folder.name,
        "collapsed": folder.collapsed,
        "rename_url": reverse("organise:folder-rename", args=[folder.pk]),
        "delete_url": reverse("organise:folder-delete", args=[folder.pk]),
        "collapse_url": reverse("organise:folder-collapse", args=[folder.pk]),
        "page_url": reverse("organise:sidebar-page") + f"?folder={folder.pk}",
    }


def tag_to_dict(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "filter_url": reverse("chat:index") + f"?tag={tag.pk}"}


def row_to_dict(conversation: Conversation, *, group: str = "") -> dict[str, Any]:
    """A sidebar row as the page's script builds it (templates/chat/_conversation_row.html)."""
    return {
        "id": str(conversation.pk),
        "title": conversation.title,
        "group": group,
        "pinned": conversation.pinned,
        "folder": str(conversation.folder_id) if conversation.folder_id else "",
        "tags": [tag_to_dict(tag) for tag in conversation.tags.all()],
        "updated_at": conversation.updated_at.isoformat(),
    }


# --- the sidebar ----------------------------------------------------------------------------------
ZERO_ID = "00000000-0000-0000-0000-000000000000"


def _decorate_rows(conversations: list[Conversation]) -> None:
    """Give each row its URLs and tags for templates/chat/_conversation_row.html.

    One `reverse` per URL kind instead of three per row: with a few hundred rows on the page,
    `{% url %}` in the row template was most of the page's rendering time.
    """
    patterns = {
        "link_url": reverse("chat:conversation", args=[ZERO_ID]),
        "rename_url": reverse("chat:rename", args=[ZERO_ID]),
        "delete_url": reverse("chat:delete", args=[ZERO_ID]),
    }
    for conversation in conversations:
        for name, pattern in patterns.items():
            setattr(conversation, name, pattern.replace(ZERO_ID, str(conversation.pk)))
        conversation.tag_list = list(conversation.tags.all())  # type: ignore[attr-defined]


def sidebar_context(request: HttpRequest) -> dict[str, Any]:
    """What templates/chat/_sidebar_lists.html needs (the chat page adds it to its context)."""
    user = _user(request)
    tag = selectors.tag_get_for_user(user=user, tag_id=request.GET.get("tag")) if request.GET.get("tag") else None
    sidebar = selectors.sidebar_for_user(user=user, tag=tag)
    _decorate_rows(
        sidebar.pinned
        + [c for view in sidebar.folders for c in view.conversations]
        + [c for group in sidebar.groups for c in group["conversations"]]
    )
    page_url = reverse("organise:sidebar-page")
    if tag is not None:
        page_url += f"?tag={tag.pk}"
    return {
        "sidebar": sidebar,
        "conversation_groups": sidebar.groups,
        "sidebar_page_url": page_url,
        "sidebar_folders": [folder_to_dict(view.folder) for view in sidebar.folders],
    }


@login_required
@require_GET
def sidebar_lists(request: HttpRequest) -> HttpResponse:
    """The sidebar's lists as HTML, re-rendered by the page after a pin, move or archive."""
    return render(request, "chat/_sidebar_lists_inner.html", {**sidebar_context(request), "conversation": None})


@login_required
@require_GET
def sidebar_page(request: HttpRequest) -> JsonResponse:
    """The next page of a sidebar list, after `cursor`: the rows with their age group."""
    user = _user(request)
    tag = folder = None
    if request.GET.get("tag"):
        tag = selectors.tag_get_for_user(user=user, tag_id=request.GET["tag"])
        if tag is None:
            raise Http404
    elif request.GET.get("folder"):
        folder = _folder(request, request.GET["folder"])
    try:
        rows, next_cursor = selectors.sidebar_page(user=user, cursor=request.GET.get("cursor") or None, tag=tag,
                                                    folder=folder)
    except selectors.BadCursor:
        return JsonResponse(
            {"ok": False, "code": "invalid_cursor", "message": _("The list could not be continued. Reload the page.")},
            status=400,
        )
    items = [
        row_to_dict(conversation, group=group["label"])
        for group in selectors.group_by_age(rows)
        for conversation in group["conversations"]
    ]
    return JsonResponse({"ok": True, "items": items, "next": next_cursor})


# --- folders --------------------------------------------------------------------------------------
@login_required
@require_POST
def folder_create(request: HttpRequest) -> JsonResponse:
    try:
        folder = services.folder_create(user=_user(request), name=request.POST.get("name"))
    except ChatError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "folder": folder_to_dict(folder)})


@login_required
@require_POST
def folder_rename(request: HttpRequest, folder_id: str) -> JsonResponse:
    folder = _folder(request, folder_id)
    try:
        services.folder_rename(folder=folder, name=request.POST.get("name"))
    except ChatError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "folder": folder_to_dict(folder)})


@login_required
@require_POST
def folder_collapse(request: HttpRequest, folder_id: str) -> JsonResponse:
    folder = services.folder_set_collapsed(folder=_folder(request, folder_id), collapsed=_flag(request, "collapsed"))
    return JsonResponse({"ok": True, "folder": folder_to_dict(folder)})


@login_required
@require_POST
def folder_delete(request: HttpRequest, folder_id: str) -> JsonResponse:
    moved = services.folder_delete(folder=_folder(request, folder_id))
    return JsonResponse({"ok": True, "moved": moved})


# --- one conversation -----------------------------------------------------------------------------
@login_required
@require_POST
def conversation_move(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = _conversation(request, conversation_id)
    folder_id = request.POST.get("folder") or ""
    folder = _folder(request, folder_id) if folder_id else None
    services.conversation_move(conversation=conversation, folder=folder)
    return JsonResponse({"ok": True, "conversation": row_to_dict(conversation)})


@login_required
@require_POST
def conversation_pin(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = services.conversation_set_pinned(
        conversation=_conversation(request, conversation_id), pinned=_flag(request, "pinned")
    )
    return JsonResponse({"ok": True, "conversation": row_to_dict(conversation)})


@login_required
@require_POST
def conversation_archive(request: HttpRequest, conversation_id: str) -> HttpResponse:
    conversation = services.conversation_set_archived(
        conversation=_conversation(request, conversation_id), archived=_flag(request, "archived")
    )
    if _wants_json(request):
        return JsonResponse({"ok": True, "conversation": row_to_dict(conversation)})
    return _back(request, reverse("organise:settings"))


@login_required
@require_POST
def conversation_delete(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """Delete from the settings page (a plain form); the sidebar uses chat:delete."""
    from chat.services import conversation_delete as delete

    delete(conversation=_conversation(request, conversation_id))
    return _back(request, reverse("organise:settings"))


@login_required
@require_POST
def tag_add(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = _conversation(request, conversation_id)
    try:
        services.tag_add(conversation=conversation, name=request.POST.get("name"))
    except ChatError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "conversation": row_to_dict(conversation)})


@login_required
@require_POST
def tag_remove(request: HttpRequest, conversation_id: str, tag_id: int) -> JsonResponse:
    conversation = _conversation(request, conversation_id)
    tag = selectors.tag_get_for_user(user=_user(request), tag_id=tag_id)
    if tag is None:
        raise Http404
    services.tag_remove(conversation=conversation, tag=tag)
    return JsonResponse({"ok": True, "conversation": row_to_dict(conversation)})


@login_required
@require_POST
def conversation_duplicate(request: HttpRequest, conversation_id: str) -> JsonResponse:
    copy = services.conversation_duplicate(conversation=_conversation(request, conversation_id))
    return JsonResponse(
        {"ok": True, "conversation": row_to_dict(copy), "url": reverse("chat:conversation", args=[copy.pk])}
    )


@login_required
@require_POST
def conversation_share(request: HttpRequest, conversation_id: str) -> JsonResponse:
    try:
        link = services.shared_link_create(conversation=_conversation(request, conversation_id))
    except ChatError as error:
        return _refused(error)
    url = request.build_absolute_uri(reverse("organise:shared", args=[link.token]))
    return JsonResponse({"ok": True, "token": link.token, "url": url})


# --- settings: archived chats and shared links ------------------------------------------------------
@login_required
@require_GET
def settings_chats(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    links = list(selectors.shared_link_list_for_user(user=user))
    for link in links:
        link.url = request.build_absolute_uri(reverse("organise:shared", args=[link.token]))  # type: ignore[attr-defined]
    return render(
        request,
        "organise/settings_chats.html",
        {"archived": list(selectors.archived_list_for_user(user=user)[:500]), "shared_links": links},
    )


@login_required
@require_POST
def shared_link_revoke(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.shared_link_get_for_user(user=_user(request), token=token)
    if link is None:
        raise Http404
    services.shared_link_revoke(link=link)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return _back(request, reverse("organise:settings"))


# --- the public shared page -----------------------------------------------------------------------
@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """A shared snapshot, readable by anyone with the link; no composer, nothing to change."""
    link = selectors.shared_link_get(token=token)
    if link is None:
        raise Http404
    response = render(request, "organise/shared.html", {"link": link, "shared_messages": link.messages})
    # Not for search engines, and not to be kept by shared caches once revoked.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-cache"
    return response
