"""The adapter for AWS Bedrock's Converse API (Anthropic, Llama, Mistral, Titan... model ids).

boto3 is synchronous, so each reply's `converse_stream` runs on its own thread, which reads
botocore's decoded event stream and hands events to the event loop in batches: the loop is woken
once per batch, not once per token. Closing the stream early stops the thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from providers.base import (
    ChatRequest,
    Done,
    ErrorCode,
    Event,
    Provider,
    ProviderError,
    ReasoningDelta,
    TextDelta,
    error_code_for_status,
)
from providers.history import merged_turns, message_text, system_prompt
from providers.params import first_param, scrub, usage_event
from providers.registry import Endpoint
from providers.vision import bedrock_image_block

logger = logging.getLogger(__name__)

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "content_filtered": "content_filter",
}
DEFAULT_THINKING_BUDGET = 2000
MIN_THINKING_BUDGET = 1024
# Error codes (HTTP `x-amzn-ErrorType`, or `:exception-type` inside a stream) that are not
# told apart by their status alone.
ERROR_CODES = {
    "throttlingexception": ErrorCode.RATE_LIMIT,
    "servicequotaexceededexception": ErrorCode.RATE_LIMIT,
    "unrecognizedclientexception": ErrorCode.AUTH,
    "accessdeniedexception": ErrorCode.AUTH,
    "expiredtokenexception": ErrorCode.AUTH,
    "invalidsignatureexception": ErrorCode.AUTH,
    "resourcenotfoundexception": ErrorCode.NOT_FOUND,
    "validationexception": ErrorCode.BAD_REQUEST,
    "modeltimeoutexception": ErrorCode.TIMEOUT,
    "modelnotreadyexception": ErrorCode.UNAVAILABLE,
    "serviceunavailableexception": ErrorCode.SERVER,
    "internalserverexception": ErrorCode.SERVER,
    "modelstreamerrorexception": ErrorCode.SERVER,
    "modelerrorexception": ErrorCode.SERVER,
}


def bedrock_messages(request: ChatRequest) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(system, messages) for Converse: text blocks, images as bytes, alternating turns from a user one."""

    def blocks(message: Any) -> list[dict[str, Any]]:
        content: list[dict[str, Any]] = []
        if message.role == "user":
            for image in message.images:
                block = bedrock_image_block(image["url"])
                if block is not None:
                    content.append(block)
        text = message_text(message)
        if text.strip():
            content.append({"text": text})
        return content

    turns = merged_turns(request.messages, blocks)
    # Converse refuses a conversation that starts with the assistant.
    while turns and turns[0][0] != "user":
        turns.pop(0)
    system = system_prompt(request)
    return ([{"text": system}] if system else []), [{"role": role, "content": content} for role, content in turns]


def is_anthropic(model: str) -> bool:
    return "anthropic." in model or model.startswith("anthropic")


class BedrockProvider(Provider):
    """One boto3 `bedrock-runtime` client per endpoint (boto3 clients are thread-safe)."""

    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__(endpoint)
        self._client: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config
                from django.conf import settings

                options = self.endpoint.options
                session = boto3.session.Session(
                    aws_access_key_id=options.get("access_key_id") or None,
                    aws_secret_access_key=self.endpoint.api_key or None,
                    aws_session_token=options.get("session_token") or None,
                    profile_name=options.get("profile") or None,
                    region_name=options.get("region") or None,
                )
                self._client = session.client(
                    "bedrock-runtime",
                    endpoint_url=self.endpoint.base_url or None,
                    config=Config(
                        # Retrying is the person's choice (regenerate), not a hidden delay.
                        retries={"total_max_attempts": 1, "mode": "standard"},
                        connect_timeout=settings.PROVIDER_CONNECT_TIMEOUT,
                        read_timeout=settings.PROVIDER_IDLE_TIMEOUT,
                        user_agent_extra="librechat-django",
                    ),
                )
        return self._client

    def converse_kwargs(self, request: ChatRequest) -> dict[str, Any]:
        params = request.params
        system, messages = bedrock_messages(request)
        model_id = self.endpoint.options.get("inference_profiles", {}).get(request.model) or request.model
        inference: dict[str, Any] = {
            "maxTokens": first_param(params, "max_tokens", "maxTokens", "maxOutputTokens", "max_output_tokens"),
            "temperature": first_param(params, "temperature"),
            "topP": first_param(params, "top_p", "topP"),
        }
        stop = first_param(params, "stop", "stop_sequences")
        inference["stopSequences"] = [stop] if isinstance(stop, str) else stop
        extra: dict[str, Any] = {}
        if is_anthropic(request.model):
            top_k = first_param(params, "top_k", "topK")
            if top_k is not None:
                extra["top_k"] = top_k
            budget = first_param(params, "thinking_budget", "thinkingBudget")
            thinking = params.get("thinking")
            if thinking is True or (thinking is None and budget is not None):
                budget = max(MIN_THINKING_BUDGET, int(budget or DEFAULT_THINKING_BUDGET))
                extra["thinking"] = {"type": "enabled", "budget_tokens": budget}
                # Claude refuses sampling parameters while thinking, and needs room after the budget.
                inference.pop("temperature")
                inference.pop("topP")
                extra.pop("top_k", None)
                if not inference["maxTokens"] or inference["maxTokens"] <= budget:
                    inference["maxTokens"] = budget + 4096
        for key in self.endpoint.drop_params or []:
            inference.pop(key, None)
        kwargs: dict[str, Any] = {"modelId": model_id, "messages": messages}
        if system:
            kwargs["system"] = system
        inference = {key: value for key, value in inference.items() if value is not None}
        if inference:
            kwargs["inferenceConfig"] = inference
        extra.update(self.endpoint.add_params or {})
        if extra:
            kwargs["additionalModelRequestFields"] = extra
        return kwargs

    async def stream(self, request: ChatRequest) -> AsyncIterator[Event]:
        kwargs = self.converse_kwargs(request)
        loop = asyncio.get_running_loop()
        buffer: collections.deque[tuple[str, Any]] = collections.deque()
        wake = asyncio.Event()
        notify_pending = [False]
        stopping = threading.Event()
        holder: dict[str, Any] = {}

        def push(kind: str, value: Any) -> None:
            buffer.append((kind, value))
            # Wake the loop once per batch: the consumer clears the flag before draining.
            if not notify_pending[0]:
                notify_pending[0] = True
                with contextlib.suppress(RuntimeError):  # the loop closed under us
                    loop.call_soon_threadsafe(wake.set)

        def read() -> None:
            try:
                response = self.client().converse_stream(**kwargs)
                push("started", None)
                events = holder["stream"] = response["stream"]
                for event in events:
                    if stopping.is_set():
                        break
                    push("event", event)
                push("end", None)
            except BaseException as exc:  # noqa: BLE001 - handed to the event loop, which maps it
                push("error", exc)
            finally:
                with contextlib.suppress(Exception):
                    if "stream" in holder:
                        holder["stream"].close()

        thread = threading.Thread(target=read, name="bedrock-stream", daemon=True)
        thread.start()
        produced: list[str] = []
        stop_reason: str | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        started = False
        try:
            while True:
                await wake.wait()
                wake.clear()
                notify_pending[0] = False
                finished = False
                while buffer:
                    kind, value = buffer.popleft()
                    if kind == "event":
                        if "contentBlockDelta" in value:
                            delta = value["contentBlockDelta"].get("delta") or {}
                            text = delta.get("text")
                            if text:
                                produced.append(text)
                                yield TextDelta(text)
                            reasoning = (delta.get("reasoningContent") or {}).get("text")
                            if reasoning:
                                produced.append(reasoning)
                                yield ReasoningDelta(reasoning)
                        elif "messageStop" in value:
                            stop_reason = value["messageStop"].get("stopReason") or "end_turn"
                        elif "metadata" in value:
                            usage = value["metadata"].get("usage") or {}
                            prompt_tokens = usage.get("inputTokens", prompt_tokens)
                            completion_tokens = usage.get("outputTokens", completion_tokens)
                        else:
                            error_key = next((key for key in value if key.endswith("Exception")), None)
                            if error_key:
                                raise self.stream_exception(error_key, value[error_key])
                    elif kind == "started":
                        started = True
                    elif kind == "error":
                        raise self.provider_error(value, started=started)
                    elif kind == "end":
                        finished = True
                if finished:
                    break
        finally:
            stopping.set()
            with contextlib.suppress(Exception):
                if "stream" in holder:
                    holder["stream"].close()
        if stop_reason is None:
            raise ProviderError(ErrorCode.INTERRUPTED, "The stream ended without messageStop.")
        yield await usage_event(request, prompt_tokens, completion_tokens, "".join(produced))
        yield Done(FINISH_REASONS.get(stop_reason, stop_reason))

    async def complete(self, request: ChatRequest) -> str:
        kwargs = self.converse_kwargs(request)
        try:
            response = await asyncio.to_thread(lambda: self.client().converse(**kwargs))
        except Exception as exc:
            raise self.provider_error(exc, started=False) from None
        content = ((response.get("output") or {}).get("message") or {}).get("content") or []
        return "".join(block.get("text", "") for block in content if isinstance(block, dict))

    def stream_exception(self, name: str, payload: Any) -> ProviderError:
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        code = ERROR_CODES.get(name.lower(), ErrorCode.SERVER)
        detail = scrub(f"{self.endpoint.name}: stream error {name}: {message}", self.endpoint.api_key)
        return ProviderError(code, detail)

    def provider_error(self, exc: BaseException, *, started: bool) -> ProviderError:
        """A ProviderError for a botocore or transport failure, its detail scrubbed of the secret key."""
        from botocore import exceptions as boto_errors

        name = self.endpoint.name
        secret = self.endpoint.api_key
        if isinstance(exc, ProviderError):
            return exc
        if isinstance(exc, boto_errors.ClientError):
            error = exc.response.get("Error") or {}
            error_code = str(error.get("Code") or "")
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            code = ERROR_CODES.get(error_code.lower())
            if code is None:
                code = error_code_for_status(int(status)) if status else ErrorCode.SERVER
            detail = scrub(f"{name}: HTTP {status}: {error_code}: {error.get('Message', '')}", secret)
            return ProviderError(code, detail, status=int(status) if status else None)
        if isinstance(exc, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError):
            return ProviderError(ErrorCode.AUTH, f"{name}: no AWS credentials ({type(exc).__name__})")
        if isinstance(exc, boto_errors.ReadTimeoutError | boto_errors.ConnectTimeoutError):
            return ProviderError(ErrorCode.TIMEOUT, f"{name}: no data within the timeout")
        if isinstance(exc, boto_errors.EndpointConnectionError) and not started:
            return ProviderError(ErrorCode.CONNECTION, scrub(f"{name}: could not connect ({exc})", secret))
        import urllib3.exceptions

        if isinstance(exc, boto_errors.BotoCoreError | urllib3.exceptions.HTTPError | OSError):
            reason = scrub(f"{type(exc).__name__}: {exc}", secret)
            if started:
                return ProviderError(ErrorCode.INTERRUPTED, f"{name}: the stream broke off ({reason})")
            return ProviderError(ErrorCode.CONNECTION, f"{name}: could not connect ({reason})")
        return ProviderError(ErrorCode.UNKNOWN, scrub(f"{name}: {type(exc).__name__}: {exc}", secret))
