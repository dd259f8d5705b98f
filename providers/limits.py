"""How many tokens a model's context window holds, for fitting attached text into a prompt."""

from __future__ import annotations

import re

# (pattern, tokens), first match wins; names are matched anywhere (custom endpoints prefix them).
_CONTEXT_WINDOWS: tuple[tuple[str, int], ...] = (
    (r"gpt-4\.1", 1_047_576),
    (r"gpt-5", 400_000),
    (r"gpt-4o|chatgpt-4o|gpt-4-turbo|gpt-4\.5", 128_000),
    (r"(^|[/:\-_])o\d", 200_000),
    (r"gpt-4-32k", 32_768),
    (r"gpt-4", 8_192),
    (r"gpt-3\.5", 16_385),
    (r"claude", 200_000),
    (r"gemini-1\.5-pro|gemini-2|gemini-3", 1_048_576),
    (r"gemini", 1_000_000),
    (r"llama-?3\.[123]|llama-?4", 128_000),
    (r"mistral-large|pixtral|qwen", 128_000),
    (r"deepseek", 64_000),
    (r"llava", 4_096),
)
# Unknown models (local and custom ones) get a modest window rather than a guess that overflows.
DEFAULT_CONTEXT_WINDOW = 8_192


def context_window(model: str) -> int:
    """The context window of `model` in tokens (a conservative default for unknown models)."""
    for pattern, tokens in _CONTEXT_WINDOWS:
        if re.search(pattern, model or "", re.IGNORECASE):
            return tokens
    return DEFAULT_CONTEXT_WINDOW
