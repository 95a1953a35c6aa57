"""In-app notifications and their emails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..jobs import NOTIFICATION_EMAIL_SEND, task_enqueue_on_commit
from ..models import Draft, Notification
from ..permissions import Actor
from .audit import audit_record


def notification_create(
    *, recipient: Any, draft: Draft, kind: str, subject: str, body: str, url: str = ""
) -> Notification:
    """Record the notification and queue its email once the transaction commits."""
    notification = Notification.objects.create(
        recipient=recipient, draft=draft, kind=kind, subject=subject, body=body, url=url
    )
    if getattr(recipient, "email", ""):
        task_enqueue_on_commit(NOTIFICATION_EMAIL_SEND, notification.pk)
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """Send the notification's email unless it was sent or claimed already.

    Safe to run twice: the conditional UPDATE lets exactly one run claim the notification.
    Returns whether this run sent the email.
    """
    claimed = Notification.objects.filter(pk=notification_id, email_claimed_at__isnull=True).update(
        email_claimed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "draft").get(pk=notification_id)
    link = f"{settings.ENTENTE_BASE_URL}{notification.url}" if notification.url else ""
    body = (
        f"[{notification.draft.classification}]\n\n{notification.body}\n\n{link}\n\n"
        f"[{notification.draft.classification}]\n"
    )
    try:
        send_mail(
            subject=f"[{notification.draft.classification}] {notification.subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        # The mail server did not take it: release the claim so that a retry can send.
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        raise
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
        audit_record(
            actor=None,
            action="notification.email",
            object_type="notification",
            object_id=notification_id,
            draft_id=notification.draft_id,
            data={"to": notification.recipient.get_username()},
        )
    return True


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
