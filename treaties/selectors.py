"""Reads of the corpus and the clause library. The library is reference material: every
signed-in user may read it, so these take no user."""

from __future__ import annotations

from dataclasses import dataclass

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
