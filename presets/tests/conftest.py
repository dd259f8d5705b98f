"""Fixtures for preset tests: users, a role, and endpoints served by the fake provider."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from chat.tests.conftest import fake_endpoints, fake_provider  # noqa: F401 - shared fixtures


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(email="alice@example.org", password="a-long-password-1")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user(email="bob@example.org", password="a-long-password-2")


@pytest.fixture
def third_user(db) -> User:
    return User.objects.create_user(email="carol@example.org", password="a-long-password-3")


@pytest.fixture
def editors(db, third_user) -> Group:
    group = Group.objects.create(name="Editors")
    third_user.groups.add(group)
    return group
