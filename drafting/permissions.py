"""Who may do what: the one place that says so. Services and selectors call these; views
never decide access on their own.

Roles (PRODUCT.md): the owner (lead drafter) manages members; drafters change text;
reviewers and observers read the live text; US consultees never see the live draft, only
what a consultation round sends them.
"""

from __future__ import annotations

from typing import Any

from .models import Delegation, DelegationLead, Draft, Membership, Role

TEXT_ROLES = frozenset({Role.OWNER, Role.DRAFTER})
LIVE_TEXT_ROLES = frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER})
DELEGATION_ROLES = {
    Delegation.UK: frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER}),
    Delegation.JP: frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER}),
    Delegation.US: frozenset({Role.CONSULTEE}),
}

# Who acts: a User, or an AnonymousUser that every predicate here refuses. Typed loosely
# because request.user is either, and services check the rules themselves.
Actor = Any

_CACHE_ATTR = "_entente_memberships"


def membership_of(user: Any, draft: Draft) -> Membership | None:
    """The user's membership of the draft, cached on the draft object for this request."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return None
    cache: dict[int, Membership | None] = draft.__dict__.setdefault(_CACHE_ATTR, {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(user=user, draft=draft).first()
    return cache[user.pk]


def membership_prime(user: Any, draft: Draft, membership: Membership | None) -> None:
    """Cache a membership the caller read with something else (one query instead of two)."""
    if getattr(user, "pk", None) is not None:
        draft.__dict__.setdefault(_CACHE_ATTR, {})[user.pk] = membership


def forget_memberships(draft: Draft) -> None:
    draft.__dict__.pop(_CACHE_ATTR, None)


def role_of(user: Any, draft: Draft) -> str | None:
    membership = membership_of(user, draft)
    return membership.role if membership else None


def can_view_draft(user: Any, draft: Draft) -> bool:
    """See the live draft: its articles, their text and its members."""
    return role_of(user, draft) in LIVE_TEXT_ROLES


def can_edit_text(user: Any, draft: Draft) -> bool:
    """Change article text and structure, insert library clauses."""
    return role_of(user, draft) in TEXT_ROLES


def can_manage_members(user: Any, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


def can_edit_draft_details(user: Any, draft: Draft) -> bool:
    """Title, parties and classification marking."""
    return role_of(user, draft) == Role.OWNER


def can_change_releasability(user: Any, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


def can_create_draft(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def role_allowed_for_delegation(role: str, delegation: str) -> bool:
    return role in DELEGATION_ROLES.get(Delegation(delegation), frozenset())


COMMENT_ROLES = frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER})


def can_comment(user: Any, draft: Draft) -> bool:
    """Start threads, reply and propose wording (suggestions)."""
    return role_of(user, draft) in COMMENT_ROLES


def can_decide_suggestions(user: Any, draft: Draft) -> bool:
    return can_edit_text(user, draft)


def can_see_review_item(user: Any, draft: Draft, visibility: str, delegation: str) -> bool:
    """A thread or suggestion open to both delegations, or to the reader's own delegation.
    Nobody sees another delegation's internal notes: not in lists, counts, search,
    notifications, emails or exports."""
    if not can_view_draft(user, draft):
        return False
    if visibility == "both":
        return True
    membership = membership_of(user, draft)
    return membership is not None and membership.delegation == delegation


# --- the US consultation ----------------------------------------------------------------------


def can_manage_consultation(user: Any, draft: Draft) -> bool:
    """Offices and rounds (open, close) are the owner's."""
    return role_of(user, draft) == Role.OWNER


def can_dispose(user: Any, draft: Draft) -> bool:
    return can_edit_text(user, draft)


def consultee_office_ids(user: Any, round_: Any) -> set[int]:
    """The offices of this round the user answers for (empty for anyone but a consultee)."""
    if role_of(user, round_.draft) != Role.CONSULTEE:
        return set()
    return set(round_.offices.filter(members=user).values_list("pk", flat=True))


def can_read_round(user: Any, round_: Any) -> bool:
    """The live-text readers see every round; a consultee sees a round only if it was sent to
    one of their offices, and then only its frozen snapshots."""
    return can_view_draft(user, round_.draft) or bool(consultee_office_ids(user, round_))


def can_use_channel(user: Any, round_: Any, office_id: int) -> bool:
    return can_edit_text(user, round_.draft) or office_id in consultee_office_ids(user, round_)


# --- the negotiation: brackets, sign-off, agreement ----------------------------------------

NEGOTIATING_DELEGATIONS = frozenset({Delegation.UK, Delegation.JP})


def can_bracket(user: Any, draft: Draft) -> bool:
    """Bracket a span (on behalf of either delegation), add options, resolve and reopen
    brackets: the drafters' work. Reviewers see brackets and comment on them."""
    return can_edit_text(user, draft)


def delegation_of(user: Any, draft: Draft) -> str | None:
    membership = membership_of(user, draft)
    return membership.delegation if membership else None


def can_lead_delegation(user: Any, draft: Draft, delegation: str | None = None) -> bool:
    """Sign off, withdraw a sign-off, record a reservation, reopen or initial an article for
    ``delegation`` (default: the user's own). The owner or a drafter of that delegation; when
    the owner has named the delegation's leads for this draft, only they."""
    membership = membership_of(user, draft)
    if membership is None or membership.role not in TEXT_ROLES:
        return False
    if membership.delegation not in NEGOTIATING_DELEGATIONS:
        return False
    if delegation is not None and delegation != membership.delegation:
        return False
    leads = draft.__dict__.setdefault("_entente_leads", {})
    if membership.delegation not in leads:
        leads[membership.delegation] = set(
            DelegationLead.objects.filter(
                draft=draft, delegation=membership.delegation
            ).values_list("user_id", flat=True)
        )
    named = leads[membership.delegation]
    return not named or user.pk in named


def can_name_leads(user: Any, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


# --- concordance of the two authentic texts ---------------------------------------------------


def can_confirm_concordance(user: Any, draft: Draft) -> bool:
    """Confirm that an article's English and Japanese texts say the same thing: a drafter's
    call, like changing the text (reviewers read and comment)."""
    return can_edit_text(user, draft)


def can_correct_obligations(user: Any, draft: Draft) -> bool:
    """Correct an article's ATOP tagging (precedent intelligence): the drafters."""
    return can_edit_text(user, draft)


def can_export_round(user: Any, round_: Any) -> bool:
    """The round pack (its frozen articles as DOCX or PDF) is for the owner, who sends it, and
    the consultees of the round's offices, who answer it; a consultee can export nothing else."""
    return can_manage_consultation(user, round_.draft) or bool(consultee_office_ids(user, round_))


# Notifications that quote the live draft or internal review (threads, suggestions, the
# answers of US offices as the drafters see them): readable only while the recipient still
# reads the live text. The others (added to a draft, a round sent, reminders, the channel of
# a round) only need the recipient to be a member still.
LIVE_TEXT_NOTIFICATION_KINDS = frozenset(
    {"mention", "reply", "new_thread", "suggestion_decided", "response", "library_update"}
)


def can_read_notification(user: Any, notification: Any) -> bool:
    """Re-checked whenever a notification is shown or emailed, not only when it was made:
    a member whose role changed (to US consultee, say) no longer sees what it quotes."""
    if getattr(user, "pk", None) != notification.recipient_id:
        return False
    if notification.kind in LIVE_TEXT_NOTIFICATION_KINDS:
        return can_view_draft(user, notification.draft)
    return membership_of(user, notification.draft) is not None
