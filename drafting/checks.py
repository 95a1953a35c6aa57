"""System checks of the configuration Django's own checks do not know about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

AUDIT_KEY_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    """The audit checkpoints' key: set, not SECRET_KEY, long enough to resist guessing."""
    key = getattr(settings, "AUDIT_KEY", "")
    if not key:
        return [
            Error(
                "AUDIT_KEY is not set: no audit checkpoint can be written or checked, so "
                "someone with the database could rewrite the audit trail unnoticed.",
                hint="Set AUDIT_KEY to a long random value kept out of the database, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'.",
                id="entente.E001",
            )
        ]
    if key == settings.SECRET_KEY or key in getattr(settings, "SECRET_KEY_FALLBACKS", []):
        return [
            Error(
                "AUDIT_KEY must differ from SECRET_KEY.",
                hint="Give the audit checkpoints a key of their own.",
                id="entente.E002",
            )
        ]
    if len(key) < AUDIT_KEY_MIN_LENGTH:
        return [
            Warning(
                f"AUDIT_KEY is shorter than {AUDIT_KEY_MIN_LENGTH} characters.",
                hint="Use a long random value.",
                id="entente.W001",
            )
        ]
    return []
