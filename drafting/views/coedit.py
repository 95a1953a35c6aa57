"""The live co-editing page: one article in one language, edited by several people at once.

The page is a shell: the browser's editor (frontend/src/coedit/) opens an editing session on
the sync API (drafting/api/sync.py, docs/protocol.md) and keeps the text in step with everyone else's.
Access is the article page's: the draft's drafters edit, its readers (reviewers, observers)
watch a read-only copy that still receives every change, and anyone else, a US consultee
included, gets 404. Without scripts the page points to the plain edit form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..core.negotiation import agreement_describe, article_agreed
from ..labels import LANGUAGE_NAMES, language_name
from ..selectors import drafts as draft_selectors
from ..services import drafts as draft_services
from .context import draft_context


@login_required
@require_safe
def article_coedit(request: HttpRequest, draft_id: int, article_id: int) -> HttpResponse:
    draft = draft_selectors.draft_get(request.user, draft_id)
    article = draft_services.article_get_in_draft(draft, article_id)
    language = request.GET.get("language", "en")
    if language not in LANGUAGE_NAMES:
        language = "en"
    # The API's root, so the script builds no URL of its own guessing.
    sessions_url = reverse("api-article-sessions", args=[article.pk])
    api_root = sessions_url[: sessions_url.index("articles/")]
    context = draft_context(
        request,
        draft,
        article=article,
        marking_note=article.releasability,
        language=language,
        language_name=language_name(language),
        languages=LANGUAGE_NAMES,
        text=article.text(language),
        api_root=api_root,
        conflicts_url=reverse("api-article-conflicts", args=[article.pk]),
        resolve_url=reverse("api-conflict-resolve", args=[0]),
        # Brackets drawn in the editor (frontend/src/negotiation/brackets.js).
        brackets_url=reverse("api-article-brackets", args=[article.pk]) + f"?language={language}",
        locked=agreement_describe(article) if article_agreed(article) else "",
    )
    return render(request, "drafting/article_coedit.html", context)
