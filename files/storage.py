"""Where file bytes live: the `files` storage (local folder by default, S3 with FILE_STRATEGY=s3)."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def file_storage() -> Storage:
    return storages["files"]
