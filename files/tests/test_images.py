"""Image preparation: fitted inside fileConfig's clientImageResize box, upright, re-encoded."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from files.images import ImageError, image_prepare
from files.services import file_upload
from files.tests.conftest import image_bytes, stored_files
from providers.registry import reset_registry
from tests.servers import write_librechat_yaml


def opened(raw: bytes) -> Image.Image:
    return Image.open(io.BytesIO(raw))


def test_a_large_jpeg_is_fitted_inside_the_box_keeping_its_shape():
    raw = image_bytes(4000, 3000, "JPEG")
    prepared = image_prepare(raw, "image/jpeg", max_width=1900, max_height=1900, quality=0.9)
    assert prepared.resized
    assert (prepared.width, prepared.height) == (1900, 1425)
    image = opened(prepared.raw)
    assert image.format == "JPEG" and image.size == (1900, 1425)


def test_a_small_image_is_kept_byte_for_byte():
    raw = image_bytes(300, 200, "PNG")
    prepared = image_prepare(raw, "image/png", max_width=1900, max_height=1900, quality=0.92)
    assert not prepared.resized and prepared.raw == raw


def test_quality_changes_the_jpeg_size():
    raw = Image.effect_noise((2400, 1600), 60).convert("RGB")
    buffer = io.BytesIO()
    raw.save(buffer, format="JPEG", quality=95)
    low = image_prepare(buffer.getvalue(), "image/jpeg", max_width=1000, max_height=1000, quality=0.3)
    high = image_prepare(buffer.getvalue(), "image/jpeg", max_width=1000, max_height=1000, quality=0.95)
    assert len(low.raw) < len(high.raw)


def test_exif_rotation_is_applied():
    image = Image.new("RGB", (80, 40), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    prepared = image_prepare(buffer.getvalue(), "image/jpeg", max_width=1900, max_height=1900, quality=0.9)
    assert (prepared.width, prepared.height) == (40, 80)


def test_an_animated_gif_too_large_becomes_its_first_frame_as_png():
    frames = [Image.new("P", (3000, 100), index) for index in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    prepared = image_prepare(buffer.getvalue(), "image/gif", max_width=1500, max_height=1500, quality=0.9)
    assert prepared.mime_type == "image/png" and prepared.width == 1500


def test_garbage_is_not_an_image():
    with pytest.raises(ImageError):
        image_prepare(b"\x89PNG\r\n\x1a\nnot really", "image/png", max_width=10, max_height=10, quality=0.9)


def test_upload_uses_the_configured_box(user, settings, tmp_path, file_folder):
    config = write_librechat_yaml(
        tmp_path / "librechat.yaml", [], fileConfig={"clientImageResize": {"maxWidth": 320, "maxHeight": 200}}
    )
    settings.LIBRECHAT_CONFIG = str(config)
    reset_registry()
    raw = image_bytes(1600, 800, "WEBP")
    file = file_upload(user=user, upload=SimpleUploadedFile("wide.webp", raw))
    assert (file.width, file.height, file.mime_type) == (320, 160, "image/webp")
    [path] = stored_files(file_folder)
    assert opened(path.read_bytes()).size == (320, 160)
