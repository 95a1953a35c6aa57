"""Tracked changes: accepting or rejecting one revision, or every change since a baseline."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from .. import textdiff
from ..core.revisions import pending_changes, text_at
from ..errors import ApplicationError, ConflictError
from ..models import Article, ChangeDecision, Revision
from ..permissions import Actor
from .audit import audit_record
from .revisions import article_lock_existing, text_edit_require, text_set


def _decide_check(actor: Actor, revision: Revision) -> None:
    text_edit_require(actor, revision.article.draft, gettext("accept or reject changes"))
    decision = ChangeDecision.objects.filter(revision=revision).first()
    if decision is not None:
        raise ConflictError(
            gettext(
                "Revision %(number)s was already %(decision)s by %(user)s; decisions are final."
            )
            % {
                "number": revision.number,
                "decision": str(decision.get_decision_display()).lower(),
                "user": decision.decided_by.get_username(),
            },
            code=f"already_{decision.decision}",
        )
    if revision.kind == Revision.Kind.CHANGE_REJECTED:
        raise ApplicationError(
            "This revision records a rejection; it is not a change to decide on."
        )


def change_accept(*, actor: Actor, revision: Revision, reason: str = "") -> ChangeDecision:
    """Keep the change: it leaves the list of tracked changes."""
    with transaction.atomic():
        article_lock_existing(revision.article)
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


def change_reject(*, actor: Actor, revision: Revision, reason: str = "") -> ChangeDecision:
    """Revert that change alone, as a new revision; the changes after it stay.

    Exact: the spans the change wrote are read from its own stored delta and carried to the
    current text through the later revisions' stored deltas, so repetitive legal text ("the
    Parties ... the Parties") can never make it revert the wrong occurrence. If a later change
    touched one of those spans, nothing is written and the drafter is told to edit by hand."""
    with transaction.atomic():
        article = article_lock_existing(revision.article)
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
            reverted = textdiff.revert_edits(before, revision.delta, later, current)
        except textdiff.RevertOverlap as overlap:
            raise ConflictError(
                gettext(
                    "Revision %(number)s cannot be rejected on its own: later changes overlap it (around “%(overlap)s”). Edit the text by hand, or reject the later changes first."
                )
                % {"number": revision.number, "overlap": overlap.text[:60]},
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


def changes_decide_all(
    *, actor: Actor, article: Article, language: str, since: int, decision: str
) -> int:
    """Accept, or reject, every pending change since the baseline. Rejecting all brings the
    text back to the baseline as one new revision. Returns how many changes were decided."""
    text_edit_require(actor, article.draft, gettext("accept or reject changes"))
    if decision not in ChangeDecision.Decision.values:
        raise ApplicationError(
            gettext("Unknown decision %(decision)s: use accepted or rejected.")
            % {"decision": repr(decision)}
        )
    with transaction.atomic():
        article = article_lock_existing(article)
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
