"""Attachment costs: accepting a large photo (sniff + resize + store) and reading a PDF's text.

Runs the real upload service against a throwaway SQLite database and a temporary storage folder.

    .venv/bin/python bench/files.py [--runs 5] [--width 4000 --height 3000] [--pdf-pages 50]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def photo(width: int, height: int) -> bytes:
    from PIL import Image

    # Noise compresses like a real photo would (a flat colour would flatter the numbers).
    image = Image.effect_noise((width, height), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(label: str, times: list[float], extra: str = "") -> str:
    return f"{label:<44} {statistics.median(times):>9.1f} {min(times):>9.1f} {max(times):>9.1f}  {extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--pdf-pages", type=int, default=50)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="librechat-bench-files-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="librechat.settings", DATA_DIR=directory, LIBRECHAT_CONFIG="", LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{directory}/db.sqlite3",
    )
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from files.images import image_prepare
    from files.services import file_upload
    from files.tests.conftest import text_pdf
    from files.text import pdf_text

    user = User.objects.create_user(email="bench@example.org", password="a-long-bench-password")
    jpeg = photo(args.width, args.height)
    line = "The quick brown fox jumps over the lazy dog while the bench counts every millisecond."
    pdf = text_pdf(*[f"Page {page}: {line}" for page in range(args.pdf_pages)])

    print(f"photo: {args.width}x{args.height} JPEG, {len(jpeg) / 1e6:.1f} MB; "
          f"PDF: {args.pdf_pages} pages, {len(pdf) / 1e3:.0f} kB; {args.runs} runs each\n")
    print(f"{'step':<44} {'median ms':>9} {'min':>9} {'max':>9}")
    resize = timed(lambda: image_prepare(jpeg, "image/jpeg", max_width=1900, max_height=1900, quality=0.92), args.runs)
    prepared = image_prepare(jpeg, "image/jpeg", max_width=1900, max_height=1900, quality=0.92)
    print(row("resize to 1900 px (decode, fit, encode)", resize,
              f"-> {prepared.width}x{prepared.height}, {len(prepared.raw) / 1e3:.0f} kB"))
    accept = timed(lambda: file_upload(user=user, upload=SimpleUploadedFile("photo.jpg", jpeg)), args.runs)
    print(row("accept upload (limits, sniff, resize, store)", accept))
    extract = timed(lambda: pdf_text(pdf), args.runs)
    print(row(f"extract text from {args.pdf_pages}-page PDF", extract, f"-> {len(pdf_text(pdf))} chars"))
    accept_pdf = timed(lambda: file_upload(user=user, upload=SimpleUploadedFile("doc.pdf", pdf)), args.runs)
    print(row("accept PDF upload (sniff, extract, store)", accept_pdf))


if __name__ == "__main__":
    main()
