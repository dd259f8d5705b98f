"""Sign-up and sign-in with email and password; the first account becomes the administrator."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def signup(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": "correct-horse-battery", "password2": "correct-horse-battery"},
    )


def test_first_account_is_admin_and_later_ones_are_not(client):
    response = signup(client, "first@example.org")
    assert response.status_code == 302
    first = User.objects.get(email="first@example.org")
    assert first.is_staff and first.is_superuser
    client.logout()
    signup(client, "second@example.org")
    second = User.objects.get(email="second@example.org")
    assert not second.is_staff and not second.is_superuser


def test_signed_up_user_lands_on_the_chat(client):
    response = signup(client, "new@example.org")
    assert response.headers["Location"] == reverse("chat:index")
    page = client.get(reverse("chat:index"))
    assert page.status_code == 200


def test_login_with_email_and_password(client):
    User.objects.create_user(email="carol@example.org", password="correct-horse-battery")
    credentials = {"login": "carol@example.org", "password": "correct-horse-battery"}
    response = client.post(reverse("account_login"), credentials)
    assert response.status_code == 302
    assert client.get(reverse("chat:index")).status_code == 200


def test_wrong_password_does_not_sign_in(client):
    User.objects.create_user(email="carol@example.org", password="correct-horse-battery")
    response = client.post(reverse("account_login"), {"login": "carol@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert client.get(reverse("chat:index")).status_code == 302


def test_registration_can_be_closed(client, settings):
    settings.ALLOW_REGISTRATION = False
    signup(client, "late@example.org")
    assert not User.objects.filter(email="late@example.org").exists()


def test_chat_requires_sign_in(client):
    response = client.get(reverse("chat:index"))
    assert response.status_code == 302
    assert reverse("account_login") in response.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_createsuperuser_noinput_with_environment(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SUPERUSER_EMAIL": "root@example.org",
        "DJANGO_SUPERUSER_PASSWORD": "correct-horse-battery",
        "LIBRECHAT_CONFIG": "",
        "DATA_DIR": str(tmp_path),
    }
    for command in (["migrate", "-v", "0"], ["createsuperuser", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], env=env, check=True, capture_output=True)
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from accounts.models import User; u = User.objects.get(); print(u.email, u.is_superuser)"],
        env=env, check=True, capture_output=True, text=True,
    )
    assert check.stdout.strip().splitlines()[-1] == "root@example.org True"
