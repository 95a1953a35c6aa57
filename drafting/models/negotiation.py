"""The negotiation's own state: brackets (with options) anchored to article text, each
delegation's sign-off on an exact pair of revisions, who leads each delegation, and the log
of every change of an article's negotiation status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .drafts import Article, Draft


class Bracket(models.Model):
    """A span of one language of an article's text that a delegation has not accepted.

    Anchored like a review thread (UTF-16 offsets into the current text, moved through every
    edit by ``core.anchors.anchors_follow``); a bracket whose whole span is deleted is kept,
    detached, with the quote it was made on. Resolved brackets keep following the text, so
    that reopening one puts it back on its words."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Resolution(models.TextChoices):
        KEEP = "keep", "Text kept"
        OPTION = "option", "Option chosen"
        DELETE = "delete", "Span deleted"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="brackets")
    language = models.CharField(max_length=2)
    anchor_start = models.PositiveIntegerField()
    anchor_end = models.PositiveIntegerField()
    quote = models.TextField(help_text="The text the bracket was put on.")
    anchor_revision = models.PositiveIntegerField(
        help_text="The revision the quote was taken from."
    )
    detached = models.BooleanField(default=False)
    delegation = models.CharField(
        max_length=2, help_text="The delegation on whose behalf the span is bracketed."
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_option = models.ForeignKey(
        "BracketOption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "language", "anchor_start", "pk"]
        indexes = [models.Index(fields=["article", "language", "status"])]

    def __str__(self) -> str:
        return f"[{self.delegation}: {self.quote[:30]}] on {self.article}"


class BracketOption(models.Model):
    """An alternative text that could replace the bracketed span ("Option A", "Option B" …)."""

    bracket = models.ForeignKey(Bracket, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(help_text="0 is Option A, 1 Option B …")
    text = models.TextField()
    delegations = models.JSONField(
        default=list, help_text="The delegations that propose or support this option."
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["bracket", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bracket", "position"], name="bracket_option_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text[:30]}"

    @property
    def letter(self) -> str:
        return chr(ord("A") + self.position) if self.position < 26 else str(self.position + 1)

    @property
    def label(self) -> str:
        return f"Option {self.letter}"


class BracketEvent(models.Model):
    """One step in a bracket's life (made, resolved, reopened): who, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", "Bracketed"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"

    bracket = models.ForeignKey(Bracket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    resolution = models.CharField(max_length=10, blank=True)
    option = models.ForeignKey(
        BracketOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.CharField(max_length=2, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    revision_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["bracket", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.bracket_id}"


class SignOff(models.Model):
    """One delegation's acceptance of the exact pair of texts it read (English revision n,
    Japanese revision m). A change of either text after it withdraws it (kept, with why)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="signoffs")
    delegation = models.CharField(max_length=2)
    revision_en = models.PositiveIntegerField()
    revision_ja = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["article", "-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "delegation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="signoff_one_standing_per_delegation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegation} signed {self.article} (en {self.revision_en}, ja {self.revision_ja})"


class ArticleStatusChange(models.Model):
    """The log of an article's negotiation status: from, to, who, when and the note."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delegation = models.CharField(max_length=2, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["article", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.article}: {self.from_status} → {self.to_status}"


class DelegationLead(models.Model):
    """Who leads a delegation on a draft (signs off, reserves, reopens). When a delegation has
    no lead named, its owner and drafters all may."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="delegation_leads")
    delegation = models.CharField(max_length=2)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["draft", "delegation"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "delegation", "user"], name="delegation_lead_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} leads {self.delegation} on {self.draft_id}"
