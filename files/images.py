"""Images made ready for a vision model: upright, no larger than fileConfig allows, re-encoded."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Refuse images whose pixel count could exhaust memory when decoded (a "decompression bomb").
Image.MAX_IMAGE_PIXELS = 100_000_000

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


class ImageError(Exception):
    """The bytes are not an image Pillow can read."""


@dataclass
class PreparedImage:
    raw: bytes
    mime_type: str
    width: int
    height: int
    resized: bool


def image_prepare(raw: bytes, mime_type: str, *, max_width: int, max_height: int, quality: float) -> PreparedImage:
    """`raw` turned upright and fitted inside max_width × max_height; small images are kept as sent."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(raw))
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1) if hasattr(image, "getexif") else 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageError(str(error)) from None
    upright = orientation in (1, None)
    if width <= max_width and height <= max_height and upright:
        return PreparedImage(raw=raw, mime_type=mime_type, width=width, height=height, resized=False)
    try:
        if image.format == "JPEG" and upright:
            # Let libjpeg decode at a reduced scale (never below the final size): far faster than
            # decoding every pixel of a camera photo.
            scale = min(max_width / width, max_height / height)
            image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
        image = ImageOps.exif_transpose(image) or image
        if getattr(image, "is_animated", False):
            image.seek(0)
        image.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
        output_mime = mime_type if mime_type != "image/gif" else "image/png"
        output_format = _FORMATS[output_mime]
        if output_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        options: dict[str, object] = {}
        if output_format in ("JPEG", "WEBP"):
            options["quality"] = max(1, min(100, round(quality * 100)))
        image.save(buffer, format=output_format, **options)
    except (OSError, ValueError) as error:
        raise ImageError(str(error)) from None
    return PreparedImage(
        raw=buffer.getvalue(), mime_type=output_mime, width=image.width, height=image.height, resized=True
    )
