"""The chat WebSocket (docs/websocket.md): parses frames and calls one service each."""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from chat import generation
from chat.groups import stream_group, user_group
from chat.presenters import conversation_to_dict, localise_message_frame, message_to_dict
from chat.selectors import message_get_for_user
from chat.services import ChatError, PreparedGeneration

logger = logging.getLogger(__name__)

UNAUTHENTICATED = 4401


def language_for_scope(scope: dict[str, Any]) -> str:
    """The account's language, else the language cookie, else Accept-Language, else the default."""
    user = scope.get("user")
    supported = {code for code, _name in settings.LANGUAGES}
    if user is not None and getattr(user, "language", "") in supported:
        return str(user.language)
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return str(cookie)
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for language, _quality in parse_accept_lang_header(accept):
        code = translation.get_supported_language_variant(language) if language != "*" else None
        if code:
            return code
    return settings.LANGUAGE_CODE


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.user = user
        self.language = language_for_scope(self.scope)
        self.streams: set[str] = set()
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "user"):
            return
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        for message_id in self.streams:
            await self.channel_layer.group_discard(stream_group(message_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            try:
                content = json.loads(text_data or "")
            except (json.JSONDecodeError, TypeError):
                await self._error("invalid_json", _("The message could not be read."))
                return
            if not isinstance(content, dict):
                await self._error("invalid_frame", _("The message could not be read."))
                return
            request = content.get("request") if isinstance(content.get("request"), str) else None
            handlers = {
                "send": self._send,
                "regenerate": self._regenerate,
                "continue": self._continue,
                "stop": self._stop,
                "join": self._join,
            }
            handler = handlers.get(content["type"]) if isinstance(content.get("type"), str) else None
            if handler is None:
                await self._error("unknown_type", _("Unknown message type."), request)
                return
            try:
                await handler(content, request)
            except ChatError as error:
                await self._error(error.code, error.message, request)

    async def _error(self, code: str, message: str, request: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if request is not None:
            frame["request"] = request
        await self.send_json(frame)

    async def _send(self, content: dict[str, Any], request: str | None) -> None:
        prepared = await generation.generation_start(
            user=self.user,
            follow=self._follow,
            conversation_id=content.get("conversation"),
            parent_id=content.get("parent"),
            text=content.get("text"),
            endpoint_name=content.get("endpoint"),
            model=content.get("model"),
            parameters=content.get("parameters"),
            files=content.get("files"),
        )
        await self._created(prepared, request, "send")

    async def _regenerate(self, content: dict[str, Any], request: str | None) -> None:
        await self._answer_again(content, request, "regenerate")

    async def _continue(self, content: dict[str, Any], request: str | None) -> None:
        await self._answer_again(content, request, "continue")

    async def _answer_again(self, content: dict[str, Any], request: str | None, kind: str) -> None:
        prepared = await generation.generation_start(
            user=self.user,
            follow=self._follow,
            kind=kind,
            message_id=content.get("message"),
            endpoint_name=content.get("endpoint"),
            model=content.get("model"),
            parameters=content.get("parameters"),
        )
        await self._created(prepared, request, kind)

    async def _created(self, prepared: PreparedGeneration, request: str | None, kind: str) -> None:
        messages = [
            {**message_to_dict(prepared.user_message), "siblings": prepared.user_siblings},
            {**message_to_dict(prepared.assistant_message), "siblings": prepared.assistant_siblings},
        ]
        await self.send_json(
            {
                "type": "created",
                "kind": kind,
                "request": request,
                "new_conversation": prepared.new_conversation,
                "conversation": conversation_to_dict(prepared.conversation),
                "user_message": messages[0],
                "assistant_message": messages[1],
            }
        )

    async def _owned_message_id(self, content: dict[str, Any]) -> str:
        message = await database_sync_to_async(message_get_for_user)(user=self.user, message_id=content.get("message"))
        if message is None or message.role != message.Role.ASSISTANT:
            raise ChatError("invalid_message", _("That message does not exist."))
        return str(message.pk)

    async def _stop(self, content: dict[str, Any], request: str | None) -> None:
        message_id = await self._owned_message_id(content)
        await generation.generation_stop(message_id=message_id)

    async def _join(self, content: dict[str, Any], request: str | None) -> None:
        message_id = await self._owned_message_id(content)
        await self._follow(message_id)
        snapshot = await generation.generation_snapshot(message_id=message_id)
        if snapshot is not None and not snapshot.get("done"):
            await self.send_json(
                {
                    "type": "snapshot",
                    "message": message_id,
                    "seq": snapshot["seq"],
                    "text": snapshot["text"],
                    "reasoning": snapshot["reasoning"],
                    "done": False,
                }
            )
            return
        final = snapshot.get("final") if snapshot else None
        if final is None:
            message = await database_sync_to_async(message_get_for_user)(user=self.user, message_id=message_id)
            if message is None:
                raise ChatError("invalid_message", _("That message does not exist."))
            if generation.shared_state() and generation.may_be_running_elsewhere(message):
                # Started on another server process that has not flushed its first frame yet.
                await self.send_json(
                    {"type": "snapshot", "message": message_id, "seq": 0, "text": "", "reasoning": "", "done": False}
                )
                return
            final = message_to_dict(message)
        await self._unfollow(message_id)
        await self.send_json(localise_message_frame({"type": "final", "message": final}))

    async def _follow(self, message_id: str) -> None:
        if message_id not in self.streams:
            self.streams.add(message_id)
            await self.channel_layer.group_add(stream_group(message_id), self.channel_name)

    async def _unfollow(self, message_id: str) -> None:
        if message_id in self.streams:
            self.streams.discard(message_id)
            await self.channel_layer.group_discard(stream_group(message_id), self.channel_name)

    # --- Channel-layer handlers -------------------------------------------------------------
    async def stream_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if frame.get("type") == "final":
            with translation.override(self.language):
                frame = localise_message_frame(frame)
            await self._unfollow(frame["message"]["id"])
        await self.send_json(frame)

    async def user_frame(self, event: dict[str, Any]) -> None:
        await self.send_json(event["frame"])
