"""API tokens: issue one to a user who proved their password, revoke a user's tokens, and
check a presented token (expiry, password change, active user)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import ApiToken
from ..permissions import Actor
from .audit import audit_record


class TokenRefused(Exception):
    """The presented token is unknown, expired or revoked; the message says which."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def password_stamp(user: Actor) -> str:
    # Keyed like Django's session auth hash: a database reader cannot forge a stamp for a
    # password hash they write, and any password change alters it.
    return salted_hmac(
        "entente.api-token.password-stamp", user.password, algorithm="sha256"
    ).hexdigest()


def token_issue(*, user: Actor) -> str:
    """Return a new token for `user` (already authenticated); only its digest is kept."""
    token = secrets.token_hex(20)
    with transaction.atomic():
        ApiToken.objects.create(
            digest=token_digest(token),
            user=user,
            created=timezone.now(),
            password_stamp=password_stamp(user),
        )
        audit_record(actor=user, action="api_token.issue", object_type="user", object_id=user.pk)
    return token


def tokens_revoke(*, actor: Actor) -> int:
    """Revoke every API token of `actor`; returns how many there were."""
    with transaction.atomic():
        count, _ = ApiToken.objects.filter(user=actor).delete()
        audit_record(
            actor=actor,
            action="api_token.revoke",
            object_type="user",
            object_id=actor.pk,
            data={"count": count},
        )
    return count


def token_check(token: str) -> Actor:
    """Return the user a presented token belongs to, or raise TokenRefused saying why.
    A token that expired or outlived its password is deleted on the way."""
    found = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if found is None:
        raise TokenRefused("Invalid token.")
    ttl_hours = int(getattr(settings, "API_TOKEN_TTL_HOURS", 0) or 0)
    if ttl_hours > 0 and found.created + dt.timedelta(hours=ttl_hours) <= timezone.now():
        found.delete()
        raise TokenRefused(
            "This token has expired. Request a new one with POST /api/v1/auth/token/."
        )
    user = found.user
    if not constant_time_compare(found.password_stamp, password_stamp(user)):
        found.delete()
        raise TokenRefused(
            "This token was revoked because the password was changed. Request a new one "
            "with POST /api/v1/auth/token/."
        )
    if not user.is_active:
        raise TokenRefused("This account is disabled.")
    return user
