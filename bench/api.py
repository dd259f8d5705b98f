"""API benchmark: latency of /v1/chat/completions through the official openai SDK.

    .venv/bin/python bench/api.py [--repeat 20]

Starts a fake OpenAI provider (providers/fake_server.py, unpaced, in its own process) and a
Daphne server on the embedded default (SQLite file in a temporary directory, in-memory channel
layer) whose librechat.yaml has the custom endpoint "Bench" (the fake). One account and API key
are made for the run. Each case is run --repeat times after one warm-up call (which loads the
tokenizer and opens connections), one call at a time:

- non-stream latency: from `create()` to the parsed `chat.completion`;
- stream TTFT: from `create(stream=True)` to the first chunk with text; stream total: to the end;
- direct: the same calls straight to the fake provider with the same SDK, so "added" is what the
  server adds (storing the conversation and reply, the engine, the relay).

Cases: `Demo/demo-fast` (the offline demo model, unpaced: a ~250-token Markdown reply),
`Demo/demo-chat` (paced at DEMO_TOKENS_PER_SECOND, 40 tokens/s by default: stream TTFT only, since
its whole reply takes seconds by design) and `Bench/bench-echo` (the fake echoes a 30-word prompt).
Last, --concurrent (10) calls are sent at once, each from its own client, to `Demo/demo-chat`
(paced: each reply takes seconds) and `Bench/bench-echo`: if the server served them one after
another, the median would be several times the single-call figure. Figures are milliseconds:
median and p95.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from bench.stream import KEY, KEY_VARIABLE, FakeProvider  # noqa: E402
from tests.servers import (  # noqa: E402
    DaphneServer,
    base_env,
    custom_endpoint,
    manage,
    prepare_sqlite,
    write_librechat_yaml,
)

PROMPT = " ".join(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"] * 5)
KEY_SCRIPT = """
from accounts.models import User
from api.services import api_key_create
user = User.objects.create_user(email="bench-api@example.org")
print("KEY=" + api_key_create(user=user, name="bench")[1])
"""


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _non_stream(client: openai.OpenAI, model: str) -> float:
    started = time.perf_counter()
    completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": PROMPT}])
    elapsed = time.perf_counter() - started
    assert completion.choices[0].message.content, "empty reply"
    return elapsed


def _stream(client: openai.OpenAI, model: str) -> tuple[float, float]:
    started = time.perf_counter()
    first = 0.0
    text = []
    for chunk in client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": PROMPT}], stream=True,
        stream_options={"include_usage": True},
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            if not first:
                first = time.perf_counter() - started
            text.append(chunk.choices[0].delta.content)
    assert text, "nothing streamed"
    return first, time.perf_counter() - started


def _run(repeat: int, call: Callable[[], object]) -> list[object]:
    call()  # warm-up
    return [call() for _ in range(repeat)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=10, help="calls at once, for the concurrency figures")
    options = parser.parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="librechat-bench-api-"))
    fake = server = None
    try:
        fake = FakeProvider(directory / "fake.log", tokens_per_second=0, first_token_delay=0)
        config = write_librechat_yaml(
            directory / "librechat.yaml",
            [custom_endpoint("Bench", f"{fake.url}/v1", ["bench-echo"], KEY_VARIABLE, titleConvo=False)],
        )
        env = base_env(
            DATABASE_URL=prepare_sqlite(directory), DATA_DIR=str(directory), LIBRECHAT_CONFIG=str(config),
            **{KEY_VARIABLE: KEY},
        )
        server = DaphneServer(env, directory / "daphne.log")
        output = manage(env, "shell", "-c", KEY_SCRIPT)
        api_key = next(line for line in output.splitlines() if line.startswith("KEY=")).split("=", 1)[1]
        ours = openai.OpenAI(api_key=api_key, base_url=server.url + "/v1", max_retries=0)
        direct = openai.OpenAI(api_key=KEY, base_url=fake.url + "/v1", max_retries=0)

        rows: list[tuple[str, str, tuple[float, float]]] = []
        results: dict[str, dict[str, float]] = {}

        def record(case: str, figure: str, values: list[float]) -> None:
            median, p95 = _ms(values)
            rows.append((case, figure, (median, p95)))
            results[f"{case} {figure}"] = {"median_ms": round(median, 1), "p95_ms": round(p95, 1)}

        cases = [("Demo/demo-fast", ours, "Demo/demo-fast"), ("Bench/bench-echo", ours, "Bench/bench-echo"),
                 ("direct fake bench-echo", direct, "bench-echo")]
        for case, client, model in cases:
            record(case, "non-stream latency", _run(options.repeat, lambda c=client, m=model: _non_stream(c, m)))
            streams = _run(options.repeat, lambda c=client, m=model: _stream(c, m))
            record(case, "stream TTFT", [first for first, _total in streams])
            record(case, "stream total", [total for _first, total in streams])
        streams = _run(max(5, options.repeat // 4), lambda: _stream(ours, "Demo/demo-chat"))
        record("Demo/demo-chat (40 tok/s)", "stream TTFT", [first for first, _total in streams])

        # N calls at once (each with its own SDK client): are they served side by side?
        count = options.concurrent
        clients = [openai.OpenAI(api_key=api_key, base_url=server.url + "/v1", max_retries=0) for _ in range(count)]
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            for case, model in (("Demo/demo-chat", "Demo/demo-chat"), ("Bench/bench-echo", "Bench/bench-echo")):
                label = f"{case} x{count} at once"
                latencies = list(pool.map(lambda client, m=model: _non_stream(client, m), clients))
                record(label, "non-stream latency", latencies)
                streams = list(pool.map(lambda client, m=model: _stream(client, m), clients))
                record(label, "stream TTFT", [first for first, _total in streams])

        print(f"\nAPI latency over {options.repeat} sequential calls each (ms)\n")
        print(f"{'case':34} {'figure':20} {'median':>9} {'p95':>9}")
        for case, figure, (median, p95) in rows:
            print(f"{case:34} {figure:20} {median:9.1f} {p95:9.1f}")
        for figure in ("non-stream latency", "stream TTFT"):
            added = results[f"Bench/bench-echo {figure}"]["median_ms"] - results[f"direct fake bench-echo {figure}"][
                "median_ms"]
            print(f"added by the server, {figure}: {added:.1f} ms (median vs direct)")
        print("\n" + json.dumps(results, indent=1))
    finally:
        if server is not None:
            server.stop()
        if fake is not None:
            fake.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
