"""What a file really is, read from its bytes (magic numbers), never from its name or the browser."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

# Signatures of raster images a vision model takes.
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
# Programs and containers, refused whatever they are called.
_REFUSED = (
    b"MZ",  # Windows / DOS executables
    b"\x7fELF",  # Linux executables
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"PK\x03\x04",  # zip (and docx, jar, apk ...)
    b"Rar!",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"\x00asm",  # WebAssembly
)
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp"}

# Text types by extension; anything else that decodes as text is text/plain.
TEXT_TYPES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".xml": "application/xml",
    ".yaml": "application/x-yaml",
    ".yml": "application/x-yaml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".ts": "text/x-typescript",
    ".tsx": "text/x-typescript",
    ".jsx": "text/javascript",
    ".py": "text/x-python",
    ".rb": "text/x-ruby",
    ".php": "text/x-php",
    ".java": "text/x-java",
    ".kt": "text/x-kotlin",
    ".go": "text/x-go",
    ".rs": "text/x-rust",
    ".c": "text/x-c",
    ".h": "text/x-c",
    ".cpp": "text/x-c++",
    ".hpp": "text/x-c++",
    ".cs": "text/x-csharp",
    ".swift": "text/x-swift",
    ".sql": "application/sql",
    ".sh": "application/x-sh",
    ".tex": "text/x-tex",
    ".rst": "text/x-rst",
    ".ini": "text/plain",
    ".toml": "text/plain",
    ".log": "text/plain",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image", "pdf" or "text"
    mime_type: str
    text: str = ""  # the decoded text of a text file


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def decode_text(raw: bytes) -> str | None:
    """The text of `raw` if it is text (UTF-8, or UTF-16 with a byte-order mark), else None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    if "\x00" in text:
        return None
    # Binary data that happens to decode: mostly control characters other than whitespace.
    sample = text[:65536]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f\v\x1b")
    if sample and controls / len(sample) > 0.05:
        return None
    return text


def sniff(raw: bytes, name: str) -> Sniffed | None:
    """What `raw` is, or None when it is nothing this app accepts (or not what its name claims)."""
    head = raw[:16]
    ext = extension(name)
    for signature, mime_type in _IMAGES:
        if head.startswith(signature):
            return Sniffed("image", mime_type)
    if head[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return Sniffed("image", "image/webp")
    if head.startswith(_REFUSED):
        return None
    if ext in IMAGE_EXTENSIONS:
        # Named as an image but it is not one.
        return None
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf", "application/pdf")
    if ext == ".pdf":
        return None
    text = decode_text(raw)
    if text is None:
        return None
    return Sniffed("text", TEXT_TYPES.get(ext, "text/plain"), text)
