"""Reads of drafts that already apply the access rules of drafting.permissions.

A draft the user may not see and a draft that does not exist give the same NotFoundError,
so nobody learns a title they were not given.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .. import inputs, permissions
from ..core.numbering import fixed_numbers_out_of_order
from ..errors import NotFoundError
from ..models import (
    Article,
    Classification,
    Delegation,
    Draft,
    Membership,
    Notification,
    Role,
    SyncConflict,
)
from ..permissions import Actor, Reader


def drafts_visible_to(user: Reader) -> QuerySet[Draft]:
    """Drafts whose live text the user may read."""
    member = permissions.actor_or_none(user)
    if member is None or not member.is_active:
        return Draft.objects.none()
    return (
        Draft.objects.filter(
            memberships__user=member, memberships__role__in=list(permissions.LIVE_TEXT_ROLES)
        )
        .distinct()
        .prefetch_related("parties")
    )


def drafts_dashboard(user: Actor) -> QuerySet[Draft]:
    return (
        drafts_visible_to(user)
        .annotate(article_count=Count("articles", distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(user=user),
                to_attr="my_memberships",
            )
        )
        .order_by("-updated_at")
    )


def draft_get(user: Reader, draft_id: Any) -> Draft:
    draft_pk = inputs.id_parse(draft_id)
    if draft_pk is None:
        raise NotFoundError("No such draft.")
    draft = Draft.objects.filter(pk=draft_pk).prefetch_related("parties").first()
    if draft is None or not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such draft.")
    return draft


def articles_of(user: Reader, draft: Draft) -> QuerySet[Article]:
    if not permissions.can_view_draft(user, draft):
        return Article.objects.none()
    return Article.objects.filter(draft=draft).select_related("source_clause").order_by("position")


def numbering_problems(articles: list[Article]) -> list[tuple[Article, Article]]:
    """Articles whose fixed number no longer follows the article before them, as (article,
    the article before it), from the draft's articles in reading order."""
    numbered = [a for a in articles if a.number]
    by_number = {a.number: a for a in numbered}
    return [
        (by_number[number], by_number[previous])
        for number, previous in fixed_numbers_out_of_order(
            [(a.number, a.number_fixed) for a in numbered]
        )
    ]


def article_get(user: Reader, article_id: Any) -> Article:
    article_pk = inputs.id_parse(article_id)
    if article_pk is None:
        raise NotFoundError("No such article.")
    article = (
        Article.objects.select_related("draft", "source_clause__obligation_type")
        .filter(pk=article_pk)
        .first()
    )
    if article is None or not permissions.can_view_draft(user, article.draft):
        raise NotFoundError("No such article.")
    return article


def conflict_get(user: Reader, conflict_id: Any) -> SyncConflict:
    """A co-editing conflict on an article of a draft the user may read."""
    conflict = (
        SyncConflict.objects.select_related("article__draft").filter(pk=conflict_id).first()
        if str(conflict_id).isascii() and str(conflict_id).isdigit()
        else None
    )
    if conflict is None or not permissions.can_view_draft(user, conflict.article.draft):
        raise NotFoundError("No such conflict.")
    return conflict


def members_of(user: Reader, draft: Draft) -> QuerySet[Membership]:
    if not permissions.can_view_draft(user, draft):
        return Membership.objects.none()
    return (
        Membership.objects.filter(draft=draft)
        .select_related("user")
        .order_by("delegation", "role", "user__username")
    )


def membership_get(user: Reader, draft: Draft, membership_id: Any) -> Membership:
    membership = (
        members_of(user, draft).filter(pk=membership_id).first()
        if inputs.id_parse(membership_id) is not None
        else None
    )
    if membership is None:
        raise NotFoundError("No such member of this draft.")
    return membership


def notifications_for(user: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's notifications, limited to drafts they can still see."""
    # The same rule as permissions.can_read_notification, in SQL: current access, not the
    # access the user had when the notification was made.
    member = Membership.objects.filter(draft=OuterRef("draft"), user=user, user__is_active=True)
    reader = member.filter(role__in=permissions.LIVE_TEXT_ROLES)
    qs = (
        Notification.objects.filter(recipient=user)
        .filter(
            Q(Exists(member)) & ~Q(kind__in=permissions.LIVE_TEXT_NOTIFICATION_KINDS)
            | Q(Exists(reader)) & Q(kind__in=permissions.LIVE_TEXT_NOTIFICATION_KINDS)
        )
        .select_related("draft")
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


# --- what the dashboard and the API's defaults read about the user's memberships -------------


def drafts_recent_first(user: Any) -> QuerySet[Draft]:
    """The drafts the user may read, the most recently changed first."""
    return drafts_visible_to(user).order_by("-updated_at")


def consultee_draft_count(user: Any) -> int:
    """In how many drafts the user is a US consultee."""
    return Membership.objects.filter(user=user, role=Role.CONSULTEE).count()


def member_of_sensitive_draft(user: Any) -> bool:
    """Whether any draft the user belongs to (in any role) is OFFICIAL-SENSITIVE: a page that
    names all of them carries that marking."""
    return Membership.objects.filter(
        user=user, draft__classification=Classification.OFFICIAL_SENSITIVE
    ).exists()


def delegation_latest(user: Any) -> str | None:
    """The negotiating delegation the user last joined a draft for, if any."""
    latest = (
        Membership.objects.filter(user=user, delegation__in=[Delegation.UK, Delegation.JP])
        .order_by("-added_at")
        .first()
    )
    return latest.delegation if latest is not None else None


def article_count(user: Any, draft: Draft) -> int:
    return articles_of(user, draft).count()
