"""Anchors (threads', suggestions' and brackets' spans) follow every change of the text.

Anchors are UTF-16 offsets into the article's current text (the unit of the sync protocol,
so the browser can use them as they are). ``anchors_follow`` is called by
``services.revisions.text_set`` in the same transaction as the change.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from ..errors import ApplicationError
from ..models import Article, Bracket, Suggestion, Thread
from ..textdiff import OffsetMapper, utf16_len, utf16_slice, utf16_splits_character


def anchor_validate(text: str, start: Any, end: Any) -> tuple[int, int]:
    length = utf16_len(text)
    if (
        isinstance(start, bool)
        or isinstance(end, bool)
        or not isinstance(start, int)
        or not isinstance(end, int)
    ):
        raise ApplicationError(
            "The anchor needs whole-number start and end offsets.",
            fields={"anchor": ["Not numbers."]},
        )
    if not 0 <= start < end <= length:
        raise ApplicationError(
            gettext(
                "The anchor %(start)s to %(end)s is outside the text (0 to %(length)s) or empty: select the words to comment on."
            )
            % {"start": start, "end": end, "length": length},
            fields={"anchor": ["Outside the text."]},
            code="anchor_outside_text",
        )
    for offset in (start, end):
        if utf16_splits_character(text, offset):
            raise ApplicationError(
                "The anchor splits a character in two.",
                fields={"anchor": ["Splits a character."]},
                code="anchor_splits_character",
            )
    return start, end


def anchors_follow(article: Article, language: str, old: str, new: str) -> int:
    """Move every thread, pending suggestion and bracket on this text through the change
    old → new. A thread or bracket whose whole span was deleted is detached (it keeps its
    quote); a suggestion whose span no longer reads as it did is stale. Caller holds the
    article lock. Returns how many brackets this change detached (the negotiation's pages
    are told)."""
    # revisions.article_lock reads with the lock whether anything is anchored: nothing to do
    # here, not even a query, on a keystroke sync.
    if getattr(article, "anchored", None) is False:
        return 0
    threads = list(Thread.objects.filter(article=article, language=language, detached=False))
    suggestions = list(
        Suggestion.objects.filter(article=article, language=language, status="pending")
    )
    brackets = list(Bracket.objects.filter(article=article, language=language, detached=False))
    if not threads and not suggestions and not brackets:
        return 0
    mapper = OffsetMapper(old, new, words=True)
    detached = brackets_follow(brackets, mapper)
    for thread in threads:
        start = mapper.map(thread.anchor_start, sticky="after")
        end = mapper.map(thread.anchor_end, sticky="before")
        if end <= start:
            thread.detached = True
        else:
            thread.anchor_start, thread.anchor_end = start, end
    Thread.objects.bulk_update(threads, ["anchor_start", "anchor_end", "detached"])
    for suggestion in suggestions:
        start = mapper.map(suggestion.anchor_start, sticky="after")
        end = (
            mapper.map(suggestion.anchor_end, sticky="before")
            if suggestion.anchor_end > suggestion.anchor_start
            else start
        )
        if end < start:
            end = start
        suggestion.anchor_start, suggestion.anchor_end = start, end
        if utf16_slice(new, start, end) != suggestion.original:
            suggestion.stale = True
    Suggestion.objects.bulk_update(suggestions, ["anchor_start", "anchor_end", "stale"])
    return detached


def brackets_follow(brackets: list[Bracket], mapper: OffsetMapper) -> int:
    """Brackets move like threads: inserting at either edge stays outside the bracket, and a
    bracket whose whole span is deleted is detached (kept, with its quote, at that place).
    Returns how many open brackets it detached."""
    detached = 0
    for bracket in brackets:
        start = mapper.map(bracket.anchor_start, sticky="after")
        end = mapper.map(bracket.anchor_end, sticky="before")
        if end <= start:
            detached += bracket.status == Bracket.Status.OPEN
            bracket.detached = True
            bracket.anchor_start = bracket.anchor_end = min(start, end)
        else:
            bracket.anchor_start, bracket.anchor_end = start, end
    Bracket.objects.bulk_update(brackets, ["anchor_start", "anchor_end", "detached"])
    return detached
