"""The Celery application. Tasks live in drafting/tasks.py and take ids, never objects."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drafting.settings")

app = Celery("entente")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
