"""Celery application: broker and backend come from settings (Redis), eager without one."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "librechat.settings")

app = Celery("librechat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
