"""Pages for precedent intelligence: the panel beside an article (and in the co-editor), the
redline against a precedent, the drafters' correction form, and the draft's alliance profile.

Everything reads live text through drafting.selectors.analysis, so a consultee or an outsider
gets the same 404 as for the article itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from treaties import analysis
from treaties.models import LibraryClause

from .. import permissions
from ..selectors import analysis as analysis_selectors
from ..selectors import drafts as draft_selectors
from ..services import analysis as analysis_services
from ..services import drafts as draft_services
from .context import draft_context

TYPE_NAMES = {
    "defense": gettext_lazy("Defence"),
    "offense": gettext_lazy("Offence"),
    "neutral": gettext_lazy("Neutrality"),
    "nonagg": gettext_lazy("Non-aggression"),
    "consul": gettext_lazy("Consultation"),
}


def _strength_label(code: str) -> str:
    # The library's scale, named in the interface language.
    return (
        str(LibraryClause.Strength(code).label) if code in LibraryClause.Strength.values else code
    )


def _types(obligations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **o,
            "name": TYPE_NAMES.get(o["type"], o["type"]),
            "strength_label": _strength_label(o.get("strength", "")),
        }
        for o in obligations
    ]


@login_required
@require_safe
def article_panel(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    """The precedent panel (loaded by htmx beside the article and in the co-editor)."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    result = analysis_selectors.article_analysis(request.user, article)
    language = request.GET.get("language", "")
    precedents = [p for p in result.precedents if not language or p["language"] == language]
    context = draft_context(
        request,
        draft,
        article=article,
        obligations=_types(result.obligations),
        computed=_types(result.computed_obligations),
        corrected=result.corrected,
        precedents=precedents,
        updates=analysis_selectors.library_updates_of(request.user, article),
        compact=bool(request.GET.get("compact")),
        can_correct=permissions.can_correct_obligations(request.user, draft),
        atop_types=list(TYPE_NAMES.items()),
        strengths=[(code, _strength_label(code)) for code in analysis.STRENGTHS],
    )
    # htmx swaps the fragment into the page; a direct visit (no script) gets a whole page,
    # with the classification marking every page carries.
    template = "_panel.html" if getattr(request, "htmx", False) else "panel_page.html"
    return render(request, f"drafting/analysis/{template}", context)


@login_required
@require_safe
def precedent_compare(
    request: HttpRequest, draft_id: int, article_id: int, kind: str, pid: int
) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    result = analysis_selectors.precedent_compare(
        request.user, article, kind, pid, request.GET.get("language")
    )
    precedent = next(
        (
            p
            for p in analysis_selectors.article_analysis(request.user, article).precedents
            if p["kind"] == kind and p["id"] == pid
        ),
        None,
    )
    context = draft_context(
        request,
        draft,
        article=article,
        compare=result,
        precedent=precedent,
        marking_note=article.releasability,
    )
    return render(request, "drafting/analysis/precedent_compare.html", context)


@login_required
@require_POST
def obligations_correct(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    """The form beside the article: one row per ATOP type (ticked, strength, conditions). The
    evidence of a type the computed tagging found is kept."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    computed = {
        o["type"]: o
        for o in analysis_selectors.article_analysis(request.user, article).computed_obligations
    }
    obligations = []
    for type_ in analysis.ATOP_TYPES:
        if not request.POST.get(f"{type_}-on"):
            continue
        conditions = [
            c.strip() for c in request.POST.get(f"{type_}-conditions", "").split(",") if c.strip()
        ]
        evidence = computed.get(type_, {}).get("evidence")
        obligations.append(
            {
                "type": type_,
                "strength": request.POST.get(f"{type_}-strength", ""),
                "conditional": bool(conditions),
                "conditions": conditions,
                "evidence": {k: evidence[k] for k in ("language", "anchor_start", "anchor_end")}
                if evidence
                else None,
            }
        )
    # A refused correction (an ApplicationError) becomes a 400 page with its message
    # (views.errors.ApplicationErrorMiddleware); nothing is written.
    analysis_services.obligations_correct(
        actor=permissions.signed_in(request.user),
        article=article,
        obligations=obligations,
        note=request.POST.get("note", ""),
    )
    messages.success(
        request, _("Your tagging of %(article)s is kept.") % {"article": article.label}
    )
    return HttpResponseRedirect(article.get_absolute_url() + "#precedent-panel")


@login_required
@require_safe
def draft_profile(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    result = analysis_selectors.draft_analysis(request.user, draft)
    promises = [
        {
            "code": t,
            "name": TYPE_NAMES[t],
            "entries": [
                {**e, "strength": _strength_label(e["strength"])}
                for e in result.profile["promises"][t]
            ],
        }
        for t in analysis.ATOP_TYPES
    ]
    # The comparison names each strength in the interface language, as the panel does.
    comparison = [
        {
            **row,
            "promises": {t: v and _strength_label(v) for t, v in row["promises"].items()},
        }
        for row in result.comparison
    ]
    features = [
        (_("Asymmetry"), result.profile["asymmetry"]),
        (_("Duration"), result.profile["duration"]),
        (_("Exit (withdrawal, denunciation)"), result.profile["exit"]),
        (_("Secrecy"), result.profile["secrecy"]),
        (_("Specific threat"), result.profile["specific_threat"]),
    ]
    context = draft_context(
        request,
        draft,
        result=result,
        comparison=comparison,
        promises=promises,
        features=features,
        type_names=list(TYPE_NAMES.items()),
    )
    return render(request, "drafting/analysis/draft_profile.html", context)
