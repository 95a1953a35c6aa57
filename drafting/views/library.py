"""Pages of the clause library and the reference corpus. The library is public reference
material (marked OFFICIAL); inserting a clause needs a draft the user may edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from treaties import selectors
from treaties.filters import clause_filters_parse
from treaties.models import LibraryClause, Treaty

from .. import permissions
from ..errors import NotFoundError
from ..models import Classification, Draft
from ..selectors import drafts as draft_selectors

LIBRARY_MARKING = Classification.OFFICIAL


def _target_draft(request: HttpRequest) -> int | None:
    """The draft the user came from ("Insert from library" on its page), chosen in the
    insert forms; any other value is ignored."""
    value = request.GET.get("draft", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 18 else None


def _editable_drafts(user: permissions.Reader) -> list[Draft]:
    return [
        d for d in draft_selectors.drafts_visible_to(user) if permissions.can_edit_text(user, d)
    ]


@login_required
def clause_list(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        filters = clause_filters_parse(request.GET)
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"filters": exc.detail}
        error = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in detail.items())
        filters = selectors.ClauseFilters()
    page = Paginator(selectors.clauses_search(filters), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "treaties/clause_list.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "query": query.urlencode(),
            "editable_drafts": _editable_drafts(request.user),
            "target_draft": _target_draft(request),
            "marking": LIBRARY_MARKING,
            **selectors.filter_choices(),
        },
        status=400 if error else 200,
    )


@login_required
def clause_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        clause = selectors.clause_get(slug)
    except LibraryClause.DoesNotExist:
        raise NotFoundError(_("No such clause in the library.")) from None
    return render(
        request,
        "treaties/clause_detail.html",
        {
            "clause": clause,
            "editable_drafts": _editable_drafts(request.user),
            "target_draft": _target_draft(request),
            "marking": LIBRARY_MARKING,
        },
    )


@login_required
def treaty_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "treaties/treaty_list.html",
        {"treaties": selectors.treaties_list(), "marking": LIBRARY_MARKING},
    )


@login_required
def treaty_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        treaty = selectors.treaty_get(slug)
    except Treaty.DoesNotExist:
        raise NotFoundError(_("No such treaty in the corpus.")) from None
    return render(
        request, "treaties/treaty_detail.html", {"treaty": treaty, "marking": LIBRARY_MARKING}
    )


@login_required
def provision_detail(request: HttpRequest, provision_id: int) -> HttpResponse:
    provision = selectors.provision_get(provision_id)
    if provision is None:
        raise NotFoundError(_("No such provision in the corpus."))
    clauses = selectors.clauses_of_provision(provision)
    return render(
        request,
        "treaties/provision_detail.html",
        {"provision": provision, "clauses": clauses, "marking": LIBRARY_MARKING},
    )
