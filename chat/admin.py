"""Conversations and messages in the admin; messages are read-only and shown as a tree."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from chat.models import Conversation, Message


def _render_tree(children: dict[Any, list[Message]], parent_id: Any) -> SafeString:
    items = children.get(parent_id, [])
    if not items:
        return SafeString("")
    return format_html(
        "<ul class='message-tree'>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}</strong> <small>{} · {}{}</small><div class='message-text'>{}</div>{}</li>",
            (
                (
                    message.get_role_display(),
                    message.model or message.endpoint or "-",
                    message.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    _flags(message),
                    message.text[:500] + ("…" if len(message.text) > 500 else ""),
                    _render_tree(children, message.pk),
                )
                for message in items
            ),
        ),
    )


def _flags(message: Message) -> str:
    flags = []
    if message.unfinished:
        flags.append(str(_("unfinished")))
    if message.error:
        flags.append(str(_("failed")))
    return (" · " + ", ".join(flags)) if flags else ""


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "endpoint", "model", "updated_at")
    list_filter = ("endpoint",)
    search_fields = ("title", "user__email", "id")
    readonly_fields = ("id", "user", "endpoint", "model", "current_leaf", "created_at", "updated_at", "message_tree")
    fields = ("id", "user", "title", "endpoint", "model", "parameters", "current_leaf", "created_at", "updated_at",
              "message_tree")

    @admin.display(description=_("Messages"))
    def message_tree(self, conversation: Conversation) -> SafeString:
        children: dict[Any, list[Message]] = defaultdict(list)
        for message in conversation.messages.order_by("created_at"):
            children[message.parent_id].append(message)
        return _render_tree(children, None)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "conversation", "role", "model", "unfinished", "error", "created_at")
    list_filter = ("role", "unfinished", "error", "endpoint")
    search_fields = ("text", "conversation__title", "id")
    list_select_related = ("conversation",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
