"""Each signed-in user's language and time zone, for every page, API answer and email."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .models import UserPreference
from .models.preferences import DJANGO_LANGUAGE


class UserPreferenceMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: the user's saved language wins over
    the browser's Accept-Language and the cookie, and their time zone is activated so that
    every date is shown in it. One indexed query per signed-in request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preference = (
                UserPreference.objects.filter(user_id=user.pk).only("language", "time_zone").first()
            )
            if preference is not None:
                if preference.language:
                    language = DJANGO_LANGUAGE[preference.language]  # type: ignore[index]
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
                timezone.activate(zoneinfo.ZoneInfo(preference.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
