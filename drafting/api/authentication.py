"""Token authentication against Entente's own tokens (digest, expiry, password stamp)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..models.preferences import locale_activate
from ..services.tokens import TokenRefused, token_check


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`, as DRF's, checked by services.tokens.token_check.

    DRF authenticates inside the view, after UserPreferenceMiddleware has run for what was
    then an anonymous request, so the token's user's saved language and time zone are
    activated here: as for a signed-in browser, a saved language wins over Accept-Language,
    which applies only to a user who saved none (docs/api.md, "Language")."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            user = token_check(key)
        except TokenRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        locale_activate(user)
        return (user, key)
