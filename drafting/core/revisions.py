"""Reading an article's revision chain: the latest revision, the text at any revision,
the changes still pending since a baseline, and the draft as a version freezes it.

Below the services and the selectors, so that both read history the same way; it writes
nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils.translation import gettext

from .. import textdiff
from ..errors import ApplicationError, NotFoundError
from ..models import Article, Draft, Language, Revision

LANGUAGES = tuple(Language.values)


def language_field(language: str) -> str:
    if language not in LANGUAGES:
        raise ApplicationError(
            gettext("Unknown language %(language)s: use 'en' or 'ja'.")
            % {"language": repr(language)},
            fields={"language": ["Use en or ja."]},
        )
    return f"text_{language}"


def revision_latest(article: Article | int, language: str) -> Revision | None:
    """The newest revision, without its delta and snapshot (a snapshot is a whole text, and
    every write reads this row)."""
    article_id = article if isinstance(article, int) else article.pk
    return (
        Revision.objects.filter(article_id=article_id, language=language)
        .defer("delta", "snapshot")
        .order_by("-number")
        .first()
    )


def revision_number_latest(article: Article | int, language: str) -> int:
    """The number of the newest revision of that text (0 when it has none yet)."""
    latest = revision_latest(article, language)
    return latest.number if latest else 0


def text_at(article: Article | int, language: str, number: int) -> str:
    """The text of the article in that language just after revision ``number`` (0: empty)."""
    if number <= 0:
        return ""
    article_id = article if isinstance(article, int) else article.pk
    base = (
        Revision.objects.filter(
            article_id=article_id, language=language, number__lte=number, snapshot__isnull=False
        )
        .order_by("-number")
        .values_list("number", "snapshot")
        .first()
    )
    if base is None:
        raise NotFoundError(
            gettext("Revision %(number)s of this article's %(language)s text does not exist.")
            % {"number": number, "language": language}
        )
    text = base[1] or ""
    deltas = Revision.objects.filter(
        article_id=article_id, language=language, number__gt=base[0], number__lte=number
    ).order_by("number")
    applied = base[0]
    for revision_number, delta in deltas.values_list("number", "delta"):
        text = textdiff.apply_delta(text, delta)
        applied = revision_number
    if applied != number:
        raise NotFoundError(
            gettext("Revision %(number)s of this article's %(language)s text does not exist.")
            % {"number": number, "language": language}
        )
    return text


def revision_get(article: Article, language: str, number: Any) -> Revision:
    language_field(language)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise ApplicationError(
            gettext("Revision number %(number)s is not a whole number.") % {"number": repr(number)}
        ) from None
    revision = Revision.objects.filter(article=article, language=language, number=number).first()
    if revision is None:
        raise NotFoundError(
            gettext("This article's %(language)s text has no revision %(number)s.")
            % {"language": language, "number": number}
        )
    return revision


def pending_changes(article: Article, language: str, since: int) -> list[Revision]:
    """Revisions after ``since`` that no drafter has decided on yet, oldest first."""
    return list(
        Revision.objects.filter(
            article=article, language=language, number__gt=since, decision__isnull=True
        )
        .exclude(kind=Revision.Kind.CHANGE_REJECTED)
        .select_related("author", "co_author")
        .order_by("number")
    )


def draft_content(draft: Draft) -> list[dict[str, Any]]:
    """The draft as it is now, in the form a version freezes."""
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    latest = {
        (row["article_id"], row["language"]): row["number"]
        for row in Revision.objects.filter(article__in=articles)
        .values("article_id", "language")
        .annotate(number=Max("number"))
    }
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "position": a.position,
            "number": a.number,
            "number_fixed": a.number_fixed,
            "heading": a.heading,
            "heading_ja": a.heading_ja,
            "releasability": a.releasability,
            "text_en": a.text_en,
            "text_ja": a.text_ja,
            "rev_en": latest.get((a.pk, "en"), 0),
            "rev_ja": latest.get((a.pk, "ja"), 0),
        }
        for a in articles
    ]
