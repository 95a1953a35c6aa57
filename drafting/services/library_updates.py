"""Library updates offered to live drafts.

When a library admin changes a clause's text, every live article that came from the clause is
offered the clause's own old→new change as a review suggestion, merged into the article's
current text with the exact three-way merge (textdiff.merge: base = the clause version the
article last took, ours = the article now, theirs = the new clause text). Where the change
overlaps the drafters' own edits the suggestion says so, shows both texts and is marked stale
(suggestion_accept refuses stale suggestions), so nothing is applied blind. Nothing here
changes a draft's text: a drafter accepts or rejects the suggestion as any other.

How it is triggered, without treaties importing drafting: treaties.services.library_clause_revise
records a ClauseRevision and, once committed, calls the handlers registered in treaties.hooks;
DraftingConfig.ready registers drafting.jobs.library_updates_enqueue, which queues the
library_updates_offer task. The offer is idempotent (one LibraryUpdate per article, clause
version and language), so a retried task, or the beat sweep, never offers twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from treaties.models import ClauseRevision, LibraryClause

from .. import permissions
from ..models import Article, DraftMute, LibraryUpdate, Membership, Notification, Suggestion
from ..models.notification_text import choice_value, label_value, pair_value
from ..permissions import Actor
from ..textdiff import merge, utf16_len
from .audit import audit_record
from .notifications import notification_create

MERGE_TIMEOUT = 1.0


def _synced_version(article: Article, language: str) -> int:
    """The clause version this article's text in ``language`` last took: the one it was
    inserted from, or a later one it accepted (or already had)."""
    taken = (
        LibraryUpdate.objects.filter(article=article, language=language)
        .filter(
            Q(outcome=LibraryUpdate.Outcome.UNCHANGED)
            | Q(suggestion__status=Suggestion.Status.ACCEPTED)
        )
        .aggregate(v=Max("to_version"))["v"]
    )
    return max(article.source_clause_version or 1, taken or 0)


def _span(current: str, merged: str) -> tuple[int, int, str, str]:
    """The smallest span of ``current`` whose replacement gives ``merged`` (UTF-16 offsets)."""
    prefix = 0
    limit = min(len(current), len(merged))
    while prefix < limit and current[prefix] == merged[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and current[len(current) - 1 - suffix] == merged[len(merged) - 1 - suffix]
    ):
        suffix += 1
    original = current[prefix : len(current) - suffix]
    replacement = merged[prefix : len(merged) - suffix]
    start = utf16_len(current[:prefix])
    return start, start + utf16_len(original), original, replacement


def _drafters(article: Article) -> list[Any]:
    muted = DraftMute.objects.filter(draft=article.draft).values_list("user_id", flat=True)
    ids = (
        Membership.objects.filter(draft=article.draft, role__in=list(permissions.TEXT_ROLES))
        .exclude(user_id__in=muted)
        .values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True))


def _notify(article: Article, params: dict[str, Any]) -> None:
    for user in _drafters(article):
        notification_create(
            recipient=user,
            draft=article.draft,
            kind=Notification.Kind.LIBRARY_UPDATE,
            params=params,
            url=f"{article.get_absolute_url()}#library-updates",
        )


def _offer_language(
    article: Article, revision: ClauseRevision, language: str, author: Actor
) -> LibraryUpdate | None:
    from_version = _synced_version(article, language)
    if from_version >= revision.version:
        return None
    base = (
        ClauseRevision.objects.filter(clause=revision.clause, version__lte=from_version)
        .order_by("-version")
        .first()
    )
    field = "text_ja" if language == "ja" else "text"
    old = getattr(base, field) if base else ""
    new = getattr(revision, field)
    if old == new:
        return None
    current = article.text(language)
    merged, conflicts = merge(old, current, new, timeout=MERGE_TIMEOUT)
    clause = revision.clause
    common = {
        "article": article,
        "clause_revision": revision,
        "language": language,
        "from_version": from_version,
        "to_version": revision.version,
        "clause_old": old,
        "clause_new": new,
        "article_text": current,
    }
    if merged == current:
        return LibraryUpdate.objects.create(outcome=LibraryUpdate.Outcome.UNCHANGED, **common)
    header = _("Library update: “%(clause)s” changed from version %(old)d to %(new)d.") % {
        "clause": clause.title,
        "old": from_version,
        "new": revision.version,
    }
    if conflicts:
        # Not applicable cleanly: the suggestion shows the article's text and the clause's
        # new text, and is stale from the start so that accepting it applies nothing.
        start, end = 0, utf16_len(current)
        original, replacement = current, new
        note = (
            header
            + " "
            + _(
                "The change overlaps this article's own edits and cannot be applied cleanly; "
                "compare the two texts and edit by hand."
            )
        )
        outcome = LibraryUpdate.Outcome.CONFLICT
    else:
        start, end, original, replacement = _span(current, merged)
        note = header + " " + _("The change merges cleanly into the current text.")
        outcome = LibraryUpdate.Outcome.CLEAN
    # An older offer still pending is superseded: it is made stale, never applied.
    Suggestion.objects.filter(
        library_update__article=article,
        library_update__language=language,
        status=Suggestion.Status.PENDING,
    ).update(stale=True)
    suggestion = Suggestion.objects.create(
        article=article,
        language=language,
        anchor_start=start,
        anchor_end=end,
        original=original,
        replacement=replacement,
        note=note,
        visibility="both",
        delegation="",
        stale=outcome == LibraryUpdate.Outcome.CONFLICT,
        created_by=author,
    )
    return LibraryUpdate.objects.create(
        outcome=outcome,
        suggestion=suggestion,
        merged=merged if outcome == LibraryUpdate.Outcome.CLEAN else "",
        conflicts=[c.to_dict() for c in conflicts],
        **common,
    )


def library_updates_offer(*, clause_revision_id: int) -> int:
    """Offer one clause version to every live article that came from the clause. Returns
    how many offers (suggestions or flags) were made. Safe to run twice."""
    revision = (
        ClauseRevision.objects.select_related("clause", "changed_by")
        .filter(pk=clause_revision_id)
        .first()
    )
    if revision is None:
        return 0
    made = 0
    for article_id in Article.objects.filter(source_clause=revision.clause).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update(of=("self",))
                .select_related("draft")
                .filter(pk=article_id)
                .first()
            )
            if article is None:
                continue
            author = revision.changed_by or article.draft.created_by
            if LibraryUpdate.objects.filter(article=article, clause_revision=revision).exists():
                continue
            offers = []
            if revision.status == LibraryClause.Status.WITHDRAWN:
                offers.append(
                    LibraryUpdate.objects.create(
                        article=article,
                        clause_revision=revision,
                        language="",
                        from_version=article.source_clause_version or 1,
                        to_version=revision.version,
                        outcome=LibraryUpdate.Outcome.WITHDRAWN,
                    )
                )
            else:
                for language in ("en", "ja"):
                    offer = _offer_language(article, revision, language, author)
                    if offer is not None:
                        offers.append(offer)
            shown = [o for o in offers if o.outcome != LibraryUpdate.Outcome.UNCHANGED]
            if not offers:
                continue
            made += len(offers)
            audit_record(
                actor=None,
                action="article.library_update",
                object_type="article",
                object_id=article.pk,
                draft_id=article.draft_id,
                data={
                    "clause": revision.clause.slug,
                    "version": revision.version,
                    "outcomes": {o.language or "-": o.outcome for o in offers},
                },
            )
            if shown:
                _notify(article, _params(article, revision, shown))
    return made


def _params(
    article: Article, revision: ClauseRevision, offers: list[LibraryUpdate]
) -> dict[str, Any]:
    return {
        "clause": revision.clause.title,
        "article": label_value(article.label, article.label_ja),
        "withdrawn": offers[0].outcome == LibraryUpdate.Outcome.WITHDRAWN,
        "outcomes": [
            pair_value(choice_value("language", o.language), choice_value("outcome", o.outcome))
            for o in offers
        ],
    }


def library_updates_sweep() -> int:
    """Offer every clause version that some live article has not been offered yet (run by
    beat, in case a queued offer was lost). Cheap: one query per changed clause."""
    made = 0
    revisions = ClauseRevision.objects.filter(version__gt=1, clause__draft_articles__isnull=False)
    for revision_id in revisions.values_list("pk", flat=True).distinct():
        made += library_updates_offer(clause_revision_id=revision_id)
    return made
