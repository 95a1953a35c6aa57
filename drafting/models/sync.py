"""Co-editing state (docs/protocol.md, "State"): one EditSession per browser tab on one
article and language, kept in the database so that any web worker can serve the next
request, and the conflicts the exact three-way merge could not resolve."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from .drafts import Article


def new_session_key() -> str:
    return secrets.token_urlsafe(18)


class EditSession(models.Model):
    key = models.CharField(max_length=40, unique=True, default=new_session_key)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_sessions")
    language = models.CharField(max_length=2)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edit_sessions"
    )
    read_only = models.BooleanField(default=False)
    shadow = models.TextField(blank=True)
    client_version = models.PositiveIntegerField(
        default=0, help_text="n: the next client edit expected."
    )
    server_version = models.PositiveIntegerField(
        default=0, help_text="m: the version of the shadow."
    )
    # None: the backup is the shadow itself (most syncs), so the text is not stored twice.
    backup_shadow = models.TextField(null=True, blank=True)  # noqa: DJ001 (None is not "")
    backup_client_version = models.PositiveIntegerField(default=0)
    backup_server_version = models.PositiveIntegerField(default=0)
    seq = models.PositiveBigIntegerField(default=0, help_text="The last request number served.")
    last_response = models.JSONField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(default=200)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["article", "language", "last_seen_at"])]

    def __str__(self) -> str:
        return f"session {self.key} ({self.user}, article {self.article_id} {self.language})"


class SyncConflict(models.Model):
    """An edit that overlapped another and could not be merged: kept so that nothing typed
    is lost, shown to its author at once and listed for the drafters."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sync_conflicts")
    language = models.CharField(max_length=2)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        EditSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    base_start = models.PositiveIntegerField(help_text="UTF-16 offset in the author's shadow.")
    base_end = models.PositiveIntegerField()
    base_text = models.TextField(blank=True)
    intended = models.TextField(blank=True, help_text="What the author wanted there.")
    became = models.TextField(blank=True, help_text="What the other edit made of that span.")
    context_before = models.CharField(max_length=200, blank=True)
    context_after = models.CharField(max_length=200, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"conflict on article {self.article_id} [{self.language}] by {self.author}"
