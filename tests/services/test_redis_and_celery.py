"""Production shape: two Daphne processes on channels-redis and PostgreSQL, and a Celery worker.

A reply started on one server is followed, and stopped, from a socket on the other; the title
task runs in a real worker on the real Redis broker and reaches the socket through Redis.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import websockets

from chat.tests.helpers import streamed_text
from tests.servers import CeleryWorker, DaphneServer, base_env, create_session

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def cluster(postgres_database_url, redis_url, redis_prefix, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    queue = f"{redis_prefix}-default"
    env = base_env(
        DATABASE_URL=postgres_database_url,
        REDIS_URL=redis_url,
        REDIS_PREFIX=redis_prefix,
        CELERY_DEFAULT_QUEUE=queue,
        DATA_DIR=str(tmp_path_factory.mktemp("data")),
        DEMO_TOKENS_PER_SECOND="60",
        STREAM_SAVE_INTERVAL="0.2",
    )
    servers = [DaphneServer(env, logs / "daphne-1.log"), DaphneServer(env, logs / "daphne-2.log")]
    worker = CeleryWorker(env, logs / "celery.log", queue)
    session = create_session(env, f"svc-{uuid.uuid4().hex[:6]}@example.org")
    yield {"servers": servers, "worker": worker, "session": session}
    for process in [*servers, worker]:
        process.stop()


def open_socket(server: DaphneServer, session: str):
    return websockets.connect(
        server.ws_url, origin=f"http://127.0.0.1:{server.port}", additional_headers={"Cookie": f"sessionid={session}"}
    )


async def receive_until(socket, frame_type: str, timeout: float = 30) -> list[dict]:
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            frames.append(frame)
            if frame["type"] == frame_type:
                return frames


SEND = {"type": "send", "request": "r", "conversation": None, "parent": None, "endpoint": "Demo", "model": "demo-chat"}


async def test_second_server_follows_a_stream_and_the_worker_names_the_conversation(cluster):
    first, second = cluster["servers"]
    async with open_socket(first, cluster["session"]) as sender, open_socket(second, cluster["session"]) as follower:
        await sender.send(json.dumps({**SEND, "text": "Tell me about Redis streams"}))
        created = json.loads(await sender.recv())
        assert created["type"] == "created"
        await asyncio.sleep(0.5)
        await follower.send(json.dumps({"type": "join", "message": created["assistant_message"]["id"]}))
        followed = await receive_until(follower, "final")
        sent = await receive_until(sender, "title", timeout=60)
    assert followed[0]["type"] == "snapshot" and followed[0]["seq"] >= 1
    final = next(frame for frame in sent if frame["type"] == "final")["message"]
    assert streamed_text(followed) == final["text"] == followed[-1]["message"]["text"]
    assert not final["unfinished"]
    title = sent[-1]
    assert title["conversation"] == created["conversation"]["id"] and title["title"]


async def test_stop_from_the_other_server_stops_the_reply(cluster):
    first, second = cluster["servers"]
    async with open_socket(first, cluster["session"]) as sender, open_socket(second, cluster["session"]) as other:
        await sender.send(json.dumps({**SEND, "text": "A long answer please"}))
        created = json.loads(await sender.recv())
        await asyncio.sleep(0.4)
        await other.send(json.dumps({"type": "stop", "message": created["assistant_message"]["id"]}))
        frames = await receive_until(sender, "final")
    final = frames[-1]["message"]
    assert final["unfinished"] and not final["error"]
    assert final["text"] and streamed_text(frames) == final["text"]
