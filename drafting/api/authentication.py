"""Token authentication against Entente's own tokens (digest, expiry, password stamp)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..services.tokens import TokenRefused, token_check


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`, as DRF's, checked by services.tokens.token_check."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            user = token_check(key)
        except TokenRefused as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return (user, key)
