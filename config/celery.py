"""The Celery app. The broker is Redis from REDIS_URL; without it tasks run in-process (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bookingsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
