"""In-app notifications and their emails."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from ..jobs import NOTIFICATION_EMAIL_SEND, task_enqueue_on_commit
from ..models import Draft, Notification
from ..models.notification_text import notification_text
from ..models.preferences import recipient_locale
from ..permissions import Actor, can_read_notification
from .audit import audit_record

# Header injection guard: a subject is one line of printable text (a heading with a newline
# once made every email about its article fail).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX = 250


def subject_clean(subject: str) -> str:
    return " ".join(_CONTROL.sub(" ", subject).split())[:SUBJECT_MAX]


def notification_create(
    *, recipient: Actor, draft: Draft, kind: str, params: dict[str, Any], url: str = ""
) -> Notification:
    """Record the notification and queue its email once the transaction commits.

    ``params`` are the event's values (see models.notification_text for how to record a
    label, a time or a choice): subject and body are written from them when the notification
    is read or emailed, in the reader's language and time zone. The English text is stored
    too, for the admin."""
    if notification_text(kind, params) is None:
        raise ValueError(f"No notification text for kind {kind!r} with these params.")
    notification = Notification(recipient=recipient, draft=draft, kind=kind, params=params, url=url)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(UTC):
        subject, body = notification.text()
    notification.subject, notification.body = subject_clean(subject), body
    notification.save()
    if getattr(recipient, "email", ""):
        task_enqueue_on_commit(NOTIFICATION_EMAIL_SEND, notification.pk)
    return notification


def _claim_seconds() -> int:
    return int(getattr(settings, "ENTENTE_EMAIL_CLAIM_SECONDS", 300))


def _max_attempts() -> int:
    return int(getattr(settings, "ENTENTE_EMAIL_MAX_ATTEMPTS", 8))


def email_backoff(attempts: int) -> timedelta:
    """How long a claim holds: the claim time, doubled per attempt, at most a day."""
    return timedelta(seconds=min(_claim_seconds() * 2 ** max(attempts - 1, 0), 86_400))


def _email_unsent() -> QuerySet[Notification]:
    return Notification.objects.filter(emailed_at__isnull=True, email_failed_at__isnull=True)


def _email_fail(notification_id: int, draft_id: int, reason: str) -> None:
    with transaction.atomic():
        _email_unsent().filter(pk=notification_id).update(
            email_failed_at=timezone.now(), email_error=reason[:2000]
        )
        audit_record(
            actor=None,
            action="notification.email_failed",
            object_type="notification",
            object_id=notification_id,
            draft_id=draft_id,
            data={"reason": reason[:200]},
        )


def notification_email_send(*, notification_id: int) -> bool:
    """Send the notification's email unless it was sent, failed for good, or is claimed by a
    run whose claim has not expired.

    Safe to run twice: the conditional UPDATE lets exactly one run claim the notification. A
    run killed after claiming leaves a claim that expires (``email_backoff`` of the attempts so
    far); ``notification_emails_retry`` queues it again once ``email_retry_at`` has passed. An OS error (the mail server
    did not answer) releases the claim for a retry; any other error is permanent: recorded,
    audited and shown to admins, never retried. Returns whether this run sent the email.
    """
    now = timezone.now()
    current = _email_unsent().filter(pk=notification_id).values_list("email_attempts", flat=True)
    attempts = next(iter(current), None)
    if attempts is None:
        return False
    claimed = (
        _email_unsent()
        .filter(pk=notification_id, email_attempts=attempts)
        .filter(
            Q(email_claimed_at__isnull=True)
            | Q(email_claimed_at__lte=now - email_backoff(attempts))
        )
        .update(
            email_claimed_at=now,
            email_attempts=attempts + 1,
            email_retry_at=now + email_backoff(attempts + 1),
        )
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "draft").get(pk=notification_id)
    if not can_read_notification(notification.recipient, notification):
        _email_fail(notification_id, notification.draft_id, "The recipient no longer has access.")
        return False
    link = f"{settings.ENTENTE_BASE_URL}{notification.url}" if notification.url else ""
    # Written for the recipient, in their language and time zone, whoever caused the event.
    with recipient_locale(notification.recipient):
        subject, text = notification.text()
    marking = notification.draft.classification
    body = f"[{marking}]\n\n{text}\n\n{link}\n\n[{marking}]\n"
    message = EmailMessage(
        subject=subject_clean(f"[{marking}] {subject}"),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        # The same Message-ID on every attempt: should a run die after the mail server took
        # the message but before it was recorded, the resend is recognisably the same email.
        headers={"Message-ID": f"<entente-notification-{notification.pk}@{_mail_domain()}>"},
    )
    try:
        message.send()
    except OSError:
        # The mail server did not take it: release the claim so that a retry can send.
        Notification.objects.filter(pk=notification_id).update(
            email_claimed_at=None, email_retry_at=None
        )
        if attempts + 1 >= _max_attempts():
            _email_fail(notification_id, notification.draft_id, "The mail server did not answer.")
            return False
        raise
    except Exception as exc:
        # Anything else (a refused address, a malformed header) fails again on every retry.
        _email_fail(notification_id, notification.draft_id, f"{type(exc).__name__}: {exc}")
        return False
    # Recorded at once, in its own statement: the time between the mail server taking the
    # message and this record is the only time in which a killed run makes a resend (with the
    # same Message-ID). The audit event follows; it waits for the audit chain's lock.
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    with transaction.atomic():
        audit_record(
            actor=None,
            action="notification.email",
            object_type="notification",
            object_id=notification_id,
            draft_id=notification.draft_id,
            data={"to": notification.recipient.get_username()},
        )
    return True


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "entente.invalid"


def notification_emails_retry(*, now: datetime | None = None) -> dict[str, int]:
    """Run by Celery beat: queue again every email whose claim expired (a killed worker) or
    that no run claimed in time (a message lost by the broker); give up, visibly, after the
    last attempt. Each email queued here is not queued again before its backoff has passed,
    so a stopped worker does not make the queue grow by every pending email every minute."""
    now = now or timezone.now()
    grace = timedelta(seconds=min(_claim_seconds(), 60))
    due = (
        _email_unsent()
        .exclude(recipient__email="")
        .filter(
            Q(email_retry_at__isnull=True, created_at__lte=now - grace) | Q(email_retry_at__lte=now)
        )
        .values_list("pk", "draft_id", "email_attempts", "email_retry_at", "created_at")
    )
    queued = failed = 0
    for pk, draft_id, attempts, retry_at, created_at in due:
        if attempts >= _max_attempts():
            _email_fail(pk, draft_id, f"Not sent after {attempts} attempts.")
            failed += 1
            continue
        # Only the run that moves retry_at on queues it (two beat runs never both do).
        moved = (
            _email_unsent()
            .filter(pk=pk, email_attempts=attempts, email_retry_at=retry_at)
            # Waits at least as long as the email has waited so far: an email that no
            # worker takes is queued again after 1, 2, 4 ... minutes, not every minute.
            .update(
                email_retry_at=now
                + min(max(email_backoff(attempts + 1), now - created_at), timedelta(days=1))
            )
        )
        if moved:
            task_enqueue_on_commit(NOTIFICATION_EMAIL_SEND, pk)
            queued += 1
    return {"queued": queued, "failed": failed}


def notifications_mark_read(*, user: Actor, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        marked = qs.update(read_at=timezone.now())
        if marked:
            audit_record(
                actor=user,
                action="notification.read",
                object_type="notification",
                data={"count": marked},
            )
    return marked
