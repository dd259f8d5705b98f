"""Which models see images, and how each provider family wants an image in a request.

Images travel through the app as data URLs (`ChatMessage.images[i]["url"]`); each adapter turns
them into its own wire shape with the functions here, so the formats live in one place.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

# Model names that accept images, matched anywhere in the name (custom endpoints prefix models,
# e.g. "openai/gpt-4o" or "llava:13b"). Keep this the one list of vision models.
VISION_MODEL_PATTERNS: tuple[str, ...] = (
    r"gpt-4o",
    r"gpt-4\.1",
    r"gpt-4\.5",
    r"gpt-5",
    r"gpt-4-turbo",
    r"gpt-4-vision",
    r"chatgpt-4o",
    r"(^|[/:\-_])o[134](-mini|-pro)?($|[/:\-_])",
    r"claude-3",
    r"claude-(sonnet|opus|haiku)-4",
    r"claude-(sonnet|opus|haiku)-[5-9]",
    r"gemini",
    r"llava",
    r"bakllava",
    r"llama-?3\.2-?vision",
    r"llama-?4",
    r"pixtral",
    r"qwen[\d.]*-?vl",
    r"minicpm-v",
    r"moondream",
    r"grok-\d+-vision",
    r"grok-4",
)
_VISION = re.compile("|".join(f"(?:{pattern})" for pattern in VISION_MODEL_PATTERNS), re.IGNORECASE)
# Chat models whose names match a pattern above but that cannot see images.
_NOT_VISION = re.compile(r"gpt-4o(-mini)?-(audio|realtime|transcribe|search)|o1-mini|o3-mini", re.IGNORECASE)


def is_vision_model(model: str) -> bool:
    """Whether `model` accepts images in its prompt."""
    return bool(model) and bool(_VISION.search(model)) and not _NOT_VISION.search(model)


_DATA_URL = re.compile(r"^data:(?P<media>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)


@dataclass
class InlineImage:
    media_type: str
    data: str  # base64

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.data)


def data_url(media_type: str, raw: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(raw).decode('ascii')}"


def parse_data_url(url: str) -> InlineImage | None:
    """The media type and base64 payload of a `data:` URL, or None for any other URL."""
    match = _DATA_URL.match(url)
    if not match:
        return None
    try:
        base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError):
        return None
    return InlineImage(media_type=match["media"], data=match["data"])


# --- One function per provider family ---------------------------------------------------------


def openai_image_part(url: str, detail: str | None = None) -> dict[str, Any]:
    """OpenAI / Azure OpenAI / OpenAI-compatible Chat Completions: an `image_url` part."""
    image_url = {"url": url, "detail": detail} if detail else {"url": url}
    return {"type": "image_url", "image_url": image_url}


def responses_image_part(url: str, detail: str = "auto") -> dict[str, Any]:
    """OpenAI Responses API: an `input_image` part."""
    return {"type": "input_image", "image_url": url, "detail": detail}


def anthropic_image_block(url: str) -> dict[str, Any]:
    """Anthropic Messages: a base64 `image` block (or a URL source for a remote image)."""
    inline = parse_data_url(url)
    if inline is not None:
        return {"type": "image", "source": {"type": "base64", "media_type": inline.media_type, "data": inline.data}}
    return {"type": "image", "source": {"type": "url", "url": url}}


def google_image_part(url: str) -> dict[str, Any]:
    """Gemini (google-genai REST shape): an `inline_data` part, or `file_data` for a remote URL."""
    inline = parse_data_url(url)
    if inline is not None:
        return {"inline_data": {"mime_type": inline.media_type, "data": inline.data}}
    return {"file_data": {"file_uri": url}}


_BEDROCK_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}


def bedrock_image_block(url: str) -> dict[str, Any] | None:
    """Bedrock Converse: an `image` block carrying the raw bytes (boto3 encodes them); None when
    the image is not inline or its type is one Bedrock does not take."""
    inline = parse_data_url(url)
    if inline is None or inline.media_type not in _BEDROCK_FORMATS:
        return None
    return {"image": {"format": _BEDROCK_FORMATS[inline.media_type], "source": {"bytes": inline.raw}}}
