"""Writes on presets: create, change, delete, default, share, and LibreChat-format import."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from presets.models import Preset
from providers.parameters import PRESET_FIELDS, ParameterError, parameters_clean
from providers.registry import get_registry

TITLE_MAX_CHARS = 200
IMPORT_MAX_PRESETS = 500
IMPORT_MAX_BYTES = 2 * 1024 * 1024


class PresetError(Exception):
    """A preset request that cannot be carried out; `field` names the culprit, `message` is translated."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass
class CheckedPreset:
    title: str
    endpoint: str
    model: str
    parameters: dict[str, Any]
    is_default: bool = False
    # Fields of the source that are no parameter we send (reported after an import).
    ignored: list[str] = field(default_factory=list)


def preset_check(
    *, title: Any, endpoint_name: Any, model: Any, parameters: Any, allow_unknown: bool = False
) -> CheckedPreset:
    """A preset's fields checked against the configured endpoints and their parameter table."""
    if not isinstance(title, str) or not " ".join(title.split()):
        raise PresetError("invalid_title", _("Give the preset a title."), "title")
    title = " ".join(title.split())[:TITLE_MAX_CHARS]
    if not isinstance(endpoint_name, str) or not endpoint_name:
        raise PresetError("invalid_endpoint", _("Choose an endpoint."), "endpoint")
    endpoint = get_registry().get(endpoint_name)
    if endpoint is None:
        raise PresetError(
            "unknown_endpoint", _("The endpoint “%(name)s” is not configured.") % {"name": endpoint_name}, "endpoint"
        )
    if model in (None, ""):
        model = endpoint.models[0] if endpoint.models else ""
    if not isinstance(model, str) or not model:
        raise PresetError("invalid_model", _("Choose a model."), "model")
    try:
        cleaned = parameters_clean(kind=endpoint.kind, model=model, parameters=parameters, allow_unknown=allow_unknown)
    except ParameterError as error:
        raise PresetError("invalid_parameters", error.message, error.parameter) from None
    return CheckedPreset(
        title=title, endpoint=endpoint.name, model=model, parameters=cleaned.values,
        ignored=[*cleaned.unknown, *cleaned.dropped],
    )


def preset_create(
    *, owner: User, title: Any, endpoint_name: Any, model: Any, parameters: Any, is_default: bool = False
) -> Preset:
    """Save an endpoint, model and parameters under a title."""
    checked = preset_check(title=title, endpoint_name=endpoint_name, model=model, parameters=parameters)
    with transaction.atomic():
        if is_default:
            Preset.objects.filter(owner=owner, is_default=True).update(is_default=False)
        return Preset.objects.create(
            owner=owner, title=checked.title, endpoint=checked.endpoint, model=checked.model,
            parameters=checked.parameters, is_default=bool(is_default),
        )


def preset_update(*, preset: Preset, title: Any, endpoint_name: Any, model: Any, parameters: Any) -> Preset:
    """Change a preset of the caller's (views look it up among the user's own)."""
    checked = preset_check(title=title, endpoint_name=endpoint_name, model=model, parameters=parameters)
    preset.title = checked.title
    preset.endpoint = checked.endpoint
    preset.model = checked.model
    preset.parameters = checked.parameters
    preset.save(update_fields=["title", "endpoint", "model", "parameters", "updated_at"])
    return preset


def preset_delete(*, preset: Preset) -> None:
    preset.delete()


def preset_set_default(*, owner: User, preset: Preset | None) -> Preset | None:
    """Make `preset` the one new chats start from (None: no default)."""
    with transaction.atomic():
        others = Preset.objects.filter(owner=owner, is_default=True)
        if preset is not None:
            others = others.exclude(pk=preset.pk)
        others.update(is_default=False)
        if preset is not None:
            if preset.owner_id != owner.pk:
                raise PresetError("not_owner", _("Only your own presets can be the default."))
            preset.is_default = True
            preset.save(update_fields=["is_default", "updated_at"])
    return preset


def _names(value: Any, label: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").replace("\n", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PresetError("invalid_share", _("List the %(what)s separated by commas.") % {"what": label})
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))


def preset_share(*, preset: Preset, users: Any, groups: Any) -> Preset:
    """Share a preset with exactly these users (by email) and roles (Django groups, by name).

    Recipients see and apply it; only the owner changes it. An unknown name changes nothing.
    """
    emails = _names(users, _("email addresses"))
    group_names = _names(groups, _("role names"))
    recipients: list[User] = []
    for email in emails:
        recipient = User.objects.filter(email__iexact=email).first()
        if recipient is None:
            message = _("No user has the email address “%(email)s”.") % {"email": email}
            raise PresetError("unknown_user", message, "users")
        if recipient.pk != preset.owner_id:
            recipients.append(recipient)
    roles: list[Group] = []
    for name in group_names:
        group = Group.objects.filter(name__iexact=name).first()
        if group is None:
            raise PresetError("unknown_group", _("There is no role named “%(name)s”.") % {"name": name}, "groups")
        roles.append(group)
    with transaction.atomic():
        preset.shared_with_users.set(recipients)
        preset.shared_with_groups.set(roles)
    return preset


# --- LibreChat's preset JSON ----------------------------------------------------------------------


def preset_export(preset: Preset) -> dict[str, Any]:
    """A preset as LibreChat writes one: its fields and parameters side by side."""
    data: dict[str, Any] = {
        "presetId": str(preset.pk),
        "title": preset.title,
        "endpoint": preset.endpoint,
        "model": preset.model,
    }
    data.update(preset.parameters)
    if preset.is_default:
        data["defaultPreset"] = True
    return data


@dataclass
class ImportResult:
    presets: list[Preset]
    # "Preset 2: modelLabel" style notes on fields that were not imported.
    ignored: list[str]


def _decode(source: Any) -> Any:
    if isinstance(source, bytes):
        if len(source) > IMPORT_MAX_BYTES:
            raise PresetError("too_large", _("The file is too large to be a preset export."))
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PresetError("invalid_json", _("The file is not UTF-8 text.")) from None
    if isinstance(source, str):
        try:
            return json.loads(source)
        except json.JSONDecodeError as error:
            raise PresetError(
                "invalid_json",
                _("The file is not valid JSON (line %(line)d, column %(column)d: %(problem)s).")
                % {"line": error.lineno, "column": error.colno, "problem": error.msg},
            ) from None
    return source


def presets_import(*, owner: User, source: Any) -> ImportResult:
    """Import presets from LibreChat's JSON (one preset object or a list); all or nothing."""
    data = _decode(source)
    items = data if isinstance(data, list) else [data]
    if not items:
        raise PresetError("empty_import", _("The file holds no presets."))
    if len(items) > IMPORT_MAX_PRESETS:
        raise PresetError("too_many", _("A file may hold at most %(count)d presets.") % {"count": IMPORT_MAX_PRESETS})
    checked: list[CheckedPreset] = []
    notes: list[str] = []
    for index, item in enumerate(items, start=1):
        where = _("Preset %(number)d") % {"number": index} if len(items) > 1 else _("The preset")
        if not isinstance(item, dict):
            raise PresetError("invalid_preset", _("%(where)s is not a JSON object.") % {"where": where})
        if "endpoint" not in item:
            message = _("%(where)s: the field “endpoint” is missing.") % {"where": where}
            raise PresetError("invalid_endpoint", message, "endpoint")
        title = item.get("title")
        if title in (None, ""):
            title = item.get("modelLabel") or item.get("model") or _("Imported preset")
        parameters = {key: value for key, value in item.items() if key not in PRESET_FIELDS}
        try:
            one = preset_check(
                title=title, endpoint_name=item.get("endpoint"), model=item.get("model"), parameters=parameters,
                allow_unknown=True,
            )
        except PresetError as error:
            name = error.field or "title"
            message = _("%(where)s, field “%(field)s”: %(problem)s") % {
                "where": where, "field": name, "problem": error.message,
            }
            raise PresetError(error.code, message, error.field) from None
        if not isinstance(item.get("defaultPreset", False), bool):
            raise PresetError(
                "invalid_preset",
                _("%(where)s, field “%(field)s”: %(problem)s")
                % {"where": where, "field": "defaultPreset", "problem": _("must be true or false.")},
                "defaultPreset",
            )
        one.is_default = bool(item.get("defaultPreset"))
        labels = ("modelLabel", "chatGptLabel", "greeting", "iconURL", "spec")
        skipped = [*one.ignored, *(key for key in labels if key in item)]
        if skipped:
            notes.append(f"{where}: {', '.join(skipped)}")
        checked.append(one)
    created: list[Preset] = []
    with transaction.atomic():
        if any(one.is_default for one in checked):
            Preset.objects.filter(owner=owner, is_default=True).update(is_default=False)
        default_index = max((i for i, one in enumerate(checked) if one.is_default), default=-1)
        for index, one in enumerate(checked):
            created.append(
                Preset.objects.create(
                    owner=owner, title=one.title, endpoint=one.endpoint, model=one.model,
                    parameters=one.parameters, is_default=index == default_index,
                )
            )
    return ImportResult(presets=created, ignored=notes)
