"""JSON actions on presets: each parses input, calls one service, and answers with JSON."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from presets import services
from presets.models import Preset
from presets.panel import presets_for_user
from presets.selectors import preset_get_for_user, preset_get_owned, preset_list_for_user, preset_to_dict


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _body(request: HttpRequest) -> dict[str, Any]:
    """The JSON object a script posted, or the form fields."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise services.PresetError("invalid_json", _("The request is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise services.PresetError("invalid_json", _("The request is not valid JSON."))
        return data
    data = dict(request.POST.items())
    if "parameters" in data:
        try:
            data["parameters"] = json.loads(data["parameters"] or "{}")
        except json.JSONDecodeError:
            raise services.PresetError(
                "invalid_parameters", _("Parameters must be an object."), "parameters"
            ) from None
    return data


def _refused(error: services.PresetError, status: int = 400) -> JsonResponse:
    data = {"ok": False, "code": error.code, "field": error.field, "message": error.message}
    return JsonResponse(data, status=status)


def _owned(request: HttpRequest, preset_id: str) -> Preset:
    preset = preset_get_owned(user=_user(request), preset_id=preset_id)
    if preset is None:
        if preset_get_for_user(user=_user(request), preset_id=preset_id) is not None:
            # Shared with this user: theirs to apply, not to change.
            raise PermissionError
        raise Http404
    return preset


def _read_only() -> JsonResponse:
    message = _("This preset was shared with you: you can apply it but not change it.")
    return JsonResponse({"ok": False, "code": "read_only", "field": "", "message": message}, status=403)


def _answer(request: HttpRequest, preset: Preset | None = None, **extra: Any) -> JsonResponse:
    data: dict[str, Any] = {"ok": True, "presets": presets_for_user(user=_user(request)), **extra}
    if preset is not None:
        data["preset"] = preset_to_dict(preset, user=_user(request))
    return JsonResponse(data)


@login_required
@require_GET
def preset_list(request: HttpRequest) -> JsonResponse:
    return _answer(request)


@login_required
@require_POST
def preset_create(request: HttpRequest) -> JsonResponse:
    try:
        data = _body(request)
        preset = services.preset_create(
            owner=_user(request),
            title=data.get("title"),
            endpoint_name=data.get("endpoint"),
            model=data.get("model"),
            parameters=data.get("parameters"),
            is_default=data.get("is_default") in (True, "1", "true", "on"),
        )
    except services.PresetError as error:
        return _refused(error)
    return _answer(request, preset)


@login_required
@require_POST
def preset_update(request: HttpRequest, preset_id: str) -> JsonResponse:
    try:
        preset = _owned(request, preset_id)
    except PermissionError:
        return _read_only()
    try:
        data = _body(request)
        services.preset_update(
            preset=preset,
            title=data.get("title", preset.title),
            endpoint_name=data.get("endpoint", preset.endpoint),
            model=data.get("model", preset.model),
            parameters=data.get("parameters", preset.parameters),
        )
    except services.PresetError as error:
        return _refused(error)
    return _answer(request, preset)


@login_required
@require_POST
def preset_delete(request: HttpRequest, preset_id: str) -> JsonResponse:
    try:
        preset = _owned(request, preset_id)
    except PermissionError:
        return _read_only()
    services.preset_delete(preset=preset)
    return _answer(request)


@login_required
@require_POST
def preset_default(request: HttpRequest, preset_id: str) -> JsonResponse:
    """Make a preset the default for new chats, or with `on` false, stop having a default."""
    try:
        preset = _owned(request, preset_id)
    except PermissionError:
        return _read_only()
    try:
        data = _body(request)
        on = data.get("on", True) not in (False, "0", "false", "off")
        services.preset_set_default(owner=_user(request), preset=preset if on else None)
    except services.PresetError as error:
        return _refused(error)
    preset.refresh_from_db()
    return _answer(request, preset)


@login_required
@require_POST
def preset_share(request: HttpRequest, preset_id: str) -> JsonResponse:
    try:
        preset = _owned(request, preset_id)
    except PermissionError:
        return _read_only()
    try:
        data = _body(request)
        services.preset_share(preset=preset, users=data.get("users"), groups=data.get("groups"))
    except services.PresetError as error:
        return _refused(error)
    return _answer(request, preset)


@login_required
@require_GET
def preset_export(request: HttpRequest) -> HttpResponse:
    """LibreChat's preset JSON: one preset (`?id=`) as an object, or all the user sees as a list."""
    preset_id = request.GET.get("id")
    if preset_id:
        preset = preset_get_for_user(user=_user(request), preset_id=preset_id)
        if preset is None:
            raise Http404
        payload: Any = services.preset_export(preset)
        filename = f"{slugify(preset.title) or 'preset'}.json"
    else:
        payload = [services.preset_export(preset) for preset in preset_list_for_user(user=_user(request))]
        filename = "presets.json"
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def preset_import(request: HttpRequest) -> JsonResponse:
    """Import an uploaded LibreChat preset file (field `file`), or the JSON text in `json`."""
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size and upload.size > services.IMPORT_MAX_BYTES:
                raise services.PresetError("too_large", _("The file is too large to be a preset export."))
            source: Any = upload.read()
        elif request.content_type == "application/json":
            source = request.body
        else:
            source = request.POST.get("json", "")
            if not source:
                raise services.PresetError("empty_import", _("Choose a file to import."))
        result = services.presets_import(owner=_user(request), source=source)
    except services.PresetError as error:
        return _refused(error)
    return _answer(request, imported=[str(preset.pk) for preset in result.presets], ignored=result.ignored)
