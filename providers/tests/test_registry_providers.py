"""Azure OpenAI, Google and Bedrock endpoints as built from librechat.yaml and the environment."""

from __future__ import annotations

import pytest

from librechat.config import ConfigError, parse_config
from providers.registry import build_registry

AZURE = """
endpoints:
  azureOpenAI:
    titleConvo: true
    titleModel: gpt-4o-mini
    groups:
      - group: west
        apiKey: "${AZURE_WEST_KEY}"
        instanceName: contoso-west
        version: "2024-10-21"
        deploymentName: default-dep
        models:
          gpt-4o-mini: true
          gpt-4o:
            deploymentName: prod-gpt4o
            version: "2025-01-01-preview"
      - group: proxy
        apiKey: "${AZURE_PROXY_KEY}"
        instanceName: contoso-east
        baseURL: "https://gateway.example.org/azure/${INSTANCE_NAME}/${DEPLOYMENT_NAME}"
        version: "2024-10-21"
        models:
          o4-mini:
            deploymentName: east-o4
"""


def registry_for(text: str, environ: dict[str, str]):
    loaded = parse_config(text, environ)
    return build_registry(loaded.config, "librechat.yaml", loaded.unsupported)


def test_azure_groups_map_each_model_to_its_deployment():
    registry = registry_for(AZURE, {"AZURE_WEST_KEY": "west-key", "AZURE_PROXY_KEY": "proxy-key"})
    azure = registry.get("azureOpenAI")
    assert azure.available and azure.kind == "azure" and azure.title_convo
    assert azure.models == ["gpt-4o-mini", "gpt-4o", "o4-mini"]
    deployments = azure.options["deployments"]
    assert deployments["gpt-4o-mini"]["base_url"] == "https://contoso-west.openai.azure.com/openai/deployments/default-dep"
    assert deployments["gpt-4o-mini"]["version"] == "2024-10-21"
    assert deployments["gpt-4o"]["deployment"] == "prod-gpt4o"
    assert deployments["gpt-4o"]["version"] == "2025-01-01-preview"
    assert deployments["o4-mini"]["base_url"] == "https://gateway.example.org/azure/contoso-east/east-o4"
    assert deployments["o4-mini"]["api_key"] == "proxy-key"
    assert "west-key" not in repr(azure)


def test_azure_group_with_its_key_unset_is_unavailable_with_the_reason():
    azure = registry_for(AZURE, {"AZURE_WEST_KEY": "west-key"}).get("azureOpenAI")
    assert not azure.available and "AZURE_PROXY_KEY" in azure.unavailable_reason


@pytest.mark.parametrize(
    ("removed", "words"),
    [
        ("        deploymentName: default-dep\n", "model 'gpt-4o-mini' of group 'west' has no deploymentName"),
        ('        version: "2024-10-21"\n', "model 'gpt-4o-mini' of group 'west' has no version"),
        ("        instanceName: contoso-west\n", "needs an instanceName or a baseURL"),
    ],
)
def test_azure_mistakes_name_the_key_path(removed, words):
    assert removed in AZURE
    with pytest.raises(ConfigError) as caught:
        parse_config(AZURE.replace(removed, "", 1), {})
    assert caught.value.path == "endpoints.azureOpenAI.groups[0]" and words in caught.value.message


def test_azure_model_in_two_groups_is_refused():
    text = AZURE.replace("          o4-mini:", "          gpt-4o:")
    with pytest.raises(ConfigError, match="both group"):
        parse_config(text, {})


def test_google_with_a_key_is_the_gemini_api(settings):
    settings.GOOGLE_KEY = "g-key"
    settings.GOOGLE_SERVICE_KEY_FILE = ""
    google = registry_for("version: 1.3.14\n", {}).get("google")
    assert google.kind == "google" and google.api_key == "g-key" and not google.options["vertex"]
    assert google.models == settings.GOOGLE_MODELS


def test_google_with_a_service_account_is_vertex(settings, tmp_path):
    key_file = tmp_path / "sa.json"
    key_file.write_text("{}")
    settings.GOOGLE_KEY = ""
    settings.GOOGLE_SERVICE_KEY_FILE = str(key_file)
    settings.GOOGLE_LOCATION = "europe-west4"
    google = registry_for("", {}).get("google")
    assert google.available and google.options["vertex"] and google.options["location"] == "europe-west4"
    settings.GOOGLE_SERVICE_KEY_FILE = str(tmp_path / "missing.json")
    google = registry_for("", {}).get("google")
    assert not google.available and "GOOGLE_SERVICE_KEY_FILE" in google.unavailable_reason


def test_google_and_bedrock_are_off_without_their_settings(settings):
    settings.GOOGLE_KEY = settings.GOOGLE_SERVICE_KEY_FILE = settings.BEDROCK_REGION = ""
    registry = registry_for("", {})
    assert registry.get("google") is None and registry.get("bedrock") is None


def test_bedrock_takes_models_and_inference_profiles_from_the_yaml(settings):
    settings.BEDROCK_REGION = "eu-west-1"
    settings.BEDROCK_ACCESS_KEY_ID = "AKIDEXAMPLE"
    settings.BEDROCK_SECRET_ACCESS_KEY = "secret-value"
    text = """
endpoints:
  bedrock:
    models: ["anthropic.claude-3-7-sonnet-20250219-v1:0", "meta.llama3-1-8b-instruct-v1:0"]
    inferenceProfiles:
      "anthropic.claude-3-7-sonnet-20250219-v1:0": "${PROFILE_ARN}"
    guardrailConfig: {guardrailIdentifier: g, guardrailVersion: "1"}
"""
    loaded = parse_config(text, {"PROFILE_ARN": "arn:aws:bedrock:eu-west-1:1:application-inference-profile/x"})
    assert loaded.unsupported == ["endpoints.bedrock.guardrailConfig"]
    bedrock = build_registry(loaded.config, "librechat.yaml", loaded.unsupported).get("bedrock")
    assert bedrock.models == ["anthropic.claude-3-7-sonnet-20250219-v1:0", "meta.llama3-1-8b-instruct-v1:0"]
    assert bedrock.options["region"] == "eu-west-1" and bedrock.options["access_key_id"] == "AKIDEXAMPLE"
    assert bedrock.options["inference_profiles"]["anthropic.claude-3-7-sonnet-20250219-v1:0"].startswith("arn:")
    assert "secret-value" not in repr(bedrock)
