"""What every text change must respect about the negotiation, below the services so that
``services.revisions.text_set`` (the one path every text change takes) can call it:

- ``text_change_guard``: an agreed article's text does not change, by any path;
- ``signoffs_withdraw_on_change``: a change withdraws the standing sign-offs, visibly;
- ``brackets_snapshot``: the brackets of an article as a consultation round freezes them;
- ``texts_in_step``: the hook the agreement check asks (concordance, another branch).

Brackets follow the text through ``core.anchors.anchors_follow``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ConflictError
from ..labels import language_name
from ..models import Article, ArticleStatusChange, Bracket, SignOff
from ..permissions import Actor
from ..textdiff import utf16_slice
from .concordance import concordance_state

AGREED = frozenset({Article.NegotiationStatus.AGREED_AD_REF, Article.NegotiationStatus.INITIALLED})


def texts_in_step(article: Article) -> bool:
    """Whether the English and Japanese texts were last confirmed equivalent as they now
    stand (core.concordance). ``services.negotiation.agreement_check`` calls it before an
    article becomes agreed ad referendum, and the board shows it: both texts are authentic,
    so neither may be agreed while the other has moved on."""
    return concordance_state(article).in_step


def article_agreed(article: Article) -> bool:
    return article.negotiation_status in AGREED


def agreement_describe(article: Article) -> str:
    """One sentence naming the agreement that protects the article: what, since when, on
    which pair of texts."""
    change = (
        ArticleStatusChange.objects.filter(article=article, to_status=article.negotiation_status)
        .order_by("-at", "-pk")
        .first()
    )
    signed = (
        SignOff.objects.filter(article=article, withdrawn_at__isnull=True)
        .order_by("-signed_at")
        .first()
    )
    status = Article.NegotiationStatus(article.negotiation_status).label
    since = f" since {change.at:%d %b %Y %H:%M} UTC" if change else ""
    pair = (
        _(" on English revision %(en)s and Japanese revision %(ja)s")
        % {"en": signed.revision_en, "ja": signed.revision_ja}
        if signed
        else ""
    )
    return _(
        "%(label)s is %(status)s%(since)s%(pair)s. Its text cannot change until a delegation "
        "lead reopens it with a reason."
    ) % {"label": article.label, "status": status.lower(), "since": since, "pair": pair}


def text_change_guard(article: Article) -> None:
    """Refuse any change of an agreed article's text (409, naming the agreement). Called by
    ``text_set``, so that no path (form, co-editing, suggestion, restore, rejecting a change,
    version restore, import) can go around it. Caller holds the article lock."""
    if article_agreed(article):
        raise ConflictError(agreement_describe(article), code="article_agreed")


def signoffs_withdraw_on_change(
    article: Article, language: str, revision: int, actor: Actor
) -> int:
    """A text change after a sign-off withdraws it: the sign-off was on the texts as they
    were. Kept, with when and why, so the board shows it. Caller holds the article lock."""
    # article_lock reads whether a sign-off stands: a keystroke sync spends no query here.
    if getattr(article, "signed", None) is False:
        return 0
    who = actor.get_username() if getattr(actor, "is_authenticated", False) else "import"
    reason = _("The %(language)s text changed (revision %(revision)s, by %(who)s).") % {
        "language": language_name(language),
        "revision": revision,
        "who": who,
    }
    return SignOff.objects.filter(article=article, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(),
        withdrawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        withdrawn_reason=reason,
    )


def bracket_json(bracket: Bracket, text: str | None = None) -> dict[str, Any]:
    """A bracket with its options as plain data (API, snapshots, the co-editor)."""
    current = (
        utf16_slice(text, bracket.anchor_start, bracket.anchor_end, whole_characters=True)
        if text is not None and not bracket.detached
        else bracket.quote
    )
    return {
        "id": bracket.pk,
        "article": bracket.article_id,
        "language": bracket.language,
        "anchor_start": bracket.anchor_start,
        "anchor_end": bracket.anchor_end,
        "text": current,
        "quote": bracket.quote,
        "detached": bracket.detached,
        "delegation": bracket.delegation,
        "note": bracket.note,
        "status": bracket.status,
        "resolution": bracket.resolution,
        "resolved_option": bracket.resolved_option_id,
        "resolution_reason": bracket.resolution_reason,
        "options": [
            {
                "id": option.pk,
                "label": option.label,
                "letter": option.letter,
                "text": option.text,
                "delegations": list(option.delegations),
                "note": option.note,
            }
            for option in bracket.options.all()
        ],
    }


def brackets_snapshot(article: Article) -> list[dict[str, Any]]:
    """The article's open brackets, both languages, as they are now: what a consultation
    round keeps with its frozen texts, so the US sees them as sent and never the live ones."""
    brackets = Bracket.objects.filter(article=article, status=Bracket.Status.OPEN).prefetch_related(
        "options"
    )
    return [
        {
            key: value
            for key, value in bracket_json(bracket, article.text(bracket.language)).items()
            if key not in {"resolution", "resolved_option", "resolution_reason", "status"}
        }
        for bracket in brackets
    ]
