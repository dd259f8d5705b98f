"""Tests for librechat.config: upstream's example, env substitution, error paths, ignored keys."""

from __future__ import annotations

import os
from pathlib import Path
from textwrap import dedent

import pytest

from librechat.config import (
    AppConfig,
    BalanceConfig,
    ConfigError,
    load_config,
    parse_config,
    substitute_env,
)

# The anchors live beside the checkout: <workspace>/shared/anchors next to <workspace>/main.
UPSTREAM_EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "anchors" / "librechat" / "librechat.example.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upstream_example() -> Path:
    if not UPSTREAM_EXAMPLE.exists():
        reason = f"upstream's librechat.example.yaml is not beside the checkout ({UPSTREAM_EXAMPLE})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return UPSTREAM_EXAMPLE


def custom_endpoints(*entries: str) -> str:
    """librechat.yaml text with the given YAML blocks as `endpoints.custom` entries."""
    items = "".join("    - " + dedent(entry).strip().replace("\n", "\n      ") + "\n" for entry in entries)
    return "endpoints:\n  custom:\n" + items


GROQ = dedent(
    """
    name: groq
    apiKey: '${GROQ_API_KEY}'
    baseURL: https://api.groq.com/openai/v1/
    models:
      default: [llama3-70b-8192]
    """
).strip()


def config_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, {})
    return caught.value


# --- Upstream's example ------------------------------------------------------------------------


def test_upstream_example_loads_unchanged():
    loaded = load_config(upstream_example(), environ={})

    config = loaded.config
    assert config.version == "1.3.14"
    assert config.cache is True
    assert config.interface is not None
    assert config.interface.customWelcome == "Welcome to LibreChat! Enjoy your experience."
    assert config.registration is not None
    assert config.registration.socialLogins == ["github", "google", "discord", "openid", "facebook", "apple", "saml"]
    assert config.balance is None
    assert config.endpoints is not None
    endpoints = {entry.name: entry for entry in config.endpoints.custom}
    assert list(endpoints) == ["Claude-Compatible", "groq", "Mistral", "OpenRouter", "Helicone", "Portkey"]
    assert endpoints["Claude-Compatible"].provider == "anthropic"
    assert endpoints["Claude-Compatible"].headers == {"anthropic-version": "2023-06-01"}
    assert endpoints["groq"].models.default[0] == "llama3-70b-8192"
    assert endpoints["groq"].models.fetch is False
    assert endpoints["Mistral"].models.fetch is True
    assert endpoints["Mistral"].dropParams == ["stop", "user", "frequency_penalty", "presence_penalty"]
    assert endpoints["Mistral"].titleConvo is True
    assert endpoints["Mistral"].titleModel == "mistral-tiny"
    assert endpoints["OpenRouter"].headers == {"x-librechat-body-parentmessageid": "{{LIBRECHAT_BODY_PARENTMESSAGEID}}"}
    assert endpoints["Helicone"].iconURL == "https://marketing-assets-helicone.s3.us-west-2.amazonaws.com/helicone.png"
    # Nothing in the environment: the references stay as written.
    assert endpoints["groq"].apiKey == "${GROQ_API_KEY}"
    assert endpoints["Portkey"].apiKey == "dummy"


def test_upstream_example_reports_what_we_ignore_in_file_order():
    loaded = load_config(upstream_example(), environ={})

    assert loaded.unsupported == [
        "interface.fileSearch",
        "interface.privacyPolicy",
        "interface.termsOfService",
        "interface.modelSelect",
        "interface.parameters",
        "interface.presets",
        "interface.prompts",
        "interface.bookmarks",
        "interface.multiConvo",
        "interface.agents",
        "interface.peoplePicker",
        "interface.marketplace",
        "interface.fileCitations",
        "actions",
        "endpoints.custom[0].activityLabel",
        "endpoints.custom[0].activityModel",
        "endpoints.custom[5].summarize",
        "endpoints.custom[5].summaryModel",
    ]


def test_upstream_example_takes_keys_from_the_environment():
    environ = {"GROQ_API_KEY": "gsk-test", "PORTKEY_API_KEY": "pk-test"}

    loaded = load_config(upstream_example(), environ=environ)

    assert loaded.config.endpoints is not None
    endpoints = {entry.name: entry for entry in loaded.config.endpoints.custom}
    assert endpoints["groq"].apiKey == "gsk-test"
    assert endpoints["Portkey"].headers == {
        "x-portkey-api-key": "pk-test",
        "x-portkey-virtual-key": "${PORTKEY_OPENAI_VIRTUAL_KEY}",
    }


# --- Environment substitution ------------------------------------------------------------------


def test_exact_reference_takes_the_variable():
    assert substitute_env("${GROQ_API_KEY}", {"GROQ_API_KEY": "gsk-1"}) == "gsk-1"
    assert substitute_env("  ${GROQ_API_KEY} ", {"GROQ_API_KEY": "gsk-1"}) == "gsk-1"


def test_embedded_references_are_each_replaced():
    environ = {"HOST": "llm.internal", "PORT": "8080"}

    assert substitute_env("https://${HOST}:${PORT}/v1", environ) == "https://llm.internal:8080/v1"


def test_unset_and_empty_variables_stay_literal():
    environ = {"HOST": "llm.internal", "EMPTY": ""}

    assert substitute_env("${MISSING}", environ) == "${MISSING}"
    assert substitute_env("${EMPTY}", environ) == "${EMPTY}"
    assert substitute_env("https://${HOST}/${MISSING}", environ) == "https://llm.internal/${MISSING}"


def test_sensitive_variables_are_never_substituted():
    environ = {"CREDS_KEY": "secret-key", "JWT_SECRET": "jwt", "HOST": "h"}

    assert substitute_env("${CREDS_KEY}", environ) == "${CREDS_KEY}"
    assert substitute_env("Bearer ${JWT_SECRET} on ${HOST}", environ) == "Bearer ${JWT_SECRET} on h"


def test_substitution_reaches_every_string_value_but_no_key():
    text = custom_endpoints(
        """
        name: local
        apiKey: '${LOCAL_KEY}'
        baseURL: 'http://${LOCAL_HOST}/v1'
        models:
          default: ['${LOCAL_MODEL}', fixed]
        headers:
          '${HEADER_NAME}': 'Bearer ${LOCAL_KEY}'
        """
    )
    environ = {"LOCAL_KEY": "k-1", "LOCAL_HOST": "ollama:11434", "LOCAL_MODEL": "llama3", "HEADER_NAME": "X-Key"}

    config = parse_config(text, environ).config

    assert config.endpoints is not None
    entry = config.endpoints.custom[0]
    assert entry.apiKey == "k-1"
    assert entry.baseURL == "http://ollama:11434/v1"
    assert entry.models.default == ["llama3", "fixed"]
    assert entry.headers == {"${HEADER_NAME}": "Bearer k-1"}


def test_substituted_text_is_validated_like_written_text():
    text = custom_endpoints(GROQ + "\ntitleConvo: '${TITLES}'")

    error = pytest.raises(ConfigError, parse_config, text, {"TITLES": "true"}).value

    assert error.path == "endpoints.custom[0].titleConvo"


# --- Errors ------------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line():
    error = config_error("version: 1.3.14\nendpoints:\n  custom: [\n    - name: x\n")

    assert error.path == ""
    assert error.line == 4
    assert str(error).startswith("librechat.yaml: invalid YAML at line 4, column 5:")


def test_duplicate_key_is_refused_with_its_line():
    error = config_error("version: 1.3.14\nendpoints:\n  custom: []\ncache: true\nendpoints:\n  custom: []\n")

    assert error.line == 5
    assert "duplicate key 'endpoints'" in str(error)


def test_merge_keys_may_be_overridden():
    text = custom_endpoints(
        """
        <<: {name: base, apiKey: k, baseURL: u, models: {default: [m]}}
        name: derived
        """
    )

    config = parse_config(text, {}).config

    assert config.endpoints is not None
    assert config.endpoints.custom[0].name == "derived"


def test_top_level_must_be_a_mapping():
    error = config_error("- version: 1.3.14\n")

    assert str(error) == "librechat.yaml: the top level must be a mapping of keys, not a list"


def test_wrong_type_names_the_exact_path():
    text = custom_endpoints(
        """
        name: openai-compatible
        apiKey: k
        baseURL: u
        models:
          default: gpt-4
        """
    )

    error = config_error(text)

    assert error.path == "endpoints.custom[0].models.default"
    assert str(error) == "librechat.yaml: endpoints.custom[0].models.default: Input should be a valid list"


def test_error_path_carries_the_list_index():
    broken = GROQ.replace("name: groq", "name: third").replace("[llama3-70b-8192]", "[llama3, 7]")
    text = custom_endpoints(GROQ, GROQ.replace("name: groq", "name: second"), broken)

    error = config_error(text)

    assert error.path == "endpoints.custom[2].models.default[1]"
    assert error.message == "Input should be a valid string"


def test_booleans_and_strings_are_strict():
    assert config_error(custom_endpoints(GROQ + "\ntitleConvo: 'true'")).path == "endpoints.custom[0].titleConvo"
    assert config_error("version: 1.3\n").path == "version"
    assert config_error("interface: hello\n").message == "Input should be a mapping of keys"


def test_missing_required_key_names_its_path():
    error = config_error(custom_endpoints(GROQ.replace("apiKey: '${GROQ_API_KEY}'", "")))

    assert str(error) == "librechat.yaml: endpoints.custom[0].apiKey: Field required"


def test_missing_model_list_names_its_path():
    text = custom_endpoints(GROQ.replace("default: [llama3-70b-8192]", "fetch: true"))

    assert config_error(text).path == "endpoints.custom[0].models.default"


def test_empty_model_list_is_refused():
    error = config_error(custom_endpoints(GROQ.replace("[llama3-70b-8192]", "[]")))

    assert error.path == "endpoints.custom[0].models.default"
    assert "at least 1 item" in error.message


def test_unknown_key_under_endpoints_is_an_error():
    error = config_error(custom_endpoints(GROQ) + "  openai:\n    titleModel: gpt-4o-mini\n")

    assert error.path == "endpoints.openai"
    assert "openAI" in error.message


def test_endpoints_needs_at_least_one_key():
    error = config_error("endpoints: {}\n")

    assert error.path == "endpoints"


@pytest.mark.parametrize("name", ["openAI", "azureOpenAI", "anthropic", "agents", "custom"])
def test_built_in_endpoint_name_is_refused(name):
    error = config_error(custom_endpoints(GROQ.replace("name: groq", f"name: {name}")))

    assert error.path == "endpoints.custom[0].name"
    assert "built-in endpoint" in error.message


def test_provider_may_only_be_anthropic():
    error = config_error(custom_endpoints(GROQ + "\nprovider: openai"))

    assert error.path == "endpoints.custom[0].provider"


def test_unknown_custom_params_key_is_an_error():
    error = config_error(custom_endpoints(GROQ + "\ncustomParams:\n  defaultParamsEndpoint: openAI\n  reasoning: x"))

    assert error.path == "endpoints.custom[0].customParams.reasoning"


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "librechat.yaml", environ={})


# --- What loads --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n", "# everything commented out\n# version: 1.3.14\n"])
def test_empty_file_is_the_empty_config(text):
    loaded = parse_config(text, {})

    assert loaded.config == AppConfig()
    assert loaded.unsupported == []


def test_yaml_is_read_as_libre_chat_reads_it():
    # YAML 1.2 as in js-yaml: `on` and `no` stay words and `1:30` stays text.
    text = custom_endpoints(GROQ + "\nheaders:\n  X-Flag: on\n  X-Window: 1:30\ndropParams: [no]")

    config = parse_config(text, {}).config

    assert config.endpoints is not None
    entry = config.endpoints.custom[0]
    assert entry.headers == {"X-Flag": "on", "X-Window": "1:30"}
    assert entry.dropParams == ["no"]


def test_empty_custom_list_is_an_empty_list():
    config = parse_config("endpoints:\n  custom:\n", {}).config

    assert config.endpoints is not None
    assert config.endpoints.custom == []


def test_custom_endpoint_defaults():
    config = parse_config(custom_endpoints(GROQ), {}).config

    assert config.endpoints is not None
    entry = config.endpoints.custom[0]
    assert entry.models.fetch is False
    assert entry.titleConvo is False
    assert entry.headers == {}
    assert entry.addParams == {}
    assert entry.dropParams == []
    assert entry.provider is None


def test_balance_takes_libre_chat_defaults():
    config = parse_config("balance:\n  enabled: true\n", {}).config

    assert config.balance == BalanceConfig(
        enabled=True,
        startBalance=20000,
        autoRefillEnabled=False,
        refillIntervalValue=30,
        refillIntervalUnit="days",
        refillAmount=10000,
    )
    assert config_error("balance:\n  refillIntervalUnit: years\n").path == "balance.refillIntervalUnit"


def test_model_items_with_descriptions_keep_the_name():
    text = custom_endpoints(
        GROQ.replace("[llama3-70b-8192]", "[llama3-70b-8192, {name: mixtral, description: Mixture of experts}]")
    )

    loaded = parse_config(text, {})

    assert loaded.config.endpoints is not None
    assert loaded.config.endpoints.custom[0].models.default == ["llama3-70b-8192", "mixtral"]
    assert loaded.unsupported == ["endpoints.custom[0].models.default[1].description"]


def test_ignored_keys_are_reported_and_honoured_ones_are_not():
    text = dedent(
        """
        webSearch:
          serperApiKey: '${SERPER_API_KEY}'
        version: 1.3.14
        interface:
          customWelcome: Hi
          sidePanel: true
        endpoints:
          agents:
            disableBuilder: true
          custom:
            - name: groq
              apiKey: k
              baseURL: u
              models: {default: [m], fetch: true, userIdQuery: true}
              titleConvo: true
              titleModel: m
              customParams: {defaultParamsEndpoint: openAI}
              tokenConfig: {m: {prompt: 1, completion: 2, context: 8192}}
              reasoningLabel: true
              inventedOption: 1
        memory:
          disabled: true
        someTypo: 1
        """
    )

    loaded = parse_config(text, {})

    assert loaded.unsupported == [
        "webSearch",
        "interface.sidePanel",
        "endpoints.agents",
        "endpoints.custom[0].models.userIdQuery",
        "endpoints.custom[0].customParams",
        "endpoints.custom[0].tokenConfig",
        "endpoints.custom[0].reasoningLabel",
        "endpoints.custom[0].inventedOption",
        "memory",
        "someTypo",
    ]


def test_load_config_reads_a_file():
    loaded = load_config(FIXTURES / "librechat.yaml", environ={"GROQ_API_KEY": "gsk-fixture"})

    config = loaded.config
    assert config.interface is not None
    assert config.interface.customWelcome == "Hello from the fixture"
    assert config.registration is not None
    assert config.registration.allowedDomains == ["example.com"]
    assert config.balance is not None
    assert (config.balance.enabled, config.balance.startBalance) == (True, 50000)
    assert config.endpoints is not None
    [groq] = config.endpoints.custom
    assert (groq.name, groq.apiKey, groq.modelDisplayLabel) == ("groq", "gsk-fixture", "Groq")
    assert loaded.unsupported == [
        "interface.fileSearch",
        "webSearch",
        "endpoints.agents",
        "endpoints.custom[0].summarize",
        "memory",
    ]
