"""librechat.yaml's modelSpecs, offered as admin-defined, read-only presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from librechat.config import ModelSpec
from providers.models import endpoint_models
from providers.parameters import PRESET_FIELDS, ParameterError, parameters_clean
from providers.registry import get_registry

SPEC_PREFIX = "spec:"


@dataclass
class OfferedSpec:
    name: str
    label: str
    description: str
    icon_url: str
    endpoint: str
    model: str
    parameters: dict[str, Any] = field(default_factory=dict)
    default: bool = False
    available: bool = True
    unavailable_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": SPEC_PREFIX + self.name,
            "name": self.name,
            "title": self.label,
            "description": self.description,
            "icon_url": self.icon_url,
            "endpoint": self.endpoint,
            "model": self.model,
            "parameters": self.parameters,
            "is_default": self.default,
            "available": self.available,
            "unavailable_reason": self.unavailable_reason,
            "own": False,
            "read_only": True,
            "kind": "spec",
        }


def _offer(spec: ModelSpec) -> OfferedSpec:
    preset = spec.preset.model_dump()
    endpoint_name = str(preset.get("endpoint") or "")
    model = str(preset.get("model") or "")
    offered = OfferedSpec(
        name=spec.name,
        label=spec.label,
        description=spec.description or "",
        icon_url=spec.iconURL or "",
        endpoint=endpoint_name,
        model=model,
        default=spec.default,
    )
    endpoint = get_registry().get(endpoint_name)
    if endpoint is None:
        offered.available = False
        offered.unavailable_reason = _("The endpoint “%(name)s” is not configured.") % {"name": endpoint_name}
        return offered
    if not endpoint.available:
        offered.available = False
        offered.unavailable_reason = endpoint.unavailable_reason
        return offered
    if not model:
        offered.model = model = endpoint.models[0] if endpoint.models else ""
    raw = {key: value for key, value in preset.items() if key not in PRESET_FIELDS}
    try:
        offered.parameters = parameters_clean(
            kind=endpoint.kind, model=model, parameters=raw, allow_unknown=True
        ).values
    except ParameterError as error:
        offered.available = False
        offered.unavailable_reason = error.message
    if offered.available and model not in endpoint.models and model not in endpoint_models(endpoint):
        offered.available = False
        offered.unavailable_reason = _("The model “%(model)s” is not offered by “%(endpoint)s”.") % {
            "model": model, "endpoint": endpoint.label,
        }
    return offered


def model_specs() -> list[OfferedSpec]:
    """The configured specs, each checked against the endpoints (an unusable one says why)."""
    config = get_registry().config.modelSpecs
    if config is None:
        return []
    return [_offer(spec) for spec in config.list]


def specs_enforced() -> bool:
    config = get_registry().config.modelSpecs
    return bool(config and config.enforce and config.list)


def specs_prioritized() -> bool:
    config = get_registry().config.modelSpecs
    return config is None or config.prioritize


def default_spec() -> OfferedSpec | None:
    for spec in model_specs():
        if spec.default and spec.available:
            return spec
    return None


def spec_allows(*, endpoint: str, model: str) -> bool:
    """With `modelSpecs.enforce`, only a spec's endpoint and model may be used."""
    if not specs_enforced():
        return True
    return any(spec.available and spec.endpoint == endpoint and spec.model == model for spec in model_specs())
