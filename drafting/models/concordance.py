"""Concordance: the pair of revisions of an article's two authentic texts last confirmed
equivalent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .drafts import Article


class Concordance(models.Model):
    """The English revision ``rev_en`` and the Japanese revision ``rev_ja`` of an article,
    confirmed equivalent by a drafter. One row per article, replaced on each confirmation
    (every confirmation is also an audit event). The texts' hashes at those revisions are kept
    so that a text that changed and came back to the confirmed wording (a change rejected, an
    old revision restored) counts as unchanged."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="concordance")
    rev_en = models.PositiveIntegerField()
    rev_ja = models.PositiveIntegerField()
    hash_en = models.CharField(max_length=64)
    hash_ja = models.CharField(max_length=64)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.article}: en r{self.rev_en} = ja r{self.rev_ja}"
