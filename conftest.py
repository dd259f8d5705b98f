"""Test set-up shared by every app: isolated settings, a fresh endpoint registry per test."""

from __future__ import annotations

import os

import pytest

# Tests never read the developer's own librechat.yaml or keys.
os.environ.setdefault("LIBRECHAT_CONFIG", "")
for _name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def _fresh_registry():
    from providers.registry import reset_registry

    reset_registry()
    yield
    reset_registry()
