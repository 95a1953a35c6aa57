"""A user's own preferences (each user sees only their own)."""

from __future__ import annotations

from ..models import TimeZone, UserPreference
from ..permissions import Actor


def preference_of(user: Actor) -> dict[str, str]:
    """The user's language ("" = follow the browser) and time zone, defaults if never set."""
    preference = (
        UserPreference.objects.filter(user_id=user.pk).only("language", "time_zone").first()
    )
    if preference is None:
        return {"language": "", "time_zone": TimeZone.UTC}
    return {"language": preference.language, "time_zone": preference.time_zone}
