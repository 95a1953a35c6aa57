"""Reads of history: revisions, texts as they were, compares and tracked changes.

Everything here takes the user and shows nothing of a draft they may not read live (US
consultees see history only through what a consultation round sends them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from .. import permissions, textdiff
from ..core.revisions import (
    LANGUAGES,
    draft_content,
    pending_changes,
    text_at,
)

# Reads that pages and the API take from here with the rest of history.
from ..core.revisions import revision_get as revision_get
from ..core.revisions import revision_latest as revision_latest
from ..errors import ApplicationError, NotFoundError
from ..labels import article_label
from ..models import Article, ChangeDecision, Draft, Revision, Version
from ..permissions import Reader

# diff-match-patch's own budget; rebuilding the texts and splitting them into words come on
# top, so the whole compare of two unrelated long texts stays near a second.
DIFF_TIMEOUT = 0.5


def _require_view(user: Reader, draft: Draft) -> None:
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such draft.")


def language_parse(value: Any) -> str:
    language = (value or "en").strip() if isinstance(value, str) else "en"
    if language not in LANGUAGES:
        raise ApplicationError(
            gettext("Unknown language %(value)s: use 'en' or 'ja'.") % {"value": repr(value)},
            fields={"language": ["Use en or ja."]},
        )
    return language


def revisions_of(user: Reader, article: Article, language: str | None = None) -> QuerySet[Revision]:
    _require_view(user, article.draft)
    qs = Revision.objects.filter(article=article).select_related(
        "author", "co_author", "decision__decided_by"
    )
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("-created_at", "-number")


def revision_number_parse(article: Article, value: Any, name: str) -> int:
    """A revision of this article: "7", or "<article id>:7" (which must name this article)."""
    raw = str(value if value is not None else "").strip()
    if not raw:
        raise ApplicationError(
            gettext("Give %(name)s= a revision number.") % {"name": name},
            fields={name: ["Required."]},
        )
    if ":" in raw:
        article_part, _, raw = raw.partition(":")
        if article_part.strip() != str(article.pk):
            raise ApplicationError(
                gettext(
                    "Compare works within one article: both revisions must belong to this article (article %(article)s). To compare two articles, compare versions of the draft."
                )
                % {"article": article.pk},
                fields={name: ["A revision of another article."]},
                code="different_articles",
            )
    try:
        number = int(raw)
    except ValueError:
        raise ApplicationError(
            gettext("%(name)s=%(value)s is not a revision number.")
            % {"name": name, "value": repr(value)},
            fields={name: ["Not a number."]},
        ) from None
    if number < 0:
        raise ApplicationError(
            gettext("%(name)s=%(number)s is not a revision number.")
            % {"name": name, "number": number},
            fields={name: ["Not a number."]},
        )
    return number


def _revision_exists(article: Article, language: str, number: int) -> None:
    if number == 0:
        return
    if not Revision.objects.filter(article=article, language=language, number=number).exists():
        latest = (
            Revision.objects.filter(article=article, language=language).order_by("-number").first()
        )
        raise NotFoundError(
            gettext(
                "This article's %(language)s text has no revision %(number)s (it has revisions 1 to %(latest)s)."
            )
            % {"language": language, "number": number, "latest": latest.number if latest else 0}
        )


def ops_json(ops: list[textdiff.DiffOp]) -> list[dict[str, str]]:
    return [{"op": op.op, "text": op.text} for op in ops]


def text_of(user: Reader, article: Article, language: str, number: int) -> str:
    _require_view(user, article.draft)
    _revision_exists(article, language, number)
    return text_at(article, language, number)


@dataclass
class Compare:
    language: str
    from_number: int
    to_number: int
    from_text: str
    to_text: str
    ops: list[textdiff.DiffOp]
    added: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "from": self.from_number,
            "to": self.to_number,
            "added": self.added,
            "removed": self.removed,
            "ops": ops_json(self.ops),
        }


def _diff(a: str, b: str) -> tuple[list[textdiff.DiffOp], int, int]:
    ops = textdiff.word_diff(a, b, timeout=DIFF_TIMEOUT)
    added = sum(len(op.text) for op in ops if op.op == "insert")
    removed = sum(len(op.text) for op in ops if op.op == "delete")
    return ops, added, removed


def article_compare(
    user: Reader, article: Article, language: str, from_value: Any, to_value: Any
) -> Compare:
    _require_view(user, article.draft)
    from_number = revision_number_parse(article, from_value, "from")
    to_number = revision_number_parse(article, to_value, "to")
    _revision_exists(article, language, from_number)
    _revision_exists(article, language, to_number)
    a, b = text_at(article, language, from_number), text_at(article, language, to_number)
    ops, added, removed = _diff(a, b)
    return Compare(language, from_number, to_number, a, b, ops, added, removed)


# --- versions and draft compare -----------------------------------------------------------


def versions_of(user: Reader, draft: Draft) -> QuerySet[Version]:
    _require_view(user, draft)
    return Version.objects.filter(draft=draft).select_related("created_by").order_by("-number")


def version_get(user: Reader, draft: Draft, number: Any) -> Version:
    _require_view(user, draft)
    try:
        version = (
            Version.objects.filter(draft=draft, number=int(number))
            .select_related("created_by")
            .first()
        )
    except (TypeError, ValueError):
        raise ApplicationError(
            gettext("Version %(number)s is not a version number.") % {"number": repr(number)}
        ) from None
    if version is None:
        raise NotFoundError(gettext("This draft has no version %(number)s.") % {"number": number})
    return version


def _content_for(
    user: Reader, draft: Draft, ref: Any, name: str
) -> tuple[str, list[dict[str, Any]]]:
    raw = str(ref if ref is not None else "").strip().lower()
    if raw in ("", "now", "current"):
        if raw == "" and name == "from":
            raise ApplicationError(
                "Give from= a version number (or 'now').", fields={name: ["Required."]}
            )
        return "now", draft_content(draft)
    version = version_get(user, draft, raw.lstrip("v"))
    return f"v{version.number}", list(version.content)


@dataclass
class ArticleChange:
    article_id: int
    status: str  # added, removed, moved, changed, unchanged
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    diffs: dict[str, list[textdiff.DiffOp]] = field(default_factory=dict)
    heading_changed: bool = False

    @property
    def label(self) -> str:
        item = self.after or self.before or {}
        return article_label(
            str(item.get("number") or ""),
            item.get("heading") or "",
            preamble=item.get("kind") == "preamble",
        )

    def as_dict(self) -> dict[str, Any]:
        def brief(item: dict[str, Any] | None) -> dict[str, Any] | None:
            if item is None:
                return None
            return {
                k: item.get(k)
                for k in ("position", "number", "kind", "heading", "heading_ja", "rev_en", "rev_ja")
            }

        return {
            "article": self.article_id,
            "status": self.status,
            "from": brief(self.before),
            "to": brief(self.after),
            "heading_changed": self.heading_changed,
            "diffs": {language: ops_json(ops) for language, ops in self.diffs.items()},
        }


@dataclass(frozen=True)
class DraftCompare:
    """Two states of a draft compared: ``from_ref`` and ``to_ref`` say which ("now" or "v3"),
    ``counts`` how many articles were added, removed, moved, changed or left unchanged."""

    from_ref: str
    to_ref: str
    counts: dict[str, int]
    articles: list[ArticleChange]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_ref,
            "to": self.to_ref,
            "counts": self.counts,
            "articles": [a.as_dict() for a in self.articles],
        }


def draft_compare(user: Reader, draft: Draft, from_ref: Any, to_ref: Any) -> DraftCompare:
    """Compare two versions of a draft (or a version and now): articles added, removed,
    moved and changed, with a word-level redline of every changed text."""
    _require_view(user, draft)
    from_label, before = _content_for(user, draft, from_ref, "from")
    to_label, after = _content_for(user, draft, to_ref if to_ref not in (None, "") else "now", "to")
    before_by_id = {item["id"]: item for item in before}
    after_by_id = {item["id"]: item for item in after}
    # Order of the result: the "to" side, with removed articles where they stood before.
    order = [item["id"] for item in after] + [i for i in before_by_id if i not in after_by_id]
    relative_before = [i for i in (item["id"] for item in before) if i in after_by_id]
    relative_after = [i for i in (item["id"] for item in after) if i in before_by_id]
    stayed = textdiff.longest_kept_order(relative_before, relative_after)
    changes: list[ArticleChange] = []
    for article_id in order:
        old, new = before_by_id.get(article_id), after_by_id.get(article_id)
        if old is None:
            assert new is not None
            change = ArticleChange(article_id, "added", None, new)
            change.diffs = {
                lang: [textdiff.DiffOp("insert", new[f"text_{lang}"])]
                for lang in LANGUAGES
                if new[f"text_{lang}"]
            }
        elif new is None:
            change = ArticleChange(article_id, "removed", old, None)
            change.diffs = {
                lang: [textdiff.DiffOp("delete", old[f"text_{lang}"])]
                for lang in LANGUAGES
                if old[f"text_{lang}"]
            }
        else:
            diffs = {}
            for lang in LANGUAGES:
                if old[f"text_{lang}"] != new[f"text_{lang}"]:
                    diffs[lang] = _diff(old[f"text_{lang}"], new[f"text_{lang}"])[0]
            moved = article_id not in stayed
            heading_changed = (old["heading"], old["heading_ja"]) != (
                new["heading"],
                new["heading_ja"],
            )
            status = "changed" if diffs or heading_changed else ("moved" if moved else "unchanged")
            if moved and status == "changed":
                status = "moved and changed"
            change = ArticleChange(article_id, status, old, new, diffs, heading_changed)
        changes.append(change)
    counts: dict[str, int] = {}
    for change in changes:
        for part in change.status.split(" and "):
            counts[part] = counts.get(part, 0) + 1
    return DraftCompare(from_label, to_label, counts, changes)


# --- tracked changes ----------------------------------------------------------------------


@dataclass
class TrackedChange:
    revision: Revision
    ops: list[textdiff.DiffOp]

    def as_dict(self) -> dict[str, Any]:
        r = self.revision
        return {
            "article": r.article_id,
            "language": r.language,
            "revision": r.number,
            "kind": r.kind,
            "author": r.author.get_username() if r.author else None,
            "co_author": r.co_author.get_username() if r.co_author else None,
            "delegation": r.author_delegation,
            "at": r.updated_at.isoformat(),
            "summary": r.summary,
            "ops": ops_json(self.ops),
        }


def _tracked(article: Article, language: str, since: int) -> list[TrackedChange]:
    changes = []
    for revision in pending_changes(article, language, since):
        before = text_at(article, language, revision.number - 1)
        after = textdiff.apply_delta(before, revision.delta)
        changes.append(TrackedChange(revision, _diff(before, after)[0]))
    return changes


def article_changes(
    user: Reader, article: Article, language: str, since: Any
) -> list[TrackedChange]:
    _require_view(user, article.draft)
    since_number = revision_number_parse(
        article, since if since not in (None, "") else "0", "since"
    )
    _revision_exists(article, language, since_number)
    return _tracked(article, language, since_number)


def version_baseline(version: Version | None, article_id: int, language: str) -> int:
    """The article's revision number in the version (0 if it was not in it)."""
    if version is None:
        return 0
    for item in version.content:
        if item["id"] == article_id:
            return int(item.get(f"rev_{language}", 0))
    return 0


@dataclass(frozen=True)
class ArticleTrackedChanges:
    """An article's undecided changes, by language (a language with none has an empty list)."""

    article: Article
    changes: dict[str, list[TrackedChange]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.pk,
            "label": self.article.label,
            "changes": {lang: [c.as_dict() for c in cs] for lang, cs in self.changes.items()},
        }


@dataclass(frozen=True)
class DraftTrackedChanges:
    """The undecided changes since ``since`` (None: since the draft began), of the articles
    that have any."""

    since: Version | None
    articles: list[ArticleTrackedChanges]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since_version": self.since.number if self.since else None,
            "articles": [a.as_dict() for a in self.articles],
        }


def draft_changes(user: Reader, draft: Draft, since_version: Any) -> DraftTrackedChanges:
    """Every undecided change since the baseline version, article by article."""
    _require_view(user, draft)
    version = None if since_version in (None, "", "0") else version_get(user, draft, since_version)
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    result = []
    for article in articles:
        per_language = {
            language: _tracked(article, language, version_baseline(version, article.pk, language))
            for language in LANGUAGES
        }
        if any(per_language.values()):
            result.append(ArticleTrackedChanges(article, per_language))
    return DraftTrackedChanges(version, result)


def draft_timeline(user: Reader, draft: Draft) -> QuerySet[Revision]:
    _require_view(user, draft)
    return (
        Revision.objects.filter(article__draft=draft)
        .select_related("author", "co_author", "article")
        .order_by("-updated_at", "-pk")
    )


def decision_of(revision: Revision) -> ChangeDecision | None:
    return ChangeDecision.objects.filter(revision=revision).first()


def revision_numbered(user: Any, article: Article, language: str, number: int) -> Revision | None:
    """One revision of one language of the article, by its number, or None."""
    return revisions_of(user, article, language).filter(number=number).first()


def revisions_by_number(user: Any, article: Article, language: str) -> list[Revision]:
    """Every revision of one language of the article, the latest number first."""
    return list(revisions_of(user, article, language).order_by("-number"))


def revision_fresh(user: Any, revision: Revision) -> Revision:
    """The revision read again (after a decision on it), with its author and decision (the
    revision comes from a selector that checked who may read it)."""
    return Revision.objects.select_related("author", "decision").get(pk=revision.pk)
