"""The sign-in lockout backend (django-axes) for AUTHENTICATION_BACKENDS."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, which needs the request to know the client's address.

    Every sign-in from outside (the sign-in page, the admin, the token endpoint) passes its
    request; a call without one comes from code on the server itself (a management command,
    a test's `Client.login`), which has no address to lock out, so it is let through to the
    password check instead of failing with AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
