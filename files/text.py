"""Text read out of attached documents (plain text, source code, PDF) for the model's context."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

logger = logging.getLogger(__name__)

# More text than any context window holds is not worth keeping.
MAX_TEXT_CHARS = 2_000_000


class TextError(Exception):
    """No text can be read from the document; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def pdf_text(raw: bytes) -> str:
    """The text of every page of a PDF, pages separated by a blank line."""
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise TextError("pdf_encrypted")
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            text = (page.extract_text() or "").strip()
            pages.append(text)
            length += len(text)
            if length > MAX_TEXT_CHARS:
                break
    except TextError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("Unreadable PDF: %s", error)
        raise TextError("pdf_unreadable") from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise TextError("pdf_no_text")
    return text[:MAX_TEXT_CHARS]


def clip_text(text: str) -> str:
    return text[:MAX_TEXT_CHARS]
