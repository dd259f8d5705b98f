"""The conversation parameters each provider family takes: one table, with ranges and defaults.

Parameters are stored and exchanged under LibreChat's own preset field names (`promptPrefix`,
`temperature`, `top_p` for OpenAI but `topP` for Anthropic, `max_tokens` / `maxOutputTokens`,
`reasoning_effort`, `thinkingBudget`, `maxContextTokens`, ...). To support a new adapter, add a
family to FAMILIES (and, when its kind's name differs, map the kind in KIND_FAMILIES); its
parameters then appear in the panel, are validated here, and reach the adapter in
`ChatRequest.params` (`system` carries `promptPrefix`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TEXT_MAX_CHARS = 20_000
STOP_MAX_ITEMS = 4
STOP_MAX_CHARS = 100
# o1, o3, o4-mini, gpt-5...: reasoning effort instead of sampling parameters.
_OPENAI_REASONING = re.compile(r"(^|[/:])(o\d|gpt-5)", re.IGNORECASE)
# Claude models with extended thinking: 3.7 and every model of the 4 generation onwards.
_ANTHROPIC_THINKING = re.compile(r"claude-(3-7|(sonnet|opus|haiku)-[4-9]|[4-9])", re.IGNORECASE)
# Gemini models that think: 2.5 and later.
_GEMINI_THINKING = re.compile(r"gemini-(2\.5|[3-9])", re.IGNORECASE)


class ParameterError(Exception):
    """A parameter value that cannot be used; `parameter` names it, `message` is translated."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Parameter:
    """One parameter: its LibreChat field name, what a person reads, and what values it takes."""

    key: str
    label: str | Promise
    # "text" (long text), "float", "int", "choice", "bool" or "list" (of short texts).
    kind: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    default: Any = None
    choices: tuple[str, ...] = ()
    description: str | Promise = ""
    # Other names LibreChat (or another provider's preset) uses for the same setting.
    aliases: tuple[str, ...] = ()
    # Whether a model takes it; None means every model of the family.
    applies: Callable[[str], bool] | None = None

    def applies_to(self, model: str) -> bool:
        return self.applies is None or self.applies(model)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": str(self.label),
            "kind": self.kind,
            "min": self.minimum,
            "max": self.maximum,
            "step": self.step,
            "default": self.default,
            "choices": list(self.choices),
            "description": str(self.description),
            "aliases": list(self.aliases),
        }


def _openai_reasoning(model: str) -> bool:
    return bool(_OPENAI_REASONING.search(model))


def _openai_sampling(model: str) -> bool:
    return not _openai_reasoning(model)


def _anthropic_thinking(model: str) -> bool:
    return bool(_ANTHROPIC_THINKING.search(model))


def _gemini_thinking(model: str) -> bool:
    return bool(_GEMINI_THINKING.search(model))


def _bedrock_claude(model: str) -> bool:
    return "anthropic" in model.lower() or "claude" in model.lower()


def _bedrock_claude_thinking(model: str) -> bool:
    return _bedrock_claude(model) and _anthropic_thinking(model)


# Parameters every family has.
PROMPT_PREFIX = Parameter(
    "promptPrefix", _("Instructions"), "text",
    description=_("The system prompt: how the model should behave in this conversation."),
    aliases=("instructions", "system"),
)
MAX_CONTEXT_TOKENS = Parameter(
    "maxContextTokens", _("Context size (tokens)"), "int", minimum=256, maximum=2_000_000, step=1,
    description=_("Older messages are left out so that the prompt fits in this many tokens."),
)

FAMILIES: dict[str, tuple[Parameter, ...]] = {
    "openai": (
        PROMPT_PREFIX,
        Parameter("temperature", _("Temperature"), "float", 0, 2, 0.01, 1,
                  description=_("Higher values make the reply more random."), applies=_openai_sampling),
        Parameter("top_p", _("Top P"), "float", 0, 1, 0.01, 1, aliases=("topP",), applies=_openai_sampling),
        Parameter("presence_penalty", _("Presence penalty"), "float", -2, 2, 0.01, 0,
                  aliases=("presencePenalty",), applies=_openai_sampling),
        Parameter("frequency_penalty", _("Frequency penalty"), "float", -2, 2, 0.01, 0,
                  aliases=("frequencyPenalty",), applies=_openai_sampling),
        Parameter("max_tokens", _("Max output tokens"), "int", 1, 1_000_000, 1,
                  aliases=("maxOutputTokens", "max_output_tokens", "max_completion_tokens")),
        Parameter("reasoning_effort", _("Reasoning effort"), "choice", default="medium",
                  choices=("none", "minimal", "low", "medium", "high", "xhigh"), aliases=("reasoningEffort",),
                  applies=_openai_reasoning),
        Parameter("stop", _("Stop sequences"), "list",
                  description=_("The reply ends where one of these appears (up to four)."),
                  aliases=("stop_sequences", "stopSequences")),
        MAX_CONTEXT_TOKENS,
    ),
    "anthropic": (
        PROMPT_PREFIX,
        Parameter("temperature", _("Temperature"), "float", 0, 1, 0.01, 1,
                  description=_("Higher values make the reply more random.")),
        Parameter("topP", _("Top P"), "float", 0, 1, 0.01, 0.7, aliases=("top_p",)),
        Parameter("topK", _("Top K"), "int", 1, 500, 1, 5, aliases=("top_k",)),
        Parameter("maxOutputTokens", _("Max output tokens"), "int", 1, 128_000, 1, 8192,
                  aliases=("max_tokens", "max_output_tokens")),
        Parameter("thinking", _("Extended thinking"), "bool", default=False, applies=_anthropic_thinking),
        Parameter("thinkingBudget", _("Thinking budget (tokens)"), "int", 1024, 200_000, 1, 2000,
                  aliases=("thinking_budget",), applies=_anthropic_thinking),
        Parameter("stop", _("Stop sequences"), "list",
                  description=_("The reply ends where one of these appears (up to four)."),
                  aliases=("stop_sequences", "stopSequences")),
        MAX_CONTEXT_TOKENS,
    ),
    "google": (
        PROMPT_PREFIX,
        Parameter("temperature", _("Temperature"), "float", 0, 2, 0.01, 1,
                  description=_("Higher values make the reply more random.")),
        Parameter("topP", _("Top P"), "float", 0, 1, 0.01, 0.95, aliases=("top_p",)),
        Parameter("topK", _("Top K"), "int", 1, 100, 1, 40, aliases=("top_k",)),
        Parameter("maxOutputTokens", _("Max output tokens"), "int", 1, 65_536, 1, 8192,
                  aliases=("max_tokens", "max_output_tokens")),
        Parameter("thinking", _("Extended thinking"), "bool", default=True, applies=_gemini_thinking),
        Parameter("thinkingBudget", _("Thinking budget (tokens)"), "int", 0, 32_768, 1, None,
                  aliases=("thinking_budget",), applies=_gemini_thinking),
        Parameter("stop", _("Stop sequences"), "list",
                  description=_("The reply ends where one of these appears (up to four)."),
                  aliases=("stop_sequences", "stopSequences")),
        MAX_CONTEXT_TOKENS,
    ),
    "bedrock": (
        PROMPT_PREFIX,
        Parameter("temperature", _("Temperature"), "float", 0, 1, 0.01, 1,
                  description=_("Higher values make the reply more random.")),
        Parameter("topP", _("Top P"), "float", 0, 1, 0.01, None, aliases=("top_p",)),
        Parameter("topK", _("Top K"), "int", 1, 500, 1, None, aliases=("top_k",), applies=_bedrock_claude),
        Parameter("maxTokens", _("Max output tokens"), "int", 1, 128_000, 1, None,
                  aliases=("max_tokens", "maxOutputTokens", "max_output_tokens")),
        Parameter("thinking", _("Extended thinking"), "bool", default=False, applies=_bedrock_claude_thinking),
        Parameter("thinkingBudget", _("Thinking budget (tokens)"), "int", 1024, 200_000, 1, 2000,
                  aliases=("thinking_budget",), applies=_bedrock_claude_thinking),
        Parameter("stop", _("Stop sequences"), "list",
                  description=_("The reply ends where one of these appears (up to four)."),
                  aliases=("stop_sequences", "stopSequences")),
        MAX_CONTEXT_TOKENS,
    ),
    "demo": (PROMPT_PREFIX, MAX_CONTEXT_TOKENS),
}
# Adapter kinds (providers.registry.Endpoint.kind) whose parameters are another family's.
KIND_FAMILIES: dict[str, str] = {"azure": "openai", "azureOpenAI": "openai"}

# LibreChat preset fields that are not parameters of the request: kept out of `parameters`.
PRESET_FIELDS = frozenset(
    {"presetId", "title", "endpoint", "endpointType", "model", "modelLabel", "chatGptLabel", "defaultPreset",
     "order", "user", "createdAt", "updatedAt", "_id", "__v", "conversationId", "spec", "iconURL", "greeting"}
)


def family_for(kind: str) -> tuple[Parameter, ...]:
    """The parameters of an adapter kind; an unknown kind takes only the common ones."""
    return FAMILIES.get(KIND_FAMILIES.get(kind, kind), (PROMPT_PREFIX, MAX_CONTEXT_TOKENS))


def parameters_for(kind: str, model: str) -> list[Parameter]:
    """The parameters the panel offers for a model of an endpoint of this kind, in display order."""
    return [parameter for parameter in family_for(kind) if parameter.applies_to(model)]


def all_parameter_names() -> frozenset[str]:
    """Every name (and alias) of every family: anything else is not a parameter at all."""
    names: set[str] = set()
    for parameters in FAMILIES.values():
        for parameter in parameters:
            names.add(parameter.key)
            names.update(parameter.aliases)
    return frozenset(names)


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    # Known parameters this endpoint or model does not take (left out, not an error).
    dropped: list[str] = field(default_factory=list)
    # Names that are no parameter of any provider.
    unknown: list[str] = field(default_factory=list)


def _number(parameter: Parameter, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(
            parameter.key, gettext("“%(name)s” must be a number.") % {"name": parameter.label}
        )
    if parameter.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise ParameterError(
                    parameter.key, gettext("“%(name)s” must be a whole number.") % {"name": parameter.label}
                )
            value = int(value)
    if (parameter.minimum is not None and value < parameter.minimum) or (
        parameter.maximum is not None and value > parameter.maximum
    ):
        raise ParameterError(
            parameter.key,
            gettext("“%(name)s” must be between %(min)s and %(max)s.")
            % {"name": parameter.label, "min": _shown(parameter.minimum), "max": _shown(parameter.maximum)},
        )
    return value


def _shown(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def clean_value(parameter: Parameter, value: Any) -> Any:
    """A value checked against its parameter, or ParameterError naming the parameter."""
    if parameter.kind in ("float", "int"):
        return _number(parameter, value)
    if parameter.kind == "text":
        if not isinstance(value, str):
            raise ParameterError(parameter.key, gettext("“%(name)s” must be text.") % {"name": parameter.label})
        if len(value) > TEXT_MAX_CHARS:
            raise ParameterError(
                parameter.key,
                gettext("“%(name)s” is too long (the limit is %(limit)d characters).")
                % {"name": parameter.label, "limit": TEXT_MAX_CHARS},
            )
        return value
    if parameter.kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(
                parameter.key, gettext("“%(name)s” must be true or false.") % {"name": parameter.label}
            )
        return value
    if parameter.kind == "choice":
        if value not in parameter.choices:
            raise ParameterError(
                parameter.key,
                gettext("“%(name)s” must be one of: %(choices)s.")
                % {"name": parameter.label, "choices": ", ".join(parameter.choices)},
            )
        return value
    # A list of stop sequences; LibreChat also accepts one string.
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ParameterError(
            parameter.key, gettext("“%(name)s” must be a list of texts.") % {"name": parameter.label}
        )
    items = [item for item in items if item]
    if len(items) > STOP_MAX_ITEMS or any(len(item) > STOP_MAX_CHARS for item in items):
        raise ParameterError(
            parameter.key,
            gettext("“%(name)s” takes at most %(count)d texts of at most %(chars)d characters each.")
            % {"name": parameter.label, "count": STOP_MAX_ITEMS, "chars": STOP_MAX_CHARS},
        )
    return items


def parameters_clean(*, kind: str, model: str, parameters: Any, allow_unknown: bool = False) -> Cleaned:
    """Values for a model of an endpoint of `kind`, under the family's own names.

    Aliases are renamed (`topP` becomes `top_p` for OpenAI), empty values mean "not set",
    parameters this model does not take are dropped and listed. A name that is no parameter of
    any provider is an error unless `allow_unknown` (imports report those instead).
    """
    if parameters in (None, ""):
        return Cleaned()
    if not isinstance(parameters, dict):
        raise ParameterError("", gettext("Parameters must be an object."))
    known = all_parameter_names()
    offered = {parameter.key: parameter for parameter in parameters_for(kind, model)}
    by_alias = {alias: parameter for parameter in family_for(kind) for alias in (parameter.key, *parameter.aliases)}
    result = Cleaned()
    for name, value in parameters.items():
        if not isinstance(name, str) or name not in known:
            if allow_unknown:
                result.unknown.append(str(name))
                continue
            raise ParameterError(str(name), gettext("Unknown parameter “%(name)s”.") % {"name": name})
        if value is None or value == "" or value == []:
            continue
        parameter = by_alias.get(name)
        if parameter is None or parameter.key not in offered:
            # Not for this model, but a value no provider takes is still refused.
            clean_value(_any_definition(name), value)
            result.dropped.append(name)
            continue
        if parameter.key in result.values and name != parameter.key:
            continue  # the family's own name wins over an alias given alongside it
        result.values[parameter.key] = clean_value(parameter, value)
    return result


def _any_definition(name: str) -> Parameter:
    for parameters in FAMILIES.values():
        for parameter in parameters:
            if name == parameter.key or name in parameter.aliases:
                return parameter
    raise KeyError(name)


def panel_table(kind: str, models: list[str]) -> dict[str, list[str]]:
    """For the panel: which parameter keys each model of an endpoint takes."""
    return {model: [parameter.key for parameter in parameters_for(kind, model)] for model in models}


def all_specs() -> dict[str, dict[str, Any]]:
    """Every parameter of every family, by key, for the panel (same key: same spec per family)."""
    specs: dict[str, dict[str, Any]] = {}
    for family, parameters in FAMILIES.items():
        for parameter in parameters:
            specs[f"{family}:{parameter.key}"] = parameter.as_dict()
    return specs


def family_name(kind: str) -> str:
    name = KIND_FAMILIES.get(kind, kind)
    return name if name in FAMILIES else "demo"
