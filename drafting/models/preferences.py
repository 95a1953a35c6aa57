"""Each user's interface language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class InterfaceLanguage(models.TextChoices):
    # Each language names itself, in its own script, whatever the interface language is.
    EN = "en", "English"
    JA = "ja", "日本語"


class TimeZone(models.TextChoices):
    """The time zones the delegations work in; UTC for everyone else."""

    LONDON = "Europe/London", _("London (Europe/London)")
    TOKYO = "Asia/Tokyo", _("Tokyo (Asia/Tokyo)")
    WASHINGTON = "America/New_York", _("Washington (America/New_York)")
    UTC = "UTC", _("UTC")


# The Django language code each preference activates: en-gb, so that English dates are written
# the British way (1 December 2026), as the project's LANGUAGE_CODE has them.
DJANGO_LANGUAGE = {InterfaceLanguage.EN: "en-gb", InterfaceLanguage.JA: "ja"}


class UserPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    # Blank: follow the browser (Accept-Language) or the language cookie.
    language = models.CharField(max_length=5, choices=InterfaceLanguage.choices, blank=True)
    time_zone = models.CharField(max_length=40, choices=TimeZone.choices, default=TimeZone.UTC)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'browser'} / {self.time_zone}"


def locale_of(user: Any) -> tuple[str | None, zoneinfo.ZoneInfo | None]:
    """The Django language code and the time zone the user chose; None for what they did not
    choose (no preference saved, or the language left to the browser). One indexed query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    preference = (
        UserPreference.objects.filter(user_id=user.pk).only("language", "time_zone").first()
    )
    if preference is None:
        return None, None
    language = DJANGO_LANGUAGE.get(preference.language)  # type: ignore[call-overload]
    return language, zoneinfo.ZoneInfo(preference.time_zone)


def locale_activate(user: Any) -> str | None:
    """Activate the user's chosen language and time zone for the rest of this request (pages
    through the middleware, API clients where DRF authenticates them). Returns the language
    activated, None if the user chose none (the browser's Accept-Language then stands)."""
    language, zone = locale_of(user)
    if language:
        translation.activate(language)
    if zone is not None:
        timezone.activate(zone)
    return language


@contextmanager
def recipient_locale(user: Any) -> Iterator[None]:
    """Render for a person who is not making the request (an email, a notification): in their
    language and time zone, or the site's defaults (British English, UTC) if they chose none."""
    language, zone = locale_of(user)
    with (
        translation.override(language or settings.LANGUAGE_CODE),
        timezone.override(zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)),
    ):
        yield
