"""Error pages, and the middleware that turns a service's ApplicationError into one.

Pages keep the classification banner; messages say what happened and what to do next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .. import inputs
from ..errors import ApplicationError
from ..service_messages import message_translate

ERROR_TITLES = {
    400: _("That request could not be used"),
    403: _("You do not have access to this"),
    404: _("Not found"),
    409: _("Changed meanwhile"),
    500: _("Something went wrong on our side"),
}
ERROR_ADVICE = {
    400: _("Check what you entered and try again."),
    403: _("Ask the draft's lead drafter if you need access."),
    404: _("It does not exist, or it was not shared with you. Go back to your drafts."),
    500: _(
        "Nothing you saved was lost. Try again in a minute; if it happens again, tell the team."
    ),
}


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        # The API's clients read JSON: even a 500 or an error raised before DRF runs (a bad
        # id in the URL, a broken body) gets the API's error body, never this HTML page.
        return api_error(status, message)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": ERROR_TITLES.get(status, _("Error")),
            "message": message_translate(message),
            "advice": ERROR_ADVICE.get(status, ""),
        },
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500)


class ApplicationErrorMiddleware:
    """Pages that let an ApplicationError escape get an error page with its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            return error_page(request, exception.status, exception.message)
        return None


API_ERROR_CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 500: "server_error"}


def api_error(status: int, message: str = "") -> JsonResponse:
    """The API's error body ({"detail", "code"}), for errors that happen outside DRF."""
    detail = message or f"{ERROR_TITLES.get(status, 'Error')}. {ERROR_ADVICE.get(status, '')}"
    return JsonResponse(
        {"detail": detail.strip(), "code": API_ERROR_CODES.get(status, "error")}, status=status
    )


class InputGuardMiddleware:
    """Refuses, before any view runs, what no view can store or look up: NUL in a query
    string or form field (PostgreSQL refuses it, SQLite stores it and then breaks), and ids in
    the URL that no 64-bit column can hold. The resolver's int converter already takes only
    ASCII digits; this adds the upper bound for every URL pattern, present and future."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for source, name in ((request.GET, "query string"), (request.POST, "form")):
            for key, values in source.lists():
                for value in (key, *values):
                    problem = inputs.text_problem(value)
                    if problem:
                        return error_page(request, 400, f"{name} field {key[:40]!r}: {problem}")
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        for value in kwargs.values():
            if isinstance(value, int) and not isinstance(value, bool):
                if value > inputs.DB_INT_MAX:
                    return error_page(request, 404)
            elif isinstance(value, str) and inputs.text_problem(value):
                return error_page(request, 404)
        return None
