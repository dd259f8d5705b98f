"""Pages and small JSON actions of the chat: each parses input, calls one service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chat import selectors, services
from chat.models import Conversation, Message
from chat.presenters import conversation_to_dict, message_to_dict
from chat.selectors import (
    conversation_get_for_user,
    conversation_groups_for_user,
    conversation_view,
    message_get_for_user,
    tree_outline,
)
from providers.models import endpoint_models
from providers.registry import get_registry


def _endpoints() -> list[dict[str, Any]]:
    return [
        {
            "name": endpoint.name,
            "label": endpoint.label,
            "models": endpoint_models(endpoint),
            "available": endpoint.available,
            "unavailable_reason": endpoint.unavailable_reason,
            "icon_url": endpoint.icon_url,
        }
        for endpoint in get_registry().endpoints.values()
    ]


def _default_selection(endpoints: list[dict[str, Any]], conversation: Conversation | None) -> dict[str, str]:
    if conversation is not None and conversation.endpoint:
        return {"endpoint": conversation.endpoint, "model": conversation.model}
    for endpoint in endpoints:
        if endpoint["available"] and endpoint["models"]:
            return {"endpoint": endpoint["name"], "model": endpoint["models"][0]}
    return {"endpoint": "", "model": ""}


def _chat_page(request: HttpRequest, conversation: Conversation | None) -> HttpResponse:
    messages = conversation_view(conversation=conversation) if conversation is not None else []
    streaming = [message["id"] for message in messages if message.pop("streaming")]
    endpoints = _endpoints()
    interface = get_registry().config.interface
    context = {
        "conversation_groups": conversation_groups_for_user(user=request.user),  # type: ignore[arg-type]
        "conversation": conversation,
        "chat_messages": messages,
        "endpoints": endpoints,
        "selected": _default_selection(endpoints, conversation),
        "streaming": streaming,
        "ws_path": "/ws/chat/",
        "welcome": (getattr(interface, "customWelcome", None) or "") if interface else "",
    }
    return render(request, "chat/index.html", context)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _chat_page(request, None)


@login_required
def conversation_detail(request: HttpRequest, conversation_id: str) -> HttpResponse:
    conversation = conversation_get_for_user(user=request.user, conversation_id=conversation_id)  # type: ignore[arg-type]
    if conversation is None:
        raise Http404
    return _chat_page(request, conversation)


def _owned(request: HttpRequest, conversation_id: str) -> Conversation:
    conversation = conversation_get_for_user(user=request.user, conversation_id=conversation_id)  # type: ignore[arg-type]
    if conversation is None:
        raise Http404
    return conversation


@login_required
@require_POST
def conversation_rename(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = _owned(request, conversation_id)
    try:
        services.conversation_rename(conversation=conversation, title=request.POST.get("title", ""))
    except services.ChatError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "title": conversation.title})


@login_required
@require_POST
def conversation_delete(request: HttpRequest, conversation_id: str) -> JsonResponse:
    services.conversation_delete(conversation=_owned(request, conversation_id))
    return JsonResponse({"ok": True})


def _refused(error: services.ChatError, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)


def _owned_message(request: HttpRequest, conversation: Conversation, message_id: str) -> Message:
    message = message_get_for_user(user=request.user, message_id=message_id)  # type: ignore[arg-type]
    if message is None or message.conversation_id != conversation.pk:
        raise Http404
    return message


@login_required
@require_POST
def conversation_branch(request: HttpRequest, conversation_id: str) -> JsonResponse:
    """Show another branch (the sibling picked with ‹ ›, or a tree-view jump) and remember it."""
    conversation = _owned(request, conversation_id)
    tree = selectors.conversation_tree(conversation=conversation)
    try:
        leaf = services.conversation_show_branch(
            conversation=conversation, message_id=request.POST.get("message"), tree=tree
        )
    except services.ChatError as error:
        return _refused(error)
    messages = conversation_view(conversation=conversation, leaf_id=leaf, tree=tree)
    return JsonResponse({"ok": True, "leaf": str(leaf), "messages": messages})


@login_required
def conversation_tree(request: HttpRequest, conversation_id: str) -> JsonResponse:
    conversation = _owned(request, conversation_id)
    return JsonResponse({"ok": True, "segments": tree_outline(conversation=conversation)})


@login_required
@require_POST
def message_edit(request: HttpRequest, conversation_id: str, message_id: str) -> JsonResponse:
    message = _owned_message(request, _owned(request, conversation_id), message_id)
    try:
        services.message_edit(message=message, text=request.POST.get("text"))
    except services.ChatError as error:
        return _refused(error)
    return JsonResponse({"ok": True, "message": message_to_dict(message)})


@login_required
@require_POST
def message_delete(request: HttpRequest, conversation_id: str, message_id: str) -> JsonResponse:
    """Delete a message with its whole branch below it (the page asks for confirmation)."""
    conversation = _owned(request, conversation_id)
    message = _owned_message(request, conversation, message_id)
    leaf = services.message_delete_branch(message=message)
    conversation.refresh_from_db()
    return JsonResponse(
        {"ok": True, "leaf": str(leaf) if leaf else None, "messages": conversation_view(conversation=conversation)}
    )


@login_required
@require_POST
def message_fork(request: HttpRequest, conversation_id: str, message_id: str) -> JsonResponse:
    message = _owned_message(request, _owned(request, conversation_id), message_id)
    try:
        fork = services.conversation_fork(
            user=request.user,  # type: ignore[arg-type]
            message=message,
            mode=request.POST.get("mode", "targetLevel"),
            split_at_target=request.POST.get("split", "") in ("1", "true", "on"),
        )
    except services.ChatError as error:
        return _refused(error)
    return JsonResponse(
        {"ok": True, "conversation": conversation_to_dict(fork), "url": reverse("chat:conversation", args=[fork.pk])}
    )
