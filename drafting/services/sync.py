"""The co-editing protocol, server side, exactly as docs/protocol.md specifies (protocol 1):
differential synchronisation with shadow and backup shadow, versioned edits, request
sequence numbers, and the exact three-way merge instead of fuzzy patching.

Each sync runs in one transaction with the article row locked, so two requests on the same
article never interleave their writes; the session row is locked too, so a duplicated request
served by another worker waits and then sees the first one's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import inputs, permissions, textdiff
from ..core.negotiation import agreement_describe, article_agreed
from ..core.revisions import LANGUAGES, revision_number_latest
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..models import Article, EditSession, Membership, Revision, SyncConflict
from ..permissions import Actor
from .audit import audit_record
from .revisions import article_lock, text_set

PROTOCOL = 1
PRESENCE_WINDOW = timedelta(seconds=30)
MAX_EDITS_PER_REQUEST = 500
MAX_DELTA_LENGTH = 1_000_000
MAX_TEXT_LENGTH = 200_000
CONTEXT = 40


@dataclass(frozen=True)
class SyncResult:
    status: int
    body: dict[str, Any]


def session_start(*, actor: Actor, article: Article, language: str) -> dict[str, Any]:
    """Open an editing session on one language of an article. Readers (reviewers, observers)
    get a read-only session; anyone who may not read the live text gets 404."""
    if not permissions.can_view_draft(actor, article.draft):
        raise NotFoundError("No such article.")
    if language not in LANGUAGES:
        raise ApplicationError(
            gettext("Unknown language %(language)s: use 'en' or 'ja'.")
            % {"language": repr(language)},
            fields={"language": ["Use en or ja."]},
        )
    read_only = not permissions.can_edit_text(actor, article.draft)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        # An agreed article takes no edits: its session is read-only, and says why.
        locked = agreement_describe(article) if article_agreed(article) else ""
        read_only = read_only or bool(locked)
        text = article.text(language)
        session = EditSession.objects.create(
            article=article,
            language=language,
            user=actor,
            read_only=read_only,
            shadow=text,
            last_seen_at=timezone.now(),
        )
    return {
        "session": session.key,
        "text": text,
        "client_version": 0,
        "server_version": 0,
        "revision": revision_number_latest(article, language),
        "protocol": PROTOCOL,
        "read_only": read_only,
        "locked": locked,
    }


def _editors(session: EditSession, draft_id: int) -> list[dict[str, Any]]:
    """Who else is in the article now (any language), one entry per person. Every sync of
    every editor asks, so it is one plain query, and a second one for delegations only when
    someone else is there."""
    since = timezone.now() - PRESENCE_WINDOW
    others = (
        EditSession.objects.filter(article_id=session.article_id, last_seen_at__gte=since)
        .exclude(user_id=session.user_id)
        .order_by("-last_seen_at")
        .values_list(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "language",
            "read_only",
            "last_seen_at",
        )
    )
    seen: dict[int, dict[str, Any]] = {}
    for user_id, username, first_name, last_name, language, read_only, last_seen in others:
        if user_id not in seen:
            seen[user_id] = {
                "username": username,
                "name": f"{first_name} {last_name}".strip() or username,
                "delegation": "",
                "language": language,
                "read_only": read_only,
                "last_seen": last_seen.isoformat(),
            }
    if seen:
        delegations = Membership.objects.filter(draft_id=draft_id, user_id__in=seen)
        for user_id, delegation in delegations.values_list("user_id", "delegation"):
            seen[user_id]["delegation"] = delegation
    return list(seen.values())


def _payload_parse(payload: Any) -> tuple[int, int, list[tuple[int, str]]]:
    if not isinstance(payload, dict):
        raise ApplicationError(
            "The sync body must be a JSON object with seq, server_version and edits."
        )

    def whole(name: str, value: Any) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < 0
            or value > inputs.DB_INT_MAX
        ):
            raise ApplicationError(
                gettext("%(name)s must be a whole number from 0 to 2^63-1.") % {"name": name},
                fields={name: ["Not a whole number."]},
            )
        return value

    seq = whole("seq", payload.get("seq"))
    if seq < 1:
        raise ApplicationError(
            "seq starts at 1 and grows by one per new request.", fields={"seq": ["Must be ≥ 1."]}
        )
    server_version = whole("server_version", payload.get("server_version"))
    raw_edits = payload.get("edits", [])
    if not isinstance(raw_edits, list):
        raise ApplicationError("edits must be a list.", fields={"edits": ["Not a list."]})
    if len(raw_edits) > MAX_EDITS_PER_REQUEST:
        raise ApplicationError(
            gettext("At most %(limit)s edits per request; sync more often.")
            % {"limit": MAX_EDITS_PER_REQUEST},
            fields={"edits": ["Too many."]},
        )
    edits = []
    for index, edit in enumerate(raw_edits):
        if not isinstance(edit, dict) or not isinstance(edit.get("delta"), str):
            raise ApplicationError(
                gettext("edits[%(index)s] must be an object with client_version and delta.")
                % {"index": index},
                fields={"edits": ["Malformed edit."]},
            )
        if len(edit["delta"]) > MAX_DELTA_LENGTH:
            raise ApplicationError(
                gettext("edits[%(index)s].delta is %(length)s characters; the limit is %(limit)s.")
                % {
                    "index": index,
                    "length": f"{len(edit['delta']):,}",
                    "limit": f"{MAX_DELTA_LENGTH:,}",
                },
                fields={"edits": ["Delta too large."]},
                code="delta_too_large",
            )
        edits.append(
            (whole(f"edits[{index}].client_version", edit.get("client_version")), edit["delta"])
        )
    return seq, server_version, edits


def _reset(session: EditSession, article_text: str, seq: int, reason: str) -> SyncResult:
    """Shadow and backup become the article text and m moves forward, so that a client
    which never sees this answer is reset again on its next request."""
    session.shadow = article_text
    session.server_version += 1
    session.backup_shadow = None  # the same as the shadow
    session.backup_client_version = session.client_version
    session.backup_server_version = session.server_version
    body = {
        "seq": seq,
        "reset": True,
        "detail": reason,
        "text": article_text,
        "client_version": session.client_version,
        "server_version": session.server_version,
    }
    return SyncResult(409, body)


def _record_conflicts(
    session: EditSession,
    article: Article,
    author: Actor,
    shadow: str,
    conflicts: list[textdiff.Conflict],
) -> list[dict[str, Any]]:
    recorded = []

    def piece(start: int, end: int) -> str:
        return textdiff.utf16_slice(shadow, start, end, whole_characters=True)

    for conflict in conflicts:
        row = SyncConflict.objects.create(
            article=article,
            language=session.language,
            author=author,
            session=session,
            base_start=conflict.start,
            base_end=conflict.end,
            base_text=conflict.base_text,
            intended=conflict.ours,
            became=conflict.theirs,
            context_before=piece(conflict.start - CONTEXT, conflict.start),
            context_after=piece(conflict.end, conflict.end + CONTEXT),
        )
        recorded.append(conflict_json(row))
    return recorded


def conflict_json(row: SyncConflict) -> dict[str, Any]:
    return {
        "id": row.pk,
        "article": row.article_id,
        "language": row.language,
        "author": row.author.get_username(),
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "start": row.base_start,
        "end": row.base_end,
        "base_text": row.base_text,
        "intended": row.intended,
        "became": row.became,
        "context_before": row.context_before,
        "context_after": row.context_after,
        "resolved": row.resolved_at is not None,
    }


def sync(*, actor: Actor, article_id: int, session_key: str, payload: Any) -> SyncResult:
    with transaction.atomic():
        article = article_lock(article_id, actor=actor)
        # The backup shadow is read only when a response was lost (step 1).
        session = (
            EditSession.objects.select_for_update()
            .defer("backup_shadow")
            .filter(key=session_key, article_id=article_id)
            .first()
            if article is not None
            else None
        )
        # Another user's session is as unknown as a missing one.
        if article is None or session is None or session.user_id != getattr(actor, "pk", None):
            raise NotFoundError("Unknown editing session: start a new one.")
        if not permissions.can_view_draft(actor, article.draft):
            raise NotFoundError("Unknown editing session: start a new one.")
        # Access first, then the body: nobody learns anything of a session they cannot use.
        seq, server_version, edits = _payload_parse(payload)
        if edits and (session.read_only or not permissions.can_edit_text(actor, article.draft)):
            raise PermissionDeniedError(
                "This session is read-only: your role lets you read this article, not change it."
            )
        # 0. Stale copies and duplicates.
        if seq < session.seq:
            return SyncResult(
                409, {"seq": seq, "stale": True, "detail": "A stale copy of an old request."}
            )
        if seq == session.seq and session.last_response is not None:
            return SyncResult(session.last_status, session.last_response)

        language = session.language
        text = article.text(language)
        if article_agreed(article) and any(cv >= session.client_version for cv, _ in edits):
            result = _refuse_agreed(session, article, text, seq, edits)
        else:
            result = _apply(actor, session, article, text, seq, server_version, edits)
        session.seq = seq
        session.last_response = result.body
        session.last_status = result.status
        session.last_seen_at = timezone.now()
        session.save(update_fields=SESSION_STATE)
    return result


def _refuse_agreed(
    session: EditSession, article: Article, text: str, seq: int, edits: list[tuple[int, str]]
) -> SyncResult:
    """The article was agreed while this session was open: its edits are refused, not merged
    (text_set would refuse them too). The answer (409, code ``article_agreed``) names the
    agreement and carries the text as it stands; the session moves past the refused edits,
    so a repeat of the request gets the same answer and nothing is retried: the browser
    shows the text read-only, with what was typed kept to copy."""
    session.client_version = max(cv for cv, _ in edits) + 1
    session.shadow = text
    session.server_version += 1
    session.backup_shadow = None
    session.backup_client_version = session.client_version
    session.backup_server_version = session.server_version
    return SyncResult(
        409,
        {
            "seq": seq,
            "code": "article_agreed",
            "detail": agreement_describe(article),
            "read_only": True,
            "text": text,
            "client_version": session.client_version,
            "server_version": session.server_version,
        },
    )


# What a sync changes in its session row (the rest is fixed when the session starts).
SESSION_STATE = [
    "shadow",
    "client_version",
    "server_version",
    "backup_shadow",
    "backup_client_version",
    "backup_server_version",
    "seq",
    "last_response",
    "last_status",
    "last_seen_at",
]


def _apply(
    actor: Actor,
    session: EditSession,
    article: Article,
    text: str,
    seq: int,
    server_version: int,
    edits: list[tuple[int, str]],
) -> SyncResult:
    language = session.language
    # 1. The client's shadow version.
    if server_version != session.server_version:
        if server_version == session.backup_server_version:
            if session.backup_shadow is not None:
                session.shadow = session.backup_shadow
            session.client_version = session.backup_client_version
            session.server_version = session.backup_server_version
        else:
            return _reset(
                session, text, seq, f"server_version {server_version} is unknown to this session."
            )
    # 2. Apply each new edit to the shadow, and merge it into the article text exactly.
    conflicts: list[dict[str, Any]] = []
    original_text = text

    def reset_keeping_merged(reason: str) -> SyncResult:
        # Edits of this request merged before the one that failed are acknowledged by the
        # reset (its client_version), so they must reach the article first.
        if text != original_text:
            text_set(
                article=article,
                language=language,
                text=text,
                actor=actor,
                kind=Revision.Kind.SYNCED,
            )
        return _reset(session, text, seq, reason)

    for client_version, delta in edits:
        if client_version < session.client_version:
            continue
        if client_version > session.client_version:
            return reset_keeping_merged(f"Edit {client_version} is from the future.")
        try:
            new_shadow = textdiff.apply_delta(session.shadow, delta)
        except textdiff.DeltaError as exc:
            return reset_keeping_merged(f"The delta does not fit the shadow: {exc}")
        problem = inputs.text_problem(new_shadow)
        if problem:
            # Refused like on every other path (text_set would store a NUL on SQLite, and
            # PostgreSQL refuses it with a 500). A 400 tells the browser to stop retrying.
            raise ApplicationError(problem, fields={"edits": [problem]}, code="text_invalid")
        if len(new_shadow) > MAX_TEXT_LENGTH:
            raise ApplicationError(
                gettext("The text would exceed %(limit)s characters.")
                % {"limit": f"{MAX_TEXT_LENGTH:,}"},
                code="text_too_long",
            )
        text, merge_conflicts = textdiff.merge(session.shadow, new_shadow, text)
        # 3. Every conflict is recorded, with its author, intended change and context.
        conflicts += _record_conflicts(session, article, actor, session.shadow, merge_conflicts)
        session.shadow = new_shadow
        session.client_version += 1
    if text != original_text and len(text) > MAX_TEXT_LENGTH:
        raise ApplicationError(
            gettext("The text would exceed %(limit)s characters.")
            % {"limit": f"{MAX_TEXT_LENGTH:,}"},
            code="text_too_long",
        )
    # 4. Back up the shadow (None: the backup is the shadow itself, not stored twice), then
    # send what the client lacks.
    session.backup_shadow = None
    session.backup_client_version = session.client_version
    session.backup_server_version = session.server_version
    out_edits = []
    if text != session.shadow:
        out_edits.append(
            {
                "server_version": session.server_version,
                "delta": textdiff.make_delta(session.shadow, text),
            }
        )
        session.backup_shadow = session.shadow
        session.shadow = text
        session.server_version += 1
    editors = _editors(session, article.draft_id)
    # 5. The change reaches the article's history, attributed to this session's user. Last,
    # because it appends to the draft's audit chain, whose head lock every write on this
    # draft queues for: it is then held only until the commit.
    revision = None
    if text != original_text:
        revision = text_set(
            article=article, language=language, text=text, actor=actor, kind=Revision.Kind.SYNCED
        )
    body = {
        "seq": seq,
        "client_version": session.client_version,
        "edits": out_edits,
        "revision": revision.number if revision else revision_number_latest(article, language),
        "conflicts": conflicts,
        "editors": editors,
    }
    return SyncResult(200, body)


def edit_sessions_prune(*, idle: timedelta = timedelta(days=2)) -> int:
    """Forget editing sessions nobody has used for a while (one is made per page load)."""
    deleted, _ = EditSession.objects.filter(last_seen_at__lt=timezone.now() - idle).delete()
    return deleted


def conflicts_for(
    actor: Actor, article: Article, *, include_resolved: bool = False
) -> list[SyncConflict]:
    """Drafters see every conflict on the article; anyone else only their own."""
    if not permissions.can_view_draft(actor, article.draft):
        raise NotFoundError("No such article.")
    qs = SyncConflict.objects.filter(article=article).select_related("author")
    if not permissions.can_edit_text(actor, article.draft):
        qs = qs.filter(author_id=actor.pk)
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return list(qs.order_by("-created_at"))


def conflict_resolve(*, actor: Actor, conflict: SyncConflict) -> SyncConflict:
    if not (
        permissions.can_edit_text(actor, conflict.article.draft) or conflict.author_id == actor.pk
    ):
        raise PermissionDeniedError("Only the drafters and the conflict's author can resolve it.")
    with transaction.atomic():
        conflict = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.resolved_at is None:
            conflict.resolved_at, conflict.resolved_by = timezone.now(), actor
            conflict.save(update_fields=["resolved_at", "resolved_by"])
            audit_record(
                actor=actor,
                action="conflict.resolve",
                object_type="sync_conflict",
                object_id=conflict.pk,
                draft_id=conflict.article.draft_id,
            )
    return conflict
