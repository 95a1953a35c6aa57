"""Recording every change of article text as a revision.

Every path that changes article text (edit form, co-editing sync, suggestion accepted,
restore, clause inserted, import, change rejected) goes through ``text_set``, which writes the
text, its revision and the audit event in the caller's transaction. Reading the chain is
``core.revisions``; deciding on tracked changes, versions and restoring build on this module.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions, textdiff
from ..core.anchors import anchors_follow
from ..core.negotiation import signoffs_withdraw_on_change, text_change_guard
from ..core.revisions import language_field, revision_latest, text_at
from ..errors import NotFoundError, PermissionDeniedError
from ..models import Article, Bracket, Draft, Revision, SignOff, Suggestion, Thread
from ..permissions import Actor
from . import announce
from .audit import audit_record
from .coalescing import COALESCIBLE, coalesces

# A full copy of the text is kept every SNAPSHOT_EVERY revisions, so that rebuilding any
# revision applies at most SNAPSHOT_EVERY - 1 deltas.
SNAPSHOT_EVERY = 128


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _delegation_of(actor: Actor, article: Article) -> str:
    membership = permissions.membership_of(actor, article.draft)
    return membership.delegation if membership else ""


def _revision_record(
    *,
    article: Article,
    language: str,
    old: str,
    new: str,
    actor: Actor,
    kind: str,
    message: str = "",
    co_author: Actor | None = None,
    reverts: Revision | None = None,
    restores: Revision | None = None,
    at: datetime | None = None,
    latest: Revision | None,
) -> Revision:
    """Record old → new as a revision (a new one, or coalesced into ``latest``, the newest
    revision, when it is open). Caller holds the article's row lock inside a transaction."""
    # Imports and replays give their own time (``at``), so that their pauses close revisions.
    now = at if at is not None else timezone.now()
    author = actor if getattr(actor, "is_authenticated", False) else None
    delta = textdiff.make_delta(old, new)
    added, removed = textdiff.delta_stats(delta)
    if latest is not None and coalesces(
        latest, kind=kind, author=author, co_author=co_author, message=message, now=now
    ):
        before = text_at(article, language, latest.number - 1)
        latest.delta = textdiff.make_delta(before, new)
        if latest.snapshot is not None:
            latest.snapshot = new
        latest.chars_added, latest.chars_removed = textdiff.delta_stats(latest.delta)
        latest.length = len(new)
        latest.text_hash = _hash(new)
        latest.updated_at = now
        latest.save(
            update_fields=[
                "delta",
                "snapshot",
                "chars_added",
                "chars_removed",
                "length",
                "text_hash",
                "updated_at",
            ]
        )
        return latest
    if latest is not None and latest.closed_at is None:
        Revision.objects.filter(pk=latest.pk).update(closed_at=now)
    number = (latest.number if latest else 0) + 1
    return Revision.objects.create(
        article=article,
        language=language,
        number=number,
        kind=kind,
        author=author,
        co_author=co_author,
        author_delegation=_delegation_of(actor, article),
        created_at=now,
        updated_at=now,
        # Revisions that may still be coalesced stay open; every other kind is final at once.
        closed_at=None if kind in COALESCIBLE else now,
        delta=delta,
        # A snapshot every SNAPSHOT_EVERY revisions, and whenever the delta is bigger than the
        # text itself (a wholesale replacement): reading the text is then cheaper than
        # decoding the delta.
        snapshot=new if number % SNAPSHOT_EVERY == 1 or len(delta) > max(len(new), 4096) else None,
        length=len(new),
        chars_added=added,
        chars_removed=removed,
        message=message[:500],
        text_hash=_hash(new),
        reverts=reverts,
        restores=restores,
    )


def text_set(
    *,
    article: Article,
    language: str,
    text: str,
    actor: Actor,
    kind: str,
    message: str = "",
    co_author: Actor | None = None,
    reverts: Revision | None = None,
    restores: Revision | None = None,
    audit_data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Revision | None:
    """Set one language of the article's text, with its revision and audit event.

    Caller holds the article's row lock (select_for_update) inside a transaction. Returns the
    revision, or None when the text did not change (nothing is written then). ``at`` is the
    time of the change (default: now); imports and replays give their own time."""
    field = language_field(language)
    old = getattr(article, field)
    latest = revision_latest(article, language)
    first = latest is None
    if old == text and not first:
        return None
    if old != text:
        # The one place every text change passes: an agreed article's text does not change.
        text_change_guard(article)
    revision = _revision_record(
        latest=latest,
        article=article,
        language=language,
        old="" if first else old,
        new=text,
        actor=actor,
        kind=Revision.Kind.CREATED if first and kind == Revision.Kind.EDITED else kind,
        message=message,
        co_author=co_author,
        reverts=reverts,
        restores=restores,
        at=at,
    )
    if old != text:
        setattr(article, field, text)
        article.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        article.save(update_fields=[field, "updated_by", "updated_at"])
        detached = anchors_follow(article, language, old, text)
        withdrawn = signoffs_withdraw_on_change(article, language, revision.number, actor)
        # The text's own announcement (below) brings the new text; these tell the pages that
        # show the negotiation that a bracket or a sign-off went with it.
        if detached:
            announce.article_negotiation_changed(
                draft_id=article.draft_id, article_id=article.pk, what="bracket.detached"
            )
        if withdrawn:
            announce.article_negotiation_changed(
                draft_id=article.draft_id, article_id=article.pk, what="signoff.withdrawn"
            )
    audit_record(
        actor=actor,
        action=f"article.text.{kind}",
        object_type="article",
        object_id=article.pk,
        draft_id=article.draft_id,
        data={
            "language": language,
            "revision": revision.number,
            "added": revision.chars_added,
            "removed": revision.chars_removed,
            "text_hash": revision.text_hash,
            **(audit_data or {}),
        },
    )
    # Browsers on the draft sync at once, after the commit (announce says why).
    announce.article_text_changed(
        draft_id=article.draft_id,
        article_id=article.pk,
        language=language,
        revision=revision.number,
        kind=revision.kind,
    )
    return revision


def revisions_close(draft: Draft) -> int:
    """Close every open revision of the draft (a version is being named: it must point at
    revisions that will never change)."""
    return Revision.objects.filter(article__draft=draft, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


def article_lock(article_id: int, *, actor: Actor | None = None) -> Article | None:
    """The article with its row locked for a change of its text, or None.

    Only the article's row is locked: locking its draft too would queue every write to every
    article of the draft. The same query reads what a text change needs besides, so that a
    keystroke sync spends no query on them: whether anything is anchored to the text
    (``anchors_follow`` reads ``anchored``), whether a sign-off stands (``signed``) and the actor's membership of the draft (primed
    into the cache ``permissions`` reads). Anchors and sign-offs cannot appear meanwhile:
    creating a thread, a suggestion or a bracket, and signing off, take this same lock."""
    anchored = (
        Exists(Thread.objects.filter(article_id=OuterRef("pk"), detached=False))
        | Exists(Suggestion.objects.filter(article_id=OuterRef("pk"), status="pending"))
        | Exists(Bracket.objects.filter(article_id=OuterRef("pk"), detached=False))
    )
    # Whether a sign-off stands (core.negotiation.signoffs_withdraw_on_change reads it).
    signed = Exists(SignOff.objects.filter(article_id=OuterRef("pk"), withdrawn_at__isnull=True))
    query = (
        Article.objects.select_for_update(of=("self",))
        .select_related("draft")
        .annotate(anchored=anchored, signed=signed)
    )
    user_id = actor.pk if actor is not None else None
    if user_id is not None:
        query = query.annotate(
            mine=FilteredRelation(
                "draft__memberships", condition=Q(draft__memberships__user_id=user_id)
            )
        ).select_related("mine")  # type: ignore[misc]  # the stubs know no FilteredRelation
    article = query.filter(pk=article_id).first()
    if article is not None and user_id is not None:
        permissions.membership_prime(actor, article.draft, getattr(article, "mine", None))
    return article


def article_lock_existing(article: Article) -> Article:
    locked = article_lock(article.pk)
    if locked is None:
        raise NotFoundError("No such article.")
    return locked


def text_edit_require(actor: Actor, draft: Draft, what: str) -> None:
    if not permissions.can_edit_text(actor, draft):
        raise PermissionDeniedError(
            gettext("Only the draft's drafters can %(what)s.") % {"what": what}
        )
