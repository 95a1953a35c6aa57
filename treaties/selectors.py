"""Reads of the corpus and the clause library. The library is reference material: every
signed-in user may read it, so these take no user."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable

from . import analysis
from .models import LibraryClause, ObligationType, Party, Provision, Treaty
from .searchtext import Term, query_terms


@dataclass(frozen=True)
class ClauseFilters:
    q: str = ""
    obligation_type: str = ""
    treaty: str = ""
    party: str = ""
    year_from: int | None = None
    year_to: int | None = None
    status: str = ""
    strength: str = ""


def treaties_list() -> QuerySet[Treaty]:
    return Treaty.objects.prefetch_related("parties")


def treaty_get(slug: str) -> Treaty:
    return Treaty.objects.prefetch_related(
        "parties",
        Prefetch("provisions", queryset=Provision.objects.order_by("is_fragment", "position")),
    ).get(slug=slug)


def provisions_list(
    *, q: str = "", treaty: str = "", partial: bool | None = None
) -> QuerySet[Provision]:
    qs = Provision.objects.select_related("treaty").order_by(
        "treaty__signed_on", "treaty__slug", "is_fragment", "position"
    )
    if treaty:
        qs = qs.filter(treaty__slug=treaty)
    if partial is not None:
        qs = qs.filter(partial=partial)
    for term in query_terms(q):
        qs = qs.filter(
            Q(search_text__contains=term.like) | Q(treaty__search_text__contains=term.like)
        )
    return qs


def _year_bounds(qs: QuerySet[LibraryClause], filters: ClauseFilters) -> QuerySet[LibraryClause]:
    # signed_on is an ISO string ("1951", "2013-07", "1949-04-04"), so years compare as text.
    # Both bounds go in one filter() so that one precedent must satisfy both (two calls would
    # join derived_from twice and match a clause with precedents on either side of the range).
    bounds = {}
    if filters.year_from is not None:
        bounds["derived_from__treaty__signed_on__gte"] = f"{filters.year_from:04d}"
    if filters.year_to is not None:
        # Not "< year_to + 1": "10000" sorts before "2024" as text.
        bounds["derived_from__treaty__signed_on__lte"] = f"{filters.year_to:04d}-12-31"
    return qs.filter(**bounds) if bounds else qs


# How much a term found in each place adds to a clause's relevance (a whole word counts
# double in the clause's own title and text).
WEIGHT_TITLE = 6
WEIGHT_TEXT = 3
WEIGHT_PRECEDENT = 1


def _term_rank(term: Term) -> Combinable:
    """The relevance one query term adds to a clause, as an SQL expression."""

    def found(lookup: str, weight: int) -> Case:
        whens = []
        if term.latin:
            whens.append(When(**{f"{lookup}__contains": term.exact}, then=Value(2 * weight)))
        whens.append(When(**{f"{lookup}__contains": term.like}, then=Value(weight)))
        return Case(*whens, default=Value(0), output_field=IntegerField())

    in_precedent = Exists(
        Provision.objects.filter(library_clauses=OuterRef("pk")).filter(
            Q(search_text__contains=term.like) | Q(treaty__search_text__contains=term.like)
        )
    )
    return (
        found("search_title", WEIGHT_TITLE)
        + found("search_text", WEIGHT_TEXT)
        + Case(
            When(in_precedent, then=Value(WEIGHT_PRECEDENT)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def clauses_search(filters: ClauseFilters) -> QuerySet[LibraryClause]:
    """Library clauses matching every word of ``q`` (in either language, the guidance or a
    precedent's text) and every filter given; with a query, the most relevant first
    (``rank``), otherwise in the library's order.

    Words match after normalising (NFKC, case) and stemming (treaties.searchtext): "armed
    attacks" finds "armed attack", full-width letters find their ASCII forms, and a Japanese query of one or
    two characters finds them anywhere in the Japanese text."""
    terms = query_terms(filters.q)
    qs = LibraryClause.objects.select_related("obligation_type")
    for term in terms:
        qs = qs.filter(
            Q(search_title__contains=term.like)
            | Q(search_text__contains=term.like)
            | Q(derived_from__search_text__contains=term.like)
            | Q(derived_from__treaty__search_text__contains=term.like)
        )
    if filters.obligation_type:
        qs = qs.filter(obligation_type__code=filters.obligation_type)
    if filters.treaty:
        qs = qs.filter(derived_from__treaty__slug=filters.treaty)
    if filters.party:
        qs = qs.filter(derived_from__treaty__parties__name=filters.party)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.strength:
        qs = qs.filter(commitment_strength=filters.strength)
    qs = _year_bounds(qs, filters)
    ids = qs.values("pk")
    rank: Combinable = Value(0, output_field=IntegerField())
    for term in terms:
        rank = rank + _term_rank(term)
    return (
        LibraryClause.objects.filter(pk__in=ids)
        .select_related("obligation_type")
        .prefetch_related(
            Prefetch(
                "derived_from",
                queryset=Provision.objects.select_related("treaty").order_by("treaty__signed_on"),
            )
        )
        .annotate(rank=rank)
        .order_by("-rank", "obligation_type__position", "status", "title")
    )


def provision_get(provision_id: Any) -> Provision | None:
    """One provision with its treaty, or None for an id that names none."""
    if not str(provision_id).isdigit():
        return None
    return Provision.objects.select_related("treaty").filter(pk=provision_id).first()


def clauses_of_provision(provision: Provision) -> QuerySet[LibraryClause]:
    """The library clauses derived from a provision."""
    return provision.library_clauses.select_related("obligation_type")


def clause_get(slug: str) -> LibraryClause:
    return (
        LibraryClause.objects.select_related("obligation_type")
        .prefetch_related(
            Prefetch("derived_from", queryset=Provision.objects.select_related("treaty"))
        )
        .get(slug=slug)
    )


def filter_choices() -> dict[str, object]:
    """What the library's filter form offers."""
    return {
        "obligation_types": list(ObligationType.objects.all()),
        "treaties": list(Treaty.objects.order_by("signed_on")),
        "parties": list(Party.objects.filter(treaties__isnull=False).distinct().order_by("name")),
        "statuses": LibraryClause.Status.choices,
        "strengths": LibraryClause.Strength.choices,
    }


# --- precedent intelligence (treaties.analysis over the stored library) -----------------------

_ANALYSIS_CACHE: dict[str, Any] = {}


def library_stamp() -> str:
    """A digest of every text the analysis reads: provisions (language, text) and clauses
    (text, text_ja, tags). It changes with any library edit, whichever path made it (the
    admin writes provisions directly), so the indexes below are never stale. Two small
    queries over ~150 rows."""
    digest = hashlib.blake2b(digest_size=12)
    for row in Provision.objects.order_by("pk").values_list("pk", "language", "text"):
        digest.update(repr(row).encode())
    for clause_row in LibraryClause.objects.order_by("pk").values_list(
        "pk", "text", "text_ja", "status", "obligation_type__code", "commitment_strength"
    ):
        digest.update(repr(clause_row).encode())
    return digest.hexdigest()


def _provision_meta(p: Provision) -> dict[str, Any]:
    return {
        "kind": "provision",
        "id": p.pk,
        "treaty": p.treaty.short_title,
        "treaty_slug": p.treaty.slug,
        "number": p.label,
        "year": p.treaty.year,
        "partial": p.is_incomplete,
        "url": p.get_absolute_url(),
    }


def _clause_meta(c: LibraryClause) -> dict[str, Any]:
    return {
        "kind": "clause",
        "id": c.pk,
        "treaty": c.title,
        "treaty_slug": c.slug,
        "number": "",
        "year": None,
        "partial": False,
        "url": c.get_absolute_url(),
        "status": c.status,
    }


def _build(stamp: str) -> dict[str, Any]:
    provisions = list(Provision.objects.select_related("treaty").exclude(text=""))
    clauses = list(LibraryClause.objects.select_related("obligation_type"))
    candidates: dict[str, list[analysis.Candidate]] = {"en": [], "ja": []}
    for p in provisions:
        candidates[p.language].append(
            analysis.Candidate(("provision", p.pk), p.text, _provision_meta(p))
        )
    for c in clauses:
        meta = _clause_meta(c)
        candidates["en"].append(analysis.Candidate(("clause", c.pk), c.text, meta))
        if c.text_ja:
            candidates["ja"].append(analysis.Candidate(("clause", c.pk), c.text_ja, meta))
    examples = [
        analysis.TaggedExample(
            key=c.slug,
            text=text,
            atop_type=analysis.LIBRARY_TO_ATOP.get(c.obligation_type.code, ""),
            strength=c.commitment_strength,
            language=language,
        )
        for c in clauses
        for language, text in (("en", c.text), ("ja", c.text_ja))
        if text
    ]
    return {
        "stamp": stamp,
        "indexes": {
            lang: analysis.PrecedentIndex(cands, lang) for lang, cands in candidates.items()
        },
        "tagger": analysis.Tagger(examples),
        "texts": {
            **{("provision", p.pk): p.text for p in provisions},
            **{("clause", c.pk): c.text for c in clauses},
            **{("clause_ja", c.pk): c.text_ja for c in clauses},
        },
    }


def analysis_state() -> dict[str, Any]:
    """The TF-IDF indexes and the tagger over the current library, built once per process
    and rebuilt when the library changes (library_stamp)."""
    stamp = library_stamp()
    state = _ANALYSIS_CACHE.get("state")
    if state is None or state["stamp"] != stamp:
        state = _build(stamp)
        _ANALYSIS_CACHE["state"] = state
    return state


def precedent_index(language: str) -> analysis.PrecedentIndex:
    return analysis_state()["indexes"][language]


def precedent_tagger() -> analysis.Tagger:
    return analysis_state()["tagger"]


def precedent_text(kind: str, pk: int, language: str) -> str | None:
    """The text of a provision or clause in ``language`` (None if there is none)."""
    if kind == "provision":
        p = Provision.objects.filter(pk=pk, language=language).first()
        return p.text if p else None
    if kind == "clause":
        c = LibraryClause.objects.filter(pk=pk).first()
        if c is None:
            return None
        return (c.text_ja if language == "ja" else c.text) or None
    return None


# The precedents the alliance profile compares a draft with (issue 14).
PROFILE_PRECEDENTS = [
    "north_atlantic_treaty_1949",
    "us_japan_treaty_of_mutual_cooperation_and_security_1960",
    "anzus_security_treaty_1951",
    "anglo_japanese_alliance_1902",
    "hiroshima_accord_uk_japan_2023",
]


def treaty_profile(slug: str) -> dict[str, Any] | None:
    """The alliance profile of a corpus treaty, from the provisions the corpus holds."""
    treaty = Treaty.objects.filter(slug=slug).first()
    if treaty is None:
        return None
    tagger = precedent_tagger()
    tags = []
    for p in treaty.provisions.order_by("is_fragment", "position"):
        if not p.text:
            continue
        en, ja = (p.text, "") if p.language == "en" else ("", p.text)
        tags.append(
            analysis.ArticleTags(
                label=p.label,
                ref={"provision_id": p.pk},
                text=p.text,
                obligations=analysis.tag_article(tagger, en, ja),
            )
        )
    prof = analysis.profile(tags)
    alliance, reasons = analysis.verdict(prof)
    return {
        "slug": treaty.slug,
        "title": treaty.short_title,
        "year": treaty.year,
        "complete": treaty.is_complete,
        "coverage_note": treaty.coverage_note,
        "profile": prof,
        "alliance": alliance,
        "reasons": reasons,
    }
