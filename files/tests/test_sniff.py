"""Content sniffing: the bytes decide the type, never the name."""

from __future__ import annotations

import pytest

from files.sniff import sniff
from files.tests.conftest import EXE_BYTES, image_bytes, text_pdf


@pytest.mark.parametrize(
    ("fmt", "mime_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_images_are_recognised_by_their_bytes(fmt, mime_type):
    sniffed = sniff(image_bytes(fmt=fmt), "whatever.bin")
    assert sniffed is not None
    assert (sniffed.kind, sniffed.mime_type) == ("image", mime_type)


@pytest.mark.parametrize("name", ["photo.png", "photo.jpg", "notes.txt", "report.pdf", "noext"])
def test_an_executable_is_refused_whatever_it_is_called(name):
    assert sniff(EXE_BYTES, name) is None


@pytest.mark.parametrize(
    "raw",
    [b"\x7fELF\x02\x01\x01" + b"\x00" * 64, b"PK\x03\x04" + b"\x00" * 64, b"\x1f\x8b\x08" + b"\x00" * 40],
)
def test_programs_and_archives_are_refused(raw):
    assert sniff(raw, "file.txt") is None


def test_text_named_as_an_image_is_refused():
    assert sniff(b"just some words", "picture.png") is None


def test_a_pdf_must_really_be_one():
    assert sniff(text_pdf("hello"), "a.pdf").mime_type == "application/pdf"
    assert sniff(b"plain words", "a.pdf") is None


@pytest.mark.parametrize(
    ("name", "mime_type"),
    [
        ("notes.md", "text/markdown"),
        ("table.csv", "text/csv"),
        ("data.json", "application/json"),
        ("script.py", "text/x-python"),
        ("main.go", "text/x-go"),
        ("README", "text/plain"),
    ],
)
def test_text_types_come_from_the_extension_once_the_bytes_are_text(name, mime_type):
    sniffed = sniff("#!/usr/bin/env python\nprint('привет')\n".encode(), name)
    assert sniffed is not None
    assert (sniffed.kind, sniffed.mime_type) == ("text", mime_type)
    assert "привет" in sniffed.text


def test_binary_noise_is_not_text():
    assert sniff(bytes(range(1, 32)) * 50, "data.txt") is None
    assert sniff(b"abc\x00def", "data.txt") is None


def test_utf16_with_a_byte_order_mark_is_text():
    sniffed = sniff("\ufeffhello".encode("utf-16"), "a.txt")
    assert sniffed is not None and sniffed.text.endswith("hello")
