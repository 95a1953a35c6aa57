"""Whether an article's two authentic texts are in step: the state derived from the pair of
revisions a drafter last confirmed equivalent and the texts as they now stand. Below the
services and selectors: the negotiation's agreement rule needs it as much as the pages do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import Article, Concordance
from .revisions import LANGUAGES, revision_latest

STATES = ("in_step", "en_ahead", "ja_ahead", "both_changed", "unconfirmed")

# (number, text hash) of the latest revision of one text; (0, "") when it has none.
Latest = tuple[int, str]


@dataclass
class ConcordanceState:
    article_id: int
    state: str
    latest: dict[str, int]
    changed: tuple[str, ...] = ()
    confirmed: dict[str, int] | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None

    @property
    def in_step(self) -> bool:
        return self.state == "in_step"

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "confirmed_en": self.confirmed["en"] if self.confirmed else None,
            "confirmed_ja": self.confirmed["ja"] if self.confirmed else None,
            "latest_en": self.latest["en"],
            "latest_ja": self.latest["ja"],
            "changed": list(self.changed),
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
        }


def state_from(
    article_id: int, concordance: Concordance | None, latest: dict[str, Latest]
) -> ConcordanceState:
    numbers = {language: latest[language][0] for language in LANGUAGES}
    if concordance is None:
        return ConcordanceState(article_id, "unconfirmed", numbers)
    confirmed = {"en": concordance.rev_en, "ja": concordance.rev_ja}
    hashes = {"en": concordance.hash_en, "ja": concordance.hash_ja}
    changed = tuple(
        language
        for language in LANGUAGES
        if latest[language][0] != confirmed[language] and latest[language][1] != hashes[language]
    )
    state = {(): "in_step", ("en",): "en_ahead", ("ja",): "ja_ahead"}.get(changed, "both_changed")
    return ConcordanceState(
        article_id,
        state,
        numbers,
        changed,
        confirmed,
        concordance.confirmed_by.get_username(),
        concordance.confirmed_at,
    )


def concordance_row(article: Article) -> Concordance | None:
    return Concordance.objects.select_related("confirmed_by").filter(article=article).first()


def concordance_state(article: Article) -> ConcordanceState:
    """The article's concordance state, without an access check (callers have done it)."""
    latest: dict[str, Latest] = {}
    for language in LANGUAGES:
        revision = revision_latest(article, language)
        latest[language] = (revision.number, revision.text_hash) if revision else (0, "")
    return state_from(article.pk, concordance_row(article), latest)
