"""Writes of the API app: API keys (create, revoke, mark used) and the conversations API calls store."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import ApiKey
from chat.models import Conversation, Message
from chat.services import TITLE_MAX_CHARS, ChatError
from providers.registry import Endpoint

KEY_PREFIX = "lc-"
PREFIX_SHOWN = 10
NAME_MAX_CHARS = 100
# last_used_at is written at most this often per key, so a busy key does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(*, user: User, name: str) -> tuple[ApiKey, str]:
    """A new key for `user`; returns the stored row and the full key, which is never stored."""
    name = " ".join(name.split())[:NAME_MAX_CHARS]
    if not name:
        raise ChatError("empty_name", _("Give the key a name, so you can tell it apart later."))
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(user=user, name=name, prefix=raw_key[:PREFIX_SHOWN], key_hash=key_hash(raw_key))
    return api_key, raw_key


def api_key_revoke(*, user: User, key_id: int) -> ApiKey | None:
    """Revoke one of the user's keys (it stops working at once); None if it is not theirs."""
    api_key = ApiKey.objects.filter(user=user, pk=key_id).first()
    if api_key is None:
        return None
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_mark_used(*, api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


@dataclass
class ClientMessage:
    """One message of a request's history, as the client sent it (system prompts are apart)."""

    role: str  # "user" or "assistant"
    text: str


def api_conversation_create(
    *,
    user: User,
    endpoint: Endpoint,
    model: str,
    history: list[ClientMessage],
    prompt: str,
    parameters: dict[str, object],
) -> tuple[Conversation, Message | None]:
    """Store an API call's conversation (marked as from the API) with the messages the client sent
    before its last one, as a single branch; returns it and the last stored message (the parent
    of the message the reply answers), or None when there was no earlier message."""
    # Titled from the first user message at once: naming it with the model would cost the key's
    # owner a provider call they did not ask for.
    first_user_text = next((message.text for message in history if message.role == "user"), prompt)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            user=user,
            endpoint=endpoint.name,
            model=model,
            parameters=parameters,
            source=Conversation.Source.API,
            title=" ".join(first_user_text.split())[:TITLE_MAX_CHARS],
        )
        parent: Message | None = None
        for message in history:
            is_user = message.role == "user"
            parent = Message.objects.create(
                conversation=conversation,
                parent=parent,
                role=Message.Role.USER if is_user else Message.Role.ASSISTANT,
                sender="User" if is_user else endpoint.label,
                endpoint=endpoint.name,
                model=model,
                text=message.text,
                content=[{"type": "text", "text": message.text}] if message.text else [],
            )
    return conversation, parent
