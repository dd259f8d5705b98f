"""fileConfig in librechat.yaml: typed, checked, and what we do not honour is reported."""

from __future__ import annotations

import pytest

from librechat.config import ConfigError, parse_config

FILE_CONFIG = """
endpoints:
  custom: []
fileConfig:
  endpoints:
    assistants:
      fileLimit: 5
      fileSizeLimit: 10
      totalSizeLimit: 50
      supportedMimeTypes:
        - "image/.*"
        - "application/pdf"
    openAI:
      disabled: true
    default:
      totalSizeLimit: 20
  serverFileSizeLimit: 100
  avatarSizeLimit: 2
  imageGeneration:
    percentage: 100
    px: 1024
  clientImageResize:
    enabled: false
    maxWidth: 1900
    maxHeight: 1900
    quality: 0.92
"""


def test_librechats_example_file_config_loads():
    loaded = parse_config(FILE_CONFIG, {})
    config = loaded.config.fileConfig
    assert config is not None
    assert config.endpoints["assistants"].fileLimit == 5
    assert config.endpoints["openAI"].disabled is True
    assert config.serverFileSizeLimit == 100
    assert config.clientImageResize is not None and config.clientImageResize.quality == 0.92
    assert loaded.unsupported == [
        "fileConfig.avatarSizeLimit", "fileConfig.imageGeneration", "fileConfig.clientImageResize.enabled"
    ]


def test_a_bad_pattern_names_its_path():
    text = 'fileConfig:\n  endpoints:\n    default:\n      supportedMimeTypes: ["image/(png"]\n'
    with pytest.raises(ConfigError) as error:
        parse_config(text, {})
    assert error.value.path.startswith("fileConfig.endpoints.default.supportedMimeTypes")


def test_a_wrong_type_names_its_path():
    with pytest.raises(ConfigError) as error:
        parse_config("fileConfig:\n  clientImageResize:\n    maxWidth: wide\n", {})
    assert error.value.path == "fileConfig.clientImageResize.maxWidth"
