"""A user's own interface preferences: language and time zone (a new module, so that it
stays out of the way of the services being restructured)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import ApplicationError, PermissionDeniedError
from ..models import InterfaceLanguage, TimeZone, UserPreference
from ..permissions import Actor
from .audit import audit_record


def preference_update(
    *, actor: Actor, language: str | None = None, time_zone: str | None = None
) -> UserPreference:
    """Set the actor's own language and/or time zone; None leaves a field as it is.

    A language outside en/ja or a time zone outside the offered list is refused (400):
    the interface exists only in those languages.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("Sign in to set your preferences."))
    errors: dict[str, list[str]] = {}
    if language is not None and language not in InterfaceLanguage.values:
        errors["language"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(InterfaceLanguage.values)}
        ]
    if time_zone is not None and time_zone not in TimeZone.values:
        errors["time_zone"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(TimeZone.values)}
        ]
    if errors:
        raise ApplicationError(
            _(
                "The interface is available in English (en) and Japanese (ja) only, in the time zones offered."
            )
            if "language" in errors
            else _("That time zone is not one of those offered."),
            fields=errors,
        )
    with transaction.atomic():
        preference, _created = UserPreference.objects.select_for_update().get_or_create(user=actor)
        before = {"language": preference.language, "time_zone": preference.time_zone}
        if language is not None:
            preference.language = language
        if time_zone is not None:
            preference.time_zone = time_zone
        preference.save()
        audit_record(
            actor=actor,
            action="preference.update",
            object_type="user_preference",
            object_id=preference.pk,
            data={
                "from": before,
                "to": {"language": preference.language, "time_zone": preference.time_zone},
            },
        )
    return preference
