"""Upload and download of attachments: each parses the request, calls one function, answers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from files import services
from files.models import File
from files.selectors import attachment_part, attachments_for_display, file_get_for_user
from files.storage import file_storage


def file_to_dict(file: File) -> dict[str, object]:
    return {**attachments_for_display([attachment_part(file)])[0], "ok": True}


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"ok": False, "code": "no_file", "message": _("Choose a file to attach.")}, status=400)
    try:
        file = services.file_upload(
            user=request.user,  # type: ignore[arg-type]
            upload=upload,
            endpoint_name=str(request.POST.get("endpoint", ""))[:100],
        )
    except services.FileError as error:
        status = 413 if error.code in ("file_too_large",) else 400
        return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)
    return JsonResponse(file_to_dict(file), status=201)


@login_required
@require_GET
def content(request: HttpRequest, file_id: str) -> HttpResponseBase:
    """The file's bytes, for its owner only (anyone else gets 404, as if it did not exist)."""
    file = file_get_for_user(user=request.user, file_id=file_id)
    if file is None:
        raise Http404
    try:
        handle = file_storage().open(file.storage_path, "rb")
    except (OSError, FileNotFoundError):
        raise Http404 from None
    # Images are shown in the page; anything else is downloaded, never rendered by the browser.
    response = FileResponse(
        handle,
        content_type=file.mime_type if file.is_image else "application/octet-stream",
        as_attachment=not file.is_image,
        filename=file.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
