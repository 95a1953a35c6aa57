"""The optional second factor: a code from an authenticator app (TOTP, django-otp).

A user is asked for a code when they have set up an app, or when a group of theirs requires
one (GroupPolicy.require_totp, set by an administrator); in the second case a user without
an app sets it up during sign-in. django-otp's TOTP device refuses a code used before and
slows down guessing (each failure doubles the wait before the next try).
"""

from __future__ import annotations

import base64

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..errors import ApplicationError
from ..models import GroupPolicy
from ..permissions import Actor, Reader
from .audit import audit_record

DEVICE_NAME = "Authenticator app"


def second_factor_required_by_group(user: Actor) -> bool:
    return GroupPolicy.objects.filter(group__user=user, require_totp=True).exists()


def needs_second_factor(user: Reader) -> bool:
    """One query: the user has a confirmed app, or a group of theirs requires one."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(totpdevice__confirmed=True) | Q(groups__entente_policy__require_totp=True))
        .exists()
    )


def confirmed_device(user: Actor) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: Actor) -> TOTPDevice:
    """The app being set up (unconfirmed), made on first use; the same key until confirmed,
    so that reloading the page does not invalidate what the user already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def code_check(device: TOTPDevice, code: str) -> None:
    """Raise ApplicationError unless `code` is the device's current code."""
    code = "".join(str(code or "").split())
    if not code:
        raise ApplicationError(
            "Enter the 6-digit code from your authenticator app.",
            fields={"otp": ["This field is required."]},
            code="otp_required",
        )
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ApplicationError(
            "Too many wrong codes: wait a few seconds, then enter the current code.",
            fields={"otp": ["Wait before trying again."]},
            code="otp_throttled",
        )
    if not (code.isascii() and code.isdigit() and len(code) <= 8) or not device.verify_token(code):
        raise ApplicationError(
            "That code is not right, or has already been used. Enter the current code "
            "from your authenticator app.",
            fields={"otp": ["Wrong code."]},
            code="otp_invalid",
        )


def device_confirm(*, user: Actor, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm an app being set up with its first code; it then guards every sign-in."""
    code_check(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="totp.confirm", object_type="user", object_id=user.pk)
    return device


def device_remove(*, user: Actor, code: str) -> None:
    """Turn the second factor off (with a current code), unless a group requires it."""
    device = confirmed_device(user)
    if device is None:
        raise ApplicationError("You have no authenticator app set up.", code="otp_none")
    if second_factor_required_by_group(user):
        raise ApplicationError(
            "A group you belong to requires an authenticator app; ask an administrator.",
            code="otp_required_by_group",
        )
    code_check(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action="totp.remove", object_type="user", object_id=user.pk)
