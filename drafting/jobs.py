"""Queueing Celery tasks from services.

Services queue tasks by name instead of importing ``drafting.tasks``, which imports the
services: the dependency then runs one way (tasks → services). The tasks are registered
when the app is ready (``DraftingConfig.ready``), so a signature by name is the task itself,
eager mode included.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction

NOTIFICATION_EMAIL_SEND = "drafting.tasks.notification_email_send"


def task_enqueue_on_commit(name: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    signature = current_app.signature(name, args=args)
    transaction.on_commit(signature.delay)
