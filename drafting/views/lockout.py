"""What a locked-out client sees (django-axes calls this through AXES_LOCKOUT_CALLABLE):
the sign-in page with a clear message, or the API's JSON error body, both with status 429."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from ..demo import PERSONAS


def lockout_message(minutes: int | None) -> str:
    wait = (
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}"
        if minutes
        else "Try again later"
    )
    return (
        "Too many failed sign-ins for this account or from this address. "
        f"{wait}, or ask an administrator to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = max(1, math.ceil(cool_off.total_seconds())) if cool_off else None
    message = lockout_message(math.ceil(seconds / 60) if seconds else None)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        context: dict[str, Any] = {
            "form": AuthenticationForm(request),
            "locked_out": message,
            "next": request.POST.get("next", ""),
        }
        if settings.DEMO_MODE:
            context["personas"] = PERSONAS
            context["demo_password"] = settings.DEMO_PASSWORD
        template = TemplateResponse(request, "registration/login.html", context, status=429)
        response = template.render()
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
