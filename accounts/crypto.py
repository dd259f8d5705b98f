"""Encryption of what users entrust to us (their provider keys): Fernet with a key derived from CREDS_KEY."""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"librechat user provider keys v1"


@cache
def _fernet(secret: str) -> Fernet:
    # HKDF turns any long secret (CREDS_KEY, or SECRET_KEY in the embedded default) into a Fernet key.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fernet() -> Fernet:
    return _fernet(settings.CREDS_KEY or settings.SECRET_KEY)


def encrypt_json(value: dict[str, Any]) -> str:
    return fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any] | None:
    """The stored value, or None when it cannot be read (CREDS_KEY changed, or tampering)."""
    try:
        decoded = json.loads(fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError):
        return None
    return decoded if isinstance(decoded, dict) else None
