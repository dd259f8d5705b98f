"""Pages and small JSON actions of the chat: each parses input, calls one service, renders."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    ProviderKeyError,
    endpoint_for_user,
    provider_key_is_usable,
    provider_key_list_for_user,
)
from chat import selectors, services
from chat.models import Conversation, Message
from chat.organise.views import sidebar_context
from chat.presenters import conversation_to_dict, message_to_dict
from chat.selectors import (
    conversation_get_for_user,
    conversation_view,
    message_get_for_user,
    tree_outline,
)
from presets.panel import panel_context
from providers.models import endpoint_models, endpoint_models_error
from providers.registry import get_registry
from providers.vision import is_vision_model


def _endpoints(user: Any = None) -> list[dict[str, Any]]:
    saved = provider_key_list_for_user(user=user) if user is not None and user.is_authenticated else {}
    endpoints = []
    for endpoint in get_registry().endpoints.values():
        # An endpoint taking users' keys: usable once this user saved an unexpired key.
        needs_key = endpoint.needs_user_key and not provider_key_is_usable(saved.get(endpoint.name))
        reachable = endpoint
        if endpoint.needs_user_key and not needs_key:
            try:
                reachable = endpoint_for_user(endpoint=endpoint, user=user)
            except ProviderKeyError:
                needs_key = True
        models = endpoint_models(reachable)
        endpoints.append(
            {
                "name": endpoint.name,
                "label": endpoint.label,
                "models": models,
                "available": endpoint.available,
                "unavailable_reason": endpoint.unavailable_reason,
                "icon_url": endpoint.icon_url,
                "needs_key": needs_key,
                "key_expired": needs_key and endpoint.name in saved,
                "models_fetch_failed": bool(endpoint_models_error(reachable)),
                "vision_models": [model for model in models if is_vision_model(model)],
            }
        )
    return endpoints


def _default_selection(endpoints: list[dict[str, Any]], conversation: Conversation | None) -> dict[str, str]:
    if conversation is not None and conversation.endpoint:
        return {"endpoint": conversation.endpoint, "model": conversation.model}
    for endpoint in endpoints:
        if endpoint["available"] and endpoint["models"] and not endpoint.get("needs_key"):
            return {"endpoint": endpoint["name"], "model": endpoint["models"][0]}
    return {"endpoint": "", "model": ""}


def _chat_page(request: HttpRequest, conversation: Conversation | None) -> HttpResponse:
    messages = conversation_view(conversation=conversation) if conversation is not None else []
    streaming = [message["id"] for message in messages if message.pop("streaming")]
    endpoints = _endpoints(request.user)
    interface = get_registry().config.interface
    context = {
        **sidebar_context(request),  # pinned, folders, tags, the first page of the rest
        "conversation": conversation,
        "chat_messages": messages,
        "endpoints": endpoints,
        "selected": _default_selection(endpoints, conversation),
        "endpoints_need_key": any(endpoint["needs_key"] and endpoint["available"] for endpoint in endpoints),
        "streaming": streaming,
        "ws_path": "/ws/chat/",
        "welcome": (getattr(interface, "customWelcome", None) or "") if interface else "",
        "panel": panel_context(
            user=request.user,  # type: ignore[arg-type]
            endpoints=endpoints,
            conversation_parameters=conversation.parameters if conversation is not None else None,
        ),
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


@login_required
@require_POST
def conversation_parameters(request: HttpRequest, conversation_id: str) -> JsonResponse:
    """Store the model and parameters (the panel, or an applied preset) for the next replies."""
    conversation = _owned(request, conversation_id)
    try:
        parameters = json.loads(request.POST.get("parameters") or "{}")
    except json.JSONDecodeError:
        return _refused(services.ChatError("invalid_parameters", _("Parameters must be an object.")))
    try:
        services.conversation_set_parameters(
            conversation=conversation,
            endpoint_name=request.POST.get("endpoint"),
            model=request.POST.get("model"),
            parameters=parameters,
        )
    except services.ChatError as error:
        return _refused(error)
    data = {"endpoint": conversation.endpoint, "model": conversation.model, "parameters": conversation.parameters}
    return JsonResponse({"ok": True, **data})
