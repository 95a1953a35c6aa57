"""In-app notifications, each optionally mirrored by one email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .drafts import Draft
from .notification_text import notification_text


class Notification(models.Model):
    class Kind(models.TextChoices):
        MEMBER_ADDED = "member_added", _("Added to a draft")
        MENTION = "mention", _("Mentioned")
        REPLY = "reply", _("Reply in your thread")
        SUGGESTION_DECIDED = "suggestion_decided", _("Decision on your suggestion")
        NEW_THREAD = "new_thread", _("New thread on your article")
        ROUND_SENT = "round_sent", _("Consultation round sent to your office")
        ROUND_REMINDER = "round_reminder", _("Consultation deadline approaching")
        ROUND_OVERDUE = "round_overdue", _("Consultation answers overdue")
        RESPONSE = "response", _("US response received")
        CHANNEL = "channel", _("Consultation channel message")
        LIBRARY_UPDATE = "library_update", _("Library clause changed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # The event's values, from which subject and body are written in the reader's language
    # when read or emailed (models.notification_text). subject/body keep the text in
    # English as well: the admin shows it, and notifications made before params existed
    # have nothing else.
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by the one email task run that claims the notification, so a retried or
    # duplicated task never sends twice.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A claim expires (a worker killed between claiming and sending leaves it behind) after
    # a wait that doubles per attempt; from email_retry_at the beat task queues it again.
    email_retry_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # A permanent failure (a send error other than an OS error, too many attempts, or the
    # recipient lost access): never retried, shown to admins with its reason.
    email_failed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    def parts(self) -> list[tuple[str, bool]]:
        """The body's paragraphs in the active language and time zone, each with whether it
        is words people wrote (shown as written) rather than interface text. A notification
        made before params has one paragraph, its stored English text."""
        rendered = notification_text(self.kind, self.params)
        return rendered[1] if rendered else [(self.body, False)]

    def text(self) -> tuple[str, str]:
        """Subject and body in the active language and time zone."""
        rendered = notification_text(self.kind, self.params)
        if rendered is None:
            return self.subject, self.body
        # A subject is one line: a heading typed with a newline stays on it.
        subject = " ".join(rendered[0].split())
        return subject, "\n\n".join(text for text, _said in rendered[1])

    @property
    def subject_text(self) -> str:
        return self.text()[0]

    @property
    def body_text(self) -> str:
        return self.text()[1]
