"""Time to first token added by the generation engine alone (no Daphne, no network socket).

Sends through Channels' in-process communicator to an endpoint served by the paced fake
provider, and compares with the same request sent straight to the fake with the openai SDK.
`bench/stream.py` measures the whole server; the difference between the two is Daphne's share.

    .venv/bin/python bench/engine_ttft.py [--runs 20] [--first-token-delay 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROMPT = "hello there friend"


def configure(fake_url: str, directory: str) -> None:
    from tests.servers import custom_endpoint, write_librechat_yaml

    os.environ["BENCH_KEY"] = "bench-key"
    endpoint = custom_endpoint("Bench", f"{fake_url}/v1", ["bench-echo"], "BENCH_KEY", titleConvo=False)
    config = write_librechat_yaml(Path(directory) / "librechat.yaml", [endpoint])
    os.environ.update(
        DJANGO_SETTINGS_MODULE="librechat.settings",
        LIBRECHAT_CONFIG=str(config),
        DATABASE_URL=f"sqlite:///{directory}/db.sqlite3",
        DATA_DIR=directory,
        LOG_LEVEL="ERROR",
    )


async def direct_ttft(fake_url: str, runs: int) -> list[float]:
    import openai

    client = openai.AsyncOpenAI(api_key="bench-key", base_url=f"{fake_url}/v1")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        stream = await client.chat.completions.create(
            model="bench-echo", messages=[{"role": "user", "content": PROMPT}], stream=True
        )
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                times.append(time.perf_counter() - started)
                break
        await stream.close()
    return times


async def engine_ttft(user, runs: int) -> tuple[list[float], list[float]]:
    from channels.testing import WebsocketCommunicator

    from chat.consumers import ChatConsumer

    socket = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/chat/")
    socket.scope["user"] = user
    await socket.connect()
    first_tokens, stored = [], []
    for _ in range(runs + 1):  # the first run warms the SDK client and the tokenizer
        started = time.perf_counter()
        frame = {"type": "send", "conversation": None, "parent": None, "text": PROMPT,
                 "endpoint": "Bench", "model": "bench-echo"}
        await socket.send_json_to(frame)
        first = None
        while True:
            reply = await socket.receive_json_from(timeout=30)
            if reply["type"] == "created":
                stored.append(time.perf_counter() - started)
            elif reply["type"] == "delta" and first is None:
                first = time.perf_counter() - started
            elif reply["type"] == "final":
                break
        first_tokens.append(first or float("nan"))
    await socket.disconnect()
    return first_tokens[1:], stored[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--first-token-delay", type=float, default=0.2)
    arguments = parser.parse_args()

    from providers.fake_server import FakeProviderServer

    with tempfile.TemporaryDirectory() as directory, FakeProviderServer(
        tokens_per_second=50, first_token_delay=arguments.first_token_delay
    ) as fake:
        configure(fake.url, directory)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from accounts.models import User

        user = User.objects.create_user(email="bench@example.org", password=None)
        direct = asyncio.run(direct_ttft(fake.url, arguments.runs))
        ours, stored = asyncio.run(engine_ttft(user, arguments.runs))

    def ms(values: list[float], percentile: int) -> float:
        if percentile == 50:
            return statistics.median(values) * 1000
        return statistics.quantiles(values, n=100)[percentile - 1] * 1000

    print(f"runs: {arguments.runs}; fake provider first-token delay {arguments.first_token_delay * 1000:.0f} ms")
    print(f"{'':28}{'median':>10}{'p95':>10}")
    print(f"{'provider direct (SDK)':28}{ms(direct, 50):>9.1f} {ms(direct, 95):>9.1f}")
    print(f"{'through the engine':28}{ms(ours, 50):>9.1f} {ms(ours, 95):>9.1f}")
    print(f"{'send -> created (stored)':28}{ms(stored, 50):>9.1f} {ms(stored, 95):>9.1f}")
    added = ms(ours, 50) - ms(direct, 50)
    print(f"added by the engine (median): {added:.1f} ms (target for the whole server: <= 5 ms)")


if __name__ == "__main__":
    main()
