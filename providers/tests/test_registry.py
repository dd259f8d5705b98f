"""Endpoints built from settings and librechat.yaml: availability, reasons, built-ins."""

from __future__ import annotations

from librechat.config import parse_config
from providers.registry import build_registry


def registry_for(text: str, environ: dict[str, str], settings):
    loaded = parse_config(text, environ)
    return build_registry(loaded.config, "librechat.yaml", loaded.unsupported)


YAML = """
version: 1.3.14
endpoints:
  custom:
    - name: "groq"
      apiKey: "${GROQ_API_KEY}"
      baseURL: "https://api.groq.com/openai/v1/"
      models: {default: ["llama3-70b-8192"]}
      titleConvo: true
      titleModel: "current_model"
      dropParams: ["stop"]
    - name: "Portkey"
      apiKey: "dummy"
      baseURL: "https://api.portkey.ai/v1"
      headers: {x-portkey-api-key: "${PORTKEY_API_KEY}"}
      models: {default: ["gpt-4o-mini"]}
"""


def test_endpoint_with_its_key_set_is_available_and_keeps_options(settings):
    registry = registry_for(YAML, {"GROQ_API_KEY": "k1", "PORTKEY_API_KEY": "k2"}, settings)
    groq = registry.get("groq")
    assert groq.available and groq.api_key == "k1" and groq.drop_params == ["stop"]
    assert groq.title_model_for("llama3-70b-8192") == "llama3-70b-8192"
    assert registry.get("Portkey").headers == {"x-portkey-api-key": "k2"}
    assert "k1" not in repr(groq)  # keys never show up in logs or reprs


def test_unset_variables_leave_the_endpoint_unavailable_with_the_reason(settings):
    registry = registry_for(YAML, {}, settings)
    assert not registry.get("groq").available
    reason = registry.get("groq").unavailable_reason
    assert "apiKey" in reason and "GROQ_API_KEY" in reason
    portkey = registry.get("Portkey")
    assert not portkey.available and "headers.x-portkey-api-key" in portkey.unavailable_reason
    assert [endpoint.name for endpoint in registry.available()] == ["Demo"]


def test_demo_endpoint_can_be_switched_off_and_builtins_follow_keys(settings):
    settings.DEMO_ENDPOINT_ENABLED = False
    settings.OPENAI_API_KEY = "sk-test"
    registry = registry_for("", {}, settings)
    assert "Demo" not in registry.endpoints
    assert registry.get("openAI").available and registry.get("openAI").models
