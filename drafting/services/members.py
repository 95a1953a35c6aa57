"""Who works on a draft: the owner adds, changes and removes members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from .. import permissions
from ..errors import ApplicationError, PermissionDeniedError
from ..models import Delegation, Draft, Membership, Role
from ..models.notification_text import choice_value
from ..permissions import Actor
from . import announce
from .audit import audit_record
from .notifications import notification_create


def _validate_role(role: str, delegation: str) -> None:
    if role not in Role.values:
        raise ApplicationError(
            gettext("Unknown role %(role)s.") % {"role": repr(role)},
            fields={
                "role": [
                    gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Role.values)}
                ]
            },
        )
    if delegation not in Delegation.values:
        raise ApplicationError(
            gettext("Unknown delegation %(delegation)s.") % {"delegation": repr(delegation)},
            fields={
                "delegation": [
                    gettext("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(Delegation.values)}
                ]
            },
        )
    if not permissions.role_allowed_for_delegation(role, delegation):
        if delegation == Delegation.US:
            message = "Members of the US delegation take part as consultees only."
        else:
            message = "Only members of the US delegation can be consultees."
        raise ApplicationError(message, fields={"role": [message]}, code="role_not_for_delegation")


def membership_create_owner(*, draft: Draft, user: Actor, delegation: str) -> Membership:
    """The creator of a draft becomes its owner. Caller holds the transaction."""
    _validate_role(Role.OWNER, delegation)
    membership = Membership.objects.create(
        draft=draft, user=user, role=Role.OWNER, delegation=delegation
    )
    permissions.forget_memberships(draft)
    return membership


def _require_owner(actor: Actor, draft: Draft) -> None:
    if not permissions.can_manage_members(actor, draft):
        raise PermissionDeniedError("Only the draft's owner (lead drafter) can manage its members.")


def member_add(
    *, actor: Actor, draft: Draft, username: str, role: str, delegation: str
) -> Membership:
    _require_owner(actor, draft)
    _validate_role(role, delegation)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApplicationError(
            gettext("There is no active user %(username)s.") % {"username": repr(username)},
            fields={"username": ["No such user."]},
        )
    with transaction.atomic():
        Draft.objects.select_for_update().get(pk=draft.pk)
        if Membership.objects.filter(draft=draft, user=user).exists():
            raise ApplicationError(
                gettext(
                    "%(username)s is already a member of this draft; change their role instead."
                )
                % {"username": username},
                fields={"username": ["Already a member."]},
                code="already_member",
            )
        membership = Membership.objects.create(
            draft=draft, user=user, role=role, delegation=delegation
        )
        audit_record(
            actor=actor,
            action="member.add",
            object_type="membership",
            object_id=membership.pk,
            draft_id=draft.pk,
            data={"username": username, "role": role, "delegation": delegation},
        )
        announce.members_changed(draft_id=draft.pk)
        notification_create(
            recipient=user,
            draft=draft,
            kind="member_added",
            params={
                "who": actor.get_username(),
                "draft": draft.title,
                "classification": draft.classification,
                "role": choice_value("role", membership.role),
                "delegation": choice_value("delegation", membership.delegation),
            },
            url=draft.get_absolute_url(),
        )
    permissions.forget_memberships(draft)
    return membership


def _owners_left_after(draft: Draft, membership: Membership) -> int:
    return Membership.objects.filter(draft=draft, role=Role.OWNER).exclude(pk=membership.pk).count()


def member_change(
    *,
    actor: Actor,
    membership: Membership,
    role: str | None = None,
    delegation: str | None = None,
) -> Membership:
    draft = membership.draft
    _require_owner(actor, draft)
    with transaction.atomic():
        Draft.objects.select_for_update().get(pk=draft.pk)
        membership = Membership.objects.get(pk=membership.pk)
        new_role = role if role is not None else membership.role
        new_delegation = delegation if delegation is not None else membership.delegation
        _validate_role(new_role, new_delegation)
        if (
            membership.role == Role.OWNER
            and new_role != Role.OWNER
            and not _owners_left_after(draft, membership)
        ):
            raise ApplicationError(
                "A draft needs an owner: make someone else owner before changing this role.",
                code="last_owner",
            )
        membership.role = new_role
        membership.delegation = new_delegation
        membership.save(update_fields=["role", "delegation"])
        audit_record(
            actor=actor,
            action="member.change",
            object_type="membership",
            object_id=membership.pk,
            draft_id=draft.pk,
            data={
                "username": membership.user.get_username(),
                "role": new_role,
                "delegation": new_delegation,
            },
        )
        announce.members_changed(draft_id=draft.pk)
    permissions.forget_memberships(draft)
    return membership


def member_remove(*, actor: Actor, membership: Membership) -> None:
    draft = membership.draft
    _require_owner(actor, draft)
    with transaction.atomic():
        Draft.objects.select_for_update().get(pk=draft.pk)
        membership = Membership.objects.get(pk=membership.pk)
        if membership.role == Role.OWNER and not _owners_left_after(draft, membership):
            raise ApplicationError(
                "A draft needs an owner: make someone else owner before removing this one.",
                code="last_owner",
            )
        audit_record(
            actor=actor,
            action="member.remove",
            object_type="membership",
            object_id=membership.pk,
            draft_id=draft.pk,
            data={"username": membership.user.get_username(), "role": membership.role},
        )
        announce.members_changed(draft_id=draft.pk)
        membership.delete()
    permissions.forget_memberships(draft)
