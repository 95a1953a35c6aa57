"""Celery tasks: thin wrappers that take ids and call a service. Each is safe to run twice."""

from typing import Any

from celery import shared_task

from .jobs import LIBRARY_UPDATES_OFFER, NOTIFICATION_EMAIL_SEND
from .services import audit, consultation, library_updates, notifications, sync


@shared_task(name=NOTIFICATION_EMAIL_SEND, bind=True, max_retries=5, acks_late=True)
def notification_email_send(self: Any, notification_id: int) -> bool:
    try:
        return notifications.notification_email_send(notification_id=notification_id)
    except OSError as exc:
        # Backoff 30 s, 60 s, 120 s ... at most 10 minutes: below Redis' visibility_timeout,
        # so a waiting retry is never delivered twice. After the last one the beat task
        # notification_emails_retry takes over.
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 600)) from exc


@shared_task(acks_late=True)
def notification_emails_retry_run() -> dict[str, int]:
    """Run by Celery beat: emails whose claim expired, or that no run ever claimed."""
    return notifications.notification_emails_retry()


@shared_task(acks_late=True)
def consultation_deadlines_run() -> dict[str, int]:
    """Run by Celery beat: reminders before deadlines, escalations when overdue, each sent
    once however often this runs."""
    return consultation.deadlines_run()


@shared_task(acks_late=True)
def edit_sessions_prune() -> int:
    return sync.edit_sessions_prune()


@shared_task(name=LIBRARY_UPDATES_OFFER, acks_late=True)
def library_updates_offer(clause_revision_id: int) -> int:
    """Offer a library clause's new version to the live drafts that use it (idempotent)."""
    return library_updates.library_updates_offer(clause_revision_id=clause_revision_id)


@shared_task(acks_late=True)
def library_updates_sweep() -> int:
    """Run by Celery beat: offers any clause version a queued offer missed."""
    return library_updates.library_updates_sweep()


@shared_task(acks_late=True)
def audit_seal() -> int | None:
    """Run by Celery beat: chain the audit chains' heads together (see services.audit)."""
    event = audit.audit_seal()
    return event.seq if event is not None else None


@shared_task(acks_late=True)
def audit_checkpoint() -> int:
    """Run by Celery beat: seal the chains, then sign every chain that moved with the audit
    key (see services.audit); how many checkpoints were written."""
    return len(audit.audit_checkpoint_all())
