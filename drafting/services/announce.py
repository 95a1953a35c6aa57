"""Telling the browsers on a draft that something changed, once the change is committed.

Services call these functions inside the transaction of their write; the message goes out on
the draft's channel-layer group (``draft.<id>``) only after the commit, so nobody is told of a
change that is then rolled back, and a browser that syncs on the news finds it. A message is
only a hint to sync through the exact protocol (docs/protocol.md): losing one costs latency,
never text, because every editor still syncs on a slow timer. So a channel layer that is down
or full is logged, never raised into the write that already committed.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def draft_group(draft_id: int) -> str:
    return f"draft.{draft_id}"


def _send(draft_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(draft_group(draft_id), message)
    except Exception:
        logger.warning(
            "Could not announce %s on draft %s", message.get("type"), draft_id, exc_info=True
        )


def _after_commit(draft_id: int, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send(draft_id, message))


def article_text_changed(
    *, draft_id: int, article_id: int, language: str, revision: int, kind: str
) -> None:
    """An article's text changed (revision ``revision`` of kind ``kind``)."""
    _after_commit(
        draft_id,
        {
            "type": "article.changed",
            "article": article_id,
            "language": language,
            "revision": revision,
            "kind": kind,
        },
    )


def article_review_changed(*, draft_id: int, article_id: int, what: str) -> None:
    """Threads, comments, suggestions (``what``) of an article changed."""
    _after_commit(draft_id, {"type": "review.changed", "article": article_id, "what": what})


def article_negotiation_changed(*, draft_id: int, article_id: int, what: str) -> None:
    """An article's brackets, sign-offs or negotiation status changed (``what``: e.g.
    ``bracket.created``, ``bracket.resolved``, ``bracket.reopened``, ``bracket.detached``,
    ``signoff``, ``signoff.withdrawn``, ``status``): pages that show them fetch them again."""
    _after_commit(draft_id, {"type": "negotiation.changed", "article": article_id, "what": what})


def members_changed(*, draft_id: int) -> None:
    """Who may do what on the draft changed: every open socket checks its access again."""
    _after_commit(draft_id, {"type": "members.changed"})
