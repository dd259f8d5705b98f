"""What adapters built on an official SDK share: one client per event loop, timeouts, no retries."""

from __future__ import annotations

import abc
import asyncio
import threading
import weakref
from typing import Any, Generic, TypeVar

import httpx2
from django.conf import settings

from providers.base import ErrorCode, Provider, ProviderError
from providers.params import scrub

Client = TypeVar("Client")


class SDKProvider(Provider, Generic[Client]):
    default_base_url: str = ""
    # The SDK's exception classes, for the one error mapping below.
    sdk_error: type[Exception] = Exception
    status_error: type[Exception] = Exception
    timeout_error: type[Exception] = Exception
    connection_error: type[Exception] = Exception

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """What a call through the SDK may raise (the SDK's errors and httpx's)."""
        return (self.sdk_error, httpx2.HTTPError)

    def __init__(self, endpoint: Any) -> None:
        super().__init__(endpoint)
        # An httpx client's connections belong to the loop that opened them, so each loop gets its own.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Client] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    @abc.abstractmethod
    def make_client(self, **options: Any) -> Client:
        """The SDK's async client built with these options."""

    def client(self) -> Client:
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.get(loop)
            if client is None:
                client = self.make_client(
                    # Local OpenAI-compatible servers often need no key, but the SDKs insist on one.
                    api_key=self.endpoint.api_key or "not-needed",
                    base_url=self.endpoint.base_url or self.default_base_url,
                    default_headers=dict(self.endpoint.headers or {}),
                    # Retrying is the person's choice (regenerate), not a hidden delay.
                    max_retries=0,
                    timeout=httpx2.Timeout(
                        connect=settings.PROVIDER_CONNECT_TIMEOUT,
                        read=settings.PROVIDER_IDLE_TIMEOUT,
                        write=settings.PROVIDER_IDLE_TIMEOUT,
                        pool=settings.PROVIDER_CONNECT_TIMEOUT,
                    ),
                )
                self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close this loop's client and its connections."""
        with self._lock:
            client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()  # type: ignore[attr-defined]

    async def list_models(self) -> list[str]:
        try:
            return [model.id async for model in self.client().models.list()]  # type: ignore[attr-defined]
        except self.errors as exc:
            raise self.provider_error(exc, started=False) from None

    @abc.abstractmethod
    def status_provider_error(self, exc: Any) -> ProviderError:
        """The ProviderError for the SDK's HTTP status error (its detail scrubbed of the key)."""

    def provider_error(self, exc: BaseException, *, started: bool) -> ProviderError:
        """A ProviderError for an SDK or transport failure; `started` once the reply began streaming.

        Raised `from None` by callers: the SDK's own message may carry the key, and tracebacks get logged.
        """
        key = self.endpoint.api_key
        name = self.endpoint.name
        if isinstance(exc, self.status_error):
            return self.status_provider_error(exc)
        if isinstance(exc, self.timeout_error | httpx2.TimeoutException):
            return ProviderError(ErrorCode.TIMEOUT, f"{name}: no data within the idle timeout")
        if isinstance(exc, self.connection_error | httpx2.TransportError):
            # The SDK wraps the transport error (RemoteProtocolError, ConnectError...): name that one.
            cause = (exc.__cause__ or exc.__context__) if isinstance(exc, self.connection_error) else exc
            reason = scrub(f"{type(cause).__name__}: {cause}", key) if cause else "connection error"
            if started:
                return ProviderError(ErrorCode.INTERRUPTED, f"{name}: the stream broke off ({reason})")
            return ProviderError(ErrorCode.CONNECTION, f"{name}: could not connect ({reason})")
        return ProviderError(ErrorCode.UNKNOWN, scrub(f"{name}: {type(exc).__name__}: {exc}", key))
