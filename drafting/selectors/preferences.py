"""A user's own preferences (each user sees only their own)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import TimeZone, UserPreference
from ..permissions import Actor


@dataclass(frozen=True)
class Preferences:
    """The interface language ("" = follow the browser) and the time zone."""

    language: str
    time_zone: str


def preference_of(user: Actor) -> Preferences:
    """The user's preferences, the defaults if never set."""
    preference = (
        UserPreference.objects.filter(user_id=user.pk).only("language", "time_zone").first()
    )
    if preference is None:
        return Preferences(language="", time_zone=TimeZone.UTC)
    return Preferences(language=preference.language, time_zone=preference.time_zone)
