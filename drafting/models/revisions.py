"""Tracked revisions of article text, named versions of whole drafts, and decisions on
tracked changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..labels import LANGUAGE_NAMES
from .drafts import Article, Draft


class Language(models.TextChoices):
    ENGLISH = "en", LANGUAGE_NAMES["en"]
    JAPANESE = "ja", LANGUAGE_NAMES["ja"]


class Revision(models.Model):
    """An immutable record of one change to one language of an article's text.

    The text after revision n is rebuilt from the nearest snapshot at or before n by applying
    the deltas after it (each a diff-match-patch delta from the previous revision's text).
    While a revision is open (closed_at empty) further changes by the same author with no
    pause may be coalesced into it; once closed it never changes.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SYNCED = "synced", _("Co-edited")
        CLAUSE_INSERTED = "clause_inserted", _("Library clause inserted")
        SUGGESTION_ACCEPTED = "suggestion_accepted", _("Suggestion accepted")
        RESTORED = "restored", _("Restored")
        CHANGE_REJECTED = "change_rejected", _("Change rejected")
        IMPORTED = "imported", _("Imported")
        BRACKET_RESOLVED = "bracket_resolved", _("Bracket resolved")

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    language = models.CharField(max_length=2, choices=Language.choices)
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="revisions"
    )
    co_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_authored_revisions",
        help_text="The other person behind the change, e.g. the proposer of an accepted suggestion.",
    )
    author_delegation = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    delta = models.TextField(help_text="diff-match-patch delta from the previous revision's text.")
    snapshot = models.TextField(  # noqa: DJ001
        null=True, blank=True, help_text="The whole text after this revision."
    )
    length = models.PositiveIntegerField(help_text="Characters in the text after this revision.")
    chars_added = models.PositiveIntegerField(default=0)
    chars_removed = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    text_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the text after this revision."
    )
    reverts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reverted_by"
    )
    restores = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="restored_by"
    )

    class Meta:
        ordering = ["article", "language", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "number"], name="revision_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["article", "language", "-number"])]

    def __str__(self) -> str:
        return f"{self.article} [{self.language}] r{self.number}"

    @property
    def summary(self) -> str:
        if self.message:
            return self.message
        return f"+{self.chars_added} -{self.chars_removed}"


class ChangeDecision(models.Model):
    """A drafter's decision on one tracked change (one revision): keep it, or revert it."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    revision = models.OneToOneField(Revision, on_delete=models.PROTECT, related_name="decision")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)
    result = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a rejection, the revision that reverted the change.",
    )

    def __str__(self) -> str:
        return f"{self.decision}: {self.revision}"


class Version(models.Model):
    """A named snapshot of a whole draft, frozen when it was taken."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(
        help_text="Articles in order: id, kind, number, heading(s), texts, releasability and "
        "the revision numbers of both texts."
    )

    class Meta:
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name}"
