"""The reference corpus (treaties and their provisions) and the curated clause library.

This app knows nothing of drafts: drafting imports it, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .searchtext import index_text


def _search_fields_saved(
    update_fields: Iterable[str] | None, sources: set[str], targets: set[str]
) -> set[str] | None:
    """A save limited to some fields also saves the search columns made from them."""
    if update_fields is None:
        return None
    fields = set(update_fields)
    return fields | targets if fields & sources else fields


class Party(models.Model):
    """A state or organisation that is party to a treaty in the corpus."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name


class ObligationType(models.Model):
    """An ATOP obligation type (defence, offence, neutrality, non-aggression, consultation),
    or a drafting category with no ATOP code (reciprocal access, authentic texts, ...)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    atop_variable = models.CharField(
        max_length=40,
        blank=True,
        help_text="ATOP / peacesciencer variable, empty for drafting categories.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_atop(self) -> bool:
        return bool(self.atop_variable)


class Treaty(models.Model):
    """An existing instrument of the reference corpus, with where its text came from."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=200)
    signed_on = models.CharField(
        max_length=10,
        blank=True,
        help_text="ISO date; year-month or year alone where the day is unknown.",
    )
    entered_into_force = models.CharField(max_length=10, blank=True)
    parties = models.ManyToManyField(Party, related_name="treaties", blank=True)
    source = models.TextField(help_text="Where the text was copied from.")
    licence_note = models.TextField(blank=True)
    coverage_note = models.TextField(
        blank=True,
        help_text="How much of the instrument the corpus holds (complete, partial, metadata only).",
    )
    notes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Other source notes: citations, variants, parties and dates notes.",
    )
    search_text = models.TextField(
        blank=True, editable=False, help_text="Titles in searchable form (treaties.searchtext)."
    )

    class Meta:
        ordering = ["signed_on", "short_title"]
        verbose_name_plural = "treaties"

    def __str__(self) -> str:
        return self.short_title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = index_text(self.short_title, self.title)
        kwargs["update_fields"] = _search_fields_saved(
            kwargs.get("update_fields"), {"short_title", "title"}, {"search_text"}
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("treaty-detail", args=[self.slug])

    @property
    def year(self) -> int | None:
        return int(self.signed_on[:4]) if self.signed_on[:4].isdigit() else None

    @property
    def is_complete(self) -> bool:
        return self.coverage_note.upper().startswith("COMPLETE")


class Provision(models.Model):
    """One article (or a quoted fragment of one) of a Treaty, verbatim."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        JAPANESE = "ja", _("Japanese")

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="provisions")
    number = models.CharField(
        max_length=40, help_text="As the treaty numbers it: 5, V, 42(7), Preamble."
    )
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    position = models.PositiveIntegerField(default=0)
    is_fragment = models.BooleanField(
        default=False, help_text="A short quotation of the article, not the article itself."
    )
    partial = models.BooleanField(
        default=False, help_text="The text stops before the article ends."
    )
    source = models.TextField(
        blank=True, help_text="Where this provision's text came from, if not the treaty's source."
    )
    coverage_note = models.TextField(
        blank=True, help_text="Notes on this text: truncation, OCR, variants."
    )
    notes = models.JSONField(default=dict, blank=True)
    search_text = models.TextField(
        blank=True, editable=False, help_text="Heading and text in searchable form."
    )

    class Meta:
        ordering = ["treaty", "is_fragment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "number", "is_fragment"],
                name="provision_unique_number_per_treaty",
            )
        ]

    def __str__(self) -> str:
        label = f"{self.treaty.short_title}, {self.label}"
        return f"{label} (fragment)" if self.is_fragment else label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = index_text(self.heading, self.text)
        kwargs["update_fields"] = _search_fields_saved(
            kwargs.get("update_fields"), {"heading", "text"}, {"search_text"}
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("provision-detail", args=[self.pk])

    @property
    def label(self) -> str:
        if (
            self.number.lower().startswith(("preamble", "para", "fragment"))
            or not self.number.isascii()
        ):
            return self.number
        return f"Art. {self.number}"

    @property
    def is_incomplete(self) -> bool:
        return self.partial or self.is_fragment


class LibraryClause(models.Model):
    """A curated model clause that drafters insert into a draft, with its precedents."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        FALLBACK = "fallback", _("Fallback")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Strength(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        CONDITIONAL = "conditional", _("Conditional")
        CONSULTATIVE = "consultative", _("Consultative")
        DISCRETIONARY = "discretionary", _("Discretionary")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    heading_ja = models.CharField(
        max_length=300,
        blank=True,
        help_text="The Japanese article heading an inserted clause takes, e.g. 集団的防衛.",
    )
    text = models.TextField(help_text="English model text.")
    text_ja = models.TextField(blank=True, help_text="Japanese model text (working translation).")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPROVED)
    obligation_type = models.ForeignKey(
        ObligationType, on_delete=models.PROTECT, related_name="clauses"
    )
    commitment_strength = models.CharField(max_length=14, choices=Strength.choices)
    derived_from = models.ManyToManyField(Provision, related_name="library_clauses", blank=True)
    guidance = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Searchable forms (treaties.searchtext) of the title, and of the texts and guidance.
    search_title = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change of the text or status (ClauseRevision)."
    )

    class Meta:
        ordering = ["obligation_type__position", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_title = index_text(self.title)
        self.search_text = index_text(self.text, self.text_ja, self.guidance)
        kwargs["update_fields"] = _search_fields_saved(
            kwargs.get("update_fields"),
            {"title", "text", "text_ja", "guidance"},
            {"search_title", "search_text"},
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clause-detail", args=[self.slug])

    @property
    def is_insertable(self) -> bool:
        return self.status != self.Status.WITHDRAWN


class ClauseRevision(models.Model):
    """One version of a library clause's text and status, recorded by every library write that
    changes them (treaties.services.library_clause_revise). Drafts that inserted the clause
    keep the version they took, so a later change can be offered to them as the clause's own
    old→new change."""

    clause = models.ForeignKey(LibraryClause, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    text_ja = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=LibraryClause.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clause", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "version"], name="clause_revision_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clause} v{self.version}"
