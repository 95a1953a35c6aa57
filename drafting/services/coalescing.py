"""When a change joins the open revision instead of starting a new one."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..models import ChangeDecision, Revision
from ..permissions import Actor

# Changes by one author with no longer pause than this, and nobody else in between, are
# coalesced into one open revision...
COALESCE_WINDOW = timedelta(seconds=60)
# ...as long as the revision stays small and recent: every coalesced change re-diffs the open
# revision against its base, so a long typing session must not keep one revision open.
COALESCE_MAX_SPAN = timedelta(minutes=5)
COALESCE_MAX_CHANGE = 2_000
# Only edits from the form are coalesced. A co-editing sync (about one a second while someone
# types) is its own revision: coalescing it would re-diff the open revision against its base
# on every sync, too slow for live typing on a long article; the history then steps through
# a typing session second by second, as Etherpad's timeslider does.
COALESCIBLE = frozenset({Revision.Kind.EDITED})


def coalesces(
    latest: Revision,
    *,
    kind: str,
    author: Actor | None,
    co_author: Actor | None,
    message: str,
    now: datetime,
) -> bool:
    """Whether a change of ``kind`` by ``author`` at ``now`` joins ``latest``, the newest
    revision, instead of starting a new one."""
    return (
        latest.closed_at is None
        and kind in COALESCIBLE
        and latest.kind == kind
        and author is not None
        and latest.author_id == author.pk
        and latest.co_author_id is None
        and co_author is None
        and not message
        and not latest.message
        and now - latest.updated_at < COALESCE_WINDOW
        and now - latest.created_at < COALESCE_MAX_SPAN
        and latest.chars_added + latest.chars_removed < COALESCE_MAX_CHANGE
        and not ChangeDecision.objects.filter(revision=latest).exists()
    )


def revision_is_final(revision: Revision) -> bool:
    """A closed revision, or one of a kind that never coalesces, will not change again."""
    return revision.closed_at is not None or revision.kind not in COALESCIBLE
