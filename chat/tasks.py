"""Celery tasks of the chat app: thin wrappers around one service each."""

from __future__ import annotations

from celery import shared_task
from django.db import close_old_connections

from chat.titles import conversation_generate_title


@shared_task(name="chat.conversation_title", ignore_result=True, soft_time_limit=60, time_limit=90)
def conversation_title(conversation_id: str) -> None:
    """Name a conversation after its first exchange and tell the owner's open pages."""
    close_old_connections()
    try:
        conversation_generate_title(conversation_id=conversation_id)
    finally:
        close_old_connections()
