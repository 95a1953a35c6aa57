"""Each signed-in user's language and time zone, for every page, API answer and email."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models.preferences import locale_activate


class UserPreferenceMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: the user's saved language wins over
    the browser's Accept-Language and the cookie, and their time zone is activated so that
    every date is shown in it. One indexed query per signed-in request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = locale_activate(user)
        if language:
            request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
