"""Tracked revisions: recording every change of article text, rebuilding any past text,
restoring it, deciding on tracked changes, and naming versions of a whole draft.

Every path that changes article text (edit form, co-editing sync, suggestion accepted,
restore, clause inserted, import, change rejected) goes through ``text_set``, which writes the
text, its revision and the audit event in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, FilteredRelation, Max, OuterRef, Q
from django.utils import timezone

from .. import permissions, textdiff
from ..errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from ..models import (
    Article,
    ChangeDecision,
    Draft,
    Language,
    Revision,
    Suggestion,
    Thread,
    Version,
)
from ..permissions import Actor
from .audit import audit_record
from .review import anchors_follow

# A full copy of the text is kept every SNAPSHOT_EVERY revisions, so that rebuilding any
# revision applies at most SNAPSHOT_EVERY - 1 deltas.
SNAPSHOT_EVERY = 128
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
LANGUAGES = tuple(Language.values)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _field(language: str) -> str:
    if language not in LANGUAGES:
        raise ApplicationError(
            f"Unknown language {language!r}: use 'en' or 'ja'.",
            fields={"language": ["Use en or ja."]},
        )
    return f"text_{language}"


# --- reading the chain --------------------------------------------------------------------


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
        raise NotFoundError(f"Revision {number} of this article's {language} text does not exist.")
    text = base[1] or ""
    deltas = Revision.objects.filter(
        article_id=article_id, language=language, number__gt=base[0], number__lte=number
    ).order_by("number")
    applied = base[0]
    for revision_number, delta in deltas.values_list("number", "delta"):
        text = textdiff.apply_delta(text, delta)
        applied = revision_number
    if applied != number:
        raise NotFoundError(f"Revision {number} of this article's {language} text does not exist.")
    return text


# --- writing ------------------------------------------------------------------------------


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
    co_author: Any = None,
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
    coalesce = (
        latest is not None
        and latest.closed_at is None
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
    if coalesce:
        assert latest is not None
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
    co_author: Any = None,
    reverts: Revision | None = None,
    restores: Revision | None = None,
    audit_data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Revision | None:
    """Set one language of the article's text, with its revision and audit event.

    Caller holds the article's row lock (select_for_update) inside a transaction. Returns the
    revision, or None when the text did not change (nothing is written then). ``at`` is the
    time of the change (default: now); imports and replays give their own time."""
    field = _field(language)
    old = getattr(article, field)
    latest = revision_latest(article, language)
    first = latest is None
    if old == text and not first:
        return None
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
        anchors_follow(article, language, old, text)
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
    return revision


def revisions_close(draft: Draft) -> int:
    """Close every open revision of the draft (a version is being named: it must point at
    revisions that will never change)."""
    return Revision.objects.filter(article__draft=draft, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


def article_lock(article_id: int, *, actor: Actor = None) -> Article | None:
    """The article with its row locked for a change of its text, or None.

    Only the article's row is locked: locking its draft too would queue every write to every
    article of the draft. The same query reads what a text change needs besides, so that a
    keystroke sync spends no query on them: whether anything is anchored to the text
    (``anchors_follow`` reads ``anchored``) and the actor's membership of the draft (primed
    into the cache ``permissions`` reads). Anchors cannot appear meanwhile: creating a thread
    or a suggestion takes this same lock."""
    anchored = Exists(Thread.objects.filter(article_id=OuterRef("pk"), detached=False)) | Exists(
        Suggestion.objects.filter(article_id=OuterRef("pk"), status="pending")
    )
    query = (
        Article.objects.select_for_update(of=("self",))
        .select_related("draft")
        .annotate(anchored=anchored)
    )
    user_id = getattr(actor, "pk", None)
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


def _lock_article(article: Article) -> Article:
    locked = article_lock(article.pk)
    if locked is None:
        raise NotFoundError("No such article.")
    return locked


def _require_edit(actor: Actor, draft: Draft, what: str) -> None:
    if not permissions.can_edit_text(actor, draft):
        raise PermissionDeniedError(f"Only the draft's drafters can {what}.")


def revision_get(article: Article, language: str, number: Any) -> Revision:
    _field(language)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise ApplicationError(f"Revision number {number!r} is not a whole number.") from None
    revision = Revision.objects.filter(article=article, language=language, number=number).first()
    if revision is None:
        raise NotFoundError(f"This article's {language} text has no revision {number}.")
    return revision


# --- restore ------------------------------------------------------------------------------


def revision_restore(
    *, actor: Actor, article: Article, language: str, number: int
) -> Revision | None:
    """Bring back the text as it was after revision ``number``, as a new revision."""
    _require_edit(actor, article.draft, "restore old text")
    with transaction.atomic():
        article = _lock_article(article)
        target = revision_get(article, language, number)
        text = text_at(article, language, target.number)
        return text_set(
            article=article,
            language=language,
            text=text,
            actor=actor,
            kind=Revision.Kind.RESTORED,
            message=f"Restored revision {target.number}",
            restores=target,
        )


# --- tracked changes ----------------------------------------------------------------------


def _decide_check(actor: Actor, revision: Revision) -> None:
    _require_edit(actor, revision.article.draft, "accept or reject changes")
    decision = ChangeDecision.objects.filter(revision=revision).first()
    if decision is not None:
        raise ConflictError(
            f"Revision {revision.number} was already {decision.decision} by "
            f"{decision.decided_by.get_username()}; decisions are final.",
            code=f"already_{decision.decision}",
        )
    if revision.kind == Revision.Kind.CHANGE_REJECTED:
        raise ApplicationError(
            "This revision records a rejection; it is not a change to decide on."
        )


def change_accept(*, actor: Actor, revision: Revision, reason: str = "") -> ChangeDecision:
    """Keep the change: it leaves the list of tracked changes."""
    with transaction.atomic():
        _lock_article(revision.article)
        _decide_check(actor, revision)
        decision = ChangeDecision.objects.create(
            revision=revision,
            decision=ChangeDecision.Decision.ACCEPTED,
            decided_by=actor,
            reason=reason[:500],
        )
        audit_record(
            actor=actor,
            action="change.accept",
            object_type="revision",
            object_id=revision.pk,
            draft_id=revision.article.draft_id,
            data={
                "article": revision.article_id,
                "language": revision.language,
                "number": revision.number,
            },
        )
    return decision


class _Overlap(Exception):
    def __init__(self, text: str) -> None:
        self.text = text


def _revert(before: str, delta: str, later: list[str], current: str) -> str:
    """Undo one revision's edits in the current text.

    ``delta`` turned ``before`` into the revision's text; ``later`` are the deltas after it.
    Offsets are UTF-16 units throughout, as the deltas count them."""
    units_before = before.encode("utf-16-le", "surrogatepass")
    # The revision's edits, in its own text's coordinates: [start, end) replaced old units.
    regions: list[list[Any]] = []
    old_pos = new_pos = 0
    for op, length, _text in textdiff.delta_ops(delta):
        if op == "=":
            old_pos += length
            new_pos += length
            continue
        if not regions or regions[-1][1] != new_pos or regions[-1][3] != old_pos:
            regions.append([new_pos, new_pos, b"", old_pos])
        region = regions[-1]
        if op == "-":
            region[2] += units_before[old_pos * 2 : (old_pos + length) * 2]
            old_pos += length
        else:
            new_pos += length
        region[1] = new_pos
        region[3] = old_pos
    # Carry each region through every later change; a change touching it is an overlap.
    for later_delta in later:
        edits: list[tuple[int, int, int]] = []  # (old start, old end, new length)
        pos = 0
        for op, length, _text in textdiff.delta_ops(later_delta):
            if op == "=":
                pos += length
            elif op == "-":
                if edits and edits[-1][1] == pos:
                    start, _, inserted = edits[-1]
                    edits[-1] = (start, pos + length, inserted)
                else:
                    edits.append((pos, pos + length, 0))
                pos += length
            else:
                if edits and edits[-1][1] == pos:
                    start, end, inserted = edits[-1]
                    edits[-1] = (start, end, inserted + length)
                else:
                    edits.append((pos, pos, length))
        for region in regions:
            start, end = region[0], region[1]
            shift = 0
            for e_start, e_end, inserted in edits:
                touches = (
                    (e_start < end and start < e_end)
                    or (start < e_start < end)
                    or (start == end and e_start < start < e_end)
                )
                if touches:
                    raise _Overlap(current)
                # Edits wholly before the region move it; edits after it do not. An insertion
                # exactly where a pure deletion is undone stays before the restored text.
                if e_end <= start and not (start == end == e_start == e_end):
                    shift += inserted - (e_end - e_start)
            region[0], region[1] = start + shift, end + shift
    units = current.encode("utf-16-le", "surrogatepass")
    for start, end, old_units, _ in sorted(regions, key=lambda r: r[0], reverse=True):
        units = units[: start * 2] + old_units + units[end * 2 :]
    return units.decode("utf-16-le", "surrogatepass")


def change_reject(*, actor: Actor, revision: Revision, reason: str = "") -> ChangeDecision:
    """Revert that change alone, as a new revision; the changes after it stay.

    Exact: the spans the change wrote are read from its own stored delta and carried to the
    current text through the later revisions' stored deltas, so repetitive legal text ("the
    Parties ... the Parties") can never make it revert the wrong occurrence. If a later change
    touched one of those spans, nothing is written and the drafter is told to edit by hand."""
    with transaction.atomic():
        article = _lock_article(revision.article)
        _decide_check(actor, revision)
        language = revision.language
        before = text_at(article, language, revision.number - 1)
        later = list(
            Revision.objects.filter(article=article, language=language, number__gt=revision.number)
            .order_by("number")
            .values_list("delta", flat=True)
        )
        current = article.text(language)
        try:
            reverted = _revert(before, revision.delta, later, current)
        except _Overlap as overlap:
            raise ConflictError(
                f"Revision {revision.number} cannot be rejected on its own: later changes overlap it "
                f"(around “{overlap.text[:60]}”). Edit the text by hand, or reject the later "
                "changes first.",
                code="reject_overlaps_later_changes",
            ) from None
        result = text_set(
            article=article,
            language=language,
            text=reverted,
            actor=actor,
            kind=Revision.Kind.CHANGE_REJECTED,
            message=f"Rejected revision {revision.number}" + (f": {reason}" if reason else ""),
            reverts=revision,
        )
        decision = ChangeDecision.objects.create(
            revision=revision,
            decision=ChangeDecision.Decision.REJECTED,
            decided_by=actor,
            reason=reason[:500],
            result=result,
        )
        audit_record(
            actor=actor,
            action="change.reject",
            object_type="revision",
            object_id=revision.pk,
            draft_id=article.draft_id,
            data={"article": article.pk, "language": language, "number": revision.number},
        )
    return decision


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


def changes_decide_all(
    *, actor: Actor, article: Article, language: str, since: int, decision: str
) -> int:
    """Accept, or reject, every pending change since the baseline. Rejecting all brings the
    text back to the baseline as one new revision. Returns how many changes were decided."""
    _require_edit(actor, article.draft, "accept or reject changes")
    if decision not in ChangeDecision.Decision.values:
        raise ApplicationError(f"Unknown decision {decision!r}: use accepted or rejected.")
    with transaction.atomic():
        article = _lock_article(article)
        changes = pending_changes(article, language, since)
        if not changes:
            return 0
        result = None
        if decision == ChangeDecision.Decision.REJECTED:
            result = text_set(
                article=article,
                language=language,
                text=text_at(article, language, since),
                actor=actor,
                kind=Revision.Kind.CHANGE_REJECTED,
                message=f"Rejected all changes since revision {since}",
            )
        ChangeDecision.objects.bulk_create(
            ChangeDecision(revision=r, decision=decision, decided_by=actor, result=result)
            for r in changes
        )
        audit_record(
            actor=actor,
            action=f"change.{'accept' if decision == 'accepted' else 'reject'}_all",
            object_type="article",
            object_id=article.pk,
            draft_id=article.draft_id,
            data={"language": language, "since": since, "revisions": [r.number for r in changes]},
        )
    return len(changes)


# --- versions -----------------------------------------------------------------------------


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


def version_create(*, actor: Actor, draft: Draft, name: str, note: str = "") -> Version:
    _require_edit(actor, draft, "name versions")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            "A version needs a name, e.g. “Text for US consultation, round 1”.",
            fields={"name": ["This field is required."]},
        )
    if len(name) > 200:
        raise ApplicationError(
            "A version name has at most 200 characters.", fields={"name": ["Too long."]}
        )
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        revisions_close(draft)
        number = (Version.objects.filter(draft=draft).aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(
            draft=draft,
            number=number,
            name=name,
            note=note.strip()[:5000],
            created_by=actor,
            content=draft_content(draft),
        )
        audit_record(
            actor=actor,
            action="version.create",
            object_type="version",
            object_id=version.pk,
            draft_id=draft.pk,
            data={"number": number, "name": name},
        )
    return version


def version_restore(*, actor: Actor, version: Version) -> Version:
    """Make the draft read as it did at the version: texts, headings, order and numbers.
    Articles deleted since come back; articles added since are deleted (their history stays).
    Every text change is a new revision; history is never rewritten."""
    from .drafts import _renumber

    draft = version.draft
    _require_edit(actor, draft, "restore a version")
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        now = timezone.now()
        wanted = {item["id"]: item for item in version.content}
        live = list(Article.objects.filter(draft=draft))
        for article in live:
            if article.pk not in wanted:
                article.deleted_at, article.deleted_by = now, actor
                article.save(update_fields=["deleted_at", "deleted_by"])
        # Park every article the version holds, then lay them out in the version's order.
        articles = {a.pk: a for a in Article.all_objects.select_for_update().filter(pk__in=wanted)}
        for index, item in enumerate(version.content, start=1):
            article = articles[item["id"]]
            article.position = -index
            article.number = f"~{article.pk}" if item["number"] else ""
            article.deleted_at = None
            article.deleted_by = None
        Article.all_objects.bulk_update(
            articles.values(), ["position", "number", "deleted_at", "deleted_by"]
        )
        for index, item in enumerate(version.content, start=1):
            article = articles[item["id"]]
            article.position = index
            article.number = item["number"]
            article.number_fixed = item.get("number_fixed", False)
            article.heading, article.heading_ja = item["heading"], item["heading_ja"]
        Article.all_objects.bulk_update(
            articles.values(), ["position", "number", "number_fixed", "heading", "heading_ja"]
        )
        for item in version.content:
            article = articles[item["id"]]
            for language in LANGUAGES:
                text_set(
                    article=article,
                    language=language,
                    text=item[f"text_{language}"],
                    actor=actor,
                    kind=Revision.Kind.RESTORED,
                    message=f"Restored version {version.number} “{version.name}”",
                )
        _renumber(draft)
        audit_record(
            actor=actor,
            action="version.restore",
            object_type="version",
            object_id=version.pk,
            draft_id=draft.pk,
            data={"number": version.number},
        )
    return version
