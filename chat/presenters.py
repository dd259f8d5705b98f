"""The JSON shapes of conversations and messages sent to the browser (docs/websocket.md)."""

from __future__ import annotations

from typing import Any

from chat.models import NO_PARENT, Conversation, Message
from files.selectors import attachments_for_display
from providers.base import ERROR_MESSAGES, ErrorCode


def conversation_to_dict(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": str(conversation.pk),
        "title": conversation.title,
        "endpoint": conversation.endpoint,
        "model": conversation.model,
        "updated_at": conversation.updated_at.isoformat() if conversation.updated_at else None,
    }


def error_message_for(code: str) -> str:
    """The readable message for an error code, in the active language."""
    if not code:
        return ""
    return str(ERROR_MESSAGES.get(code, ERROR_MESSAGES[ErrorCode.UNKNOWN]))


def message_to_dict(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.pk),
        "conversation": str(message.conversation_id),
        "parent": str(message.parent_id) if message.parent_id else NO_PARENT,
        "role": message.role,
        "sender": message.sender,
        "endpoint": message.endpoint,
        "model": message.model,
        "text": message.text,
        "reasoning": message.reasoning,
        "unfinished": message.unfinished,
        "error": message.error,
        "error_code": message.error_code,
        "error_message": error_message_for(message.error_code),
        "finish_reason": message.finish_reason,
        "edited": message.edited,
        "files": attachments_for_display(message.content),
        "prompt_tokens": message.prompt_tokens,
        "completion_tokens": message.completion_tokens,
        "token_count": message.token_count,
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }


def localise_message_frame(frame: dict[str, Any]) -> dict[str, Any]:
    """Fill a frame's error text in the receiving socket's language (frames are shared by all)."""
    message = frame.get("message")
    if isinstance(message, dict) and message.get("error_code"):
        return {**frame, "message": {**message, "error_message": error_message_for(message["error_code"])}}
    return frame
