"""Template filters of the negotiation: a text drawn with its brackets, the way negotiators
read it ("[UK: words]", "[JP: words / Option A (UK): … / Option B (JP): …]")."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .. import permissions
from ..errors import NotFoundError
from ..selectors import negotiation as selectors

register = template.Library()


def _segment_html(segment: Any) -> SafeString:
    if segment.kind == "text":
        return format_html("{}", segment.text)
    inner = mark_safe("".join(_segment_html(child) for child in segment.children))  # noqa: S308  (each piece is escaped by format_html)
    options = format_html_join(
        "",
        '<span class="bracket__sep"> / </span><span class="bracket__option" data-testid="bracket-option"><span class="bracket__label" lang="en">{}{}:</span> {}</span>',
        (
            (
                option["label"],
                f" ({'/'.join(option['delegations'])})" if option["delegations"] else "",
                option["text"],
            )
            for option in segment.options
        ),
    )
    title = segment.note or _("Bracketed by %(delegation)s") % {"delegation": segment.delegation}
    return format_html(
        '<span class="bracket bracket--{}" data-bracket="{}" data-testid="bracket" title="{}">'
        '<span class="bracket__edge" lang="en">[{}: </span><span class="bracket__words">{}</span>'
        '{}<span class="bracket__edge">]</span></span>',
        segment.delegation.lower(),
        segment.bracket_id or "",
        title,
        segment.delegation,
        inner,
        options,
    )


@register.filter
def segments_html(segments: list[Any] | None) -> SafeString:
    """Segments (selectors.negotiation.Segment) as HTML; line breaks are kept by the
    ``bracketed-text`` class (white-space: pre-line)."""
    return mark_safe("".join(_segment_html(s) for s in segments or []))  # noqa: S308


@register.inclusion_tag("drafting/negotiation/_panel.html", takes_context=True)
def negotiation_panel(context: template.Context, article: Any) -> dict[str, Any]:
    """The article page's negotiation panel: status and its log, each delegation's sign-off,
    the text drawn with its brackets, and the forms of what the reader may do."""
    request = context.get("request")
    user = permissions.reader_of(request)
    draft = article.draft
    try:
        state = selectors.article_negotiation(user, article)
    except NotFoundError:
        return {"hidden": True}
    delegation = permissions.delegation_of(user, draft)
    signoff_rows = [
        {
            "delegation": d,
            "standing": state.standing.get(d),
            "withdrawn": next(
                (s for s in state.signoffs if s.delegation == d and s.withdrawn_at), None
            ),
        }
        for d in selectors.DELEGATIONS
    ]
    return {
        "signoff_rows": signoff_rows,
        "article": article,
        "draft": draft,
        "state": state,
        "csrf_token": context.get("csrf_token"),
        "can_bracket": permissions.can_bracket(user, draft),
        "can_lead": permissions.can_lead_delegation(user, draft),
        "my_delegation": delegation if delegation in selectors.DELEGATIONS else "",
        "delegations": selectors.DELEGATIONS,
        "option_rows": range(1, 4),
        "standing_mine": state.standing.get(delegation) if delegation else None,
    }


@register.filter
def round_segments(snapshot: Any, language: str) -> list[Any] | None:
    """A round snapshot's text with the brackets it was sent with, or None when it was sent
    with none in that language (the plain text is shown then). The round page has already
    checked that the reader may see the round."""
    if not any(b.get("language") == language for b in snapshot.brackets or []):
        return None
    return selectors.round_article_segments(snapshot, language)
