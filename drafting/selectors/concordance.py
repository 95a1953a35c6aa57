"""Reads of concordance: whether an article's English and Japanese texts are still in step
with the pair last confirmed equivalent, and if not, what changed in each since.

State, from the confirmed pair (English n, Japanese m) and the latest revision of each text:

- ``unconfirmed``: nobody has confirmed a pair yet;
- ``in_step``: neither text changed since;
- ``en_ahead`` / ``ja_ahead``: that text changed, the other did not (the other needs the
  change carried over);
- ``both_changed``: both changed.

A text "changed" when its latest revision is not the confirmed one and its wording differs
from the confirmed wording: a change rejected, or an old revision restored, that brings the
text back word for word leaves it in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from .. import permissions
from ..core.concordance import STATES as STATES
from ..core.concordance import ConcordanceState as ConcordanceState
from ..core.concordance import Latest, concordance_state, state_from
from ..core.revisions import LANGUAGES
from ..errors import ApplicationError, NotFoundError
from ..models import Article, Concordance, Draft, Revision
from ..paragraphs import StructureMismatch, structure_compare
from ..permissions import Reader
from .history import Compare, article_compare


def concordance_in_step(article: Article) -> bool:
    """Whether the article's two texts are confirmed equivalent as they now stand (for rules
    such as "only texts in step can be agreed")."""
    return concordance_state(article).in_step


def concordance_of(user: Reader, article: Article) -> ConcordanceState:
    if not permissions.can_view_draft(user, article.draft):
        raise NotFoundError("No such article.")
    return concordance_state(article)


def concordances_for(
    user: Reader, draft: Draft, articles: list[Article]
) -> dict[int, ConcordanceState]:
    """The state of each of the draft's articles given, in two queries whatever their
    number (nothing if the user may not read the draft)."""
    if not permissions.can_view_draft(user, draft):
        return {}
    ids = [a.pk for a in articles if a.draft_id == draft.pk]
    if not ids:
        return {}
    newest = (
        Revision.objects.filter(article_id=OuterRef("article_id"), language=OuterRef("language"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest: dict[int, dict[str, Latest]] = {i: {lang: (0, "") for lang in LANGUAGES} for i in ids}
    for article_id, language, number, text_hash in Revision.objects.filter(
        article_id__in=ids, number=Subquery(newest)
    ).values_list("article_id", "language", "number", "text_hash"):
        latest[article_id][language] = (number, text_hash)
    rows = {
        c.article_id: c
        for c in Concordance.objects.filter(article_id__in=ids).select_related("confirmed_by")
    }
    return {i: state_from(i, rows.get(i), latest[i]) for i in ids}


def concordance_language_parse(value: Any) -> str | None:
    """``?language=``: en, ja, or nothing for both; anything else is a 400."""
    if value in (None, ""):
        return None
    if value not in LANGUAGES:
        raise ApplicationError(
            _("Unknown language '%(language)s': use 'en' or 'ja'.") % {"language": value},
            fields={"language": [_("Use en or ja.")]},
            code="unknown_language",
        )
    return str(value)


@dataclass
class ConcordanceDetail:
    article: Article
    status: ConcordanceState
    # For each text that changed since the confirmed pair: its redline from the confirmed
    # revision to the latest (what to carry over into the other text).
    redlines: dict[str, Compare] = field(default_factory=dict)
    structure: list[StructureMismatch] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.pk,
            **self.status.as_dict(),
            "redlines": {language: c.as_dict() for language, c in self.redlines.items()},
            "structure": [m.as_dict() for m in self.structure],
        }


def concordance_detail(
    user: Reader, article: Article, language: str | None = None
) -> ConcordanceDetail:
    """The state with the redline of every text changed since the confirmed pair (only
    ``language``'s when given), and the structural check of the current texts."""
    status = concordance_of(user, article)
    redlines = {}
    if status.confirmed:
        for changed in status.changed:
            if language in (None, changed):
                redlines[changed] = article_compare(
                    user,
                    article,
                    changed,
                    status.confirmed[changed],
                    status.latest[changed],
                )
    return ConcordanceDetail(article, status, redlines, article_structure(article))


def article_structure(article: Article) -> list[StructureMismatch]:
    return structure_compare({"en": article.text_en, "ja": article.text_ja})


@dataclass(frozen=True)
class ConcordanceRow:
    article: Article
    status: ConcordanceState
    structure: list[StructureMismatch]

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.pk,
            "position": self.article.position,
            "number": self.article.number,
            "kind": self.article.kind,
            "heading": self.article.heading,
            "heading_ja": self.article.heading_ja,
            **self.status.as_dict(),
            "structure": [m.as_dict() for m in self.structure],
        }


@dataclass(frozen=True)
class DraftConcordance:
    """Every live article of a draft in order with its state, and how many are in each
    state (every state counted, zero included)."""

    counts: dict[str, int]
    articles: list[ConcordanceRow]

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "articles": [row.as_dict() for row in self.articles]}


def draft_concordance(user: Reader, draft: Draft) -> DraftConcordance:
    """Every live article of the draft with its state and structural check, in order, and
    how many are in each state."""
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such draft.")
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    states = concordances_for(user, draft, articles)
    rows = [ConcordanceRow(a, states[a.pk], article_structure(a)) for a in articles]
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.status.state] += 1
    return DraftConcordance(counts, rows)
