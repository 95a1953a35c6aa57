"""Template tags of concordance: the state badge of an article, the panel with what changed
in each text since the pair was last confirmed (article page and co-editor), and the states
of a whole draft read at once (draft page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy

from .. import permissions
from ..errors import NotFoundError
from ..labels import LANGUAGE_NAMES
from ..models import Article, Draft
from ..selectors import concordance as selectors

register = template.Library()

STATE_LABELS = {
    "in_step": gettext_lazy("In step"),
    "en_ahead": gettext_lazy("English ahead"),
    "ja_ahead": gettext_lazy("Japanese ahead"),
    "both_changed": gettext_lazy("Both texts changed"),
    "unconfirmed": gettext_lazy("Not yet confirmed"),
}
STATE_HINTS = {
    "in_step": gettext_lazy("Both texts are as they were when confirmed equivalent."),
    "en_ahead": gettext_lazy(
        "The English text changed since the texts were confirmed equivalent: carry the "
        "change over into the Japanese."
    ),
    "ja_ahead": gettext_lazy(
        "The Japanese text changed since the texts were confirmed equivalent: carry the "
        "change over into the English."
    ),
    "both_changed": gettext_lazy(
        "Both texts changed since they were confirmed equivalent: check each against the other."
    ),
    "unconfirmed": gettext_lazy("Nobody has confirmed yet that the two texts say the same."),
}
LEVEL_NAMES = {"paragraphs": gettext_lazy("numbered paragraphs"), "items": gettext_lazy("items")}


@register.simple_tag(takes_context=True)
def concordance_states(
    context: template.Context, draft: Draft, articles: list[Article]
) -> dict[int, selectors.ConcordanceState]:
    """``{% concordance_states draft articles as states %}``: every article's state, read at
    once."""
    request = context.get("request")
    return selectors.concordances_for(permissions.reader_of(request), draft, list(articles))


@register.inclusion_tag("drafting/concordance/_badge.html")
def concordance_badge(
    states: dict[int, selectors.ConcordanceState], article: Article
) -> dict[str, Any]:
    status = states.get(article.pk) if states else None
    return {
        "status": status,
        "label": STATE_LABELS.get(status.state, "") if status else "",
        "hint": STATE_HINTS.get(status.state, "") if status else "",
        "article": article,
    }


@register.inclusion_tag("drafting/concordance/_panel.html", takes_context=True)
def concordance_panel(
    context: template.Context, article: Article, language: str = "", back: str = ""
) -> dict[str, Any]:
    """The article's concordance: state, who confirmed which pair when, the redline of each
    text changed since, the structural check and (for drafters) the confirm button. On the
    co-editor of one ``language``, the other text's changes come first: they are what to
    carry over. ``back``: where confirming returns to (default: this page)."""
    request = context.get("request")
    user = permissions.reader_of(request)
    try:
        detail = selectors.concordance_detail(user, article)
    except NotFoundError:
        return {"detail": None}
    redlines = [
        {"code": code, "name": LANGUAGE_NAMES[code], "compare": compare}
        for code, compare in sorted(detail.redlines.items(), key=lambda item: item[0] == language)
    ]
    return {
        "detail": detail,
        "article": article,
        "language": language,
        "label": STATE_LABELS[detail.status.state],
        "hint": STATE_HINTS[detail.status.state],
        "redlines": redlines,
        "structure": [
            {
                "level": LEVEL_NAMES[m.level],
                "en": m.counts.get("en", 0),
                "ja": m.counts.get("ja", 0),
            }
            for m in detail.structure
        ],
        "can_confirm": permissions.can_confirm_concordance(user, article.draft),
        "csrf_token": context.get("csrf_token"),
        "back": back or (request.get_full_path() if request is not None else ""),
    }
