"""Sign-in policy per group, set by an administrator in the Django admin (Groups)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models


class GroupPolicy(models.Model):
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, primary_key=True, related_name="entente_policy"
    )
    require_totp = models.BooleanField(
        "require an authenticator app",
        default=False,
        help_text=(
            "Members must sign in with a code from an authenticator app (TOTP) as well as "
            "their password; those without one set it up at their next sign-in."
        ),
    )

    class Meta:
        verbose_name = "sign-in policy"

    def __str__(self) -> str:
        return f"Sign-in policy of {self.group}"
