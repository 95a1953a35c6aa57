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
LIBRARY_UPDATES_OFFER = "drafting.tasks.library_updates_offer"


def task_enqueue_on_commit(name: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    signature = current_app.signature(name, args=args)
    transaction.on_commit(signature.delay)


def library_updates_enqueue(clause_revision_id: int) -> None:
    """Registered in treaties.hooks by DraftingConfig.ready: the library calls it once a
    clause change has committed, and the drafts that use the clause are offered the change
    by a task (never inside the library admin's request)."""
    current_app.signature(LIBRARY_UPDATES_OFFER, args=(clause_revision_id,)).delay()
