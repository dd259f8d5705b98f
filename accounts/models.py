"""Users: email is the login, as in LibreChat."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    class Theme(models.TextChoices):
        SYSTEM = "system", _("System")
        LIGHT = "light", _("Light")
        DARK = "dark", _("Dark")

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    theme = models.CharField(_("theme"), max_length=8, choices=Theme.choices, default=Theme.SYSTEM)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class UserProviderKey(models.Model):
    """A key (and maybe a base URL) a user entered for a `user_provided` endpoint, encrypted at rest.

    `encrypted_value` is a Fernet token (accounts.crypto) of {"apiKey": ..., "baseURL": ...}; the
    clear key is never stored, logged or shown again: only `hint`, its last four characters.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provider_keys", verbose_name=_("user"))
    endpoint = models.CharField(_("endpoint"), max_length=100)
    encrypted_value = models.TextField(_("encrypted value"))
    hint = models.CharField(_("last characters"), max_length=8, blank=True)
    # None: never expires.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("user provider key")
        verbose_name_plural = _("user provider keys")
        constraints = [models.UniqueConstraint(fields=["user", "endpoint"], name="provider_key_one_per_endpoint")]

    def __str__(self) -> str:
        return f"{self.endpoint} (…{self.hint})"
