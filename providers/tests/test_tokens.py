"""Offline token counting: real tiktoken ids, encoding choice per model, the seeded cache."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from providers import tokens
from providers.base import ChatMessage
from providers.tokens import count_messages, count_tokens, encoding_name_for, get_encoding

EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


def cache_key(name: str) -> str:
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    return hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()


def test_known_token_ids_for_both_encodings():
    assert get_encoding("").encode("hello world") == [15339, 1917]
    assert get_encoding("gpt-4o").encode("hello world") == [24912, 2375]
    assert count_tokens("hello world") == 2
    assert count_tokens("hello world", "gpt-4o") == 2
    assert count_tokens("") == 0


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("chatgpt-4o-latest", "o200k_base"),
        ("gpt-4.1-nano", "o200k_base"),
        ("gpt-5", "o200k_base"),
        ("o1", "o200k_base"),
        ("o4-mini", "o200k_base"),
        ("openai/gpt-4o", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("claude-sonnet-4-5", "cl100k_base"),
        ("llama3.1:8b", "cl100k_base"),
        ("", "cl100k_base"),
    ],
)
def test_encoding_is_chosen_by_model_name(model, encoding):
    assert encoding_name_for(model) == encoding
    assert get_encoding(model).name == encoding


def test_special_token_text_is_counted_not_rejected():
    assert count_tokens("<|endoftext|>") > 1


def test_count_messages_frames_each_message():
    messages = [ChatMessage(role="user", text="hello world"), ChatMessage(role="assistant", text="hi")]
    # 3 reply-priming tokens, then 3 per message plus its role and text.
    assert count_messages(messages[:1]) == 3 + 3 + 1 + 2
    expected = 3 + (3 + count_tokens("user") + 2) + (3 + count_tokens("assistant") + count_tokens("hi"))
    assert count_messages(messages) == expected
    with_system = count_messages(messages, system="Be brief.")
    assert with_system == expected + 3 + count_tokens("system") + count_tokens("Be brief.")


def test_cache_is_seeded_with_the_official_files():
    get_encoding("")
    cache_dir = tokens._seeded_dir
    assert cache_dir and os.environ["TIKTOKEN_CACHE_DIR"] == cache_dir
    for name, sha256 in EXPECTED_SHA256.items():
        path = os.path.join(cache_dir, cache_key(name))
        with open(path, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == sha256


def test_first_use_from_many_threads_seeds_once_and_shares_one_encoding(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(tokens, "_encodings", {})
    monkeypatch.setattr(tokens, "_seeded_dir", None)
    # Restored afterwards: the module points tiktoken at the newly seeded directory.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", os.environ.get("TIKTOKEN_CACHE_DIR", ""))
    settings.TIKTOKEN_CACHE_DIR = str(tmp_path / "tiktoken")
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(get_encoding("gpt-4"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(result is results[0] for result in results)
    assert sorted(os.listdir(tmp_path / "tiktoken")) == sorted(cache_key(name) for name in EXPECTED_SHA256)
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path / "tiktoken")
