"""Upload limits and image sizes from `fileConfig` in librechat.yaml, with this app's defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from librechat.config import FileConfig, FileEndpointConfig, ImageResizeConfig
from providers.registry import get_registry

MB = 1024 * 1024
# Used where fileConfig says nothing (LibreChat's own defaults allow 512 MB, too much for a prompt).
DEFAULT_FILE_LIMIT = 10
DEFAULT_FILE_SIZE_LIMIT_MB = 20.0
DEFAULT_TOTAL_SIZE_LIMIT_MB = 50.0
# What this app can read: raster images for vision models, text-like files and PDFs for context.
DEFAULT_SUPPORTED_MIME_TYPES = (
    r"^image/(png|jpeg|gif|webp)$",
    r"^text/.+$",
    r"^application/(json|pdf|xml|sql|x-yaml|x-sh|javascript|x-ndjson)$",
)


@dataclass(frozen=True)
class FileLimits:
    disabled: bool
    file_limit: int
    file_size_limit: int  # bytes, already capped by the server-wide limit
    total_size_limit: int  # bytes
    supported_mime_types: tuple[str, ...]

    def supports(self, mime_type: str) -> bool:
        return any(re.search(pattern, mime_type) for pattern in self.supported_mime_types)


def file_config() -> FileConfig:
    return get_registry().config.fileConfig or FileConfig()


def limits_for_endpoint(endpoint_name: str) -> FileLimits:
    """The limits for uploads to `endpoint_name`: its own entry, over `default`, over ours."""
    config = file_config()
    merged = FileEndpointConfig()
    for entry in (config.endpoints.get("default"), config.endpoints.get(endpoint_name)):
        if entry is None:
            continue
        for name in FileEndpointConfig.model_fields:
            value = getattr(entry, name)
            if value is not None:
                setattr(merged, name, value)
    server_limit_mb = config.serverFileSizeLimit
    if server_limit_mb is None:
        server_limit_mb = settings.FILE_SERVER_SIZE_LIMIT_MB
    file_size_mb = merged.fileSizeLimit if merged.fileSizeLimit is not None else DEFAULT_FILE_SIZE_LIMIT_MB
    total_mb = merged.totalSizeLimit if merged.totalSizeLimit is not None else DEFAULT_TOTAL_SIZE_LIMIT_MB
    return FileLimits(
        disabled=bool(merged.disabled),
        file_limit=merged.fileLimit if merged.fileLimit is not None else DEFAULT_FILE_LIMIT,
        file_size_limit=int(min(file_size_mb, server_limit_mb) * MB),
        total_size_limit=int(total_mb * MB),
        supported_mime_types=tuple(merged.supportedMimeTypes or DEFAULT_SUPPORTED_MIME_TYPES),
    )


def image_resize_config() -> ImageResizeConfig:
    return file_config().clientImageResize or ImageResizeConfig()
