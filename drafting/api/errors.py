"""The API's one exception handler: every error is JSON with a message a person can act on.

Body: {"detail": "<what is wrong and what to do>", "code": "<machine code>",
       "fields": {"<field>": ["<problem>", ...]}}   (fields only for input errors)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import ApplicationError
from ..service_messages import fields_translate, message_translate


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def error_body(exc: ApplicationError) -> dict[str, Any]:
    """The API's error body for a refusal the services or the API's own checks raised."""
    body: dict[str, Any] = {"detail": message_translate(exc.message), "code": exc.code}
    if exc.fields:
        body["fields"] = fields_translate(exc.fields)
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc), status=exc.status)
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            {
                "detail": _("Invalid input — %(problem)s")
                % {"problem": _first_message(exc.detail)},
                "code": "invalid",
                "fields": exc.detail
                if isinstance(exc.detail, dict)
                else {"non_field_errors": exc.detail},
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "detail": _("The request body is too large. Send smaller edits, more often."),
                "code": "too_large",
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        detail = (
            response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        )
        response.data = {
            "detail": str(detail),
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
        }
    return response
