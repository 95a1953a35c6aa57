"""The US consultation workflow: offices, rounds with frozen snapshots of released articles,
per-office responses, the drafters' dispositions, the consultation channel, reminders and the
disclosure log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..labels import article_label
from .drafts import Article, Draft


class Office(models.Model):
    """A US office consulted on the draft (State EAP, OSD Policy, INDOPACOM...), with its
    consultees. Managed by the draft's owner."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="offices", blank=True)

    class Meta:
        ordering = ["draft", "name"]
        constraints = [models.UniqueConstraint(fields=["draft", "name"], name="office_unique_name")]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("consultation round", "Open")
        CLOSED = "closed", pgettext_lazy("consultation round", "Closed")

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    offices = models.ManyToManyField(Office, related_name="rounds")
    cover_note = models.TextField(blank=True)
    deadline = models.DateTimeField()
    close_at_deadline = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="round_unique_number")
        ]

    def __str__(self) -> str:
        return f"Round {self.number}"

    def get_absolute_url(self) -> str:
        return f"/drafts/{self.draft_id}/consultations/{self.number}/"


class RoundArticle(models.Model):
    """An article as it was sent in a round: frozen, whatever happens to the live text."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="articles")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="round_snapshots")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    number = models.CharField(max_length=20, blank=True)
    heading = models.CharField(max_length=300, blank=True)
    heading_ja = models.CharField(max_length=300, blank=True)
    text_en = models.TextField(blank=True)
    text_ja = models.TextField(blank=True)
    releasability = models.CharField(max_length=20)
    revision_en = models.PositiveIntegerField(default=0)
    revision_ja = models.PositiveIntegerField(default=0)
    brackets = models.JSONField(
        default=list,
        blank=True,
        help_text="The article's brackets as they were when the round was sent (see "
        "core.negotiation.brackets_snapshot): the US sees them as sent, never the live ones.",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The same article in the latest earlier round that included it.",
    )

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "article"], name="round_article_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {article_label(self.number, preamble=self.kind == 'preamble')}"

    @property
    def label(self) -> str:
        return article_label(self.number, self.heading, preamble=self.kind == "preamble")

    @property
    def number_ja(self) -> str:
        return article_label(self.number, preamble=self.kind == "preamble", language="ja")

    @property
    def label_ja(self) -> str:
        return article_label(
            self.number, "", self.heading_ja, preamble=self.kind == "preamble", language="ja"
        )


class Response(models.Model):
    class Position(models.TextChoices):
        NO_OBJECTION = "no_objection", _("No objection")
        CONCERN = "concern", _("Concern")
        OBJECTION = "objection", _("Objection")
        PROPOSED_WORDING = "proposed_wording", _("Proposed wording")

    round_article = models.ForeignKey(
        RoundArticle, on_delete=models.PROTECT, related_name="responses"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="responses")
    position = models.CharField(max_length=20, choices=Position.choices)
    wording = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_article", "office"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_article", "office"], name="response_one_per_office_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.get_position_display()} on {self.round_article}"


class Disposition(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        NOTED = "noted", _("Noted")

    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.response}"


class ChannelMessage(models.Model):
    """The consultation channel: messages between one office and the drafters, in a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="messages")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "office", "created_at"]

    def __str__(self) -> str:
        return f"message in {self.round} with {self.office}"


class DisclosureEvent(models.Model):
    """What each office was sent and when each consultee opened it."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        EXPORTED = "exported", _("Exported")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="disclosures")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="disclosures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    articles = models.JSONField(default=list, help_text="Snapshot ids and labels sent or opened.")

    class Meta:
        ordering = ["round", "at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.round} {self.office}"


class RoundReminder(models.Model):
    """A reminder or an escalation, sent once per round and office."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the deadline")
        ESCALATION = "escalation", _("Escalation: overdue")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reminders")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "office", "kind"], name="reminder_once_per_office"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.office} in {self.round}"
