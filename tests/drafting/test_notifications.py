"""Notifications and their emails: queued on commit, sent once, also by a real worker."""

from __future__ import annotations

import email
import email.policy
import time

import pytest
from django.core import mail

from drafting import tasks
from drafting.models import Notification
from drafting.services import members as member_services
from tests.conftest import UserFactory


def test_adding_a_member_notifies_them_once_by_email(
    draft, personas, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(username="jp.newcomer", email="newcomer@example.go.jp")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_services.member_add(
            actor=personas.owner,
            draft=draft,
            username="jp.newcomer",
            role="reviewer",
            delegation="JP",
        )
    notification = Notification.objects.get(recipient=newcomer)
    assert notification.kind == "member_added" and notification.url == draft.get_absolute_url()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.go.jp"]
    assert message.subject.startswith("[OFFICIAL-SENSITIVE]")
    assert message.body.count("[OFFICIAL-SENSITIVE]") == 2  # marked top and bottom
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_email_task_run_twice_sends_one_email(draft, personas):
    notification = Notification.objects.filter(recipient=personas.reviewer).get()
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=None, emailed_at=None)
    mail.outbox.clear()
    assert tasks.notification_email_send.apply(args=[notification.pk]).get() is True
    assert tasks.notification_email_send.apply(args=[notification.pk]).get() is False
    assert len(mail.outbox) == 1


def test_failed_send_releases_the_claim(draft, personas, settings):
    notification = Notification.objects.filter(recipient=personas.reviewer).get()
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=None, emailed_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    from drafting.services.notifications import notification_email_send

    with pytest.raises(OSError):
        notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_claimed_at is None and notification.emailed_at is None


def test_notifications_api_lists_only_mine_and_marks_read(api, draft, personas):
    client = api(personas.jp_drafter)
    items = client.get("/api/v1/notifications/").json()
    assert items["count"] == 1 and items["results"][0]["classification"] == "OFFICIAL-SENSITIVE"
    assert client.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert api(personas.outsider).get("/api/v1/notifications/").json()["count"] == 0


@pytest.mark.worker
def test_a_real_worker_sends_the_email(celery_worker_process, personas, corpus):
    """Through the broker to a separate worker process, and back into the database."""
    from drafting.services import drafts as draft_services

    draft = draft_services.draft_create(actor=personas.owner, title="Worker draft", delegation="UK")
    member_services.member_add(
        actor=personas.owner, draft=draft, username="jp.drafter", role="drafter", delegation="JP"
    )
    notification = Notification.objects.get(recipient=personas.jp_drafter, draft=draft)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at:
            break
        time.sleep(0.25)
    assert notification.emailed_at is not None, "the worker did not send the email"
    sent = [p.read_bytes() for p in celery_worker_process.iterdir()]
    assert len(sent) == 1
    message = email.message_from_bytes(
        sent[0].split(b"\n-------", 1)[0], policy=email.policy.default
    )
    assert message["Subject"].strip() == "[OFFICIAL-SENSITIVE] You were added to “Worker draft”"
    assert message["To"] == "jp.drafter@example.org"
