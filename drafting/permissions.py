"""Who may do what: the one place that says so. Services and selectors call these; views
never decide access on their own.

Roles (PRODUCT.md): the owner (lead drafter) manages members; drafters change text;
reviewers and observers read the live text; US consultees never see the live draft, only
what a consultation round sends them.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import (
    Delegation,
    DelegationLead,
    Draft,
    Membership,
    Notification,
    Role,
    Round,
)

TEXT_ROLES = frozenset({Role.OWNER, Role.DRAFTER})
LIVE_TEXT_ROLES = frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER})
DELEGATION_ROLES = {
    Delegation.UK: frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER}),
    Delegation.JP: frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER, Role.OBSERVER}),
    Delegation.US: frozenset({Role.CONSULTEE}),
}

# Who acts in a service: a signed-in user. The views, the API and the sockets narrow
# request.user to one with signed_in() before they call a service.
Actor = User
# Who asks a predicate: request.user as Django gives it, which every predicate here refuses
# when anonymous (or inactive).
Reader = User | AnonymousUser

_CACHE_ATTR = "_entente_memberships"


def actor_or_none(user: Reader | None) -> Actor | None:
    """The user behind request.user if someone is signed in, else None: for a query that
    filters by the user, which an anonymous visitor cannot be compared with."""
    return user if isinstance(user, User) else None


def signed_in(user: Reader) -> Actor:
    """The signed-in user behind request.user, for a service to act as. Pages and endpoints
    that call services already require a login; this refuses (403) all the same if one is
    reached anonymously, rather than let a service act for nobody."""
    actor = actor_or_none(user)
    if actor is None:
        raise PermissionDenied
    return actor


def reader_of(request: HttpRequest | None) -> Reader:
    """Who reads a page, for a template tag: its context may lack the request (an email
    rendered outside one), and then nobody may see anything the predicates guard."""
    return request.user if request is not None else AnonymousUser()


def membership_of(user: Reader | None, draft: Draft) -> Membership | None:
    """The user's membership of the draft, cached on the draft object for this request."""
    actor = actor_or_none(user)
    if actor is None or not actor.is_active:
        return None
    cache: dict[int, Membership | None] = draft.__dict__.setdefault(_CACHE_ATTR, {})
    if actor.pk not in cache:
        cache[actor.pk] = Membership.objects.filter(user=actor, draft=draft).first()
    return cache[actor.pk]


def membership_prime(user: Reader | None, draft: Draft, membership: Membership | None) -> None:
    """Cache a membership the caller read with something else (one query instead of two)."""
    actor = actor_or_none(user)
    if actor is not None:
        draft.__dict__.setdefault(_CACHE_ATTR, {})[actor.pk] = membership


def forget_memberships(draft: Draft) -> None:
    draft.__dict__.pop(_CACHE_ATTR, None)


def role_of(user: Reader, draft: Draft) -> str | None:
    membership = membership_of(user, draft)
    return membership.role if membership else None


def can_view_draft(user: Reader, draft: Draft) -> bool:
    """See the live draft: its articles, their text and its members."""
    return role_of(user, draft) in LIVE_TEXT_ROLES


def can_edit_text(user: Reader, draft: Draft) -> bool:
    """Change article text and structure, insert library clauses."""
    return role_of(user, draft) in TEXT_ROLES


def can_manage_members(user: Reader, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


def can_edit_draft_details(user: Reader, draft: Draft) -> bool:
    """Title, parties and classification marking."""
    return role_of(user, draft) == Role.OWNER


def can_change_releasability(user: Reader, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


def can_create_draft(user: Reader) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def role_allowed_for_delegation(role: str, delegation: str) -> bool:
    return role in DELEGATION_ROLES.get(Delegation(delegation), frozenset())


COMMENT_ROLES = frozenset({Role.OWNER, Role.DRAFTER, Role.REVIEWER})


def can_comment(user: Reader, draft: Draft) -> bool:
    """Start threads, reply and propose wording (suggestions)."""
    return role_of(user, draft) in COMMENT_ROLES


def can_decide_suggestions(user: Reader, draft: Draft) -> bool:
    return can_edit_text(user, draft)


def can_see_review_item(user: Reader, draft: Draft, visibility: str, delegation: str) -> bool:
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


def can_manage_consultation(user: Reader, draft: Draft) -> bool:
    """Offices and rounds (open, close) are the owner's."""
    return role_of(user, draft) == Role.OWNER


def can_dispose(user: Reader, draft: Draft) -> bool:
    return can_edit_text(user, draft)


def consultee_office_ids(user: Reader, round_: Round) -> set[int]:
    """The offices of this round the user answers for (empty for anyone but a consultee)."""
    consultee = actor_or_none(user)
    if consultee is None or role_of(consultee, round_.draft) != Role.CONSULTEE:
        return set()
    return set(round_.offices.filter(members=consultee).values_list("pk", flat=True))


def can_read_round(user: Reader, round_: Round) -> bool:
    """The live-text readers see every round; a consultee sees a round only if it was sent to
    one of their offices, and then only its frozen snapshots."""
    return can_view_draft(user, round_.draft) or bool(consultee_office_ids(user, round_))


def can_use_channel(user: Reader, round_: Round, office_id: int) -> bool:
    return can_edit_text(user, round_.draft) or office_id in consultee_office_ids(user, round_)


# --- the negotiation: brackets, sign-off, agreement ----------------------------------------

NEGOTIATING_DELEGATIONS = frozenset({Delegation.UK, Delegation.JP})


def can_bracket(user: Reader, draft: Draft) -> bool:
    """Bracket a span (on behalf of either delegation), add options, resolve and reopen
    brackets: the drafters' work. Reviewers see brackets and comment on them."""
    return can_edit_text(user, draft)


def delegation_of(user: Reader, draft: Draft) -> str | None:
    membership = membership_of(user, draft)
    return membership.delegation if membership else None


def can_lead_delegation(user: Reader, draft: Draft, delegation: str | None = None) -> bool:
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


def can_name_leads(user: Reader, draft: Draft) -> bool:
    return role_of(user, draft) == Role.OWNER


# --- concordance of the two authentic texts ---------------------------------------------------


def can_confirm_concordance(user: Reader, draft: Draft) -> bool:
    """Confirm that an article's English and Japanese texts say the same thing: a drafter's
    call, like changing the text (reviewers read and comment)."""
    return can_edit_text(user, draft)


def can_correct_obligations(user: Reader, draft: Draft) -> bool:
    """Correct an article's ATOP tagging (precedent intelligence): the drafters."""
    return can_edit_text(user, draft)


def can_export_round(user: Reader, round_: Round) -> bool:
    """The round pack (its frozen articles as DOCX, PDF or Akoma Ntoso) is for the owner, who sends it, and
    the consultees of the round's offices, who answer it; a consultee can export nothing else."""
    return can_manage_consultation(user, round_.draft) or bool(consultee_office_ids(user, round_))


# Notifications that quote the live draft or internal review (threads, suggestions, the
# answers of US offices as the drafters see them): readable only while the recipient still
# reads the live text. The others (added to a draft, a round sent, reminders, the channel of
# a round) only need the recipient to be a member still.
LIVE_TEXT_NOTIFICATION_KINDS = frozenset(
    {"mention", "reply", "new_thread", "suggestion_decided", "response", "library_update"}
)


def can_read_notification(user: Reader, notification: Notification) -> bool:
    """Re-checked whenever a notification is shown or emailed, not only when it was made:
    a member whose role changed (to US consultee, say) no longer sees what it quotes."""
    if getattr(user, "pk", None) != notification.recipient_id:
        return False
    if notification.kind in LIVE_TEXT_NOTIFICATION_KINDS:
        return can_view_draft(user, notification.draft)
    return membership_of(user, notification.draft) is not None
