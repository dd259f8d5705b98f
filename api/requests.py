"""Validation of a chat completion request body into what the chat engine needs.

Each failure names the offending field the way OpenAI does (`messages[2].content`). Features that
would change what the client gets back and that we do not serve (tools, n > 1, images, JSON
mode, logprobs) are refused; harmless fields (`user`, `seed`, `metadata`, ...) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from api.errors import invalid
from api.services import ClientMessage

ROLES = {"system", "developer", "user", "assistant"}
# Fields that ask for something this API does not do; refused so the client is not misled.
UNSUPPORTED = ("tools", "tool_choice", "functions", "function_call", "audio", "prediction", "web_search_options")
# (OpenAI's name, ours in chat.services.ALLOWED_PARAMETERS, lowest, highest)
NUMBERS: list[tuple[str, str, float, float]] = [
    ("temperature", "temperature", 0, 2),
    ("top_p", "top_p", 0, 1),
    ("presence_penalty", "presence_penalty", -2, 2),
    ("frequency_penalty", "frequency_penalty", -2, 2),
]
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh")
MAX_STOP = 4


@dataclass
class CompletionRequest:
    model: str
    history: list[ClientMessage]  # everything before the last user message
    prompt: str  # the last user message, which the reply answers
    system: str
    parameters: dict[str, Any] = field(default_factory=dict)
    stream: bool = False
    include_usage: bool = False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _content_text(value: Any, param: str, *, role: str) -> str:
    if value is None and role == "assistant":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for index, part in enumerate(value):
            part_param = f"{param}[{index}]"
            if not isinstance(part, dict):
                raise invalid(part_param, _("Each content part must be an object."))
            if part.get("type") != "text":
                raise invalid(
                    f"{part_param}.type",
                    _("Only text content parts are supported; images and files are not accepted by this API yet."),
                    code="unsupported_value",
                )
            if not isinstance(part.get("text"), str):
                raise invalid(f"{part_param}.text", _("A text part needs a “text” string."))
            texts.append(part["text"])
        return "".join(texts)
    raise invalid(param, _("Content must be a string or a list of text parts."))


def _messages(value: Any) -> tuple[str, list[ClientMessage], str]:
    if not isinstance(value, list) or not value:
        raise invalid("messages", _("“messages” must be a non-empty list of messages."))
    system: list[str] = []
    conversation: list[ClientMessage] = []
    for index, message in enumerate(value):
        param = f"messages[{index}]"
        if not isinstance(message, dict):
            raise invalid(param, _("Each message must be an object with “role” and “content”."))
        role = message.get("role")
        if role not in ROLES:
            raise invalid(
                f"{param}.role",
                _("Unsupported role “%(role)s”: use system, developer, user or assistant.") % {"role": role},
                code="unsupported_value",
            )
        if message.get("tool_calls"):
            raise invalid(f"{param}.tool_calls", _("Tool calls are not supported by this API yet."),
                          code="unsupported_value")
        text = _content_text(message.get("content"), f"{param}.content", role=role)
        if len(text) > settings.MESSAGE_MAX_CHARS:
            raise invalid(
                f"{param}.content",
                _("The message is too long (%(length)d characters; the limit is %(limit)d).")
                % {"length": len(text), "limit": settings.MESSAGE_MAX_CHARS},
                code="string_above_max_length",
            )
        if role in ("system", "developer"):
            if text:
                system.append(text)
        else:
            conversation.append(ClientMessage(role=role, text=text))
    if not conversation or conversation[-1].role != "user":
        raise invalid("messages", _("The last message (apart from system messages) must be from the user."))
    prompt = conversation[-1].text
    if not prompt.strip():
        raise invalid(f"messages[{len(value) - 1}].content", _("The last user message is empty."))
    return "\n\n".join(system), conversation[:-1], prompt


def _parameters(body: dict[str, Any]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for name, ours, lowest, highest in NUMBERS:
        value = body.get(name)
        if value is None:
            continue
        if not _is_number(value) or not lowest <= value <= highest:
            raise invalid(name, _("“%(name)s” must be a number from %(low)s to %(high)s.")
                          % {"name": name, "low": lowest, "high": highest})
        parameters[ours] = value
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise invalid(name, _("“%(name)s” must be a whole number of at least 1.") % {"name": name})
        parameters.setdefault("max_tokens", value)
    stop = body.get("stop")
    if stop is not None:
        stops = [stop] if isinstance(stop, str) else stop
        if not isinstance(stops, list) or not all(isinstance(item, str) for item in stops) or len(stops) > MAX_STOP:
            raise invalid("stop", _("“stop” must be a string or a list of up to 4 strings."))
        if stops:
            parameters["stop"] = stops
    effort = body.get("reasoning_effort")
    if effort is not None:
        if effort not in REASONING_EFFORTS:
            raise invalid("reasoning_effort", _("“reasoning_effort” must be one of: %(choices)s.")
                          % {"choices": ", ".join(REASONING_EFFORTS)})
        parameters["reasoning_effort"] = effort
    return parameters


def completion_request_parse(body: Any) -> CompletionRequest:
    """The validated request, or an ApiError naming the first bad field."""
    if not isinstance(body, dict):
        raise invalid("body", _("The request body must be a JSON object."))
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise invalid("model", _("“model” is required: one of the ids listed by GET /v1/models."))
    for name in UNSUPPORTED:
        if body.get(name):
            raise invalid(name, _("“%(name)s” is not supported by this API yet.") % {"name": name},
                          code="unsupported_parameter")
    n = body.get("n")
    if n is not None and n != 1:
        raise invalid("n", _("Only one choice per request is supported (n = 1)."), code="unsupported_value")
    if body.get("logprobs"):
        raise invalid("logprobs", _("Log probabilities are not supported by this API."), code="unsupported_value")
    response_format = body.get("response_format")
    if response_format is not None and (not isinstance(response_format, dict) or response_format.get("type") != "text"):
        raise invalid("response_format", _("Only the “text” response format is supported."), code="unsupported_value")
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise invalid("stream", _("“stream” must be true or false."))
    options = body.get("stream_options")
    include_usage = False
    if options is not None:
        if not isinstance(options, dict):
            raise invalid("stream_options", _("“stream_options” must be an object."))
        if not stream:
            raise invalid("stream_options", _("“stream_options” is only allowed when “stream” is true."))
        include_usage = options.get("include_usage", False)
        if not isinstance(include_usage, bool):
            raise invalid("stream_options.include_usage", _("“include_usage” must be true or false."))
    system, history, prompt = _messages(body.get("messages"))
    parameters = _parameters(body)
    if system:
        parameters["promptPrefix"] = system
    return CompletionRequest(
        model=model.strip(), history=history, prompt=prompt, system=system, parameters=parameters,
        stream=stream, include_usage=include_usage,
    )
