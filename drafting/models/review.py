"""Review: comment threads anchored to a span of an article's text, their comments, and
suggestions of replacement wording."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .drafts import Article, Draft


class Visibility(models.TextChoices):
    BOTH = "both", _("Both delegations")
    DELEGATION = "delegation", _("My delegation only")


class Thread(models.Model):
    """A discussion anchored to article text. The anchor (UTF-16 offsets into the current
    text) moves with every edit; if its whole span is deleted the thread stays, detached,
    with the quote it was started on."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="threads")
    language = models.CharField(max_length=2)
    anchor_start = models.PositiveIntegerField()
    anchor_end = models.PositiveIntegerField()
    quote = models.TextField(help_text="The text the thread was started on.")
    anchor_revision = models.PositiveIntegerField(
        help_text="The revision the quote was taken from."
    )
    detached = models.BooleanField(default=False)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.BOTH
    )
    delegation = models.CharField(max_length=2, help_text="The author's delegation.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "anchor_start", "created_at"]
        indexes = [models.Index(fields=["article", "language"])]

    def __str__(self) -> str:
        return f"thread on {self.article} [{self.language}] “{self.quote[:30]}”"


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(help_text="Markdown, as the author wrote it.")
    body_html = models.TextField(help_text="Rendered and sanitised.")
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mentioned_in", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["thread", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment by {self.author} on {self.thread_id}"


class Suggestion(models.Model):
    """Replacement wording for a span, proposed by a reviewer or drafter; a drafter accepts it
    (applied exactly, or refused if the span changed since: stale) or rejects it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="suggestions")
    language = models.CharField(max_length=2)
    anchor_start = models.PositiveIntegerField()
    anchor_end = models.PositiveIntegerField()
    original = models.TextField(
        blank=True, help_text="The span's text when the suggestion was made."
    )
    replacement = models.TextField(blank=True)
    note = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.BOTH
    )
    delegation = models.CharField(max_length=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stale = models.BooleanField(
        default=False, help_text="The span changed since: never applied blind."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    revision_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["article", "anchor_start", "created_at"]
        indexes = [models.Index(fields=["article", "language", "status"])]

    def __str__(self) -> str:
        return f"suggestion on {self.article} [{self.language}] by {self.created_by}"


class DraftMute(models.Model):
    """The user receives no notifications about this draft."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "draft"], name="mute_unique")]

    def __str__(self) -> str:
        return f"{self.user} muted {self.draft_id}"
