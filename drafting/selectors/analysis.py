"""Precedent intelligence as a drafter sees it: the closest precedents of an article, what it
obliges in ATOP's terms (a drafter's correction replaces the computed tagging), and the
draft's alliance profile against chosen precedents.

All of it reads live text, so it follows can_view_draft (consultees and outsiders get a 404).
Results are computed on read, never inside a sync, and cached in Django's cache per article
revision pair and library digest: an unchanged article is never analysed twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treaties import analysis
from treaties import selectors as library

from .. import permissions, textdiff
from ..core.revisions import revision_number_latest
from ..errors import ApplicationError, NotFoundError
from ..models import Article, Draft, LibraryUpdate, ObligationCorrection
from ..permissions import Reader
from .history import DIFF_TIMEOUT, ops_json

PRECEDENT_LIMIT = 5
CACHE_SECONDS = 24 * 3600
KINDS = ("provision", "clause")


def _require_view(user: Reader, draft: Draft) -> None:
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such article.")


def _precedents(text: str, language: str) -> list[dict[str, Any]]:
    return [
        {**r.candidate.meta, "score": r.score, "language": language}
        for r in library.precedent_index(language).rank(text, limit=PRECEDENT_LIMIT)
    ]


def _computed(article: Article) -> dict[str, Any]:
    """The computed part (precedents, tagging), cached per revision of both texts."""
    state = library.analysis_state()
    # The texts' digest too: revision numbers name the text only as long as the article row
    # is the one they were counted on (a restored database reuses ids).
    digest = hashlib.blake2b(
        f"{article.text_en}\x00{article.text_ja}".encode(), digest_size=8
    ).hexdigest()
    key = "entente:analysis:{}:{}:{}:{}:{}".format(
        article.pk,
        revision_number_latest(article, "en"),
        revision_number_latest(article, "ja"),
        digest,
        state["stamp"],
    )
    result: dict[str, Any] | None = cache.get(key)
    if result is None:
        obligations = analysis.tag_article(state["tagger"], article.text_en, article.text_ja)
        result = {
            "obligations": [o.as_dict() for o in obligations],
            "precedents": _precedents(article.text_en, "en") + _precedents(article.text_ja, "ja"),
        }
        cache.set(key, result, CACHE_SECONDS)
    return result


def correction_latest(article: Article) -> ObligationCorrection | None:
    return (
        ObligationCorrection.objects.filter(article=article)
        .select_related("corrected_by")
        .order_by("-corrected_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class CorrectionNote:
    """Who last corrected an article's tagging, when (ISO 8601) and why."""

    by: str
    at: str
    note: str

    @classmethod
    def of(cls, correction: ObligationCorrection) -> CorrectionNote:
        return cls(
            by=correction.corrected_by.get_username(),
            at=correction.corrected_at.isoformat(),
            note=correction.note,
        )

    def as_dict(self) -> dict[str, str]:
        return {"by": self.by, "at": self.at, "note": self.note}


@dataclass(frozen=True)
class ArticleAnalysis:
    """An article's effective obligations (a drafter's correction, else the computed ones),
    the computed ones, the last correction and the ranked precedents in both languages. The
    obligations and precedents keep the API's JSON shape: they are cached as such."""

    obligations: list[dict[str, Any]]
    corrected: CorrectionNote | None
    computed_obligations: list[dict[str, Any]]
    precedents: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "obligations": self.obligations,
            "corrected": self.corrected.as_dict() if self.corrected else None,
            "computed_obligations": self.computed_obligations,
            "precedents": self.precedents,
        }


def article_analysis(user: Reader, article: Article) -> ArticleAnalysis:
    _require_view(user, article.draft)
    computed = _computed(article)
    correction = correction_latest(article)
    return ArticleAnalysis(
        obligations=correction.obligations if correction else computed["obligations"],
        corrected=CorrectionNote.of(correction) if correction else None,
        computed_obligations=computed["obligations"],
        precedents=computed["precedents"],
    )


@dataclass(frozen=True)
class PrecedentCompare:
    """The word-level redline from a precedent's text to the article's, in one language, with
    how many characters were added and removed."""

    kind: str
    id: int
    language: str
    precedent_text: str
    article_text: str
    ops: list[textdiff.DiffOp]
    added: int
    removed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "language": self.language,
            "precedent_text": self.precedent_text,
            "article_text": self.article_text,
            "added": self.added,
            "removed": self.removed,
            "ops": ops_json(self.ops),
        }


def precedent_compare(
    user: Reader, article: Article, kind: str, pid: Any, language: Any
) -> PrecedentCompare:
    """The redline from the precedent's text to the article's (word level, as in history)."""
    _require_view(user, article.draft)
    if language in (None, ""):
        language = "en"
    if language not in ("en", "ja"):
        raise ApplicationError(
            "Unknown language: use 'en' or 'ja'.", fields={"language": ["Unknown."]}
        )
    if kind not in KINDS or not str(pid).isdigit():
        raise NotFoundError("No such precedent.")
    precedent = library.precedent_text(kind, int(pid), language)
    if precedent is None:
        raise NotFoundError("No such precedent in this language.")
    text = article.text(language)
    ops = textdiff.word_diff(precedent, text, timeout=DIFF_TIMEOUT)
    return PrecedentCompare(
        kind=kind,
        id=int(pid),
        language=language,
        precedent_text=precedent,
        article_text=text,
        ops=ops,
        added=sum(len(op.text) for op in ops if op.op == "insert"),
        removed=sum(len(op.text) for op in ops if op.op == "delete"),
    )


# --- the whole draft --------------------------------------------------------------------------

STRENGTH_NAMES = {
    "automatic": gettext_lazy("automatic"),
    "conditional": gettext_lazy("conditional"),
    "consultative": gettext_lazy("consultative"),
    "discretionary": gettext_lazy("discretionary"),
}


def _reason_text(reason: dict[str, Any], strength: str) -> str:
    promise = {
        "defense": _("defence pact"),
        "offense": _("offence pact"),
        "neutral": _("neutrality pact"),
        "nonagg": _("non-aggression pact"),
        "consul": _("consultation pact"),
    }
    if reason["code"] in promise:
        return _("The draft makes a %(promise)s promise (%(strength)s).") % {
            "promise": promise[reason["code"]],
            "strength": STRENGTH_NAMES.get(strength, strength),
        }
    return _(
        "No article promises defence, offence, neutrality, non-aggression or consultation in "
        "a militarised crisis; a general promise to consult or to co-operate is not enough "
        "under ATOP's definition."
    )


def _comparison() -> list[dict[str, Any]]:
    stamp = library.analysis_state()["stamp"]
    key = f"entente:analysis:precedent-profiles:{stamp}"
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        rows = []
        for slug in library.PROFILE_PRECEDENTS:
            prof = library.treaty_profile(slug)
            if prof is not None:
                rows.append(_row(prof["title"], prof["year"], prof["profile"], prof["alliance"]))
                rows[-1].update(
                    {"slug": slug, "complete": prof["complete"], "coverage": prof["coverage_note"]}
                )
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _row(title: str, year: int | None, prof: dict[str, Any], alliance: bool) -> dict[str, Any]:
    return {
        "title": title,
        "year": year,
        "alliance": alliance,
        "promises": {
            t: analysis.strongest(prof["promises"][t]) or None for t in analysis.ATOP_TYPES
        },
        "conditional": {
            t: any(e["conditional"] for e in prof["promises"][t]) for t in analysis.ATOP_TYPES
        },
    }


@dataclass(frozen=True)
class DraftAnalysis:
    """The verdict on the draft's live text against ATOP's ``definition`` (``alliance``) with
    its ``reasons``, the draft's alliance ``profile``, and the ``comparison`` rows (the draft
    first, then the chosen precedents). The inner parts keep the API's JSON shape."""

    alliance: bool
    definition: str
    reasons: list[dict[str, Any]]
    profile: dict[str, Any]
    comparison: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "definition": self.definition,
            "reasons": self.reasons,
            "profile": self.profile,
            "comparison": self.comparison,
        }


def draft_analysis(user: Reader, draft: Draft) -> DraftAnalysis:
    """The alliance profile of the draft's live text, the verdict against ATOP's definition
    with its reasons, and the side-by-side comparison with the chosen precedents."""
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such draft.")
    tags = []
    articles = list(Article.objects.filter(draft=draft).order_by("position"))
    for article in articles:
        result = article_analysis(user, article)
        tags.append(
            analysis.ArticleTags(
                # Named as the reader names it (第三条 / Article 3): the profile page shows it.
                label=article.label_in(),
                ref={"article_id": article.pk},
                text=f"{article.text_en}\n{article.text_ja}",
                obligations=[_obligation(o) for o in result.obligations],
            )
        )
    prof = analysis.profile(tags)
    alliance, reasons = analysis.verdict(prof)
    for reason in reasons:
        entries = prof["promises"].get(reason["code"], [])
        reason["text"] = _reason_text(reason, analysis.strongest(entries))
        reason["article_ids"] = [e["article_id"] for e in entries]
    this = _row(draft.title, None, prof, alliance)
    this["slug"] = ""
    return DraftAnalysis(
        alliance=alliance,
        definition=analysis.ATOP_DEFINITION,
        reasons=reasons,
        profile=prof,
        comparison=[{**this, "this_draft": True}, *_comparison()],
    )


def _obligation(data: dict[str, Any]) -> analysis.Obligation:
    ev = data.get("evidence")
    return analysis.Obligation(
        type=data["type"],
        conditional=bool(data.get("conditional")),
        conditions=list(data.get("conditions") or []),
        strength=data.get("strength") or "",
        evidence=analysis.Evidence(**ev) if ev else None,
        basis=list(data.get("basis") or []),
    )


def library_updates_of(user: Reader, article: Article) -> list[LibraryUpdate]:
    """The library changes offered to this article (newest first), with their suggestions."""
    _require_view(user, article.draft)
    return list(
        LibraryUpdate.objects.filter(article=article)
        .select_related("clause_revision__clause", "suggestion")
        .order_by("-created_at")
    )
