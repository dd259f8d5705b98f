"""The one list of vision models, and each provider family's image shape."""

from __future__ import annotations

import base64

import pytest

from providers.vision import (
    anthropic_image_block,
    bedrock_image_block,
    data_url,
    google_image_part,
    is_vision_model,
    openai_image_part,
    parse_data_url,
    responses_image_part,
)

PNG = b"\x89PNG\r\n\x1a\nfake"
URL = data_url("image/png", PNG)
B64 = base64.b64encode(PNG).decode()


@pytest.mark.parametrize(
    "model",
    ["gpt-4o", "gpt-4o-mini", "openai/gpt-4.1", "gpt-5", "o3", "o4-mini", "claude-3-5-sonnet-latest",
     "claude-sonnet-4-5", "gemini-2.5-flash", "llava:13b", "llama3.2-vision", "pixtral-12b", "qwen2.5-vl-72b"],
)
def test_vision_models(model):
    assert is_vision_model(model)


@pytest.mark.parametrize(
    "model", ["gpt-3.5-turbo", "gpt-4", "o3-mini", "o1-mini", "gpt-4o-audio-preview", "mistral-small", "demo-chat",
              "fake-echo", "deepseek-chat", ""],
)
def test_text_only_models(model):
    assert not is_vision_model(model)


def test_openai_and_responses_shapes():
    assert openai_image_part(URL) == {"type": "image_url", "image_url": {"url": URL}}
    assert openai_image_part(URL, "low")["image_url"]["detail"] == "low"
    assert responses_image_part(URL) == {"type": "input_image", "image_url": URL, "detail": "auto"}


def test_anthropic_shape():
    assert anthropic_image_block(URL) == {
        "type": "image", "source": {"type": "base64", "media_type": "image/png", "data": B64}
    }
    assert anthropic_image_block("https://example.org/a.png")["source"] == {
        "type": "url", "url": "https://example.org/a.png"
    }


def test_gemini_shape():
    assert google_image_part(URL) == {"inline_data": {"mime_type": "image/png", "data": B64}}


def test_bedrock_shape_carries_raw_bytes():
    assert bedrock_image_block(URL) == {"image": {"format": "png", "source": {"bytes": PNG}}}
    assert bedrock_image_block(data_url("image/bmp", b"BM")) is None
    assert bedrock_image_block("https://example.org/a.png") is None


def test_parse_data_url_refuses_garbage():
    assert parse_data_url("data:image/png;base64,@@@") is None
    assert parse_data_url("https://example.org/x.png") is None
    assert parse_data_url(URL).raw == PNG
