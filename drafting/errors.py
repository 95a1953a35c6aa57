"""The one error type that services raise for anything a user did wrong.

The API's exception handler turns it into JSON with its status; page views show its
message next to the form. Services never raise bare Django or DRF exceptions for input.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, fields: dict[str, Any] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class PermissionDeniedError(ApplicationError):
    status = 403
    code = "forbidden"


class NotFoundError(ApplicationError):
    status = 404
    code = "not_found"


class ConflictError(ApplicationError):
    status = 409
    code = "conflict"
