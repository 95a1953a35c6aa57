"""The second step of signing in (a code from an authenticator app), setting an app up, and
the middleware that holds a session to its group's policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..errors import ApplicationError
from ..permissions import Actor, signed_in
from ..selectors import accounts as account_selectors
from ..services import twofactor

PENDING_KEY = "entente_second_factor_pending"
PENDING_SECONDS = 600


def pending_start(request: HttpRequest, user: Actor, next_url: str) -> HttpResponse:
    """The password was right and a code is needed: remember who, not yet signed in."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "at": time.time(),
    }
    return redirect("login-two-factor")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - made here from our own otpauth URI, no user input


def _enrolment_context(device: TOTPDevice) -> dict[str, Any]:
    return {
        "enrol": True,
        "secret": twofactor.device_secret(device),
        "qr": _qr_svg(device.config_url),
    }


def login_two_factor(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Sign in with your password first."))
        return redirect("login")
    user = account_selectors.active_user_get(pending["user"])
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    device = twofactor.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = twofactor.enrolment_device(user)
    assert device is not None
    context: dict[str, Any] = {"username": user.get_username()}
    if enrolling:
        context |= _enrolment_context(device)
    if request.method == "POST":
        code = request.POST.get("otp", "")
        try:
            if enrolling:
                twofactor.device_confirm(user=user, device=device, code=code)
            else:
                twofactor.code_check(device, code)
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "registration/two_factor.html", context, status=400)
        del request.session[PENDING_KEY]
        user.backend = pending["backend"]
        user.otp_device = device  # type: ignore[attr-defined]  # django-otp: verified on login()
        login(request, user)
        otp_login(request, device)
        next_url = pending.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse(settings.LOGIN_REDIRECT_URL)
        return redirect(next_url)
    return render(request, "registration/two_factor.html", context)


@login_required
def account_two_factor(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (set up an app) or off, for oneself."""
    user = signed_in(request.user)
    device = twofactor.confirmed_device(user)
    context: dict[str, Any] = {
        "device": device,
        "required": twofactor.second_factor_required_by_group(user),
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "start" and device is None:
            context |= _enrolment_context(twofactor.enrolment_device(user))
        elif action == "confirm" and device is None:
            pending = twofactor.enrolment_device(user)
            try:
                confirmed = twofactor.device_confirm(
                    user=user, device=pending, code=request.POST.get("otp", "")
                )
            except ApplicationError:
                context |= _enrolment_context(pending)
                raise
            otp_login(request, confirmed)
            messages.success(
                request, _("Your authenticator app is set up: sign-ins now ask for a code.")
            )
            return redirect("account-two-factor")
        elif action == "remove":
            twofactor.device_remove(user=user, code=request.POST.get("otp", ""))
            messages.success(request, _("Sign-ins no longer ask for a code."))
            return redirect("account-two-factor")
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "registration/account_two_factor.html", context, status=400)
    return render(request, "registration/account_two_factor.html", context)


class TwoFactorMiddleware:
    """A signed-in session whose user needs a code but did not give one (their group began
    requiring it after they signed in, or they signed in some other way) is signed out; the
    API answers 403. For users who need none, checked again every OTP_RECHECK_SECONDS."""

    EXEMPT = ("/static/", "/logout/", "/login/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.EXEMPT)
            and self._needs(request, user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "This account now needs a code from an authenticator app: "
                        "sign in again at /login/.",
                        "code": "otp_required",
                    },
                    status=403,
                )
            logout(request)
            messages.info(
                request,
                _("Your account now needs a code from an authenticator app: sign in again."),
            )
            return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _needs(request: HttpRequest, user: Actor) -> bool:
        # Remembered in the cache, not the session: no session write, no query, for users
        # who need no code, until OTP_RECHECK_SECONDS have passed.
        recheck = int(getattr(settings, "OTP_RECHECK_SECONDS", 300))
        key = f"entente:second-factor-free:{user.pk}"
        if recheck > 0 and cache.get(key):
            return False
        if twofactor.needs_second_factor(user):
            return True
        if recheck > 0:
            cache.set(key, True, timeout=recheck)
        return False
