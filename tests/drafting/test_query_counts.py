"""The draft page and the draft API read a draft in a number of queries that does not grow
with the draft (benchmark B5's rule: at most 20, whatever the size)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drafting.models import Draft
from drafting.services import drafts as draft_services
from drafting.services import review as review_services

MAX_QUERIES = 20


def grow(draft: Draft, personas: Any, *, articles: int, comments: int, edits: int) -> None:
    """Add articles with Japanese text, threads with replies, and revisions of every article."""
    owner = personas.owner
    for index in range(articles):
        draft_services.article_create(
            actor=owner,
            draft=draft,
            heading=f"Article heading {index}",
            text_en=f"The Parties shall consult on matter {index}.",
            text_ja=f"締約国は事項{index}について協議する。",
        )
    every = list(draft.articles.all())
    for index in range(edits):
        article = every[index % len(every)]
        draft_services.article_edit(
            actor=personas.uk_drafter if index % 2 else personas.jp_drafter,
            article=article,
            text_en=f"{article.text_en} Edit {index}.",
        )
    for index in range(comments):
        article = every[index % len(every)]
        thread = review_services.thread_start(
            actor=personas.reviewer,
            article=article,
            language="en",
            start=0,
            end=3,
            body=f"Comment {index} on this wording.",
        )
        review_services.comment_add(
            actor=personas.uk_drafter, thread=thread, body=f"Reply {index}: agreed."
        )


def queries_of(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_draft_page_and_api_queries_do_not_grow_with_the_draft(draft, personas, client):
    client.force_login(personas.owner)
    urls = [
        f"/drafts/{draft.pk}/",
        f"/drafts/{draft.pk}/?lang=en",
        f"/drafts/{draft.pk}/?lang=ja",
        f"/api/v1/drafts/{draft.pk}/",
        f"/api/v1/drafts/{draft.pk}/articles/",
    ]
    # A session's first request checks once whether a group requires a second factor
    # (drafting/views/twofactor.py); that query has nothing to do with the draft's size.
    client.get("/")
    grow(draft, personas, articles=1, comments=1, edits=2)
    small = {url: queries_of(client, url) for url in urls}
    grow(draft, personas, articles=8, comments=12, edits=30)
    large = {url: queries_of(client, url) for url in urls}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
