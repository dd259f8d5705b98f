"""Language and theme preferences: stored on the account, applied to every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    user = User.objects.create_user(email="dana@example.org", password="correct-horse-battery")
    client.force_login(user)
    return user


def test_language_choice_is_stored_and_applied(client, signed_in):
    response = client.post(reverse("preferences"), {"language": "ru", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    signed_in.refresh_from_db()
    assert signed_in.language == "ru"
    page = client.get(reverse("chat:index"))
    assert 'lang="ru"' in page.content.decode()


def test_theme_choice_is_stored(client, signed_in):
    client.post(reverse("preferences"), {"theme": "dark"})
    signed_in.refresh_from_db()
    assert signed_in.theme == "dark"
    assert 'data-theme="dark"' in client.get(reverse("chat:index")).content.decode()


def test_unknown_values_and_foreign_redirects_are_ignored(client, signed_in):
    response = client.post(reverse("preferences"), {"language": "xx", "theme": "neon", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    signed_in.refresh_from_db()
    assert signed_in.language == "" and signed_in.theme == "system"
