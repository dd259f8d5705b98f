"""Test helpers that make socket tests read like the story they tell."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.testing import WebsocketCommunicator

from chat.consumers import ChatConsumer


async def connect(user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/chat/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frames_until(communicator: WebsocketCommunicator, frame_type: str, timeout: float = 10) -> list[dict]:
    """Every frame received up to and including the first of `frame_type`."""
    frames: list[dict] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        frame = await communicator.receive_json_from(timeout=max(0.01, deadline - loop.time()))
        frames.append(frame)
        if frame["type"] == frame_type:
            return frames


def streamed_text(frames: list[dict]) -> str:
    """The text a client following `seq` order would show, built from snapshot and delta frames."""
    text, applied = "", 0
    for frame in frames:
        if frame["type"] == "snapshot":
            text, applied = frame["text"], frame["seq"]
        elif frame["type"] == "delta" and frame["seq"] > applied:
            assert frame["seq"] == applied + 1, f"gap in the stream: {applied} -> {frame['seq']}"
            text += frame["text"]
            applied = frame["seq"]
    return text


def send_frame(**overrides: Any) -> dict:
    frame = {
        "type": "send",
        "request": "r1",
        "conversation": None,
        "parent": None,
        "text": "Show me what you can do",
        "endpoint": "Demo",
        "model": "demo-fast",
    }
    frame.update(overrides)
    return frame
