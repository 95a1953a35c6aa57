"""Review: threads anchored to text, comments, suggestions, and their notifications.

Anchors are UTF-16 offsets into the article's current text (the unit of the sync protocol, so
the browser can use them as they are). Every change of the text moves them
(``core.anchors.anchors_follow``, called by revisions.text_set in the same transaction).
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions
from ..core.anchors import anchor_validate
from ..core.markdown import MENTION, comment_body_validate, render_markdown
from ..errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from ..inputs import text_check
from ..models import (
    Article,
    Comment,
    Draft,
    DraftMute,
    Revision,
    Suggestion,
    Thread,
    Visibility,
)
from ..models.notification_text import label_value
from ..permissions import Actor
from ..textdiff import utf16_len, utf16_slice, utf16_splice
from . import announce
from .audit import audit_record
from .notifications import notification_create
from .revisions import text_set

MAX_SUGGESTION_LENGTH = 50_000


def _mentions(body: str, thread_draft: Draft, visibility: str, delegation: str) -> list[Actor]:
    names = sorted(set(MENTION.findall(body)))
    if not names:
        return []
    User = get_user_model()
    users = {u.get_username(): u for u in User.objects.filter(username__in=names, is_active=True)}
    refused = [
        n
        for n in names
        if n not in users
        or not permissions.can_see_review_item(users[n], thread_draft, visibility, delegation)
    ]
    if refused:
        raise ApplicationError(
            "You can mention only members of this draft who can read this thread: "
            + ", ".join(f"@{n}" for n in refused)
            + " cannot.",
            fields={"body": ["Unknown mention."]},
            code="mention_not_member",
        )
    return [users[n] for n in names]


# --- notifications ------------------------------------------------------------------------


class _Audience(TypedDict):
    """What the notifications of one message share, whoever they go to."""

    actor: Actor
    article: Article
    visibility: str
    delegation: str
    url: str
    seen: set[int]


def _notify(
    users: list[Actor],
    *,
    actor: Actor,
    article: Article,
    visibility: str,
    delegation: str,
    kind: str,
    params: dict[str, Any],
    url: str,
    seen: set[int],
) -> None:
    """Notify each user once, never the actor, never someone who muted the draft or who may
    not see the item. ``seen`` holds who was notified of this message already (a mention
    and a reply are one message): it is updated."""
    draft = article.draft
    muted = set(DraftMute.objects.filter(draft=draft).values_list("user_id", flat=True))
    for user in users:
        if user.pk in seen or user.pk == actor.pk or user.pk in muted:
            continue
        seen.add(user.pk)
        if not permissions.can_see_review_item(user, draft, visibility, delegation):
            continue
        notification_create(recipient=user, draft=draft, kind=kind, params=params, url=url)


def _article_drafters(article: Article) -> list[Actor]:
    """Who drafted this article: everyone who authored one of its revisions."""
    User = get_user_model()
    ids = (
        Revision.objects.filter(article=article, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=list(ids)))


def _thread_url(thread: Thread) -> str:
    return f"{thread.article.get_absolute_url()}#thread-{thread.pk}"


# --- threads and comments ------------------------------------------------------------------


def _delegation(actor: Actor, article: Article) -> str:
    membership = permissions.membership_of(actor, article.draft)
    return membership.delegation if membership else ""


def thread_start(
    *,
    actor: Actor,
    article: Article,
    language: str,
    start: Any,
    end: Any,
    body: Any,
    visibility: str = Visibility.BOTH,
) -> Thread:
    draft = article.draft
    if not permissions.can_comment(actor, draft):
        raise PermissionDeniedError("Only the draft's drafters and reviewers can comment.")
    if language not in ("en", "ja"):
        raise ApplicationError(
            "Unknown language: use en or ja.", fields={"language": ["Use en or ja."]}
        )
    if visibility not in Visibility.values:
        raise ApplicationError(
            gettext("Unknown visibility %(visibility)s: use %(choices)s.")
            % {"visibility": repr(visibility), "choices": " or ".join(Visibility.values)},
            fields={"visibility": ["Unknown."]},
        )
    body = comment_body_validate(body)
    delegation = _delegation(actor, article)
    with transaction.atomic():
        article = _live_article_lock(article.pk)
        text = article.text(language)
        start, end = anchor_validate(text, start, end)
        mentions = _mentions(body, draft, visibility, delegation)
        latest = (
            Revision.objects.filter(article=article, language=language).order_by("-number").first()
        )
        thread = Thread.objects.create(
            article=article,
            language=language,
            anchor_start=start,
            anchor_end=end,
            quote=utf16_slice(text, start, end),
            anchor_revision=latest.number if latest else 0,
            visibility=visibility,
            delegation=delegation,
            created_by=actor,
        )
        comment = Comment.objects.create(
            thread=thread, author=actor, body=body, body_html=render_markdown(body)
        )
        comment.mentions.set(mentions)
        audit_record(
            actor=actor,
            action="thread.start",
            object_type="thread",
            object_id=thread.pk,
            draft_id=draft.pk,
            data={
                "article": article.pk,
                "language": language,
                "anchor": [start, end],
                "visibility": visibility,
            },
        )
        announce.article_review_changed(draft_id=draft.pk, article_id=article.pk, what="threads")
        common: _Audience = {
            "actor": actor,
            "article": article,
            "visibility": visibility,
            "delegation": delegation,
            "url": _thread_url(thread),
            "seen": set(),
        }
        who = actor.get_full_name() or actor.get_username()
        params = {
            "who": who,
            "article": label_value(article.label, article.label_ja),
            "quote": thread.quote[:200],
            "text": body[:1000],
        }
        _notify(mentions, kind="mention", params=params, **common)
        _notify(_article_drafters(article), kind="new_thread", params=params, **common)
    return thread


def comment_add(*, actor: Actor, thread: Thread, body: Any) -> Comment:
    draft = thread.article.draft
    if not permissions.can_comment(actor, draft) or not permissions.can_see_review_item(
        actor, draft, thread.visibility, thread.delegation
    ):
        raise PermissionDeniedError("You cannot reply in this thread.")
    body = comment_body_validate(body)
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self", "article"))
            .select_related("article__draft")
            .get(pk=thread.pk)
        )
        mentions = _mentions(body, draft, thread.visibility, thread.delegation)
        comment = Comment.objects.create(
            thread=thread, author=actor, body=body, body_html=render_markdown(body)
        )
        comment.mentions.set(mentions)
        audit_record(
            actor=actor,
            action="comment.add",
            object_type="comment",
            object_id=comment.pk,
            draft_id=draft.pk,
            data={"thread": thread.pk},
        )
        announce.article_review_changed(
            draft_id=draft.pk, article_id=thread.article_id, what="threads"
        )
        participants = [thread.created_by] + [
            c.author for c in thread.comments.select_related("author")
        ]
        common: _Audience = {
            "actor": actor,
            "article": thread.article,
            "visibility": thread.visibility,
            "delegation": thread.delegation,
            "url": _thread_url(thread),
            "seen": set(),
        }
        who = actor.get_full_name() or actor.get_username()
        article = thread.article
        params = {
            "who": who,
            "article": label_value(article.label, article.label_ja),
            "text": body[:1000],
        }
        _notify(mentions, kind="mention", params={**params, "quote": ""}, **common)
        _notify(
            participants,
            kind="reply",
            params={**params, "quote": thread.quote[:200]},
            **common,
        )
    return comment


def comment_edit(*, actor: Actor, comment: Comment, body: Any) -> Comment:
    if comment.author_id != getattr(actor, "pk", None):
        raise PermissionDeniedError("You can edit only your own comments.")
    thread = comment.thread
    body = comment_body_validate(body)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        mentions = _mentions(body, thread.article.draft, thread.visibility, thread.delegation)
        comment.body, comment.body_html, comment.edited_at = (
            body,
            render_markdown(body),
            timezone.now(),
        )
        comment.save(update_fields=["body", "body_html", "edited_at"])
        comment.mentions.set(mentions)
        audit_record(
            actor=actor,
            action="comment.edit",
            object_type="comment",
            object_id=comment.pk,
            draft_id=thread.article.draft_id,
        )
        announce.article_review_changed(
            draft_id=thread.article.draft_id, article_id=thread.article_id, what="threads"
        )
    return comment


def thread_set_status(*, actor: Actor, thread: Thread, status: str) -> Thread:
    draft = thread.article.draft
    if not permissions.can_comment(actor, draft) or not permissions.can_see_review_item(
        actor, draft, thread.visibility, thread.delegation
    ):
        raise PermissionDeniedError("You cannot resolve or reopen this thread.")
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        if thread.status == status:
            raise ConflictError(
                gettext("The thread is already %(status)s.")
                % {"status": str(thread.get_status_display()).lower()},
                code=f"already_{status}",
            )
        thread.status = status
        thread.resolved_by, thread.resolved_at = (
            (actor, timezone.now()) if status == Thread.Status.RESOLVED else (None, None)
        )
        thread.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action=f"thread.{'resolve' if status == 'resolved' else 'reopen'}",
            object_type="thread",
            object_id=thread.pk,
            draft_id=draft.pk,
        )
        announce.article_review_changed(
            draft_id=draft.pk, article_id=thread.article_id, what="threads"
        )
    return thread


# --- suggestions --------------------------------------------------------------------------


def suggestion_create(
    *,
    actor: Actor,
    article: Article,
    language: str,
    start: Any,
    end: Any,
    replacement: Any,
    note: str = "",
    visibility: str = Visibility.BOTH,
) -> Suggestion:
    draft = article.draft
    if not permissions.can_comment(actor, draft):
        raise PermissionDeniedError("Only the draft's drafters and reviewers can suggest wording.")
    if not isinstance(replacement, str) or len(replacement) > MAX_SUGGESTION_LENGTH:
        raise ApplicationError(
            "The suggested wording must be text of at most 50,000 characters.",
            fields={"replacement": ["Too long or missing."]},
        )
    if visibility not in Visibility.values:
        raise ApplicationError(
            gettext("Unknown visibility %(visibility)s.") % {"visibility": repr(visibility)},
            fields={"visibility": ["Unknown."]},
        )
    with transaction.atomic():
        article = _live_article_lock(article.pk)
        text = article.text(language)
        units = utf16_len(text)
        # A pure insertion (start == end) is a suggestion too.
        if isinstance(start, int) and isinstance(end, int) and start == end and 0 <= start <= units:
            pass
        else:
            start, end = anchor_validate(text, start, end)
        original = utf16_slice(text, start, end)
        if original == replacement:
            raise ApplicationError(
                "The suggested wording is the same as the text.",
                fields={"replacement": ["No change."]},
            )
        suggestion = Suggestion.objects.create(
            article=article,
            language=language,
            anchor_start=start,
            anchor_end=end,
            original=original,
            replacement=replacement,
            note=(note or "")[:5000],
            visibility=visibility,
            delegation=_delegation(actor, article),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="suggestion.create",
            object_type="suggestion",
            object_id=suggestion.pk,
            draft_id=draft.pk,
            data={"article": article.pk, "language": language, "anchor": [start, end]},
        )
        announce.article_review_changed(
            draft_id=draft.pk, article_id=article.pk, what="suggestions"
        )
    return suggestion


def _live_article_lock(article_id: int) -> Article:
    """The article, locked; a 404 once it was deleted (its threads and suggestions stay, for
    history, but nothing more can be decided or started on it)."""
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("draft")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFoundError("This article was deleted: nothing more can be done on it.")
    return article


def _suggestion_lock(actor: Actor, suggestion: Suggestion) -> tuple[Article, Suggestion]:
    draft = suggestion.article.draft
    if not permissions.can_see_review_item(
        actor, draft, suggestion.visibility, suggestion.delegation
    ):
        raise NotFoundError("No such suggestion.")
    if not permissions.can_decide_suggestions(actor, draft):
        raise PermissionDeniedError("Only the draft's drafters can accept or reject suggestions.")
    article = _live_article_lock(suggestion.article_id)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != Suggestion.Status.PENDING:
        raise ConflictError(
            gettext("This suggestion was already %(status)s.")
            % {"status": str(suggestion.get_status_display()).lower()},
            code=f"already_{suggestion.status}",
        )
    return article, suggestion


def _notify_decision(actor: Actor, article: Article, suggestion: Suggestion, verdict: str) -> None:
    who = actor.get_full_name() or actor.get_username()
    _notify(
        [suggestion.created_by],
        actor=actor,
        article=article,
        visibility=suggestion.visibility,
        delegation=suggestion.delegation,
        kind="suggestion_decided",
        seen=set(),
        params={
            "who": who,
            "verdict": verdict,
            "article": label_value(article.label, article.label_ja),
            "original": suggestion.original[:200],
            "replacement": suggestion.replacement[:200],
            "reason": suggestion.reason,
        },
        url=article.get_absolute_url(),
    )


def suggestion_accept(*, actor: Actor, suggestion: Suggestion) -> Suggestion:
    """Apply the wording exactly where the span is now. If the span's text changed since the
    suggestion was made, it is marked stale and nothing is applied."""
    with transaction.atomic():
        article, suggestion = _suggestion_lock(actor, suggestion)
        text = article.text(suggestion.language)
        if (
            suggestion.stale
            or utf16_slice(text, suggestion.anchor_start, suggestion.anchor_end)
            != suggestion.original
        ):
            Suggestion.objects.filter(pk=suggestion.pk).update(stale=True)
            stale_error = ConflictError(
                "The text this suggestion replaces has changed since it was made, so it is not "
                "applied blind. Edit the text by hand, or ask for a new suggestion.",
                code="suggestion_stale",
            )
        else:
            stale_error = None
        if stale_error is None:
            new_text = utf16_splice(
                text, suggestion.anchor_start, suggestion.anchor_end, suggestion.replacement
            )
            revision = text_set(
                article=article,
                language=suggestion.language,
                text=new_text,
                actor=actor,
                kind=Revision.Kind.SUGGESTION_ACCEPTED,
                co_author=suggestion.created_by,
                message=f"Suggestion by {suggestion.created_by.get_username()} accepted",
            )
            suggestion.status, suggestion.decided_by, suggestion.decided_at = (
                "accepted",
                actor,
                timezone.now(),
            )
            suggestion.revision_number = revision.number if revision else None
            suggestion.save(update_fields=["status", "decided_by", "decided_at", "revision_number"])
            audit_record(
                actor=actor,
                action="suggestion.accept",
                object_type="suggestion",
                object_id=suggestion.pk,
                draft_id=article.draft_id,
            )
            announce.article_review_changed(
                draft_id=article.draft_id, article_id=article.pk, what="suggestions"
            )
            _notify_decision(actor, article, suggestion, "accepted")
    if stale_error is not None:
        # Raised after the transaction so that the stale flag is kept.
        raise stale_error
    return suggestion


def suggestion_reject(*, actor: Actor, suggestion: Suggestion, reason: Any) -> Suggestion:
    if not isinstance(reason, str) or not reason.strip():
        raise ApplicationError(
            "Say why the suggestion is rejected.", fields={"reason": ["Required."]}
        )
    text_check(reason, name="reason")
    with transaction.atomic():
        article, suggestion = _suggestion_lock(actor, suggestion)
        suggestion.status, suggestion.decided_by, suggestion.decided_at = (
            "rejected",
            actor,
            timezone.now(),
        )
        suggestion.reason = reason.strip()[:5000]
        suggestion.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            actor=actor,
            action="suggestion.reject",
            object_type="suggestion",
            object_id=suggestion.pk,
            draft_id=article.draft_id,
            data={"reason": suggestion.reason[:200]},
        )
        announce.article_review_changed(
            draft_id=article.draft_id, article_id=article.pk, what="suggestions"
        )
        _notify_decision(actor, article, suggestion, "rejected")
    return suggestion


def draft_mute(*, actor: Actor, draft: Draft, muted: bool) -> bool:
    if not permissions.membership_of(actor, draft):
        raise NotFoundError("No such draft.")
    with transaction.atomic():
        if muted:
            DraftMute.objects.get_or_create(user=actor, draft=draft)
        else:
            DraftMute.objects.filter(user=actor, draft=draft).delete()
        audit_record(
            actor=actor,
            action="draft.mute" if muted else "draft.unmute",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
        )
    return muted
