"""API tokens: stored as a digest, so that whoever reads the database cannot use them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    # SHA-256 of the token the client holds; the token itself is shown once, when issued.
    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created = models.DateTimeField()
    # An HMAC of the user's password hash when the token was issued: a password change
    # makes it differ, which revokes the token (as Django does for sessions).
    password_stamp = models.CharField(max_length=64)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token of {self.user} issued {self.created:%Y-%m-%d %H:%M}"
