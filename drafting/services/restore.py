"""Restoring old text: one article's text as it was after a revision, or a whole draft as
a named version froze it. Always as new revisions; history is never rewritten."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..core.numbering import articles_renumber
from ..core.revisions import LANGUAGES, revision_get, text_at
from ..models import Article, Draft, Revision, Version
from ..permissions import Actor
from .audit import audit_record
from .revisions import article_lock_existing, text_edit_require, text_set


def revision_restore(
    *, actor: Actor, article: Article, language: str, number: int
) -> Revision | None:
    """Bring back the text as it was after revision ``number``, as a new revision."""
    text_edit_require(actor, article.draft, gettext("restore old text"))
    with transaction.atomic():
        article = article_lock_existing(article)
        target = revision_get(article, language, number)
        text = text_at(article, language, target.number)
        return text_set(
            article=article,
            language=language,
            text=text,
            actor=actor,
            kind=Revision.Kind.RESTORED,
            message=f"Restored revision {target.number}",
            restores=target,
        )


def version_restore(*, actor: Actor, version: Version) -> Version:
    """Make the draft read as it did at the version: texts, headings, order and numbers.
    Articles deleted since come back; articles added since are deleted (their history stays).
    Every text change is a new revision; history is never rewritten."""
    draft = version.draft
    text_edit_require(actor, draft, gettext("restore a version"))
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        now = timezone.now()
        wanted = {item["id"]: item for item in version.content}
        live = list(Article.objects.filter(draft=draft))
        for article in live:
            if article.pk not in wanted:
                article.deleted_at, article.deleted_by = now, actor
                article.save(update_fields=["deleted_at", "deleted_by"])
        # Park every article the version holds, then lay them out in the version's order.
        articles = {a.pk: a for a in Article.all_objects.select_for_update().filter(pk__in=wanted)}
        for index, item in enumerate(version.content, start=1):
            article = articles[item["id"]]
            article.position = -index
            article.number = f"~{article.pk}" if item["number"] else ""
            article.deleted_at = None
            article.deleted_by = None
        Article.all_objects.bulk_update(
            articles.values(), ["position", "number", "deleted_at", "deleted_by"]
        )
        for index, item in enumerate(version.content, start=1):
            article = articles[item["id"]]
            article.position = index
            article.number = item["number"]
            article.number_fixed = item.get("number_fixed", False)
            article.heading, article.heading_ja = item["heading"], item["heading_ja"]
        Article.all_objects.bulk_update(
            articles.values(), ["position", "number", "number_fixed", "heading", "heading_ja"]
        )
        for item in version.content:
            article = articles[item["id"]]
            for language in LANGUAGES:
                text_set(
                    article=article,
                    language=language,
                    text=item[f"text_{language}"],
                    actor=actor,
                    kind=Revision.Kind.RESTORED,
                    message=f"Restored version {version.number} “{version.name}”",
                )
        articles_renumber(draft)
        audit_record(
            actor=actor,
            action="version.restore",
            object_type="version",
            object_id=version.pk,
            draft_id=draft.pk,
            data={"number": version.number},
        )
    return version
