"""The generation engine's invariants, checked without timing luck."""

from __future__ import annotations

import asyncio

import pytest

from chat import generation
from chat.generation import Generation
from providers.base import ChatRequest, Done, Provider, TextDelta
from providers.registry import Endpoint


def make_generation() -> Generation:
    endpoint = Endpoint(name="Demo", kind="demo", label="Demo", models=["demo-fast"])
    running = Generation(
        message_id="m1", conversation_id="c1", user_id=1, endpoint=endpoint,
        request=ChatRequest(model="demo-fast", messages=[]), name_conversation=False,
    )
    running.stored.set()  # as after generation_start stored both messages
    try:
        running.last_event = asyncio.get_running_loop().time()
    except RuntimeError:
        pass
    return running


@pytest.fixture
def captured(monkeypatch, settings):
    """Frames published and the generation as _finish saw it, with no database or channel layer."""
    settings.STREAM_SAVE_INTERVAL = 3600  # no database in these tests
    result: dict = {"frames": []}

    async def publish(_generation, frame):
        result["frames"].append(frame)

    async def finish(running):
        await generation._flush(running)
        result["finished"] = running

    monkeypatch.setattr(generation, "_publish", publish)
    monkeypatch.setattr(generation, "_finish", finish)
    return result


async def test_snapshot_holds_exactly_the_published_frames(monkeypatch):
    published: list[dict] = []

    async def publish(_generation, frame):
        published.append(frame)

    monkeypatch.setattr(generation, "_publish", publish)
    running = make_generation()
    running.pending_text.append("Hello ")
    await generation._flush(running)
    # Read from the provider but not yet sent: a joining socket must not get it in its snapshot,
    # or the next delta would repeat it.
    running.pending_text.append("wor")
    snapshot = running.snapshot()
    assert (snapshot["seq"], snapshot["text"]) == (1, "Hello ")
    await generation._flush(running)
    assert published[-1]["seq"] == 2 and published[-1]["text"] == "wor"
    assert snapshot["text"] + published[-1]["text"] == "Hello wor"


async def test_a_buffered_stream_does_not_starve_the_flusher(monkeypatch, settings, captured):
    """A provider whose events are all ready at once must still hand the loop over while it is read.

    With a zero slice and flush interval the reader must yield after every event, so the reply
    goes out in many frames and the first token alone; a reader that never yields would send
    everything in one frame at the end.
    """
    settings.STREAM_FLUSH_INTERVAL = 0
    monkeypatch.setattr(generation, "READER_SLICE", 0)

    class Buffered(Provider):
        async def stream(self, request):
            for index in range(2000):
                yield TextDelta(f"t{index} ")
            yield Done("stop")

    monkeypatch.setattr(generation, "get_provider", lambda endpoint: Buffered(endpoint))
    running = make_generation()
    await asyncio.wait_for(generation._run(running), 30)
    frames = captured["frames"]
    assert "".join(frame["text"] for frame in frames) == "".join(f"t{index} " for index in range(2000))
    assert frames[0]["text"] == "t0 "
    assert len(frames) > 100


@pytest.mark.parametrize("pending", [[], ["x"]])
def test_snapshot_of_a_fresh_generation_is_empty(pending):
    running = make_generation()
    running.pending_text.extend(pending)
    assert running.snapshot() == {"seq": 0, "text": "", "reasoning": "", "done": False, "final": None}


async def test_a_provider_that_goes_silent_is_timed_out_by_the_engine(monkeypatch, settings, captured):
    """No SDK timeout to rely on: the engine's own idle limit ends the reply and keeps the text."""
    settings.PROVIDER_IDLE_TIMEOUT = 0.2

    class Silent(Provider):
        async def stream(self, request):
            yield TextDelta("partial answer")
            await asyncio.sleep(3600)
            yield Done("stop")

    monkeypatch.setattr(generation, "get_provider", lambda endpoint: Silent(endpoint))
    running = make_generation()
    await asyncio.wait_for(generation._run(running), 5)
    assert captured["finished"].error_code == "timeout"
    assert "".join(captured["finished"].text) == "partial answer"
