"""Pages of concordance: the draft's in-step overview, and confirming an article's two texts
equivalent (the article page and the co-editor show the article's state through
``concordance_tags``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ..errors import ApplicationError, PermissionDeniedError
from ..permissions import signed_in
from ..selectors import concordance as concordance_selectors
from ..selectors import drafts as draft_selectors
from ..services import concordance as concordance_services
from ..services import drafts as draft_services
from ..templatetags.concordance_tags import LEVEL_NAMES, STATE_HINTS, STATE_LABELS
from .context import draft_context


@login_required
@require_safe
def draft_concordance(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    overview = concordance_selectors.draft_concordance(request.user, draft)
    rows = [
        {
            "article": row.article,
            "status": row.status,
            "label": STATE_LABELS[row.status.state],
            "hint": STATE_HINTS[row.status.state],
            "structure": [
                {
                    "level": LEVEL_NAMES[m.level],
                    "en": m.counts.get("en", 0),
                    "ja": m.counts.get("ja", 0),
                }
                for m in row.structure
            ],
        }
        for row in overview.articles
    ]
    counts = [
        {"state": state, "label": STATE_LABELS[state], "count": count}
        for state, count in overview.counts.items()
    ]
    return render(
        request,
        "drafting/concordance/draft.html",
        draft_context(request, draft, rows=rows, counts=counts),
    )


@login_required
@require_POST
def article_concordance_confirm(
    request: HttpRequest, draft_id: int, article_id: int
) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    back = request.POST.get("next", "")
    if not back or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = article.get_absolute_url() + "#concordance"
    try:
        pair = concordance_services.concordance_pair_parse(
            {language: request.POST.get(language, "") for language in ("en", "ja")}
        )
        concordance = concordance_services.concordance_confirm(
            actor=signed_in(request.user), article=article, revisions=pair
        )
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "%(article)s: English revision %(en)s and Japanese revision %(ja)s confirmed "
                "equivalent."
            )
            % {"article": article.label, "en": concordance.rev_en, "ja": concordance.rev_ja},
        )
    return HttpResponseRedirect(back)


@login_required
@require_safe
def article_concordance_panel(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    """The article's concordance panel alone: the co-editor reloads it while people type, so
    that the state, the numbers the confirm button names and the redline stay current."""
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    language = request.GET.get("language", "")
    return render(
        request,
        "drafting/concordance/_panel_live.html",
        {"article": article, "language": language if language in ("en", "ja") else ""},
    )
