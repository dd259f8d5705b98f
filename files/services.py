"""Writes on files: accepting an upload (checked in full before anything is stored), attaching
uploads to a message, deleting."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import User
from files.images import ImageError, image_prepare
from files.limits import image_resize_config, limits_for_endpoint
from files.models import File
from files.sniff import Sniffed, sniff
from files.storage import file_storage
from files.text import TextError, clip_text, pdf_text

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 255


class FileError(Exception):
    """An upload or attachment refused; `message` is readable and translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _text_error_message(code: str) -> str:
    return {
        "pdf_encrypted": _("This PDF is protected by a password, so its text cannot be read."),
        "pdf_no_text": _("No text could be read from this PDF (it may contain only scanned images)."),
    }.get(code, _("This PDF could not be read."))


def _clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(char for char in name if char.isprintable())
    return name[:MAX_NAME_LENGTH] or "file"


def file_upload(*, user: User, upload: UploadedFile, endpoint_name: str = "") -> File:
    """Check an upload against fileConfig (size, then the type read from its content), prepare it
    (resize an image, read a document's text), then store it. A refusal stores nothing."""
    name = _clean_name(upload.name or "")
    limits = limits_for_endpoint(endpoint_name)
    if limits.disabled:
        raise FileError("uploads_disabled", _("File uploads are turned off for this endpoint."))
    size = upload.size or 0
    if size == 0:
        raise FileError("empty_file", _("“%(name)s” is empty.") % {"name": name})
    if size > limits.file_size_limit:
        raise FileError(
            "file_too_large",
            _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limits.file_size_limit)},
        )
    raw = upload.read(limits.file_size_limit + 1)
    if len(raw) > limits.file_size_limit:
        # The declared size was wrong: trust what was read.
        raise FileError(
            "file_too_large",
            _("“%(name)s” is too large (the limit is %(limit)s).")
            % {"name": name, "limit": filesizeformat(limits.file_size_limit)},
        )
    sniffed = sniff(raw, name)
    if sniffed is None or not limits.supports(sniffed.mime_type):
        raise FileError(
            "unsupported_type",
            _("“%(name)s” is not a supported file type. Attach images (PNG, JPEG, GIF, WebP), text, code or PDF files.")
            % {"name": name},
        )
    fields = _prepare(sniffed, raw, name)
    stored = fields.pop("raw")
    file_id = uuid.uuid4()
    extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}.get(
        fields["mime_type"], ".pdf" if fields["mime_type"] == "application/pdf" else ".txt"
    )
    storage = file_storage()
    # The stored name never contains anything the user typed.
    path = storage.save(f"{user.pk}/{file_id.hex}{extension}", ContentFile(stored))
    try:
        return File.objects.create(
            id=file_id,
            owner=user,
            original_name=name,
            size=len(stored),
            storage_path=path,
            endpoint=endpoint_name[:100],
            **fields,
        )
    except BaseException:
        storage.delete(path)
        raise


def _prepare(sniffed: Sniffed, raw: bytes, name: str) -> dict[str, Any]:
    if sniffed.kind == "image":
        resize = image_resize_config()
        try:
            image = image_prepare(
                raw, sniffed.mime_type, max_width=resize.maxWidth, max_height=resize.maxHeight, quality=resize.quality
            )
        except ImageError:
            raise FileError(
                "unreadable_image", _("“%(name)s” looks like an image but cannot be read.") % {"name": name}
            ) from None
        return {
            "kind": File.Kind.IMAGE,
            "mime_type": image.mime_type,
            "raw": image.raw,
            "width": image.width,
            "height": image.height,
        }
    if sniffed.kind == "pdf":
        try:
            text = pdf_text(raw)
        except TextError as error:
            raise FileError(error.code, _text_error_message(error.code)) from None
        return {"kind": File.Kind.TEXT, "mime_type": sniffed.mime_type, "raw": raw, "text": text}
    return {"kind": File.Kind.TEXT, "mime_type": sniffed.mime_type, "raw": raw, "text": clip_text(sniffed.text)}


def files_attach(*, files: list[File], message: Any) -> None:
    """Link uploads to the message they were sent with (and its conversation)."""
    if not files:
        return
    File.objects.filter(pk__in=[file.pk for file in files], message__isnull=True).update(
        message=message, conversation_id=message.conversation_id
    )


def file_delete(*, file: File) -> None:
    """Delete a file's record, then its bytes once the deletion is committed."""
    path = file.storage_path
    file.delete()
    transaction.on_commit(lambda: file_storage().delete(path))
