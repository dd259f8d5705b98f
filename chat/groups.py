"""Channel-layer group names; one place so every sender and listener agrees."""

from typing import Any


def stream_group(message_id: Any) -> str:
    """Every socket following one assistant reply."""
    return f"stream.{message_id}"


def user_group(user_id: Any) -> str:
    """Every socket of one user (titles, sidebar updates)."""
    return f"user.{user_id}"
