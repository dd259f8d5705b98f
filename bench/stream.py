"""Streaming benchmark: time to first token, relay throughput, failures and memory of the chat socket.

    .venv/bin/python bench/stream.py [--clients 1,50] [--paced-tps 50] [--first-token-delay 0.2]
    .venv/bin/python bench/stream.py --url http://127.0.0.1:8000 --session KEY [...]   # a running server

By default it starts everything itself, on the embedded default (SQLite file in a temporary
directory, in-memory channel layer, tasks in process):

- two fake providers (providers/fake_server.py, each in its own process so they do not share the
  benchmark's CPU): one paced (--paced-tps tokens/s after --first-token-delay), one unpaced;
- a Daphne server whose librechat.yaml has the custom endpoints "Bench" (paced fake) and
  "BenchUnpaced" (unpaced fake);
- one account and session per client.

For each client count and each pace, N WebSocket clients (Origin and Cookie headers as a browser
sends them) connect, then all send one `send` frame at once and read until `final`. The model is
`bench-echo` (the fake echoes the prompt), so the reply length is set by the prompt: a short one
when paced, a long one (--unpaced-words) when unpaced so that throughput means something.

Figures:
- TTFT: from sending `send` to the first `delta` frame, per client (median, p95);
- direct TTFT: the same request streamed straight to the fake with the openai SDK (a few times
  in a row for 1 client; N at once for N clients); added TTFT = server TTFT - median direct TTFT
  (what the server adds);
- tokens/s relayed: sum of the final messages' completion_tokens / wall time (first send to last
  final), and characters/s likewise;
- failures: an `error` frame, a `final` with error=true, a timeout or an exception;
- server RSS: peak over the run (sampled every 100 ms with psutil, children included), and the
  server's CPU use over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import websockets  # noqa: E402

from tests.servers import (  # noqa: E402
    PYTHON,
    DaphneServer,
    Process,
    base_env,
    create_sessions,
    custom_endpoint,
    free_port,
    prepare_sqlite,
    write_librechat_yaml,
)

MODEL = "bench-echo"
PACED_ENDPOINT = "Bench"
UNPACED_ENDPOINT = "BenchUnpaced"
KEY_VARIABLE = "BENCH_PROVIDER_KEY"
KEY = "bench-key"
LISTEN_BACKLOG = 1024
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]

TARGETS = {
    "added_ttft_1": 5.0,  # ms, median added TTFT with one client
    "ttft_50": 100.0,  # ms, median TTFT with 50 clients starting at once
    "failures": 0,
    "tokens_per_second": 20_000.0,  # unpaced, 50 clients
    "rss_mb": 200.0,
}


# --- processes -------------------------------------------------------------------------------------
class FakeProvider(Process):
    """providers/fake_server.py in its own process."""

    def __init__(self, log: Path, tokens_per_second: float, first_token_delay: float) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        options = [
            "--port", str(self.port),
            "--tokens-per-second", str(tokens_per_second), "--first-token-delay", str(first_token_delay),
        ]
        # socketserver's default listen backlog is 5: a burst of 50 connections would see SYN
        # retries (a 1 s stall) or resets. A real provider accepts them, so widen it here.
        code = (
            "import sys; import providers.fake_server as fake; "
            f"fake._HTTPServer.request_queue_size = {LISTEN_BACKLOG}; fake.main(sys.argv[1:])"
        )
        args = [PYTHON, "-c", code, *options]
        super().__init__(args, base_env(), log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the fake provider exited:\n{self.output()}")
            request = urllib.request.Request(self.url + "/v1/models", headers={"Authorization": f"Bearer {KEY}"})
            try:
                with urllib.request.urlopen(request, timeout=1) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        raise RuntimeError(f"the fake provider did not start:\n{self.output()}")


def write_config(directory: Path, paced_url: str, unpaced_url: str) -> Path:
    endpoints = [
        custom_endpoint(PACED_ENDPOINT, f"{paced_url}/v1", [MODEL], KEY_VARIABLE, titleConvo=False),
        custom_endpoint(UNPACED_ENDPOINT, f"{unpaced_url}/v1", [MODEL], KEY_VARIABLE, titleConvo=False),
    ]
    return write_librechat_yaml(directory / "librechat.yaml", endpoints)


# --- measuring ----------------------------------------------------------------------------------------
@dataclass
class ClientResult:
    created: float | None = None  # send -> `created` (the messages are stored)
    ttft: float | None = None
    done: float | None = None
    completion_tokens: int = 0
    chars: int = 0
    frames: int = 0
    failure: str = ""


@dataclass
class Scenario:
    label: str
    clients: int
    endpoint: str
    prompt: str
    results: list[ClientResult] = field(default_factory=list)
    wall: float = 0.0
    direct_ttft: float | None = None
    peak_rss: float | None = None
    server_cpu: float | None = None

    @property
    def failures(self) -> int:
        return sum(1 for result in self.results if result.failure)

    def ttfts(self) -> list[float]:
        return [result.ttft for result in self.results if result.ttft is not None]

    def created(self) -> list[float]:
        return [result.created for result in self.results if result.created is not None]

    def frames_per_reply(self) -> float:
        done = [result.frames for result in self.results if not result.failure]
        return statistics.mean(done) if done else 0.0


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def prompt_of(words: int, seed: int) -> str:
    chooser = random.Random(seed)
    return " ".join(chooser.choice(WORDS) for _ in range(words))


class RssSampler:
    """Peak RSS and CPU time of a process tree, sampled every 100 ms on the event loop."""

    def __init__(self, pid: int | None) -> None:
        self.process = psutil.Process(pid) if pid else None
        self.peak = 0
        self._task: asyncio.Task[None] | None = None
        self._cpu_start = 0.0

    def _tree(self) -> list[psutil.Process]:
        assert self.process is not None
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.Error:
            return [self.process]

    def _sample(self) -> None:
        total = 0
        for process in self._tree():
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        self.peak = max(self.peak, total)

    def _cpu(self) -> float:
        total = 0.0
        for process in self._tree():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(0.1)

    def start(self) -> None:
        if self.process is None:
            return
        self.peak = 0
        self._cpu_start = self._cpu()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> tuple[float | None, float | None]:
        """(peak RSS in MB, CPU seconds used) since start."""
        if self.process is None or self._task is None:
            return None, None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._sample()
        return self.peak / 1e6, self._cpu() - self._cpu_start


async def direct_ttft(provider_url: str, prompt: str, runs: int, concurrency: int = 1) -> float:
    """Median time to the first content chunk, streaming straight to the fake with the openai SDK.

    With concurrency 1: `runs` requests one after another on a kept-alive connection (after one
    warm-up). With more: one round of `concurrency` requests at once, each closed after its first
    token, so the fake's own TTFT under the same load is what the server's is compared with.
    """
    import openai

    client = openai.AsyncOpenAI(api_key=KEY, base_url=provider_url + "/v1", max_retries=0)

    async def one(read_all: bool) -> float | None:
        started = time.perf_counter()
        first: float | None = None
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            stream_options={"include_usage": True},
        )
        try:
            async for chunk in stream:
                if first is None and chunk.choices and chunk.choices[0].delta.content:
                    first = time.perf_counter() - started
                    if not read_all:
                        break
        finally:
            await stream.close()
        return first

    try:
        if concurrency <= 1:
            await one(True)  # warms up the connection
            times = [await one(True) for _ in range(runs)]
        else:
            times = list(await asyncio.gather(*(one(False) for _ in range(concurrency))))
    finally:
        await client.close()
    return statistics.median([value for value in times if value is not None])


async def run_client(
    ws_url: str, headers: dict[str, str], endpoint: str, prompt: str, start: asyncio.Event, timeout: float
) -> ClientResult:
    result = ClientResult()
    try:
        async with websockets.connect(
            ws_url, additional_headers=headers, max_size=None, open_timeout=30, ping_interval=None
        ) as socket:
            request = uuid.uuid4().hex
            frame = {
                "type": "send", "request": request, "conversation": None, "parent": None,
                "text": prompt, "endpoint": endpoint, "model": MODEL,
            }
            await start.wait()
            sent = time.perf_counter()
            await socket.send(json.dumps(frame))
            deadline = sent + timeout
            while True:
                raw = await asyncio.wait_for(socket.recv(), max(0.1, deadline - time.perf_counter()))
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "created" and result.created is None:
                    result.created = time.perf_counter() - sent
                elif kind == "delta":
                    result.frames += 1
                    if result.ttft is None:
                        result.ttft = time.perf_counter() - sent
                elif kind == "error":
                    result.failure = f"error frame: {message.get('code')}: {message.get('message')}"
                    return result
                elif kind == "final":
                    result.done = time.perf_counter()
                    final = message.get("message") or {}
                    result.completion_tokens = int(final.get("completion_tokens") or 0)
                    result.chars = len(final.get("text") or "")
                    if final.get("error"):
                        result.failure = f"final error: {final.get('error_code')}: {final.get('error_message')}"
                    elif final.get("text") != prompt:
                        result.failure = f"final text differs from the echoed prompt ({result.chars} chars)"
                    return result
    except TimeoutError:
        result.failure = "timed out"
    except Exception as error:  # noqa: BLE001 - any failure of a client is counted and reported
        result.failure = f"{type(error).__name__}: {error}"
    return result


async def run_scenario(
    scenario: Scenario, ws_url: str, origin: str, sessions: list[str], sampler: RssSampler, timeout: float,
    repeat: int = 1,
) -> None:
    """Runs the scenario `repeat` times one after the other and pools the results (and wall times)."""
    results: list[ClientResult] = []
    wall = 0.0
    peak: float | None = None
    cpu_total: float | None = None
    for _ in range(repeat):
        await _run_once(scenario, ws_url, origin, sessions, sampler, timeout)
        results += scenario.results
        wall += scenario.wall
        if scenario.peak_rss is not None:
            peak = max(peak or 0.0, scenario.peak_rss)
        if scenario.server_cpu is not None:
            cpu_total = (cpu_total or 0.0) + scenario.server_cpu * scenario.wall / 100
    scenario.results, scenario.wall, scenario.peak_rss = results, wall, peak
    scenario.server_cpu = cpu_total / wall * 100 if cpu_total is not None and wall else None


async def _run_once(
    scenario: Scenario, ws_url: str, origin: str, sessions: list[str], sampler: RssSampler, timeout: float
) -> None:
    start = asyncio.Event()
    cookies = [f"sessionid={sessions[i % len(sessions)]}" for i in range(scenario.clients)]
    headers = [{"Origin": origin, "Cookie": cookie} for cookie in cookies]
    tasks = [
        asyncio.create_task(run_client(ws_url, headers[i], scenario.endpoint, scenario.prompt, start, timeout))
        for i in range(scenario.clients)
    ]
    # Let every socket connect first: the clients then send at the same moment.
    await asyncio.sleep(0.5 + scenario.clients * 0.02)
    sampler.start()
    began = time.perf_counter()
    start.set()
    scenario.results = list(await asyncio.gather(*tasks))
    ends = [result.done for result in scenario.results if result.done is not None]
    scenario.wall = (max(ends) if ends else time.perf_counter()) - began
    scenario.peak_rss, cpu = await sampler.stop()
    scenario.server_cpu = (cpu / scenario.wall * 100) if cpu is not None and scenario.wall else None


# --- report ---------------------------------------------------------------------------------------------
def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.1f}"


def print_table(scenarios: list[Scenario], paced_tps: float, first_token_delay: float) -> None:
    header = (
        f"{'scenario':<10}{'clients':>8}{'replies':>8}{'stored':>8}{'TTFT med':>10}{'TTFT p95':>10}{'direct':>8}"
        f"{'added med':>11}{'added p95':>11}{'frames':>8}{'tokens/s':>10}{'chars/s':>10}{'fail':>5}{'wall s':>8}"
        f"{'RSS MB':>8}{'CPU %':>7}"
    )
    print()
    print(f"Streaming benchmark (times in ms; paced = {paced_tps:g} tokens/s after {first_token_delay:g} s)")
    print(header)
    print("-" * len(header))
    for scenario in scenarios:
        ttfts = scenario.ttfts()
        direct = scenario.direct_ttft
        added = [ttft - direct for ttft in ttfts] if direct is not None else []
        tokens = sum(result.completion_tokens for result in scenario.results if not result.failure)
        chars = sum(result.chars for result in scenario.results if not result.failure)
        rate = tokens / scenario.wall if scenario.wall else 0
        char_rate = chars / scenario.wall if scenario.wall else 0
        rss = "n/a" if scenario.peak_rss is None else f"{scenario.peak_rss:.0f}"
        cpu = "n/a" if scenario.server_cpu is None else f"{scenario.server_cpu:.0f}"
        print(
            f"{scenario.label:<10}{scenario.clients:>8}{len(scenario.results):>8}"
            f"{ms(percentile(scenario.created(), 0.5)):>8}"
            f"{ms(percentile(ttfts, 0.5)):>10}{ms(percentile(ttfts, 0.95)):>10}"
            f"{ms(direct):>8}{ms(percentile(added, 0.5)):>11}{ms(percentile(added, 0.95)):>11}"
            f"{scenario.frames_per_reply():>8.1f}"
            f"{rate:>10.0f}{char_rate:>10.0f}{scenario.failures:>5}{scenario.wall:>8.2f}{rss:>8}{cpu:>7}"
        )
    print(
        "stored = median send -> `created` (messages stored); frames = delta frames per reply; "
        "CPU % = server process over the wall time (100 = one core)"
    )
    failures = [(s.label, result.failure) for s in scenarios for result in s.results if result.failure]
    for label, failure in failures[:10]:
        print(f"  failure in {label}: {failure}")
    print_targets(scenarios)


def _verdict(value: float | None, limit: float, *, at_least: bool = False) -> str:
    if value is None:
        return "n/a"
    ok = value >= limit if at_least else value <= limit
    return "ok" if ok else "MISSED"


def print_targets(scenarios: list[Scenario]) -> None:
    def find(pace: str, clients: int) -> Scenario | None:
        return next((s for s in scenarios if s.label.startswith(pace) and s.clients == clients), None)

    most = max((scenario.clients for scenario in scenarios), default=0)
    rows: list[tuple[str, str, str, str]] = []
    for pace in ("paced", "unpaced"):
        one = find(pace, 1)
        if one is not None and one.direct_ttft is not None:
            added = percentile([ttft - one.direct_ttft for ttft in one.ttfts()], 0.5)
            rows.append((f"added TTFT, 1 client, {pace} (median)", f"{ms(added)} ms", "<= 5 ms", _verdict(
                None if added is None else added * 1000, TARGETS["added_ttft_1"])))
    for pace in ("paced", "unpaced"):
        many = find(pace, most) if most > 1 else None
        if many is None:
            continue
        ttft = percentile(many.ttfts(), 0.5)
        if pace == "paced" and many.direct_ttft is not None and ttft is not None:
            # The paced fake itself waits before its first token: compare what the server adds
            # (the direct TTFT of this row is measured with as many requests at once).
            added = ttft - many.direct_ttft
            rows.append((f"TTFT, {most} clients at once, paced (median, added)", f"{ms(added)} ms", "<= 100 ms",
                         _verdict(added * 1000, TARGETS["ttft_50"])))
        else:
            rows.append((f"TTFT, {most} clients at once, {pace} (median)", f"{ms(ttft)} ms", "<= 100 ms",
                         _verdict(None if ttft is None else ttft * 1000, TARGETS["ttft_50"])))
    total_failures = sum(scenario.failures for scenario in scenarios)
    rows.append(("failures (all runs)", str(total_failures), "0", _verdict(total_failures, TARGETS["failures"])))
    unpaced = find("unpaced", most)
    if unpaced is not None and unpaced.wall:
        rate = sum(r.completion_tokens for r in unpaced.results if not r.failure) / unpaced.wall
        rows.append((f"tokens/s relayed, unpaced, {most} clients", f"{rate:,.0f}", ">= 20,000",
                     _verdict(rate, TARGETS["tokens_per_second"], at_least=True)))
    peaks = [scenario.peak_rss for scenario in scenarios if scenario.peak_rss is not None]
    if peaks:
        rows.append(("server RSS, peak", f"{max(peaks):.0f} MB", "<= 200 MB", _verdict(max(peaks), TARGETS["rss_mb"])))
    print()
    print(f"{'target':<50}{'measured':>14}{'target':>13}{'':>4}verdict")
    for name, measured, target, verdict in rows:
        print(f"{name:<50}{measured:>14}{target:>13}{'':>4}{verdict}")
    print()


# --- main -------------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,50", help="client counts, comma-separated (default 1,50)")
    parser.add_argument("--paced-tps", type=float, default=50.0, help="tokens/s of the paced fake (default 50)")
    parser.add_argument("--first-token-delay", type=float, default=0.2, help="paced fake's wait before token 1")
    parser.add_argument("--paced-words", type=int, default=30, help="prompt (and reply) length when paced")
    parser.add_argument("--unpaced-words", type=int, default=2000, help="prompt (and reply) length when unpaced")
    parser.add_argument("--direct-runs", type=int, default=5, help="direct requests to the fake for its own TTFT")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each single-client scenario (pooled)")
    parser.add_argument("--modes", default="paced,unpaced", help="which paces to run (default paced,unpaced)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a client waits for its final frame")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the server started here (repeatable)")
    external = parser.add_argument_group("an already-running server (--url)")
    external.add_argument("--url", help="base URL of a running server, e.g. http://127.0.0.1:8000")
    external.add_argument("--session", action="append", default=[], help="a signed-in session key (repeatable)")
    external.add_argument("--paced-endpoint", default=PACED_ENDPOINT)
    external.add_argument("--unpaced-endpoint", default=UNPACED_ENDPOINT)
    external.add_argument("--paced-provider", help="the paced endpoint's provider URL (for the direct TTFT)")
    external.add_argument("--unpaced-provider", help="the unpaced endpoint's provider URL (for the direct TTFT)")
    external.add_argument("--pid", type=int, help="the server's process id (for RSS and CPU)")
    return parser.parse_args(argv)


async def benchmark(options: argparse.Namespace, base_url: str, sessions: list[str], pid: int | None,
                    providers: dict[str, str | None], endpoints: dict[str, str]) -> list[Scenario]:
    ws_url = base_url.replace("http", "ws", 1).rstrip("/") + "/ws/chat/"
    counts = [int(part) for part in options.clients.split(",") if part.strip()]
    modes = [mode.strip() for mode in options.modes.split(",") if mode.strip()]
    words = {"paced": options.paced_words, "unpaced": options.unpaced_words}
    sampler = RssSampler(pid)
    for mode in modes:
        # Warm the server up (imports, the provider client, the token encodings): not measured.
        warm = Scenario(f"warm-{mode}", 1, endpoints[mode], prompt_of(words[mode], 1))
        await run_scenario(warm, ws_url, base_url, sessions, RssSampler(None), options.timeout)
        if warm.failures:
            print(f"warm-up failed: {[r.failure for r in warm.results]}", file=sys.stderr)
    scenarios: list[Scenario] = []
    for count in counts:
        for mode in modes:
            scenario = Scenario(f"{mode}", count, endpoints[mode], prompt_of(words[mode], 2))
            provider = providers.get(mode)
            if provider:
                scenario.direct_ttft = await direct_ttft(provider, scenario.prompt, options.direct_runs, count)
            print(f"running {mode} with {count} client(s)...", file=sys.stderr, flush=True)
            repeat = options.repeat if count == 1 else 1
            await run_scenario(scenario, ws_url, base_url, sessions, sampler, options.timeout, repeat)
            scenarios.append(scenario)
    return scenarios


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    counts = [int(part) for part in options.clients.split(",") if part.strip()]
    # SIGTERM ends the run through the same clean-up as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    if options.url:
        if not options.session:
            print("--url needs at least one --session KEY (a signed-in session cookie)", file=sys.stderr)
            return 2
        scenarios = asyncio.run(benchmark(
            options, options.url, options.session, options.pid,
            {"paced": options.paced_provider, "unpaced": options.unpaced_provider},
            {"paced": options.paced_endpoint, "unpaced": options.unpaced_endpoint},
        ))
        print_table(scenarios, options.paced_tps, options.first_token_delay)
        return 0

    directory = Path(tempfile.mkdtemp(prefix="librechat-bench-"))
    started: list[Process] = []
    try:
        paced = FakeProvider(directory / "fake-paced.log", options.paced_tps, options.first_token_delay)
        started.append(paced)
        unpaced = FakeProvider(directory / "fake-unpaced.log", 0, 0)
        started.append(unpaced)
        database_url = prepare_sqlite(directory)
        config = write_config(directory, paced.url, unpaced.url)
        extra = dict(item.split("=", 1) for item in options.env)
        env = base_env(
            DATABASE_URL=database_url, DATA_DIR=str(directory), LIBRECHAT_CONFIG=str(config),
            **{KEY_VARIABLE: KEY}, **extra,
        )
        emails = [f"bench-{index}@example.org" for index in range(max(counts))]
        sessions = list(create_sessions(env, emails).values())
        server = DaphneServer(env, directory / "daphne.log")
        started.append(server)
        print(f"server {server.url} (pid {server.process.pid}), data in {directory}", file=sys.stderr)
        scenarios = asyncio.run(benchmark(
            options, server.url, sessions, server.process.pid,
            {"paced": paced.url, "unpaced": unpaced.url},
            {"paced": PACED_ENDPOINT, "unpaced": UNPACED_ENDPOINT},
        ))
        print_table(scenarios, options.paced_tps, options.first_token_delay)
        errors = [line for line in server.output().splitlines() if "ERROR" in line or "Traceback" in line]
        if errors:
            print(f"server log has {len(errors)} error line(s), e.g.: {errors[0]}")
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for process in reversed(started):
            process.stop()
        if options.keep:
            print(f"kept {directory}", file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
