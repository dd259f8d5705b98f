"""Naming conversations from their first exchange, with the endpoint's title model."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from accounts.selectors import ProviderKeyError, endpoint_for_user
from chat.groups import user_group
from chat.models import Conversation, Message
from chat.services import conversation_set_title
from providers.base import ChatMessage, ChatRequest, ProviderError
from providers.registry import get_provider, get_registry

logger = logging.getLogger(__name__)

TITLE_INSTRUCTIONS = (
    "Write a short title (at most 6 words) for the conversation below, in the language the user "
    "wrote in. Reply with the title only: no quotes, no punctuation at the end."
)
FALLBACK_WORDS = 6


def _fallback_title(text: str) -> str:
    words = text.split()
    title = " ".join(words[:FALLBACK_WORDS])
    return title if len(words) <= FALLBACK_WORDS else title + "…"


def conversation_generate_title(*, conversation_id: Any) -> str | None:
    """Ask the title model for a title, store it, and send it to the owner's sockets."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or conversation.title:
        return None
    messages = list(Message.objects.filter(conversation=conversation).order_by("created_at")[:2])
    if not messages:
        return None
    first_user = next((message for message in messages if message.role == Message.Role.USER), None)
    reply = next((message for message in messages if message.role == Message.Role.ASSISTANT), None)
    if first_user is None:
        return None
    endpoint = get_registry().get(conversation.endpoint)
    if endpoint is not None and endpoint.needs_user_key:
        # The title is asked with the owner's own key, like the reply.
        try:
            endpoint = endpoint_for_user(endpoint=endpoint, user=conversation.user)
        except ProviderKeyError:
            endpoint = None
    title = ""
    if endpoint is not None and endpoint.available and endpoint.title_convo:
        exchange = f"User: {first_user.text[:2000]}\n\nAssistant: {(reply.text if reply else '')[:2000]}"
        request = ChatRequest(
            model=endpoint.title_model_for(conversation.model),
            messages=[ChatMessage(role="user", text=exchange)],
            system=TITLE_INSTRUCTIONS,
            params={"max_tokens": 40, "temperature": 0.2},
        )
        try:
            title = async_to_sync(get_provider(endpoint).complete)(request)
        except ProviderError as error:
            logger.warning("Title request failed on endpoint %r: %s (%s)", endpoint.name, error.code, error.detail)
    title = title.strip().splitlines()[0] if title.strip() else _fallback_title(first_user.text)
    updated = conversation_set_title(conversation_id=conversation.pk, title=title)
    if updated is None:
        return None
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            user_group(conversation.user_id),
            {"type": "user.frame", "frame": {"type": "title", "conversation": str(updated.pk), "title": updated.title}},
        )
    return updated.title
