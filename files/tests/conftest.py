"""Fixtures for file tests: users, a storage folder per test, images and PDFs made on the spot."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from accounts.models import User


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(email="alice@example.org", password="a-long-password-1")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user(email="bob@example.org", password="a-long-password-2")


@pytest.fixture(autouse=True)
def file_folder(settings, tmp_path: Path) -> Path:
    """Every test stores files in its own folder, so "nothing was stored" can be checked."""
    folder = tmp_path / "stored-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}},
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def image_bytes(width: int = 64, height: int = 48, fmt: str = "PNG", color: str = "red", **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def text_pdf(*pages: str) -> bytes:
    """A small valid PDF whose pages show `pages` in Helvetica (offsets computed, so pypdf reads it)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * index for index in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for index, text in enumerate(pages):
        content_id = page_ids[index] + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return output.getvalue()


# A Windows executable's first bytes (the DOS header and stub), as an attacker would rename it.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
    + b"\x00" * 200
)


@pytest.fixture(scope="session")
def fake_provider():
    from providers.fake_server import FakeProviderServer

    server = FakeProviderServer(tokens_per_second=400, stall_seconds=30).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def vision_endpoints(settings, tmp_path: Path, fake_provider, monkeypatch):
    """Fake OpenAI-compatible and Anthropic-style endpoints with vision and non-vision models."""
    from providers.registry import reset_registry
    from tests.servers import custom_endpoint, write_librechat_yaml

    monkeypatch.setenv("FAKE_PROVIDER_KEY", "test-key")
    settings.STREAM_FLUSH_INTERVAL = 0.005
    settings.STREAM_SAVE_INTERVAL = 0.05
    config = write_librechat_yaml(
        tmp_path / "librechat.yaml",
        [
            custom_endpoint("Fake", f"{fake_provider.url}/v1", ["gpt-4o-echo", "llava-echo", "fake-echo"],
                            "FAKE_PROVIDER_KEY", titleConvo=False),
            custom_endpoint("FakeClaude", fake_provider.url, ["claude-3-echo"], "FAKE_PROVIDER_KEY",
                            provider="anthropic", titleConvo=False),
        ],
    )
    settings.LIBRECHAT_CONFIG = str(config)
    reset_registry()
    yield config
    reset_registry()
