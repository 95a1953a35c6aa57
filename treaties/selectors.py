"""Reads of the corpus and the clause library. The library is reference material: every
signed-in user may read it, so these take no user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from .models import LibraryClause, ObligationType, Party, Provision, Treaty


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
    for word in q.split():
        qs = qs.filter(
            Q(text__icontains=word)
            | Q(heading__icontains=word)
            | Q(treaty__short_title__icontains=word)
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


def clauses_search(filters: ClauseFilters) -> QuerySet[LibraryClause]:
    """Library clauses matching every word of ``q`` (in either language, the guidance or a
    precedent's text) and every filter given."""
    qs = LibraryClause.objects.select_related("obligation_type")
    for word in filters.q.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(text_ja__icontains=word)
            | Q(guidance__icontains=word)
            | Q(derived_from__text__icontains=word)
            | Q(derived_from__treaty__short_title__icontains=word)
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
    return (
        LibraryClause.objects.filter(pk__in=ids)
        .select_related("obligation_type")
        .prefetch_related(
            Prefetch(
                "derived_from",
                queryset=Provision.objects.select_related("treaty").order_by("treaty__signed_on"),
            )
        )
        .order_by("obligation_type__position", "status", "title")
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
