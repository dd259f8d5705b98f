"""What the chat page's parameters panel and presets menu need, rendered into the page."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from presets.selectors import preset_default_for_user, preset_list_for_user, preset_to_dict
from presets.specs import default_spec, model_specs, specs_enforced, specs_prioritized
from providers.parameters import all_specs, family_name, panel_table
from providers.registry import get_registry


def presets_for_user(*, user: User) -> list[dict[str, Any]]:
    """Admin-defined specs first (as LibreChat lists them), then the user's own and shared presets."""
    return [spec.as_dict() for spec in model_specs()] + [
        preset_to_dict(preset, user=user) for preset in preset_list_for_user(user=user)
    ]


def new_chat_start(*, user: User) -> dict[str, Any] | None:
    """Where a new chat starts: the default spec when it takes priority, else the user's default preset."""
    spec = default_spec()
    if spec is not None and specs_prioritized():
        return spec.as_dict()
    preset = preset_default_for_user(user=user)
    if preset is not None:
        return preset_to_dict(preset, user=user)
    return spec.as_dict() if spec is not None else None


def panel_context(
    *, user: User, endpoints: list[dict[str, Any]], conversation_parameters: dict[str, Any] | None
) -> dict[str, Any]:
    registry = get_registry()
    table: dict[str, Any] = {}
    for endpoint in endpoints:
        configured = registry.get(endpoint["name"])
        kind = configured.kind if configured is not None else ""
        table[endpoint["name"]] = {"family": family_name(kind), "models": panel_table(kind, endpoint["models"])}
    start = new_chat_start(user=user) if conversation_parameters is None else None
    presets = presets_for_user(user=user)
    return {
        "specs": all_specs(),
        "endpoints": table,
        "presets": presets,
        "model_specs": [preset for preset in presets if preset["kind"] == "spec"],
        "start": start,
        "parameters": conversation_parameters if conversation_parameters is not None else None,
        "enforced": specs_enforced(),
    }
