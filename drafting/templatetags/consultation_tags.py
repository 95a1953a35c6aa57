"""Template tags of the US consultation: the "United States" block of an article page and
the drafts in which the signed-in user is a US consultee (for the dashboard)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions
from ..errors import NotFoundError
from ..labels import LANGUAGE_NAMES
from ..models import Article, Role
from ..selectors import consultation as selectors

register = template.Library()


@register.inclusion_tag("drafting/consultation/_us_status.html", takes_context=True)
def us_status(context: template.Context, article: Article) -> dict[str, Any]:
    """The last round that included the article, whether it changed since, and the latest
    US positions on it; nothing for those who may not read the live draft."""
    request = context.get("request")
    user = permissions.reader_of(request)
    try:
        status = selectors.article_us_status(user, article)
    except NotFoundError:
        status = None
    languages = [
        {"code": code, "name": name, "ops": status.diffs[code]}
        for code, name in LANGUAGE_NAMES.items()
        if status is not None and status.diffs.get(code)
    ]
    return {"article": article, "status": status, "languages": languages}


@register.simple_tag(takes_context=True)
def consultee_drafts(context: template.Context) -> list[dict[str, Any]]:
    """The drafts where the user is a US consultee, each with the number of rounds sent to
    their offices."""
    request = context.get("request")
    user = permissions.reader_of(request)
    if user is None or not user.is_authenticated:
        return []
    drafts = []
    for membership in user.memberships.filter(role=Role.CONSULTEE).select_related("draft"):
        draft = membership.draft
        rounds = selectors.rounds_for(user, draft)
        drafts.append(
            {
                "draft": draft,
                "rounds": rounds.count(),
                "open": rounds.filter(status="open").count(),
            }
        )
    return sorted(drafts, key=lambda d: d["draft"].title)
