"""Each user's interface language and time zone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
