"""Drafts, their articles and who works on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from treaties.models import LibraryClause, Party

from ..labels import article_label, reader_language


class Classification(models.TextChoices):
    """The markings this system is accredited for; anything higher is refused."""

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Releasability(models.TextChoices):
    UK_JPN_ONLY = "UK/JPN ONLY", "UK/JPN ONLY"
    REL_USA = "REL USA", "REL USA"


class Delegation(models.TextChoices):
    UK = "UK", _("United Kingdom")
    JP = "JP", _("Japan")
    US = "US", _("United States")


class Role(models.TextChoices):
    OWNER = "owner", _("Lead drafter (owner)")
    DRAFTER = "drafter", _("Drafter")
    REVIEWER = "reviewer", _("Reviewer")
    CONSULTEE = "consultee", _("US consultee")
    OBSERVER = "observer", _("Observer")


class Draft(models.Model):
    title = models.CharField(max_length=300)
    title_ja = models.CharField(max_length=300, blank=True)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    parties = models.ManyToManyField(Party, related_name="drafts", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values),
                name="draft_classification_accredited",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("draft-detail", args=[self.pk])


class LiveArticleManager(models.Manager["Article"]):
    """Articles not deleted. Deleted articles stay in the database (with their history) so
    that versions and compare can still show them; they are never listed as live."""

    def get_queryset(self) -> models.QuerySet[Article]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Article(models.Model):
    """One numbered unit of a Draft (the preamble is an unnumbered one), in both languages."""

    class Kind(models.TextChoices):
        PREAMBLE = "preamble", _("Preamble")
        ARTICLE = "article", _("Article")

    class NegotiationStatus(models.TextChoices):
        # Set only by the negotiation services (services/negotiation.py), one per transition,
        # each logged in ArticleStatusChange. "Bracketed" is no status of its own: an open
        # article with open brackets (the board counts them).
        OPEN = "open", pgettext_lazy("negotiation status", "Open")
        AGREED_AD_REF = "agreed_ad_ref", _("Agreed ad referendum")
        INITIALLED = "initialled", _("Initialled")
        RESERVED = "reserved", _("Reserved")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="articles")
    position = models.IntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    number = models.CharField(max_length=20, blank=True)
    number_fixed = models.BooleanField(
        default=False,
        help_text="Set by a drafter (e.g. '5 bis'): renumbering keeps it and numbers around it.",
    )
    heading = models.CharField(max_length=300, blank=True)
    heading_ja = models.CharField(max_length=300, blank=True)
    text_en = models.TextField(blank=True)
    text_ja = models.TextField(blank=True)
    releasability = models.CharField(
        max_length=20, choices=Releasability.choices, default=Releasability.UK_JPN_ONLY
    )
    negotiation_status = models.CharField(
        max_length=20, choices=NegotiationStatus.choices, default=NegotiationStatus.OPEN
    )
    source_clause = models.ForeignKey(
        LibraryClause,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft_articles",
    )
    source_clause_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The library clause version the text was inserted from (ClauseRevision).",
    )
    provenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="The library clause and precedents this text came from, as they were when inserted.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LiveArticleManager()
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        ordering = ["draft", "position"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "position"],
                condition=models.Q(deleted_at__isnull=True),
                name="article_unique_position",
            ),
            models.UniqueConstraint(
                fields=["draft", "number"],
                condition=~models.Q(number="") & models.Q(deleted_at__isnull=True),
                name="article_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("article-detail", args=[self.draft_id, self.pk])

    @property
    def label(self) -> str:
        return article_label(self.number, self.heading, preamble=self.kind == self.Kind.PREAMBLE)

    def text(self, language: str) -> str:
        return self.text_ja if language == "ja" else self.text_en

    def label_in(self, language: str | None = None) -> str:
        """The label in the interface language (the active one by default): messages name an
        article 第一条（目的） to a Japanese user and "Article 1 — Purposes" to an English one."""
        return self.label_ja if (language or reader_language()).startswith("ja") else self.label

    @property
    def number_ja(self) -> str:
        """The number in Japanese legal form: 第五条の二 for "5 bis", 前文 for the preamble."""
        return article_label(self.number, preamble=self.kind == self.Kind.PREAMBLE, language="ja")

    @property
    def label_ja(self) -> str:
        return article_label(
            self.number,
            "",
            self.heading_ja,
            preamble=self.kind == self.Kind.PREAMBLE,
            language="ja",
        )


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    delegation = models.CharField(max_length=2, choices=Delegation.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draft", "delegation", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "draft"], name="membership_unique_user_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.delegation})"
