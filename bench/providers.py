"""Per-token cost of each provider adapter, against the fake provider speaking that provider's wire format.

    .venv/bin/python bench/providers.py [--words 2000] [--repeat 5] [--providers openai,azure,...]

The fake provider runs in its own process (so its CPU is not counted here), unpaced, and echoes
the prompt, so a prompt of --words words comes back as roughly twice as many tokens. For each
provider the real SDK streams the reply through our adapter (`Provider.stream`) until `Done`;
as a baseline the same request is read as raw bytes with httpx2 (no SDK, no parsing).

Figures, medians over --repeat runs:
- tokens: text pieces received;
- adapter wall µs/token and CPU µs/token (process CPU time, every thread: Bedrock reads on one);
- raw CPU µs/token: reading the same response as bytes;
- overhead µs/token = adapter CPU - raw CPU: what the SDK and the adapter add per token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "librechat.settings")

import django  # noqa: E402

django.setup()

import httpx2  # noqa: E402

from providers.base import ChatMessage, ChatRequest, Done, Provider, ReasoningDelta, TextDelta  # noqa: E402
from providers.registry import Endpoint  # noqa: E402
from tests.servers import PYTHON, free_port  # noqa: E402

KEY = "bench-key"
MODEL = "bench-echo"
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]
PROVIDERS = ["openai", "anthropic", "azure", "google", "bedrock"]


@dataclass
class Run:
    tokens: int
    wall: float
    cpu: float


def adapter_for(kind: str, url: str) -> tuple[Provider, str]:
    """The adapter pointed at the fake, and the model name to ask for."""
    if kind == "openai":
        from providers.openai_adapter import OpenAIProvider

        return OpenAIProvider(Endpoint(name="o", kind="openai", label="o", models=[MODEL], base_url=f"{url}/v1",
                                       api_key=KEY)), MODEL
    if kind == "anthropic":
        from providers.anthropic_adapter import AnthropicProvider

        return AnthropicProvider(Endpoint(name="a", kind="anthropic", label="a", models=[MODEL], base_url=url,
                                          api_key=KEY)), MODEL
    if kind == "azure":
        from providers.azure_adapter import AzureOpenAIProvider

        deployment = {"group": "g", "deployment": MODEL, "version": "2024-10-21",
                      "base_url": f"{url}/openai/deployments/{MODEL}", "api_key": KEY, "headers": {},
                      "add_params": {}, "drop_params": []}
        return AzureOpenAIProvider(Endpoint(name="azureOpenAI", kind="azure", label="Azure", models=["gpt-4o"],
                                            options={"deployments": {"gpt-4o": deployment}})), "gpt-4o"
    if kind == "google":
        from providers.google_adapter import GoogleProvider

        return GoogleProvider(Endpoint(name="google", kind="google", label="g", models=[MODEL], base_url=url,
                                       api_key=KEY)), MODEL
    from providers.bedrock_adapter import BedrockProvider

    return BedrockProvider(Endpoint(name="bedrock", kind="bedrock", label="b", models=[MODEL], base_url=url,
                                    api_key="bench-secret",
                                    options={"region": "us-east-1", "access_key_id": "AKIDBENCH"})), f"meta.{MODEL}"


def raw_request(kind: str, url: str, prompt: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(url, headers, body) of the same streamed request, for reading as bytes."""
    messages = [{"role": "user", "content": prompt}]
    if kind == "openai":
        return f"{url}/v1/chat/completions", {"authorization": f"Bearer {KEY}"}, {
            "model": MODEL, "messages": messages, "stream": True, "stream_options": {"include_usage": True}}
    if kind == "anthropic":
        return f"{url}/v1/messages", {"x-api-key": KEY}, {
            "model": MODEL, "messages": messages, "max_tokens": 100_000, "stream": True}
    if kind == "azure":
        return f"{url}/openai/deployments/{MODEL}/chat/completions?api-version=2024-10-21", {"api-key": KEY}, {
            "model": MODEL, "messages": messages, "stream": True, "stream_options": {"include_usage": True}}
    if kind == "google":
        return f"{url}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse", {"x-goog-api-key": KEY}, {
            "contents": [{"role": "user", "parts": [{"text": prompt}]}]}
    return (f"{url}/model/meta.{MODEL}/converse-stream",
            {"authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/bedrock/aws4_request"},
            {"messages": [{"role": "user", "content": [{"text": prompt}]}]})


async def measure(action: Callable[[], Awaitable[int]]) -> Run:
    wall, cpu = time.perf_counter(), time.process_time()
    tokens = await action()
    return Run(tokens=tokens, wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)


async def bench_provider(kind: str, url: str, prompt: str, repeat: int) -> dict[str, float]:
    provider, model = adapter_for(kind, url)
    request = ChatRequest(model=model, messages=[ChatMessage(role="user", text=prompt)], params={"max_tokens": 100_000})

    async def through_adapter() -> int:
        tokens = 0
        async for event in provider.stream(request):
            if isinstance(event, TextDelta | ReasoningDelta):
                tokens += 1
            elif isinstance(event, Done):
                break
        return tokens

    address, headers, body = raw_request(kind, url, prompt)
    # One client for every raw run, as the adapters keep theirs.
    raw_client = httpx2.AsyncClient(timeout=60)

    async def raw_bytes() -> int:
        async with raw_client.stream("POST", address, headers=headers, json=body) as response:
            async for _chunk in response.aiter_raw():
                pass
        return 0

    await through_adapter()  # warm up: connections, imports, the SDK's first-use work
    await raw_bytes()
    adapter_runs = [await measure(through_adapter) for _ in range(repeat)]
    raw_runs = [await measure(raw_bytes) for _ in range(repeat)]
    await raw_client.aclose()
    close = getattr(provider, "aclose", None)
    if close is not None:
        await close()
    tokens = adapter_runs[0].tokens
    adapter_cpu = statistics.median(run.cpu for run in adapter_runs) / tokens * 1e6
    raw_cpu = statistics.median(run.cpu for run in raw_runs) / tokens * 1e6
    return {
        "tokens": tokens,
        "wall": statistics.median(run.wall for run in adapter_runs) / tokens * 1e6,
        "cpu": adapter_cpu,
        "raw": raw_cpu,
        "overhead": adapter_cpu - raw_cpu,
    }


def start_fake() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "providers.fake_server", "--port", str(port)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/v1/models", timeout=1)  # noqa: S310 - our own local fake
        except urllib.error.HTTPError:
            return process, url  # 401 without a key: it is up
        except OSError:
            time.sleep(0.05)
        else:
            return process, url
    process.kill()
    raise RuntimeError("the fake provider did not start")


async def main(options: argparse.Namespace) -> None:
    prompt = " ".join(WORDS[index % len(WORDS)] for index in range(options.words))
    process, url = start_fake()
    results: dict[str, dict[str, float]] = {}
    try:
        for kind in options.providers.split(","):
            results[kind] = await bench_provider(kind, url, prompt, options.repeat)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"Per-token adapter cost, {options.words}-word echo, median of {options.repeat} runs "
          "(fake in its own process)")
    print(f"{'provider':<10} {'tokens':>7} {'wall µs/tok':>12} {'CPU µs/tok':>11} {'raw CPU':>8} {'overhead':>9}")
    for kind, figures in results.items():
        print(f"{kind:<10} {figures['tokens']:>7.0f} {figures['wall']:>12.1f} {figures['cpu']:>11.1f} "
              f"{figures['raw']:>8.1f} {figures['overhead']:>9.1f}")
    if options.json:
        print(json.dumps(results))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    asyncio.run(main(parser.parse_args()))
