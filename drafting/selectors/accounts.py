"""Reads of user accounts for the sign-in flow."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User


def active_user_get(user_id: Any) -> User | None:
    """The active account with this id (the one a half-finished sign-in named), or None."""
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
