"""Reads on files: one user's files, the uploads a send may attach, and what a prompt gets from them."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from files.limits import limits_for_endpoint
from files.models import File
from files.services import FileError
from files.storage import file_storage
from providers.tokens import get_encoding
from providers.vision import data_url, is_vision_model

logger = logging.getLogger(__name__)

# Message content part types that carry an attachment (chat.Message.content).
IMAGE_PART = "image_file"
FILE_PART = "file"
ATTACHMENT_PARTS = (IMAGE_PART, FILE_PART)
# Below this many tokens left, a document is left out rather than cut to a useless stub.
MIN_DOCUMENT_TOKENS = 64
# Told to the model in the prompt (the page shows a translated "Truncated" badge on the file).
TRUNCATION_NOTE = "\n[Truncated: the rest of this file did not fit in the context window.]"


def parse_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def file_get_for_user(*, user: Any, file_id: Any) -> File | None:
    pk = parse_uuid(file_id)
    if pk is None or not getattr(user, "is_authenticated", False):
        return None
    return File.objects.filter(pk=pk, owner=user).first()


def files_for_send(*, user: User, file_ids: Any, endpoint_name: str, model: str) -> list[File]:
    """The user's unsent uploads named by `file_ids`, checked against the endpoint's limits and
    the model (images need a vision model); raises FileError saying what is wrong."""
    if file_ids in (None, ""):
        return []
    if not isinstance(file_ids, list) or not all(isinstance(item, str) for item in file_ids):
        raise FileError("invalid_files", _("The attachments could not be read."))
    if not file_ids:
        return []
    limits = limits_for_endpoint(endpoint_name)
    if limits.disabled:
        raise FileError("uploads_disabled", _("File uploads are turned off for this endpoint."))
    if len(file_ids) > limits.file_limit:
        raise FileError(
            "too_many_files",
            _("Too many attachments (%(count)d; the limit is %(limit)d).")
            % {"count": len(file_ids), "limit": limits.file_limit},
        )
    keys = [parse_uuid(item) for item in file_ids]
    found = {file.pk: file for file in File.objects.filter(owner=user, pk__in=[key for key in keys if key])}
    if any(key is None or key not in found for key in keys) or len(set(keys)) != len(keys):
        raise FileError("invalid_files", _("An attachment no longer exists. Remove it and attach it again."))
    files = [found[key] for key in keys if key is not None]
    if any(file.message_id is not None for file in files):
        raise FileError("invalid_files", _("An attachment was already sent. Attach it again."))
    total = sum(file.size for file in files)
    if total > limits.total_size_limit:
        raise FileError(
            "total_too_large",
            _("The attachments are too large together (%(size)s; the limit is %(limit)s).")
            % {"size": filesizeformat(total), "limit": filesizeformat(limits.total_size_limit)},
        )
    for file in files:
        if not limits.supports(file.mime_type):
            raise FileError(
                "unsupported_type",
                _("“%(name)s” is not a supported file type for this endpoint.") % {"name": file.original_name},
            )
    if any(file.is_image for file in files) and not is_vision_model(model):
        raise FileError(
            "not_vision",
            _("The model “%(model)s” cannot see images. Choose a vision model (such as GPT-4o, Claude or Gemini) "
              "or remove the images.") % {"model": model},
        )
    return files


def attachment_part(file: File, *, truncated: bool = False) -> dict[str, Any]:
    """The content part stored on a message for one attachment."""
    part: dict[str, Any] = {
        "type": IMAGE_PART if file.is_image else FILE_PART,
        "file_id": str(file.pk),
        "name": file.original_name,
        "mime_type": file.mime_type,
        "size": file.size,
    }
    if file.is_image:
        part["width"] = file.width
        part["height"] = file.height
    if truncated:
        part["truncated"] = True
    return part


def attachments_for_display(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A message's attachments as the page shows them (read from its content parts, no query)."""
    shown = []
    for part in content or []:
        if not isinstance(part, dict) or part.get("type") not in ATTACHMENT_PARTS or not part.get("file_id"):
            continue
        url = reverse("files:content", args=[part["file_id"]])
        shown.append(
            {
                "id": part["file_id"],
                "kind": "image" if part["type"] == IMAGE_PART else "text",
                "name": part.get("name", ""),
                "mime_type": part.get("mime_type", ""),
                "size": part.get("size", 0),
                "size_label": filesizeformat(part.get("size", 0)),
                "width": part.get("width"),
                "height": part.get("height"),
                "truncated": bool(part.get("truncated")),
                "url": url,
            }
        )
    return shown


def file_ids_in(content: list[dict[str, Any]]) -> list[str]:
    return [
        str(part["file_id"])
        for part in content or []
        if isinstance(part, dict) and part.get("type") in ATTACHMENT_PARTS and part.get("file_id")
    ]


def file_read(file: File) -> bytes:
    with file_storage().open(file.storage_path, "rb") as handle:
        return bytes(handle.read())


@dataclass
class Document:
    file_id: str
    name: str
    mime_type: str
    text: str
    truncated: bool = False
    omitted: bool = False


@dataclass
class MessageInputs:
    """What one message adds to a prompt besides its text."""

    images: list[dict[str, str]] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    # Images left out because the model cannot see them (an earlier message's, after a switch).
    images_left_out: int = 0

    def prompt_text(self, text: str) -> str:
        """The message text with its documents' text before it."""
        if not self.documents and not self.images_left_out:
            return text
        blocks = []
        for document in self.documents:
            if document.omitted:
                blocks.append(
                    f'<file name="{document.name}">[Not included: no room left in the context window.]</file>'
                )
                continue
            note = TRUNCATION_NOTE if document.truncated else ""
            blocks.append(f'<file name="{document.name}" type="{document.mime_type}">\n{document.text}{note}\n</file>')
        if self.images_left_out:
            blocks.append(f"[{self.images_left_out} attached image(s) not shown: this model cannot see images.]")
        return "\n\n".join([*blocks, text]) if text else "\n\n".join(blocks)


def inputs_for_messages(
    *, user: User, file_ids_by_message: dict[str, list[str]], order: list[str], model: str, token_budget: int
) -> dict[str, MessageInputs]:
    """Images (as data URLs, when the model sees them) and document text for each message.

    Documents share `token_budget`: the messages in `order` come first (newest first), and a
    document that does not fit is cut with a note saying so.
    """
    wanted = {key for ids in file_ids_by_message.values() for item in ids if (key := parse_uuid(item)) is not None}
    if not wanted:
        return {}
    files = {str(file.pk): file for file in File.objects.filter(owner=user, pk__in=wanted)}
    vision = is_vision_model(model)
    encoding = get_encoding(model)
    remaining = max(token_budget, 0)
    inputs: dict[str, MessageInputs] = {}
    for message_id in order:
        entry = inputs.setdefault(message_id, MessageInputs())
        for file_id in file_ids_by_message.get(message_id, []):
            file = files.get(file_id)
            if file is None:
                continue  # deleted since: the prompt simply goes without it
            if file.is_image:
                if not vision:
                    entry.images_left_out += 1
                    continue
                try:
                    entry.images.append({"url": data_url(file.mime_type, file_read(file))})
                except OSError:
                    logger.warning("Attachment %s is missing from storage", file.pk)
                continue
            tokens = encoding.encode(file.text, disallowed_special=())
            document = Document(file_id=str(file.pk), name=file.original_name, mime_type=file.mime_type, text=file.text)
            if len(tokens) > remaining:
                if remaining < MIN_DOCUMENT_TOKENS:
                    document.text, document.omitted = "", True
                else:
                    document.text = encoding.decode(tokens[:remaining])
                    document.truncated = True
                remaining = 0
            else:
                remaining -= len(tokens)
            entry.documents.append(document)
    return inputs
