"""Precedent intelligence kept in the database: drafters' corrections of an article's ATOP
tagging, and library clause changes offered to the articles that came from the clause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treaties.models import ClauseRevision

from .drafts import Article
from .review import Suggestion


class ObligationCorrection(models.Model):
    """A drafter's tagging of an article, which replaces the computed one. Each correction is
    a new row (the latest counts), so who changed the tagging and when stays visible."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="obligation_corrections"
    )
    obligations = models.JSONField(
        help_text="[{type, conditional, conditions, strength, evidence}] as the API gives them."
    )
    note = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-corrected_at", "-pk"]

    def __str__(self) -> str:
        return f"tagging of {self.article} corrected by {self.corrected_by}"


class LibraryUpdate(models.Model):
    """A library clause's change (one ClauseRevision) offered to one article that came from
    the clause, in one language: a review suggestion when the change merges cleanly into the
    article's current text, a stale (never applied) suggestion with both texts when it does
    not, or a flag when the clause was withdrawn."""

    class Outcome(models.TextChoices):
        CLEAN = "clean", _("Merges cleanly")
        CONFLICT = "conflict", _("Overlaps the draft's own edits")
        UNCHANGED = "unchanged", _("Already in the article")
        WITHDRAWN = "withdrawn", _("Clause withdrawn")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="library_updates")
    clause_revision = models.ForeignKey(
        ClauseRevision, on_delete=models.CASCADE, related_name="draft_offers"
    )
    language = models.CharField(max_length=2)
    from_version = models.PositiveIntegerField()
    to_version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    suggestion = models.OneToOneField(
        Suggestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_update",
    )
    clause_old = models.TextField(blank=True)
    clause_new = models.TextField(blank=True)
    article_text = models.TextField(blank=True, help_text="The article's text when offered.")
    merged = models.TextField(blank=True, help_text="The text a clean merge gives.")
    conflicts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "clause_revision", "language"],
                name="library_update_once_per_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clause_revision} offered to {self.article} [{self.language}]"
