"""Pages and small JSON actions of the chat: each parses input, calls one service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from chat import services
from chat.generation import is_streaming
from chat.models import Conversation
from chat.presenters import message_to_dict
from chat.selectors import conversation_get_for_user, conversation_groups_for_user, message_path
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
    messages = message_path(conversation=conversation) if conversation is not None else []
    endpoints = _endpoints()
    interface = get_registry().config.interface
    context = {
        "conversation_groups": conversation_groups_for_user(user=request.user),  # type: ignore[arg-type]
        "conversation": conversation,
        "chat_messages": [message_to_dict(message) for message in messages],
        "endpoints": endpoints,
        "selected": _default_selection(endpoints, conversation),
        "streaming": [str(message.pk) for message in messages if is_streaming(message)],
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
        return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=400)
    return JsonResponse({"ok": True, "title": conversation.title})


@login_required
@require_POST
def conversation_delete(request: HttpRequest, conversation_id: str) -> JsonResponse:
    services.conversation_delete(conversation=_owned(request, conversation_id))
    return JsonResponse({"ok": True})
