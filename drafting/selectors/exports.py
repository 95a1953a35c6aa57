"""What an export may hold, gathered for its requester: the same rules as the pages. A
draft's live text and versions for its live-text readers, a round's frozen snapshots for the
owner and the round's consultees, and only the review threads the requester may see.

The writers in drafting.documents get plain data from here and never read the database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions, textdiff
from ..core.revisions import LANGUAGES, draft_content
from ..documents.content import (
    Author,
    ComparedArticle,
    ComparedText,
    DocArticle,
    DocComment,
    DocCompare,
    DocDraft,
    DocThread,
)
from ..documents.headings import eid_of
from ..errors import ApplicationError, NotFoundError
from ..models import Article, Bracket, Comment, Draft, Revision, Round, Thread
from ..permissions import Actor, Reader
from . import negotiation
from .history import version_get

FORMATS = ("docx", "pdf", "akn")
EXPORT_LANGUAGES = ("en", "ja", "both")


def export_params(fmt: Any, language: Any) -> tuple[str, str]:
    fmt = (fmt or "docx").strip().lower() if isinstance(fmt, str) else "docx"
    language = (language or "both").strip().lower() if isinstance(language, str) else "both"
    if fmt not in FORMATS:
        raise ApplicationError(
            gettext("Unknown format %(fmt)s: use docx, pdf or akn.") % {"fmt": repr(fmt)},
            fields={"format": ["Unknown."]},
        )
    if language not in EXPORT_LANGUAGES:
        raise ApplicationError(
            gettext("Unknown language %(language)s: use en, ja or both.")
            % {"language": repr(language)},
            fields={"language": ["Unknown."]},
        )
    if fmt == "akn" and language == "both":
        raise ApplicationError(
            gettext("Akoma Ntoso holds one language per document: use language=en or language=ja."),
            fields={"language": ["One language per AKN document."]},
        )
    return fmt, language


def _require_view(user: Reader, draft: Draft) -> None:
    if not permissions.can_view_draft(user, draft):
        raise NotFoundError("No such draft.")


def _doc_article(item: dict[str, Any]) -> DocArticle:
    return DocArticle(
        key=eid_of(item["kind"], item["number"]),
        kind=item["kind"],
        number=item["number"],
        heading=item["heading"],
        heading_ja=item["heading_ja"],
        text_en=item["text_en"],
        text_ja=item["text_ja"],
        releasability=item["releasability"],
        segments=item.get("segments", {}),
    )


def _doc_draft(draft: Draft, items: list[dict[str, Any]], label: str) -> DocDraft:
    return DocDraft(
        title=draft.title,
        title_ja=draft.title_ja,
        parties=[p.name for p in draft.parties.all()],
        classification=draft.classification,
        articles=[_doc_article(item) for item in items],
        version_label=label,
        generated_at=timezone.now(),
    )


def _with_brackets(user: Reader, draft: Draft, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live texts with their open brackets written in, as negotiators read them:
    ``[UK: …]``, ``[Option A (UK): … / Option B (JP): …]`` (a named version froze plain
    text, without brackets)."""
    bracketed = set(
        Bracket.objects.filter(article__draft=draft, status=Bracket.Status.OPEN).values_list(
            "article_id", "language"
        )
    )
    if not bracketed:
        return items
    articles = Article.objects.in_bulk({article_id for article_id, _ in bracketed})
    out = []
    for item in items:
        item = dict(item, segments={})
        for language in LANGUAGES:
            if (item["id"], language) in bracketed:
                segments = negotiation.article_segments(user, articles[item["id"]], language)
                item[f"text_{language}"] = negotiation.segments_plain(segments)
                item["segments"][language] = [segment.as_dict() for segment in segments]
        out.append(item)
    return out


def export_content(user: Reader, draft: Draft, version: Any = None) -> DocDraft:
    """The draft now, or as a named version froze it."""
    _require_view(user, draft)
    if version in (None, "", "now"):
        return _doc_draft(draft, _with_brackets(user, draft, draft_content(draft)), "")
    frozen = version_get(user, draft, version)
    return _doc_draft(draft, list(frozen.content), f"Version {frozen.number}: {frozen.name}")


def author_of(user: Actor | None, delegation: str, at: Any) -> Author:
    name = (user.get_full_name() or user.get_username()) if user is not None else "Entente"
    return Author(name, delegation, at)


def _ref(user: Reader, draft: Draft, ref: Any, name: str) -> tuple[str, list[dict[str, Any]]]:
    raw = str(ref if ref is not None else "").strip().lower()
    if raw in ("now", "current") or (raw == "" and name == "to"):
        return "now", draft_content(draft)
    if raw == "":
        raise ApplicationError(
            "Give from= a version number (the baseline).", fields={name: ["Required."]}
        )
    version = version_get(user, draft, raw.lstrip("v"))
    return f"version {version.number} ({version.name})", list(version.content)


def _threads_visible(
    user: Reader, draft: Draft, article_ids: list[int]
) -> dict[tuple[int, str], list[DocThread]]:
    """Open threads the requester may see, with their comments, by (article, language)."""
    membership = permissions.membership_of(user, draft)
    mine = membership.delegation if membership else "--"
    threads = (
        Thread.objects.filter(article_id__in=article_ids, status=Thread.Status.OPEN, detached=False)
        .filter(Q(visibility="both") | Q(delegation=mine))
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
        .order_by("anchor_start", "pk")
    )
    delegations = dict(draft.memberships.values_list("user_id", "delegation"))
    out: dict[tuple[int, str], list[DocThread]] = defaultdict(list)
    for thread in threads:
        comments = [
            DocComment(author_of(c.author, delegations.get(c.author_id, ""), c.created_at), c.body)
            for c in thread.comments.all()
        ]
        if comments and thread.anchor_end > thread.anchor_start:
            out[(thread.article_id, thread.language)].append(
                DocThread(thread.anchor_start, thread.anchor_end, comments)
            )
    return out


def export_compare(
    user: Reader, draft: Draft, from_ref: Any, to_ref: Any, *, pending: bool = False
) -> DocCompare:
    """Version A to version B (or now) as one chain of attributed changes per text: every
    revision between them, in order, with its author and date (not one diff of the ends).
    Open threads come along when B is now (their anchors count the current text).

    With ``pending``, only the changes since baseline A that no drafter has decided on are
    marked (the track-changes view): decided ones are part of the text on both sides."""
    _require_view(user, draft)
    from_label, before = _ref(user, draft, from_ref, "from")
    to_label, after = _ref(user, draft, to_ref, "to")
    if pending and to_label != "now":
        raise ApplicationError(
            "Pending changes run from a baseline version to now: leave to= empty or 'now'.",
            fields={"to": ["Use now with pending."]},
        )
    before_by_id = {item["id"]: item for item in before}
    after_by_id = {item["id"]: item for item in after}
    order = [item["id"] for item in after] + [i for i in before_by_id if i not in after_by_id]
    articles = {
        a.pk: a
        for a in Article.all_objects.filter(pk__in=order).select_related("updated_by", "deleted_by")
    }
    chains: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    wanted_max: dict[tuple[int, str], int] = {}
    for article_id in order:
        for lang in LANGUAGES:
            old = before_by_id.get(article_id, {}).get(f"rev_{lang}", 0)
            new = after_by_id.get(article_id, {}).get(
                f"rev_{lang}", old if article_id not in after_by_id else 0
            )
            if article_id in after_by_id and new < old:
                raise ApplicationError(
                    gettext(
                        "%(from_label)s is newer than %(to_label)s: compare from the older text to the newer."
                    )
                    % {"from_label": from_label, "to_label": to_label},
                    fields={"from": ["Newer than to."]},
                )
            wanted_max[(article_id, lang)] = max(old, new)
    rows = (
        Revision.objects.filter(article_id__in=order)
        .select_related("author")
        .order_by("article_id", "language", "number")
        .values_list(
            "article_id",
            "language",
            "number",
            "delta",
            "snapshot",
            "author_id",
            "author_delegation",
            "updated_at",
            "kind",
            "decision__id",
        )
    )
    for row in rows:
        if row[2] <= wanted_max.get((row[0], row[1]), 0):
            chains[(row[0], row[1])].append(
                {
                    "number": row[2],
                    "delta": row[3],
                    "snapshot": row[4],
                    "author": row[5],
                    "delegation": row[6],
                    "at": row[7],
                    "decided": row[8] == Revision.Kind.CHANGE_REJECTED or row[9] is not None,
                }
            )
    users = {
        u.pk: u
        for u in type(draft.created_by).objects.filter(
            pk__in={r["author"] for chain in chains.values() for r in chain if r["author"]}
        )
    }
    threads = _threads_visible(user, draft, order) if to_label == "now" else {}
    compared = []
    for article_id in order:
        old_item, new_item = before_by_id.get(article_id), after_by_id.get(article_id)
        item = new_item or old_item
        assert item is not None
        article = articles.get(article_id)
        texts: dict[str, ComparedText] = {}
        for lang in LANGUAGES:
            old_rev = old_item.get(f"rev_{lang}", 0) if old_item else 0
            chain = chains.get((article_id, lang), [])
            base, steps = "", []
            text = ""
            for r in chain:
                text = (
                    r["snapshot"]
                    if r["snapshot"] is not None
                    else textdiff.apply_delta(text, r["delta"])
                )
                if r["number"] <= old_rev:
                    base = text
                elif new_item is not None:
                    tag = (
                        textdiff.UNTRACKED
                        if pending and r["decided"]
                        else author_of(users.get(r["author"]), r["delegation"], r["at"])
                    )
                    steps.append((r["delta"], tag))
            segments = textdiff.tracked_segments(base, steps)
            if new_item is None and base:
                who = article.deleted_by if article else None
                at = (article.deleted_at if article else None) or timezone.now()
                segments = [textdiff.Segment("delete", base, author_of(who, "", at))]
            texts[lang] = ComparedText(segments, threads.get((article_id, lang), []))
        status = "added" if old_item is None else "removed" if new_item is None else "changed"
        heading_before = None
        heading_author = None
        if (
            old_item
            and new_item
            and (old_item["heading"], old_item["heading_ja"])
            != (new_item["heading"], new_item["heading_ja"])
        ):
            heading_before = (old_item["heading"], old_item["heading_ja"])
            heading_author = author_of(
                article.updated_by if article else None,
                "",
                article.updated_at if article else timezone.now(),
            )
        compared.append(
            ComparedArticle(_doc_article(item), status, texts, heading_before, heading_author)  # type: ignore[arg-type]
        )
    if pending:
        to_label = "now (changes not yet decided)"
    return DocCompare(_doc_draft(draft, after, ""), from_label, to_label, compared)


def _round_item(snapshot: Any) -> dict[str, Any]:
    """A round's frozen article with the brackets it was sent with (never the live ones)."""
    segments = {
        language: negotiation.round_article_segments(snapshot, language) for language in LANGUAGES
    }
    return {
        "kind": snapshot.kind,
        "number": snapshot.number,
        "heading": snapshot.heading,
        "heading_ja": snapshot.heading_ja,
        "text_en": negotiation.segments_plain(segments["en"]) or snapshot.text_en,
        "text_ja": negotiation.segments_plain(segments["ja"]) or snapshot.text_ja,
        "releasability": snapshot.releasability,
        "segments": {
            language: [segment.as_dict() for segment in parts]
            for language, parts in segments.items()
            if any(segment.kind == "bracket" for segment in parts)
        },
    }


def export_round(user: Reader, round_: Round) -> DocDraft:
    """A consultation round's frozen articles, marked REL USA, with the cover note and the
    deadline: for the owner and the round's consultees only."""
    if not permissions.can_export_round(user, round_):
        raise NotFoundError("No such consultation round.")
    draft = round_.draft
    items = [_round_item(s) for s in round_.articles.order_by("position")]
    doc = _doc_draft(draft, items, f"Consultation round {round_.number}")
    doc.releasability = "REL USA"
    doc.cover_note = round_.cover_note
    doc.deadline = timezone.localtime(round_.deadline).strftime("%d %B %Y %H:%M %Z")
    return doc


def round_for_export(user: Reader, draft_id: Any, number: Any) -> Round:
    """A round by its draft and number, for the people who may take its pack; anyone else
    gets the same 404 as for a round that does not exist."""
    round_ = (
        Round.objects.select_related("draft").filter(draft_id=draft_id, number=number).first()
        if str(draft_id).isdigit() and str(number).isdigit()
        else None
    )
    if round_ is None or not permissions.can_export_round(user, round_):
        raise NotFoundError("No such consultation round.")
    return round_
