"""A local stand-in for the AI providers' HTTP APIs, so tests and benchmarks run the real SDKs offline.

It answers Chat Completions, the Responses API, Anthropic Messages, Azure OpenAI's deployment
paths (`/openai/deployments/<d>/chat/completions?api-version=`), Gemini's
`:streamGenerateContent?alt=sse` (and Vertex AI's publisher paths with Google's OAuth token
endpoint for service accounts), Bedrock's ConverseStream in AWS's binary event-stream framing
(see providers.eventstream), and the model lists with
providers.demo_text's reply, streamed as Server-Sent Events over chunked HTTP/1.1. The requested
model name switches behaviour, so the switches work from a librechat.yaml too:

- ``error-401`` / ``error-429`` / ``error-500`` (any ``error-NNN``): that status with the API's error body;
- ``cut``: a few tokens, then the connection is closed without the final event or terminating chunk;
- ``stall``: a few tokens, then silence for ``stall_seconds`` (the stream finishes afterwards);
- ``unfinished``: a few tokens, then the response ends cleanly but without its final events;
- ``echo``: the reply is exactly the last user message;
- Bedrock only: ``stream-error`` sends a ``modelStreamErrorException`` after a few tokens;
- Chat Completions only: ``reason`` streams ``delta.reasoning_content`` first (DeepSeek), and
  ``openrouter`` streams ``delta.reasoning`` first (OpenRouter).

Reasoning also streams when the request asks for it: Responses ``reasoning.summary``, Anthropic
``thinking``. A system prompt that mentions a title gets a short title as the reply. Token counts
in usage are the number of demo_text.split_tokens pieces (prompt: of all message texts).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from providers.demo_text import demo_reasoning, demo_reply, demo_title, split_tokens
from providers.eventstream import event_message, exception_message

BAD_KEY = "bad-key"
# Tokens sent before a `cut` model drops the connection or a `stall` model goes quiet.
TOKENS_BEFORE_TROUBLE = 3
MAX_RECORDED = 200
DEFAULT_MODELS = ["gpt-4o-mini", "gpt-4o", "o4-mini", "claude-sonnet-4-5", "fake-chat"]

_ERROR_MODEL = re.compile(r"error-(\d{3})")

# (type, code, message) as OpenAI sends them; `{key}` and `{model}` are filled in.
_OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: (
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys.",
    ),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported",
    ),
    404: (
        "invalid_request_error",
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    429: (
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1.",
    ),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}
_ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key: {key}"),
    403: ("permission_error", "Your API key does not have permission to use the specified resource."),
    404: ("not_found_error", "model: {model}"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "This request would exceed the rate limit for your organization."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}

GOOGLE_ACCESS_TOKEN = "fake-google-access-token"  # noqa: S105 - a fake server's own token
_AZURE_ERRORS: dict[int, str] = {
    401: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid "
    "key for an active subscription and use a correct regional API endpoint for your resource.",
    404: "The API deployment for this resource does not exist.",
    429: "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version {version} have "
    "exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.",
    500: "The server had an error while processing your request. Sorry about that!",
}
# (status, message) as Google's JSON errors carry them.
_GEMINI_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission."),
    404: ("NOT_FOUND", "models/{model} is not found for API version v1beta."),
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("INTERNAL", "An internal error has occurred. Please retry or report the problem."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
}
# (x-amzn-ErrorType, message) for Bedrock's HTTP errors.
_BEDROCK_ERRORS: dict[int, tuple[str, str]] = {
    400: ("ValidationException", "The provided request is not valid."),
    401: ("UnrecognizedClientException", "The security token included in the request is invalid."),
    403: ("AccessDeniedException", "You don't have access to the model with the specified model ID."),
    404: ("ResourceNotFoundException", "The requested resource could not be found."),
    429: ("ThrottlingException", "Too many requests, please wait before trying again."),
    500: ("InternalServerException", "The server encountered an internal error."),
    503: ("ServiceUnavailableException", "The service is unavailable. Try again later."),
}


@dataclass
class RecordedRequest:
    method: str
    path: str
    # Header names lower-cased.
    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class _Plan:
    """What one reply will be: its pieces, its reasoning pieces and how it ends."""

    model: str
    tokens: list[str]
    reasoning: list[str]
    prompt_tokens: int
    finish: str = "stop"
    cut: bool = False
    stall: bool = False
    unfinished: bool = False
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)

    @property
    def completion_tokens(self) -> int:
        return len(self.tokens) + len(self.reasoning)


class _Abort(Exception):
    """The server is stopping: end this response without completing it."""


class _Cut(Exception):
    """Drop the connection as if the network broke."""


# Each streamed item: (is_token, bytes). Pacing, cuts and stalls count only the token items.
_Stream = Iterator[tuple[bool, bytes]]


def _sse(payload: dict[str, Any], event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


def _new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") in ("text", "input_text", "output_text")
        )
    return ""


def _image_types(content: Any) -> list[str]:
    """Media types of the images in a message's content, in any provider's shape."""
    types: list[str] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        url = ""
        if part.get("type") == "image_url" and isinstance(part.get("image_url"), dict):
            url = str(part["image_url"].get("url", ""))
        elif part.get("type") == "input_image":
            url = str(part.get("image_url", ""))
        elif part.get("type") == "image" and isinstance(part.get("source"), dict):
            source = part["source"]
            types.append(str(source.get("media_type") or source.get("url") or "?"))
            continue
        elif isinstance(part.get("inline_data"), dict):
            types.append(str(part["inline_data"].get("mime_type", "?")))
            continue
        else:
            continue
        types.append(url[5:].split(";", 1)[0] if url.startswith("data:") else url)
    return types


def _user_text(content: Any) -> str:
    """A user turn's text; echo models also say which images came with it."""
    text = _content_text(content)
    images = _image_types(content)
    return f"{text} [images: {', '.join(images)}]" if images else text


def _max_tokens(body: dict[str, Any], *names: str) -> int | None:
    for name in names:
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Benchmarks open dozens of connections at once; the default backlog of 5 drops them.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeProviderServer) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response is normal here (cancelled and timed-out streams).
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeProvider/1.0"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet: tests and benchmarks do not want a line per request.
        return

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # --- request handling ----------------------------------------------------------------------
    @property
    def fake(self) -> FakeProviderServer:
        return self.server.fake

    def _dispatch(self) -> None:
        try:
            self._route()
        except _Cut:
            self.close_connection = True
        except (_Abort, OSError):
            self.close_connection = True

    def _route(self) -> None:
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        path = urlsplit(self.path).path.rstrip("/")
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.fake._record(RecordedRequest(self.command, self.path, headers, body))
        # Azure OpenAI, Google (Gemini API and Vertex AI, with its OAuth token) and Bedrock
        # are told apart by their paths.
        if path.endswith("/token") and self.command == "POST":
            return self._google_token(raw)
        if "/openai/deployments/" in path:
            return self._azure(path, headers, body)
        if ":streamGenerateContent" in path or ":generateContent" in path:
            return self._gemini(path, headers, body)
        if path.startswith("/model/"):
            return self._bedrock(path, headers, body)
        anthropic = path.endswith("/messages") or (
            path.endswith("/models") and ("anthropic-version" in headers or "x-api-key" in headers)
        )
        key = self._api_key(headers)
        model = str(body.get("model", "")) if isinstance(body, dict) else ""
        if not key or key == BAD_KEY:
            return self._error(401, anthropic=anthropic, key=key, model=model)
        if self.command == "GET" and path.endswith("/models"):
            return self._models()
        if self.command != "POST" or not isinstance(body, dict):
            status = 404 if self.command != "POST" else 400
            return self._error(status, anthropic=anthropic, key=key, model=model)
        match = _ERROR_MODEL.search(model)
        if match:
            return self._error(int(match.group(1)), anthropic=anthropic, key=key, model=model)
        if path.endswith("/chat/completions"):
            return self._chat(body)
        if path.endswith("/responses"):
            return self._responses(body)
        if path.endswith("/messages"):
            return self._messages(body)
        return self._error(404, anthropic=anthropic, key=key, model=model)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    @staticmethod
    def _api_key(headers: dict[str, str]) -> str:
        if headers.get("x-api-key"):
            return headers["x-api-key"]
        scheme, _, token = headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    # --- plain responses -----------------------------------------------------------------------
    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, *, anthropic: bool, key: str, model: str) -> None:
        headers = {"retry-after": "1"} if status == 429 else {}
        if anthropic:
            error_type, message = _ANTHROPIC_ERRORS.get(status, ("api_error", "Error"))
            request_id = _new_id("req_")
            payload: dict[str, Any] = {
                "type": "error",
                "error": {"type": error_type, "message": message.format(key=key, model=model)},
                "request_id": request_id,
            }
            headers["request-id"] = request_id
        else:
            error_type, code, message = _OPENAI_ERRORS.get(status, ("server_error", None, "Error"))
            payload = {
                "error": {
                    "message": message.format(key=key, model=model),
                    "type": error_type,
                    "param": None,
                    "code": code,
                }
            }
            headers["x-request-id"] = _new_id("req_")
        self._json(status, payload, headers)

    def _models(self) -> None:
        # One list both SDKs read: OpenAI's fields plus Anthropic's (each SDK ignores the other's).
        data = [
            {
                "id": name,
                "object": "model",
                "created": 1_700_000_000,
                "owned_by": "fake-provider",
                "type": "model",
                "display_name": name,
                "created_at": "2024-01-01T00:00:00Z",
            }
            for name in self.fake.models
        ]
        self._json(
            200,
            {
                "object": "list",
                "data": data,
                "has_more": False,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
            },
        )

    # --- replies -------------------------------------------------------------------------------
    def _plan(self, *, model: str, system: str, texts: list[str], last_user: str, limit: int | None) -> _Plan:
        if "echo" in model:
            reply = last_user
        elif "title" in system.lower():
            reply = demo_title(last_user)
        else:
            reply = demo_reply(last_user)
        tokens = split_tokens(reply)
        finish = "stop"
        if limit is not None and len(tokens) > limit:
            tokens, finish = tokens[:limit], "length"
        prompt_tokens = sum(len(split_tokens(text)) for text in [system, *texts])
        return _Plan(
            model=model,
            tokens=tokens,
            reasoning=[],
            prompt_tokens=prompt_tokens,
            finish=finish,
            cut="cut" in model,
            stall="stall" in model,
            unfinished="unfinished" in model,
        )

    def _send_stream(
        self,
        items: _Stream,
        headers: dict[str, str],
        plan: _Plan,
        content_type: str = "text/event-stream; charset=utf-8",
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        fake = self.fake
        started: float | None = None
        sent = 0
        # A short reply still gets its trouble: after its last token, before the closing events.
        trouble_at = min(TOKENS_BEFORE_TROUBLE, plan.completion_tokens)
        troubled = False
        for is_token, data in items:
            if not troubled and sent == trouble_at and (is_token or sent == plan.completion_tokens):
                troubled = True
                if plan.cut:
                    raise _Cut
                if plan.unfinished:
                    break
                if plan.stall and fake._stopping.wait(fake.stall_seconds):
                    raise _Abort
            if is_token:
                if started is None:
                    started = time.monotonic() + max(0.0, fake.first_token_delay)
                rate = fake.tokens_per_second
                due = started + (sent / rate if rate > 0 else 0.0)
                delay = due - time.monotonic()
                if delay > 0 and fake._stopping.wait(delay):
                    raise _Abort
                sent += 1
            self._chunk(data)
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _send_whole(self, plan: _Plan, payload: dict[str, Any], headers: dict[str, str]) -> None:
        """A non-streamed reply, with the same troubles as a stream."""
        fake = self.fake
        wait = max(0.0, fake.first_token_delay) + (fake.stall_seconds if plan.stall else 0.0)
        if wait and fake._stopping.wait(wait):
            raise _Abort
        if not plan.cut:
            return self._json(200, payload, headers)
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        raise _Cut

    # --- OpenAI Chat Completions ---------------------------------------------------------------
    def _chat(self, body: dict[str, Any]) -> None:
        model = str(body["model"])
        messages = [message for message in body.get("messages") or [] if isinstance(message, dict)]
        system = "\n".join(
            _content_text(message.get("content"))
            for message in messages
            if message.get("role") in ("system", "developer")
        )
        conversation = [message for message in messages if message.get("role") not in ("system", "developer")]
        users = [_user_text(message.get("content")) for message in conversation if message.get("role") == "user"]
        plan = self._plan(
            model=model,
            system=system,
            texts=[_content_text(message.get("content")) for message in conversation],
            last_user=users[-1] if users else "",
            limit=_max_tokens(body, "max_completion_tokens", "max_tokens"),
        )
        reasoning_field = "reasoning" if "openrouter" in model else "reasoning_content" if "reason" in model else None
        if reasoning_field:
            plan.reasoning = split_tokens(demo_reasoning(users[-1] if users else ""))
        completion_id = _new_id("chatcmpl-")
        usage = {
            "prompt_tokens": plan.prompt_tokens,
            "completion_tokens": plan.completion_tokens,
            "total_tokens": plan.prompt_tokens + plan.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": len(plan.reasoning),
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        headers = {"x-request-id": _new_id("req_"), "openai-model": model}
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": plan.text, "refusal": None, "annotations": []}
            if reasoning_field:
                message[reasoning_field] = plan.reasoning_text
            payload = {
                "id": completion_id,
                "object": "chat.completion",
                "created": plan.created,
                "model": model,
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": plan.finish}],
                "usage": usage,
                "service_tier": "default",
                "system_fingerprint": "fp_fake",
            }
            return self._send_whole(plan, payload, headers)
        stream_options = body.get("stream_options")
        include_usage = isinstance(stream_options, dict) and bool(stream_options.get("include_usage"))
        self._send_stream(self._chat_stream(plan, completion_id, usage, include_usage, reasoning_field), headers, plan)

    def _chat_stream(
        self, plan: _Plan, completion_id: str, usage: dict[str, Any], include_usage: bool, reasoning_field: str | None
    ) -> _Stream:
        base: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": plan.created,
            "model": plan.model,
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            payload = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                # With include_usage, OpenAI sends "usage": null on every chunk but the last.
                payload["usage"] = None
            return _sse(payload)

        yield False, chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in plan.reasoning:
            yield True, chunk({"content": None, reasoning_field or "reasoning_content": piece})
        for piece in plan.tokens:
            yield True, chunk({"content": piece})
        yield False, chunk({}, plan.finish)
        if include_usage:
            yield False, _sse({**base, "choices": [], "usage": usage})
        yield False, b"data: [DONE]\n\n"

    # --- OpenAI Responses API ------------------------------------------------------------------
    def _responses(self, body: dict[str, Any]) -> None:
        model = str(body["model"])
        given = body.get("input")
        items = [{"role": "user", "content": given}] if isinstance(given, str) else given or []
        items = [item for item in items if isinstance(item, dict)]
        system_parts = [str(body.get("instructions") or "")]
        system_parts += [
            _content_text(item.get("content")) for item in items if item.get("role") in ("system", "developer")
        ]
        conversation = [item for item in items if item.get("role") not in ("system", "developer")]
        users = [_user_text(item.get("content")) for item in conversation if item.get("role") == "user"]
        plan = self._plan(
            model=model,
            system="\n".join(part for part in system_parts if part),
            texts=[_content_text(item.get("content")) for item in conversation],
            last_user=users[-1] if users else "",
            limit=_max_tokens(body, "max_output_tokens"),
        )
        reasoning = body.get("reasoning") if isinstance(body.get("reasoning"), dict) else None
        if reasoning and reasoning.get("summary"):
            plan.reasoning = split_tokens(demo_reasoning(users[-1] if users else ""))
        response_id = _new_id("resp_")
        reasoning_id = _new_id("rs_")
        message_id = _new_id("msg_")
        usage = {
            "input_tokens": plan.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": plan.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": len(plan.reasoning)},
            "total_tokens": plan.prompt_tokens + plan.completion_tokens,
        }
        output_text = {"type": "output_text", "annotations": [], "logprobs": [], "text": plan.text}
        output: list[dict[str, Any]] = []
        if plan.reasoning:
            output.append(
                {
                    "id": reasoning_id,
                    "type": "reasoning",
                    "summary": [{"type": "summary_text", "text": plan.reasoning_text}],
                }
            )
        message_status = "completed" if plan.finish == "stop" else "incomplete"
        output.append(
            {
                "id": message_id,
                "type": "message",
                "status": message_status,
                "role": "assistant",
                "content": [output_text],
            }
        )

        def response(status: str, with_output: bool) -> dict[str, Any]:
            return {
                "id": response_id,
                "object": "response",
                "created_at": plan.created,
                "status": status,
                "background": False,
                "error": None,
                "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
                "instructions": body.get("instructions"),
                "max_output_tokens": body.get("max_output_tokens"),
                "model": model,
                "output": output if with_output else [],
                "parallel_tool_calls": True,
                "previous_response_id": None,
                "reasoning": {"effort": (reasoning or {}).get("effort"), "summary": (reasoning or {}).get("summary")},
                "store": bool(body.get("store", True)),
                "temperature": body.get("temperature", 1.0),
                "text": {"format": {"type": "text"}},
                "tool_choice": "auto",
                "tools": [],
                "top_p": body.get("top_p", 1.0),
                "truncation": "disabled",
                "usage": usage if with_output else None,
                "user": None,
                "metadata": {},
            }

        final_status = "completed" if plan.finish == "stop" else "incomplete"
        headers = {"x-request-id": _new_id("req_"), "openai-model": model}
        if not body.get("stream"):
            return self._send_whole(plan, response(final_status, True), headers)
        self._send_stream(self._responses_stream(plan, response, final_status, reasoning_id, message_id), headers, plan)

    def _responses_stream(
        self, plan: _Plan, response: Any, final_status: str, reasoning_id: str, message_id: str
    ) -> _Stream:
        sequence = 0

        def event(kind: str, **fields: Any) -> bytes:
            nonlocal sequence
            payload = {"type": kind, "sequence_number": sequence, **fields}
            sequence += 1
            return _sse(payload, kind)

        yield False, event("response.created", response=response("in_progress", False))
        yield False, event("response.in_progress", response=response("in_progress", False))
        index = 0
        if plan.reasoning:
            summary = {"type": "summary_text", "text": plan.reasoning_text}
            where = {"item_id": reasoning_id, "output_index": index, "summary_index": 0}
            yield (
                False,
                event(
                    "response.output_item.added",
                    output_index=index,
                    item={"id": reasoning_id, "type": "reasoning", "summary": []},
                ),
            )
            yield False, event("response.reasoning_summary_part.added", **where, part={**summary, "text": ""})
            for piece in plan.reasoning:
                yield True, event("response.reasoning_summary_text.delta", **where, delta=piece)
            yield False, event("response.reasoning_summary_text.done", **where, text=plan.reasoning_text)
            yield False, event("response.reasoning_summary_part.done", **where, part=summary)
            yield (
                False,
                event(
                    "response.output_item.done",
                    output_index=index,
                    item={"id": reasoning_id, "type": "reasoning", "summary": [summary]},
                ),
            )
            index += 1
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        where = {"item_id": message_id, "output_index": index, "content_index": 0}
        yield (
            False,
            event(
                "response.output_item.added",
                output_index=index,
                item={"id": message_id, "type": "message", "status": "in_progress", "role": "assistant", "content": []},
            ),
        )
        yield False, event("response.content_part.added", **where, part=part)
        for piece in plan.tokens:
            yield True, event("response.output_text.delta", **where, delta=piece, logprobs=[])
        yield False, event("response.output_text.done", **where, text=plan.text, logprobs=[])
        yield False, event("response.content_part.done", **where, part={**part, "text": plan.text})
        final = response(final_status, True)
        yield False, event("response.output_item.done", output_index=index, item=final["output"][-1])
        yield False, event(f"response.{final_status}", response=final)

    # --- Anthropic Messages --------------------------------------------------------------------
    def _messages(self, body: dict[str, Any]) -> None:
        model = str(body["model"])
        system = body.get("system")
        messages = [message for message in body.get("messages") or [] if isinstance(message, dict)]
        users = [_user_text(message.get("content")) for message in messages if message.get("role") == "user"]
        plan = self._plan(
            model=model,
            system=_content_text(system) if system else "",
            texts=[_content_text(message.get("content")) for message in messages],
            last_user=users[-1] if users else "",
            limit=_max_tokens(body, "max_tokens"),
        )
        thinking = body.get("thinking")
        if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
            plan.reasoning = split_tokens(demo_reasoning(users[-1] if users else ""))
        message_id = _new_id("msg_")
        signature = "EqQBCkYIBhgCIkD" + uuid.uuid4().hex
        stop_reason = "end_turn" if plan.finish == "stop" else "max_tokens"
        usage = {
            "input_tokens": plan.prompt_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": plan.completion_tokens,
            "service_tier": "standard",
        }
        headers = {"request-id": _new_id("req_")}
        if not body.get("stream"):
            content: list[dict[str, Any]] = []
            if plan.reasoning:
                content.append({"type": "thinking", "thinking": plan.reasoning_text, "signature": signature})
            content.append({"type": "text", "text": plan.text})
            payload = {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": content,
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": usage,
            }
            return self._send_whole(plan, payload, headers)
        self._send_stream(self._messages_stream(plan, message_id, signature, stop_reason, usage), headers, plan)

    def _messages_stream(
        self, plan: _Plan, message_id: str, signature: str, stop_reason: str, usage: dict[str, Any]
    ) -> _Stream:
        def event(kind: str, **fields: Any) -> bytes:
            return _sse({"type": kind, **fields}, kind)

        start: dict[str, Any] = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": plan.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }
        yield False, event("message_start", message=start)
        yield False, event("ping")
        index = 0
        if plan.reasoning:
            yield (
                False,
                event(
                    "content_block_start",
                    index=index,
                    content_block={"type": "thinking", "thinking": "", "signature": ""},
                ),
            )
            for piece in plan.reasoning:
                yield (
                    True,
                    event("content_block_delta", index=index, delta={"type": "thinking_delta", "thinking": piece}),
                )
            yield (
                False,
                event("content_block_delta", index=index, delta={"type": "signature_delta", "signature": signature}),
            )
            yield False, event("content_block_stop", index=index)
            index += 1
        yield False, event("content_block_start", index=index, content_block={"type": "text", "text": ""})
        for piece in plan.tokens:
            yield True, event("content_block_delta", index=index, delta={"type": "text_delta", "text": piece})
        yield False, event("content_block_stop", index=index)
        yield (
            False,
            event(
                "message_delta",
                delta={"stop_reason": stop_reason, "stop_sequence": None},
                usage={"output_tokens": plan.completion_tokens},
            ),
        )
        yield False, event("message_stop")

    # --- Azure OpenAI ----------------------------------------------------------------------------
    def _azure(self, path: str, headers: dict[str, str], body: Any) -> None:
        """`/openai/deployments/<deployment>/chat/completions?api-version=...`, keyed by `api-key`."""
        deployment = unquote(path.split("/openai/deployments/", 1)[1].split("/", 1)[0])
        query = parse_qs(urlsplit(self.path).query)
        key = headers.get("api-key") or self._api_key(headers)
        if not query.get("api-version"):
            return self._azure_error(404, "Resource not found")
        if not key or key == BAD_KEY:
            return self._azure_error(401, _AZURE_ERRORS[401])
        match = _ERROR_MODEL.search(deployment)
        if match:
            status = int(match.group(1))
            return self._azure_error(status, _AZURE_ERRORS.get(status, "Error").format(version=query["api-version"][0]))
        if self.command != "POST" or not isinstance(body, dict) or not path.endswith("/chat/completions"):
            return self._azure_error(404, "Resource not found")
        # The deployment, not the body's model, decides what answers.
        self._chat({**body, "model": deployment})

    def _azure_error(self, status: int, message: str) -> None:
        code = "InternalServerError" if status >= 500 else str(status)
        headers = {"retry-after": "1"} if status == 429 else {}
        headers["apim-request-id"] = str(uuid.uuid4())
        self._json(status, {"error": {"code": code, "message": message}}, headers)

    # --- Google: Gemini API and Vertex AI --------------------------------------------------------
    def _google_token(self, raw: bytes) -> None:
        """Google's OAuth token endpoint, as a service-account file's `token_uri` reaches it."""
        form = parse_qs(raw.decode(errors="replace"))
        if "assertion" not in form:
            return self._json(400, {"error": "invalid_request", "error_description": "Missing assertion."})
        self._json(200, {"access_token": GOOGLE_ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})

    def _gemini(self, path: str, headers: dict[str, str], body: Any) -> None:
        """`.../models/<model>:streamGenerateContent?alt=sse` (Gemini API or Vertex AI's publisher path)."""
        model, _, method = path.rsplit("/models/", 1)[-1].partition(":")
        model = unquote(model)
        key = headers.get("x-goog-api-key") or self._api_key(headers)
        if not key or key == BAD_KEY:
            # Google answers a bad API key with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID.
            return self._gemini_error(400, "API key not valid. Please pass a valid API key.", reason="API_KEY_INVALID")
        match = _ERROR_MODEL.search(model)
        if match:
            status = int(match.group(1))
            return self._gemini_error(status, _GEMINI_ERRORS.get(status, ("UNKNOWN", "Error"))[1])
        if self.command != "POST" or not isinstance(body, dict):
            return self._gemini_error(400, "Invalid JSON payload received.")
        contents = [item for item in body.get("contents") or [] if isinstance(item, dict)]
        system = body.get("systemInstruction") or body.get("system_instruction") or {}
        texts = [_gemini_text(item) for item in contents]
        users = [_gemini_text(item) for item in contents if item.get("role") == "user"]
        config = body.get("generationConfig") or body.get("generation_config") or {}
        plan = self._plan(
            model=model,
            system=_gemini_text(system) if isinstance(system, dict) else "",
            texts=texts,
            last_user=users[-1] if users else "",
            limit=_max_tokens(config, "maxOutputTokens", "max_output_tokens"),
        )
        thinking = config.get("thinkingConfig") or config.get("thinking_config") or {}
        if isinstance(thinking, dict) and (thinking.get("includeThoughts") or thinking.get("include_thoughts")):
            plan.reasoning = split_tokens(demo_reasoning(users[-1] if users else ""))
        finish = "STOP" if plan.finish == "stop" else "MAX_TOKENS"
        usage = {
            "promptTokenCount": plan.prompt_tokens,
            "candidatesTokenCount": len(plan.tokens),
            "totalTokenCount": plan.prompt_tokens + plan.completion_tokens,
        }
        if plan.reasoning:
            usage["thoughtsTokenCount"] = len(plan.reasoning)
        response_id = uuid.uuid4().hex[:22]
        if method == "generateContent":
            parts: list[dict[str, Any]] = []
            if plan.reasoning:
                parts.append({"text": plan.reasoning_text, "thought": True})
            parts.append({"text": plan.text})
            payload = {
                "candidates": [{"content": {"parts": parts, "role": "model"}, "finishReason": finish, "index": 0}],
                "usageMetadata": usage,
                "modelVersion": model,
                "responseId": response_id,
            }
            return self._send_whole(plan, payload, {})
        self._send_stream(self._gemini_stream(plan, finish, usage, response_id), {}, plan)

    def _gemini_stream(self, plan: _Plan, finish: str, usage: dict[str, Any], response_id: str) -> _Stream:
        def chunk(part: dict[str, Any] | None, last: bool = False) -> bytes:
            candidate: dict[str, Any] = {"content": {"parts": [part] if part else [], "role": "model"}, "index": 0}
            payload: dict[str, Any] = {"candidates": [candidate], "modelVersion": plan.model, "responseId": response_id}
            if last:
                candidate["finishReason"] = finish
                payload["usageMetadata"] = usage
            else:
                payload["usageMetadata"] = {"promptTokenCount": plan.prompt_tokens}
            # Google separates its events with CRLF pairs.
            return f"data: {json.dumps(payload, ensure_ascii=False)}\r\n\r\n".encode()

        for piece in plan.reasoning:
            yield True, chunk({"text": piece, "thought": True})
        for piece in plan.tokens[:-1]:
            yield True, chunk({"text": piece})
        if plan.tokens:
            # The last piece comes with the finish reason and the usage, as Gemini sends it.
            yield True, chunk({"text": plan.tokens[-1]}, last=True)
        else:
            yield False, chunk(None, last=True)

    def _gemini_error(self, status: int, message: str, reason: str | None = None) -> None:
        error: dict[str, Any] = {
            "code": status,
            "message": message,
            "status": _GEMINI_ERRORS.get(status, ("UNKNOWN", ""))[0],
        }
        if reason:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
            ]
        self._json(status, {"error": error})

    # --- AWS Bedrock Converse --------------------------------------------------------------------
    def _bedrock(self, path: str, headers: dict[str, str], body: Any) -> None:
        """`/model/<modelId>/converse-stream` (binary event stream) and `/model/<modelId>/converse`."""
        parts = path.split("/")
        model = unquote(parts[2]) if len(parts) > 2 else ""
        operation = parts[3] if len(parts) > 3 else ""
        credential = re.search(r"Credential=([^/,\s]+)/", headers.get("authorization", ""))
        if credential is None or credential.group(1) == BAD_KEY:
            return self._bedrock_error(403, "UnrecognizedClientException")
        match = _ERROR_MODEL.search(model)
        if match:
            return self._bedrock_error(int(match.group(1)))
        if self.command != "POST" or not isinstance(body, dict) or operation not in ("converse", "converse-stream"):
            return self._bedrock_error(404, "UnknownOperationException")
        messages = [item for item in body.get("messages") or [] if isinstance(item, dict)]
        texts = [_bedrock_text(item.get("content")) for item in messages]
        users = [_bedrock_text(item.get("content")) for item in messages if item.get("role") == "user"]
        inference = body.get("inferenceConfig") or {}
        plan = self._plan(
            model=model,
            system=_bedrock_text(body.get("system")),
            texts=texts,
            last_user=users[-1] if users else "",
            limit=_max_tokens(inference, "maxTokens"),
        )
        extra = body.get("additionalModelRequestFields") or {}
        if isinstance(extra, dict) and (extra.get("thinking") or extra.get("reasoning_config")):
            plan.reasoning = split_tokens(demo_reasoning(users[-1] if users else ""))
        stop_reason = "end_turn" if plan.finish == "stop" else "max_tokens"
        usage = {
            "inputTokens": plan.prompt_tokens,
            "outputTokens": plan.completion_tokens,
            "totalTokens": plan.prompt_tokens + plan.completion_tokens,
        }
        headers_out = {"x-amzn-requestid": str(uuid.uuid4())}
        if operation == "converse":
            content: list[dict[str, Any]] = []
            if plan.reasoning:
                content.append({"reasoningContent": {"reasoningText": {"text": plan.reasoning_text}}})
            content.append({"text": plan.text})
            payload = {
                "output": {"message": {"role": "assistant", "content": content}},
                "stopReason": stop_reason,
                "usage": usage,
                "metrics": {"latencyMs": 1},
            }
            return self._send_whole(plan, payload, headers_out)
        self._send_stream(
            self._bedrock_stream(plan, stop_reason, usage, stream_error="stream-error" in model),
            headers_out,
            plan,
            content_type="application/vnd.amazon.eventstream",
        )

    def _bedrock_stream(self, plan: _Plan, stop_reason: str, usage: dict[str, Any], *, stream_error: bool) -> _Stream:
        yield False, event_message("messageStart", {"role": "assistant"})
        index = 0
        sent = 0
        if plan.reasoning:
            for piece in plan.reasoning:
                delta = {"reasoningContent": {"text": piece}}
                yield True, event_message("contentBlockDelta", {"contentBlockIndex": index, "delta": delta})
            signature = {"reasoningContent": {"signature": "fake-signature-" + uuid.uuid4().hex}}
            yield False, event_message("contentBlockDelta", {"contentBlockIndex": index, "delta": signature})
            yield False, event_message("contentBlockStop", {"contentBlockIndex": index})
            index += 1
        for piece in plan.tokens:
            if stream_error and sent == TOKENS_BEFORE_TROUBLE:
                # Bedrock reports trouble after the 200 OK as an exception message in the stream.
                yield False, exception_message("modelStreamErrorException", "The model stream failed.")
                return
            yield True, event_message("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": piece}})
            sent += 1
        yield False, event_message("contentBlockStop", {"contentBlockIndex": index})
        yield False, event_message("messageStop", {"stopReason": stop_reason})
        yield False, event_message("metadata", {"usage": usage, "metrics": {"latencyMs": 1}})

    def _bedrock_error(self, status: int, error_type: str | None = None) -> None:
        default_type, message = _BEDROCK_ERRORS.get(status, ("InternalServerException", "Error"))
        error_type = error_type or default_type
        if error_type == "UnrecognizedClientException":
            message = "The security token included in the request is invalid."
        data = json.dumps({"message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("x-amzn-ErrorType", f"{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/")
        self.end_headers()
        self.wfile.write(data)


def _gemini_text(content: dict[str, Any]) -> str:
    return "".join(str(part.get("text", "")) for part in content.get("parts") or [] if isinstance(part, dict))


def _bedrock_text(blocks: Any) -> str:
    if not isinstance(blocks, list):
        return ""
    return "".join(str(block.get("text", "")) for block in blocks if isinstance(block, dict))


class FakeProviderServer:
    """The fake provider on a background thread: `with FakeProviderServer() as server: ... server.url`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        tokens_per_second: float = 0,
        first_token_delay: float = 0,
        stall_seconds: float = 30,
    ) -> None:
        # Read on every token, so a test may change them while the server runs.
        self.tokens_per_second = tokens_per_second
        self.first_token_delay = first_token_delay
        self.stall_seconds = stall_seconds
        self.models: list[str] = list(DEFAULT_MODELS)
        self.requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._thread: threading.Thread | None = None
        self._httpd = _HTTPServer((host, port), self)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def last_request(self) -> RecordedRequest | None:
        return self.requests[-1] if self.requests else None

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def start(self) -> FakeProviderServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-provider", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake paced and stalled responses, and close every open connection."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            del self.requests[:-MAX_RECORDED]

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve fake OpenAI and Anthropic APIs on this machine.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--tokens-per-second", type=float, default=0.0, help="0 sends tokens as fast as possible")
    parser.add_argument("--first-token-delay", type=float, default=0.0, help="seconds before the first token")
    parser.add_argument("--stall-seconds", type=float, default=30.0, help="how long `stall` models go quiet")
    options = parser.parse_args(argv)
    server = FakeProviderServer(
        host=options.host,
        port=options.port,
        tokens_per_second=options.tokens_per_second,
        first_token_delay=options.first_token_delay,
        stall_seconds=options.stall_seconds,
    ).start()
    print(f"Fake provider at {server.url} (OpenAI base URL {server.url}/v1). Ctrl-C stops it.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
