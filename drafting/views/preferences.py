"""The language switcher on every page and the preferences page (language, time zone)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..errors import ApplicationError
from ..models import InterfaceLanguage, TimeZone
from ..models.preferences import DJANGO_LANGUAGE
from ..permissions import signed_in
from ..selectors.preferences import preference_of
from ..services import preferences as preference_services


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.headers.get("referer") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("dashboard")


def _with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """The cookie keeps the choice for the sign-in page after signing out (and for visitors
    who are not signed in, for whom it is the only place the choice is kept)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        DJANGO_LANGUAGE[language],  # type: ignore[index]
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The switcher: saves the language as the user's preference (signed in) or in a cookie."""
    language = request.POST.get("language", "")
    if language not in InterfaceLanguage.values:
        # The switcher only offers en and ja: anything else is a hand-made request.
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": _("Bad request"),
                "message": _("The interface is available in English (en) and Japanese (ja) only."),
            },
            status=400,
        )
    if request.user.is_authenticated:
        preference_services.preference_update(actor=request.user, language=language)
    translation.activate(DJANGO_LANGUAGE[language])  # type: ignore[index]
    return _with_language_cookie(HttpResponseRedirect(_next_url(request)), language)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    saved = preference_of(signed_in(request.user))
    form = {
        # Never chosen: offer the language the page is shown in.
        "language": saved.language or ("ja" if translation.get_language() == "ja" else "en"),
        "time_zone": saved.time_zone,
    }
    error = None
    if request.method == "POST":
        form = {
            "language": request.POST.get("language", ""),
            "time_zone": request.POST.get("time_zone", ""),
        }
        try:
            preference = preference_services.preference_update(
                actor=signed_in(request.user),
                language=form["language"],
                time_zone=form["time_zone"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            translation.activate(DJANGO_LANGUAGE[preference.language])  # type: ignore[index]
            messages.success(request, _("Your preferences are saved."))
            return _with_language_cookie(
                HttpResponseRedirect(reverse("preferences")), preference.language
            )
    return render(
        request,
        "drafting/preferences.html",
        {
            "form": form,
            "error": error,
            "languages": InterfaceLanguage.choices,
            "time_zones": TimeZone.choices,
        },
        status=400 if error else 200,
    )
