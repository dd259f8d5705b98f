"""GET /healthz: is the database answering, is the channel layer answering."""

from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"status": "error", "error": error.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def _channel_layer() -> dict[str, str]:
    layer = get_channel_layer()
    if layer is None:
        return {"status": "error", "error": "not configured"}
    try:
        async def roundtrip() -> None:
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "health.ping", "id": str(uuid.uuid4())})
            await layer.receive(channel)

        async_to_sync(roundtrip)()
    except Exception as error:
        return {"status": "error", "error": error.__class__.__name__}
    return {"status": "ok", "backend": layer.__class__.__name__}


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "channel_layer": _channel_layer()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
