"""Uploads: limits from fileConfig and content sniffing are checked before anything is stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from files.limits import limits_for_endpoint
from files.models import File
from files.services import FileError, file_upload
from files.tests.conftest import EXE_BYTES, image_bytes, stored_files, text_pdf
from providers.registry import reset_registry
from tests.servers import custom_endpoint, write_librechat_yaml


def upload(name: str, raw: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type=content_type)


@pytest.fixture
def file_config(settings, tmp_path):
    """Write a librechat.yaml with this fileConfig (and one custom endpoint named Fake)."""

    def write(config: dict) -> None:
        path = write_librechat_yaml(
            tmp_path / "librechat.yaml",
            [custom_endpoint("Fake", "http://127.0.0.1:9/v1", ["gpt-4o", "fake-chat"], "FAKE_KEY_FOR_FILES")],
            fileConfig=config,
        )
        settings.LIBRECHAT_CONFIG = str(path)
        reset_registry()

    return write


def assert_nothing_stored(folder) -> None:
    assert File.objects.count() == 0
    assert stored_files(folder) == []


def test_an_image_is_stored_with_its_size_and_dimensions(user, file_folder):
    file = file_upload(user=user, upload=upload("cat.png", image_bytes(64, 48), "image/png"))
    assert (file.kind, file.mime_type, file.width, file.height) == ("image", "image/png", 64, 48)
    assert file.original_name == "cat.png"
    [path] = stored_files(file_folder)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert file.size == path.stat().st_size
    # The stored name is ours, never the user's.
    assert "cat" not in path.name and path.parent.name == str(user.pk)


def test_the_browser_claimed_type_is_ignored(user):
    file = file_upload(user=user, upload=upload("photo", image_bytes(fmt="JPEG"), "text/plain"))
    assert file.mime_type == "image/jpeg"


def test_a_disguised_executable_is_refused_and_nothing_is_stored(user, file_folder):
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("holiday.png", EXE_BYTES, "image/png"))
    assert refused.value.code == "unsupported_type"
    assert "holiday.png" in refused.value.message
    assert_nothing_stored(file_folder)


def test_a_file_over_the_endpoint_size_limit_is_refused_before_storing(user, file_folder, file_config):
    file_config({"endpoints": {"Fake": {"fileSizeLimit": 0.001}}})  # about 1 KB
    big = b"word " * 400  # 2000 bytes of text
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("big.txt", big), endpoint_name="Fake")
    assert refused.value.code == "file_too_large"
    assert "big.txt" in refused.value.message
    assert_nothing_stored(file_folder)
    # Another endpoint falls back to the default limits and takes it.
    assert file_upload(user=user, upload=upload("big.txt", big), endpoint_name="Demo").size == len(big)


def test_the_default_entry_and_the_server_limit_apply(file_config, settings):
    file_config({"endpoints": {"default": {"fileSizeLimit": 5, "fileLimit": 3}}, "serverFileSizeLimit": 2})
    limits = limits_for_endpoint("Fake")
    assert limits.file_limit == 3
    assert limits.file_size_limit == 2 * 1024 * 1024  # the server-wide limit is lower


def test_supported_mime_types_restrict_what_is_accepted(user, file_folder, file_config):
    file_config({"endpoints": {"Fake": {"supportedMimeTypes": ["^image/.*$"]}}})
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("notes.md", b"# Notes"), endpoint_name="Fake")
    assert refused.value.code == "unsupported_type"
    assert_nothing_stored(file_folder)
    assert file_upload(user=user, upload=upload("a.png", image_bytes()), endpoint_name="Fake").is_image


def test_a_disabled_endpoint_takes_no_files(user, file_folder, file_config):
    file_config({"endpoints": {"Fake": {"disabled": True}}})
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("a.png", image_bytes()), endpoint_name="Fake")
    assert refused.value.code == "uploads_disabled"
    assert_nothing_stored(file_folder)


def test_a_broken_image_is_refused(user, file_folder):
    raw = image_bytes()[:40]  # a PNG signature and then nothing usable
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("broken.png", raw))
    assert refused.value.code == "unreadable_image"
    assert_nothing_stored(file_folder)


def test_text_and_pdf_files_keep_their_text(user):
    markdown = file_upload(user=user, upload=upload("notes.md", "# Заметки\nsecond line".encode()))
    assert (markdown.kind, markdown.mime_type) == ("text", "text/markdown")
    assert markdown.text == "# Заметки\nsecond line"
    pdf = file_upload(user=user, upload=upload("report.pdf", text_pdf("Quarterly report", "Page two")))
    assert pdf.mime_type == "application/pdf"
    assert pdf.text == "Quarterly report\n\nPage two"


def test_a_pdf_without_text_is_refused_with_the_reason(user, file_folder):
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, format="PDF")  # a scan: an image, no text
    with pytest.raises(FileError) as refused:
        file_upload(user=user, upload=upload("scan.pdf", buffer.getvalue()))
    assert refused.value.code == "pdf_no_text"
    assert_nothing_stored(file_folder)


# --- the views -------------------------------------------------------------------------------------
def test_upload_view_answers_json_and_download_is_owner_only(client, user, other_user):
    client.force_login(user)
    form = {"file": upload("dot.png", image_bytes(10, 10)), "endpoint": "Demo"}
    response = client.post(reverse("files:upload"), form)
    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "image" and data["name"] == "dot.png" and data["width"] == 10
    content = client.get(data["url"])
    assert content.status_code == 200
    assert content["Content-Type"] == "image/png"
    assert b"".join(content.streaming_content)[:4] == b"\x89PNG"

    client.force_login(other_user)
    assert client.get(data["url"]).status_code == 404
    client.logout()
    assert client.get(data["url"]).status_code == 302  # to the sign-in page


def test_upload_view_refusals_are_readable_and_translated(client, user, file_folder):
    client.force_login(user)
    response = client.post(
        reverse("files:upload"), {"file": upload("virus.png", EXE_BYTES)}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    data = response.json()
    assert data["ok"] is False and data["code"] == "unsupported_type"
    assert "virus.png" in data["message"] and "не" in data["message"]
    assert_nothing_stored(file_folder)
    assert client.post(reverse("files:upload"), {}).json()["code"] == "no_file"


def test_too_large_upload_gets_413(client, user, file_folder, file_config):
    file_config({"endpoints": {"Fake": {"fileSizeLimit": 0.0001}}})
    client.force_login(user)
    form = {"file": upload("a.png", image_bytes(200, 200)), "endpoint": "Fake"}
    response = client.post(reverse("files:upload"), form)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert_nothing_stored(file_folder)


def test_documents_download_as_attachments_not_pages(client, user):
    client.force_login(user)
    data = client.post(reverse("files:upload"), {"file": upload("page.html", b"<script>alert(1)</script>")}).json()
    response = client.get(data["url"])
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
