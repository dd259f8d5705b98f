"""Errors of the OpenAI-compatible API, in OpenAI's JSON shape: {"error": {message, type, param, code}}."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A failed API call; `message` is for people (translated), `code` and `type` for programs."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        type: str = "invalid_request_error",  # noqa: A002 - OpenAI's field name
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.type = type
        self.code = code
        self.param = param

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type=self.type, code=self.code, param=self.param)


def error_body(message: str, *, type: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:  # noqa: A002
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def invalid(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(message, param=param, code=code)


# HTTP status for each provider error code (providers.base.ErrorCode) when nothing was streamed.
PROVIDER_STATUS = {
    "rate_limit": status.HTTP_429_TOO_MANY_REQUESTS,
    "timeout": status.HTTP_504_GATEWAY_TIMEOUT,
    "unavailable": status.HTTP_503_SERVICE_UNAVAILABLE,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler for the API views: every failure in OpenAI's shape."""
    if isinstance(exc, ApiError):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        detail = exc.detail if isinstance(exc, exceptions.AuthenticationFailed) else None
        message = str(detail) if detail else _(
            "No API key was sent. Send it as “Authorization: Bearer lc-…” (create one under Settings → API access)."
        )
        return Response(
            error_body(message, type="invalid_request_error", code="invalid_api_key"),
            status=status.HTTP_401_UNAUTHORIZED,
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, exceptions.ParseError):
        return Response(
            error_body(_("The request body is not valid JSON."), type="invalid_request_error", code="invalid_json"),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            error_body(_("Send the request body as JSON (Content-Type: application/json)."),
                       type="invalid_request_error", code="unsupported_media_type"),
            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(
            error_body(_("This method is not allowed here."), type="invalid_request_error", code="method_not_allowed"),
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )
    if isinstance(exc, exceptions.APIException):
        return Response(
            error_body(str(exc.detail), type="invalid_request_error", code=exc.default_code),
            status=exc.status_code,
        )
    logger.exception("API request failed")
    return Response(
        error_body(_("Something went wrong on the server."), type="server_error", code="internal_error"),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
