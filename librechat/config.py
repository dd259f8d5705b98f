"""LibreChat's `librechat.yaml`: env substitution, typed models, and the keys we do not honour yet."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

SOURCE_NAME = "librechat.yaml"

# LibreChat's SENSITIVE_ENV_VARS (packages/data-provider/src/utils.ts): a `${NAME}` naming one of
# these stays literal, so the file can never pull infrastructure secrets into headers or URLs.
SENSITIVE_ENV_VARS = frozenset(
    {
        "JWT_SECRET",
        "JWT_REFRESH_SECRET",
        "CREDS_KEY",
        "CREDS_IV",
        "MEILI_MASTER_KEY",
        "MONGO_URI",
        "REDIS_URI",
        "REDIS_PASSWORD",
    }
)

# EModelEndpoint values (packages/data-provider/src/schemas.ts); a custom endpoint may not take one.
BUILT_IN_ENDPOINTS = (
    "azureOpenAI",
    "openAI",
    "google",
    "anthropic",
    "assistants",
    "azureAssistants",
    "agents",
    "custom",
    "bedrock",
)

_ACTIVITY_OPTIONS = (
    "activityLabel",
    "activityModel",
    "activityEndpoint",
    "activityPrompt",
    "activityMaxPerRun",
    "activityCharLimit",
    "activityPhaseLabel",
    "activityPhaseModel",
    "activityPhaseEndpoint",
    "activityPhasePrompt",
    "activityPhaseMaxPerRun",
    "reasoningLabel",
    "reasoningLabelModel",
    "reasoningLabelEndpoint",
    "reasoningLabelPrompt",
    "reasoningLabelMinChars",
    "reasoningLabelUpdateChars",
    "reasoningLabelUpdateIntervalMs",
    "reasoningLabelMaxPerRun",
)

# Keys LibreChat knows and we parse but do not act on yet ("[]" stands for any list index).
# Keys that no model declares (they land in `model_extra`) are reported as well.
NOT_HONOURED = frozenset(
    {
        "ocr",
        "webSearch",
        "langfuse",
        "memory",
        "summarization",
        "skillSync",
        "secureImageLinks",
        "imageOutputType",
        "includedTools",
        "filteredTools",
        "mcpServers",
        "mcpSettings",
        "turnstile",
        "fileStrategy",
        "fileStrategies",
        "cloudfront",
        "actions",
        "transactions",
        "speech",
        "rateLimits",
        "fileConfig.avatarSizeLimit",
        "fileConfig.imageGeneration",
        "fileConfig.clientImageResize.enabled",
        "messageFilter",
        "endpoints.all",
        "endpoints.openAI",
        "endpoints.anthropic",
        "endpoints.azureAssistants",
        "endpoints.assistants",
        "endpoints.agents",
        "endpoints.azureOpenAI.plugins",
        "endpoints.azureOpenAI.assistants",
        "endpoints.azureOpenAI.groups[].serverless",
        "endpoints.bedrock.guardrailConfig",
        "endpoints.bedrock.availableRegions",
        "endpoints.custom[].models.userIdQuery",
        "endpoints.custom[].apiKeyPreview",
        "endpoints.custom[].streamRate",
        "endpoints.custom[].titleMethod",
        "endpoints.custom[].titlePrompt",
        "endpoints.custom[].titlePromptTemplate",
        "endpoints.custom[].titleEndpoint",
        "endpoints.custom[].titleMessageRole",
        "endpoints.custom[].titleTiming",
        "endpoints.custom[].summarize",
        "endpoints.custom[].summaryModel",
        "endpoints.custom[].customParams",
        "endpoints.custom[].directEndpoint",
        "endpoints.custom[].tokenConfig",
        "endpoints.custom[].maxToolResultChars",
        *(f"endpoints.custom[].{option}" for option in _ACTIVITY_OPTIONS),
        "modelSpecs.addedEndpoints",
        "modelSpecs.list[].softDefault",
        "modelSpecs.list[].showInMenu",
        "modelSpecs.list[].group",
        "modelSpecs.list[].groupIcon",
        "modelSpecs.list[].hideBadgeRow",
        "modelSpecs.list[].skills",
        "modelSpecs.list[].subagents",
        "modelSpecs.list[].order",
        "modelSpecs.list[].showIconInMenu",
        "modelSpecs.list[].showIconInHeader",
        "modelSpecs.list[].authType",
        "modelSpecs.list[].webSearch",
        "modelSpecs.list[].fileSearch",
        "modelSpecs.list[].executeCode",
        "modelSpecs.list[].mcpServers",
    }
)
# Subtrees taken whole: a spec's `preset` holds LibreChat preset fields, checked when it is offered.
TAKEN_WHOLE = frozenset({"modelSpecs.list[].preset"})


class ConfigError(Exception):
    """librechat.yaml cannot be used; `path` names the offending key (empty for YAML syntax errors)."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(f"{SOURCE_NAME}: {path}: {message}" if path else f"{SOURCE_NAME}: {message}")


# --- Models ------------------------------------------------------------------------------------
# Strict like LibreChat's zod schemas: "true" is not a boolean and 5 is not a string.


class _Section(BaseModel):
    """A part of the file that keeps keys it does not declare, so they can be reported."""

    model_config = ConfigDict(extra="allow", strict=True)


def _model_name(item: Any) -> Any:
    # LibreChat also accepts `{name, description}` items; the name is what we use.
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        return item["name"]
    return item


class CustomEndpointModels(_Section):
    default: list[Annotated[str, BeforeValidator(_model_name)]] = Field(min_length=1)
    fetch: bool = False
    userIdQuery: bool | None = None


class CustomParams(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    defaultParamsEndpoint: str = "custom"
    reasoningFormat: str | None = None
    reasoningKey: str | None = None
    includeReasoningContent: bool | None = None
    includeReasoningHistory: bool | None = None
    paramDefinitions: list[dict[str, Any]] | None = None


class TokenRates(_Section):
    prompt: float
    completion: float
    context: float
    cacheRead: float | None = None
    cacheWrite: float | None = None


class CustomEndpointConfig(_Section):
    """One entry of `endpoints.custom`: an OpenAI-compatible (or Anthropic-compatible) API."""

    name: str
    apiKey: str
    baseURL: str
    models: CustomEndpointModels
    provider: Literal["anthropic"] | None = None
    modelDisplayLabel: str | None = None
    iconURL: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    addParams: dict[str, Any] = Field(default_factory=dict)
    dropParams: list[str] = Field(default_factory=list)
    titleConvo: bool = False
    titleModel: str | None = None
    titleMethod: Literal["completion", "functions", "structured"] | None = None
    titlePrompt: str | None = None
    titlePromptTemplate: str | None = None
    titleEndpoint: str | None = None
    titleMessageRole: Literal["system", "user", "assistant"] | None = None
    titleTiming: Literal["immediate", "final"] | None = None
    streamRate: float | None = None
    summarize: bool | None = None
    summaryModel: str | None = None
    directEndpoint: bool | None = None
    tokenConfig: dict[str, TokenRates] | None = None
    customParams: CustomParams | None = None
    apiKeyPreview: str | None = None
    maxToolResultChars: float | None = Field(default=None, gt=0)
    activityLabel: bool | None = None
    activityModel: str | None = None
    activityEndpoint: str | None = None
    activityPrompt: str | None = None
    activityMaxPerRun: int | None = Field(default=None, gt=0)
    activityCharLimit: int | None = Field(default=None, gt=0)
    activityPhaseLabel: bool | None = None
    activityPhaseModel: str | None = None
    activityPhaseEndpoint: str | None = None
    activityPhasePrompt: str | None = None
    activityPhaseMaxPerRun: int | None = Field(default=None, gt=0)
    reasoningLabel: bool | None = None
    reasoningLabelModel: str | None = None
    reasoningLabelEndpoint: str | None = None
    reasoningLabelPrompt: str | None = None
    reasoningLabelMinChars: int | None = Field(default=None, gt=0)
    reasoningLabelUpdateChars: int | None = Field(default=None, gt=0)
    reasoningLabelUpdateIntervalMs: int | None = Field(default=None, ge=0)
    reasoningLabelMaxPerRun: int | None = Field(default=None, gt=0)

    @field_validator("name")
    @classmethod
    def _not_built_in(cls, name: str) -> str:
        if name in BUILT_IN_ENDPOINTS:
            raise ValueError(
                f"{name!r} is the name of a built-in endpoint; choose another name "
                f"(reserved: {', '.join(BUILT_IN_ENDPOINTS)})"
            )
        return name


class AzureModelConfig(_Section):
    """One model of an Azure group given as a mapping: its own deployment and API version."""

    deploymentName: str | None = None
    version: str | None = None


class AzureGroupConfig(_Section):
    """One `endpoints.azureOpenAI.groups[]` entry: a resource (instance) and the models it serves."""

    group: str
    apiKey: str
    instanceName: str | None = None
    baseURL: str | None = None
    version: str | None = None
    deploymentName: str | None = None
    serverless: bool | None = None
    addParams: dict[str, Any] = Field(default_factory=dict)
    dropParams: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    additionalHeaders: dict[str, str] = Field(default_factory=dict)
    # The visible model name, then `true` (the group's deployment and version) or its own mapping.
    models: dict[str, bool | AzureModelConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_model_is_reachable(self) -> AzureGroupConfig:
        if not self.instanceName and not self.baseURL:
            raise ValueError(f"group {self.group!r} needs an instanceName or a baseURL")
        for name, model in self.models.items():
            if model is False:
                continue
            own = model if isinstance(model, AzureModelConfig) else AzureModelConfig()
            if not (own.deploymentName or self.deploymentName):
                raise ValueError(
                    f"model {name!r} of group {self.group!r} has no deploymentName (set it on the model or the group)"
                )
            if not (own.version or self.version):
                raise ValueError(f"model {name!r} of group {self.group!r} has no version (the Azure API version)")
        return self


class AzureOpenAIConfig(_Section):
    """`endpoints.azureOpenAI`: groups of deployments, each model mapped to its deployment."""

    groups: list[AzureGroupConfig] = Field(min_length=1)
    titleConvo: bool = False
    titleModel: str | None = None
    plugins: bool | None = None
    assistants: bool | None = None

    @model_validator(mode="after")
    def _model_names_are_unique(self) -> AzureOpenAIConfig:
        seen: dict[str, str] = {}
        for group in self.groups:
            for name in group.models:
                if name in seen:
                    raise ValueError(f"model {name!r} is in both group {seen[name]!r} and group {group.group!r}")
                seen[name] = group.group
        return self


class GoogleConfig(_Section):
    """`endpoints.google`: keys and models come from the environment; these tune titles."""

    titleConvo: bool = True
    titleModel: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)


class BedrockConfig(_Section):
    """`endpoints.bedrock`: models (like BEDROCK_AWS_MODELS) and inference profile ARNs per model."""

    models: list[str] | None = None
    inferenceProfiles: dict[str, str] = Field(default_factory=dict)
    titleConvo: bool = True
    titleModel: str | None = None
    availableRegions: list[str] | None = None
    guardrailConfig: dict[str, Any] | None = None


class EndpointsConfig(BaseModel):
    """`endpoints`: strict in LibreChat, so an unknown sub-key is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)

    custom: list[CustomEndpointConfig] = Field(default_factory=list)
    all: Any = None
    allowedAddresses: list[str] | None = None
    openAI: Any = None
    google: GoogleConfig | None = None
    anthropic: Any = None
    azureOpenAI: AzureOpenAIConfig | None = None
    azureAssistants: Any = None
    assistants: Any = None
    agents: Any = None
    bedrock: BedrockConfig | None = None

    @model_validator(mode="before")
    @classmethod
    def _at_least_one_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data:
            raise ValueError("At least one `endpoints` field must be provided.")
        return data

    @field_validator("custom", mode="before")
    @classmethod
    def _empty_custom(cls, value: Any) -> Any:
        return [] if value is None else value


class InterfaceConfig(_Section):
    customWelcome: str | None = None


class RegistrationConfig(_Section):
    socialLogins: list[str] | None = None
    allowedDomains: list[str] | None = None


class BalanceConfig(_Section):
    """`balance`, with LibreChat's defaults (balanceSchema in config.ts)."""

    enabled: bool = False
    startBalance: int = 20000
    autoRefillEnabled: bool = False
    refillIntervalValue: int = 30
    refillIntervalUnit: Literal["seconds", "minutes", "hours", "days", "weeks", "months"] = "days"
    refillAmount: int = 10000


class ModelSpecPreset(_Section):
    """A spec's `preset`: LibreChat preset fields; the parameters are checked per endpoint later."""

    endpoint: str = Field(min_length=1)
    model: str | None = None


class ModelSpec(_Section):
    """One entry of `modelSpecs.list`: a named, admin-defined preset in the model menu."""

    name: str = Field(min_length=1)
    label: str = Field(min_length=1)
    preset: ModelSpecPreset
    description: str | None = None
    iconURL: str | None = None
    default: bool = False
    softDefault: bool | None = None
    showInMenu: bool | None = None
    group: str | None = None
    groupIcon: str | None = None
    order: int | None = None


# An alias, because inside ModelSpecsConfig the name `list` is the field.
_SpecList = list[ModelSpec]


class ModelSpecsConfig(_Section):
    """`modelSpecs`: `enforce` limits chats to the specs, `prioritize` puts the default spec before
    the user's own default preset."""

    enforce: bool = False
    prioritize: bool = True
    list: _SpecList = Field(default_factory=list)  # noqa: A003 - LibreChat's key
    addedEndpoints: Any = None

    @field_validator("list")
    @classmethod
    def _unique_names(cls, specs: _SpecList) -> _SpecList:
        seen: set[str] = set()
        for spec in specs:
            if spec.name in seen:
                raise ValueError(f"the spec name {spec.name!r} is used twice; each spec needs its own name")
            seen.add(spec.name)
        return specs


class FileEndpointConfig(_Section):
    """`fileConfig.endpoints.<name>`: upload limits for one endpoint (sizes in MB)."""

    disabled: bool | None = None
    fileLimit: int | None = Field(default=None, ge=0)
    fileSizeLimit: float | None = Field(default=None, ge=0)
    totalSizeLimit: float | None = Field(default=None, ge=0)
    supportedMimeTypes: list[str] | None = None

    @field_validator("supportedMimeTypes")
    @classmethod
    def _patterns_compile(cls, value: list[str] | None) -> list[str] | None:
        for pattern in value or []:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {error}") from None
        return value


class ImageResizeConfig(_Section):
    """`fileConfig.clientImageResize`: the largest image sent on, and its JPEG/WebP quality."""

    enabled: bool | None = None
    maxWidth: int = Field(default=1900, gt=0)
    maxHeight: int = Field(default=1900, gt=0)
    quality: float = Field(default=0.92, gt=0, le=1)


class FileConfig(_Section):
    """`fileConfig`: per-endpoint upload limits, the server-wide size limit and image resizing."""

    endpoints: dict[str, FileEndpointConfig] = Field(default_factory=dict)
    serverFileSizeLimit: float | None = Field(default=None, ge=0)
    avatarSizeLimit: Any = None
    imageGeneration: Any = None
    clientImageResize: ImageResizeConfig | None = None


class AppConfig(_Section):
    """The whole file; `AppConfig()` is the configuration of an absent or empty file."""

    version: str | None = None
    cache: bool | None = None
    interface: InterfaceConfig | None = None
    registration: RegistrationConfig | None = None
    balance: BalanceConfig | None = None
    endpoints: EndpointsConfig | None = None
    # Known to LibreChat, accepted as written, reported as not honoured.
    ocr: Any = None
    webSearch: Any = None
    langfuse: Any = None
    memory: Any = None
    summarization: Any = None
    skillSync: Any = None
    secureImageLinks: Any = None
    imageOutputType: Any = None
    includedTools: Any = None
    filteredTools: Any = None
    mcpServers: Any = None
    mcpSettings: Any = None
    turnstile: Any = None
    fileStrategy: Any = None
    fileStrategies: Any = None
    cloudfront: Any = None
    actions: Any = None
    transactions: Any = None
    speech: Any = None
    rateLimits: Any = None
    fileConfig: FileConfig | None = None
    modelSpecs: ModelSpecsConfig | None = None
    messageFilter: Any = None


@dataclass
class LoadedConfig:
    config: AppConfig
    # Dotted paths (`webSearch`, `endpoints.custom[3].summarize`) present in the file but ignored.
    unsupported: list[str] = field(default_factory=list)


# --- Loading -----------------------------------------------------------------------------------


def load_config(path: str | Path, environ: Mapping[str, str]) -> LoadedConfig:
    """Read and validate a librechat.yaml file, expanding `${VAR}` from `environ`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    return parse_config(text, environ)


def parse_config(text: str, environ: Mapping[str, str]) -> LoadedConfig:
    """Validate librechat.yaml text, expanding `${VAR}` from `environ` before validation."""
    data = _load_yaml(text)
    if data is None:
        return LoadedConfig(config=AppConfig(), unsupported=[])
    if not isinstance(data, dict):
        raise ConfigError(f"the top level must be a mapping of keys, not {_kind(data)}")
    data = _prepare(data, environ)
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise ConfigError(_error_message(first), path=_error_path(first["loc"])) from None
    return LoadedConfig(config=config, unsupported=_unsupported_keys(config, data))


def substitute_env(value: str, environ: Mapping[str, str]) -> str:
    """Expand `${VAR}` as LibreChat's extractEnvVariable does; unset, empty or sensitive names stay literal."""
    if "${" not in value:
        return value

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in SENSITIVE_ENV_VARS:
            return match.group(0)
        # `process.env[name] || literal` upstream: an empty variable counts as unset.
        return environ.get(name) or match.group(0)

    # Upstream trims any value it expands.
    return _PLACEHOLDER.sub(replace, value.strip())


_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def _prepare(node: Any, environ: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _prepare(value, environ) for key, value in node.items()}
    if isinstance(node, list):
        return [_prepare(item, environ) for item in node]
    if isinstance(node, str):
        return substitute_env(node, environ)
    return node


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a plain string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a value of type {type(value).__name__}"


def _error_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _error_message(error: ErrorDetails) -> str:
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if error["type"] in {"model_type", "model_attributes_type", "dict_type"}:
        return "Input should be a mapping of keys"
    if error["type"] == "extra_forbidden":
        # Only two models refuse unknown keys: `endpoints` and a custom endpoint's `customParams`.
        strict_model = EndpointsConfig if tuple(error["loc"][:-1]) == ("endpoints",) else CustomParams
        return f"{error['msg']}; the keys allowed here are {', '.join(strict_model.model_fields)}"
    return error["msg"]


# --- YAML ----------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader read the way LibreChat's js-yaml reads: YAML 1.2 scalars, duplicate keys refused.

    PyYAML follows YAML 1.1, where `on`, `no` and `y` are booleans and `1:30` is a number;
    js-yaml (YAML 1.2) keeps those as text, so a file must mean the same thing to both.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        # Keys become text here, as in a JavaScript object, so `1` and `true` cannot collide.
        own_count = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)  # puts the keys pulled in by `<<: *anchor` first
        merged_count = len(node.value) - own_count
        mapping: dict[Hashable, Any] = {}
        own_keys: set[str] = set()
        for position, (key_node, value_node) in enumerate(node.value):
            key = _key_text(self.construct_object(key_node, deep=deep))
            if position >= merged_count:
                # A merged key may be overridden; a key written twice is a mistake js-yaml refuses.
                if key in own_keys:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                own_keys.add(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


_REPLACED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is None:
            raise ConfigError(f"invalid YAML: {problem}") from None
        raise ConfigError(
            f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}", line=mark.line + 1
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"invalid YAML: {error}") from None


# --- Reporting ---------------------------------------------------------------------------------


def _unsupported_keys(config: AppConfig, data: dict[str, Any]) -> list[str]:
    """Paths in the file that we accept but ignore, in the order the file has them."""
    found: list[str] = []
    _collect_unsupported(config, data, path="", pattern="", found=found)
    return found


def _collect_unsupported(model: BaseModel, data: dict[str, Any], *, path: str, pattern: str, found: list[str]) -> None:
    # The validated model says what each key is; the data it came from keeps the file's order.
    declared = type(model).model_fields
    for name, raw in data.items():
        child_path = f"{path}.{name}" if path else name
        child_pattern = f"{pattern}.{name}" if pattern else name
        if name not in declared or child_pattern in NOT_HONOURED:
            found.append(child_path)
            continue
        if child_pattern in TAKEN_WHOLE:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel) and isinstance(raw, dict):
            _collect_unsupported(value, raw, path=child_path, pattern=child_pattern, found=found)
        elif isinstance(value, list) and isinstance(raw, list):
            for index, (item, raw_item) in enumerate(zip(value, raw, strict=True)):
                item_path = f"{child_path}[{index}]"
                if isinstance(item, BaseModel) and isinstance(raw_item, dict):
                    _collect_unsupported(item, raw_item, path=item_path, pattern=f"{child_pattern}[]", found=found)
                elif child_pattern == "endpoints.custom[].models.default" and isinstance(raw_item, dict):
                    # A `{name, description}` model item: we keep the name only.
                    found.extend(f"{item_path}.{key}" for key in raw_item if key != "name")
