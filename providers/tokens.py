"""Offline token counting with the real tiktoken encodings, seeded from bpe-openai's bundled files."""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import os
import re
import tempfile
import threading
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import tiktoken

    from providers.base import ChatMessage

ENCODINGS = ("cl100k_base", "o200k_base")
# tiktoken looks a file up in its cache under the sha1 of this URL (tiktoken/load.py).
_OFFICIAL_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The models that use o200k_base: gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series (o1, o3, o4-mini, ...).
_O200K_MODEL = re.compile(r"(^|[/:\-_])(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)", re.IGNORECASE)
# OpenAI's chat format adds a few tokens per message and primes the reply with a few more.
TOKENS_PER_MESSAGE = 3
TOKENS_REPLY_PRIMING = 3

_lock = threading.Lock()
_seeded_dir: str | None = None
_encodings: dict[str, tiktoken.Encoding] = {}


def encoding_name_for(model: str) -> str:
    return "o200k_base" if model and _O200K_MODEL.search(model) else "cl100k_base"


def _cache_dir() -> str:
    try:
        configured = settings.TIKTOKEN_CACHE_DIR
    except (ImproperlyConfigured, AttributeError):
        # Used outside Django (a script or the fake provider): keep the files in the temp directory.
        configured = ""
    return str(configured or os.path.join(tempfile.gettempdir(), "librechat-tiktoken"))


def _seed_cache(cache_dir: str) -> None:
    os.makedirs(cache_dir, exist_ok=True)
    data = importlib.resources.files("bpe_openai") / "data"
    for name in ENCODINGS:
        url = _OFFICIAL_URL.format(name=name)
        path = os.path.join(cache_dir, hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest())
        if os.path.exists(path):
            # tiktoken checks the sha256 itself and would try (and fail) to download a bad file.
            continue
        raw = gzip.decompress((data / f"{name}.tiktoken.gz").read_bytes())
        # Write then rename, so another process never reads half a file.
        temporary = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(raw)
        os.replace(temporary, path)


def get_encoding(model: str = "") -> tiktoken.Encoding:
    """The tiktoken Encoding for a model name, loaded once per process without the network."""
    global _seeded_dir
    name = encoding_name_for(model)
    encoding = _encodings.get(name)
    if encoding is not None:
        return encoding
    with _lock:
        encoding = _encodings.get(name)
        if encoding is not None:
            return encoding
        if _seeded_dir is None:
            cache_dir = _cache_dir()
            _seed_cache(cache_dir)
            # tiktoken reads its cache location only from the environment, and the download host is
            # unreachable here, so this module points it at the seeded directory before first use.
            os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
            _seeded_dir = cache_dir
        import tiktoken

        encoding = tiktoken.get_encoding(name)
        _encodings[name] = encoding
        return encoding


def count_tokens(text: str, model: str = "") -> int:
    if not text:
        return 0
    # Special-token strings in user text are counted as ordinary text, never rejected.
    return len(get_encoding(model).encode(text, disallowed_special=()))


def count_messages(messages: list[ChatMessage], system: str = "", model: str = "") -> int:
    """Prompt tokens of a chat request, counted the way OpenAI's chat format frames messages."""
    encoding = get_encoding(model)

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=())) if text else 0

    total = TOKENS_REPLY_PRIMING
    if system:
        total += TOKENS_PER_MESSAGE + count("system") + count(system)
    for message in messages:
        total += TOKENS_PER_MESSAGE + count(message.role) + count(message.text)
    return total


def trim_messages(
    messages: list[ChatMessage], system: str = "", model: str = "", max_tokens: int = 0, keep_last: int = 1
) -> list[ChatMessage]:
    """The newest messages whose prompt fits in `max_tokens` (LibreChat's maxContextTokens).

    The last `keep_last` messages (the new prompt; for a continue also the reply so far) are kept
    whatever their size; older ones are left out oldest first, and a history that would start with
    the assistant's words starts at the next user message instead.
    """
    if max_tokens <= 0 or not messages:
        return list(messages)
    encoding = get_encoding(model)

    def count(message: ChatMessage) -> int:
        return TOKENS_PER_MESSAGE + len(encoding.encode(message.role, disallowed_special=())) + (
            len(encoding.encode(message.text, disallowed_special=())) if message.text else 0
        )

    keep_last = max(1, min(keep_last, len(messages)))
    total = TOKENS_REPLY_PRIMING
    if system:
        total += TOKENS_PER_MESSAGE + count_tokens("system", model) + count_tokens(system, model)
    kept_tail = messages[-keep_last:]
    total += sum(count(message) for message in kept_tail)
    older = messages[:-keep_last]
    start = len(older)
    # Walk back from the newest older message while it still fits.
    while start > 0:
        cost = count(older[start - 1])
        if total + cost > max_tokens:
            break
        total += cost
        start -= 1
    kept = older[start:]
    while kept and kept[0].role != "user":
        kept = kept[1:]
    return kept + kept_tail
