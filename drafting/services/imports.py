"""Texts in: a Word draft becomes a new draft; a counterpart's marked-up copy becomes review
suggestions and threads on an existing draft. Files come from strangers: they are opened by
drafting.documents.safety (size, zip bomb, macros, XML entities) before anything is read,
and nothing is written unless the whole file could be used."""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from .. import permissions
from ..core.numbering import articles_renumber
from ..core.revisions import LANGUAGES
from ..documents import docx_reader
from ..documents.docx_reader import Split, Unit
from ..documents.safety import MAX_UPLOAD_BYTES, DocumentError, docx_open
from ..errors import ApplicationError, NotFoundError, PermissionDeniedError
from ..labels import article_label, language_name, reader_language
from ..models import (
    Article,
    Comment,
    Draft,
    Membership,
    Releasability,
    Revision,
    Suggestion,
    Thread,
)
from ..permissions import Actor
from ..textdiff import OffsetMapper, utf16_slice
from .audit import audit_record
from .drafts import MAX_HEADING_LENGTH, MAX_NUMBER_LENGTH, MAX_TEXT_LENGTH, draft_create
from .review import comment_add, suggestion_create, thread_start
from .revisions import text_set

__all__ = [
    "MAX_UPLOAD_BYTES",
    "draft_import",
    "markup_import",
    "split_plan",
    "upload_stage",
    "upload_take",
]


@contextmanager
def _file_errors() -> Iterator[None]:
    """What the readers refuse is the user's file's fault: a 400 that says why."""
    try:
        yield
    except DocumentError as exc:
        raise ApplicationError(str(exc), fields={"file": [str(exc)]}, code="bad_file") from None


def _read(data: Any) -> Split:
    with _file_errors():
        return docx_reader.split(docx_open(data))


def _reader_label(number: str, *, preamble: bool) -> str:
    """An article named in a message, as the reader's language writes it (第三条 on a Japanese
    page), whatever the language of the text it was found in."""
    return article_label(number, preamble=preamble, language=reader_language())


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, fields={"file": [message]}, code="cannot_split")


@dataclass
class PlannedArticle:
    kind: str
    number: str
    heading: str = ""
    heading_ja: str = ""
    text_en: str = ""
    text_ja: str = ""
    releasability: str = ""
    where: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def split_plan(split: Split) -> list[PlannedArticle]:
    """Pair the English and Japanese units by number; refuse what cannot be split, saying
    why and where (paragraph numbers count from 1 in document order, tables included)."""
    if not any(u.kind == "article" for u in split.units):
        raise _refuse(
            gettext(
                "No article headings were found in the file's %(paragraphs)s paragraphs: each article must start with a paragraph 'Article N' (optionally '— Heading') or '第N条' (optionally '（見出し）'). Nothing was created."
            )
            % {"paragraphs": split.paragraphs}
        )
    planned: dict[tuple[str, str], PlannedArticle] = {}
    order: list[tuple[str, str]] = []
    for unit in split.units:
        key = (unit.kind, unit.number)
        item = planned.get(key)
        if item is None:
            item = planned[key] = PlannedArticle(unit.kind, unit.number)
            order.append(key)
        if unit.language in item.where:
            what = _reader_label(unit.number, preamble=unit.kind == "preamble")
            raise _refuse(
                gettext(
                    "%(what)s appears twice in %(language)s (paragraphs %(first)s and %(second)s); numbers must be unique. Nothing was created."
                )
                % {
                    "what": what,
                    "language": language_name(unit.language),
                    "first": item.where[unit.language],
                    "second": unit.where,
                }
            )
        item.where[unit.language] = unit.where
        if unit.language == "ja":
            item.heading_ja, item.text_ja = unit.heading, unit.text
        else:
            item.heading, item.text_en = unit.heading, unit.text
        if unit.releasability:
            if unit.releasability not in Releasability.values:
                raise _refuse(
                    gettext(
                        "Paragraph %(paragraph)s marks %(releasability)s, which Entente does not know (use %(choices)s). Nothing was created."
                    )
                    % {
                        "paragraph": unit.where + 1,
                        "releasability": repr(unit.releasability),
                        "choices": " or ".join(Releasability.values),
                    }
                )
            item.releasability = unit.releasability
    result = [planned[k] for k in order]
    preambles = [p for p in result if p.kind == "preamble"]
    return preambles + [p for p in result if p.kind != "preamble"]


def draft_import(
    *,
    actor: Actor,
    data: Any,
    filename: str,
    title: str = "",
    classification: str = "OFFICIAL-SENSITIVE",
    delegation: str = "UK",
    dry_run: bool = False,
) -> dict[str, Any]:
    """A Word draft as a new draft. With ``dry_run``, only the preview of the split."""
    if not permissions.can_create_draft(actor):
        raise PermissionDeniedError("Sign in to import a draft.")
    split = _read(data)
    plan = split_plan(split)
    preview: dict[str, Any] = {
        "title": title or split.title or split.title_ja,
        "title_ja": split.title_ja,
        "articles": [p.as_dict() for p in plan],
        "paragraphs": split.paragraphs,
        "draft": None,
    }
    if dry_run:
        return preview
    with transaction.atomic():
        draft = draft_create(
            actor=actor,
            title=preview["title"] or "",
            title_ja=split.title_ja,
            classification=classification,
            delegation=delegation,
        )
        _articles_create(actor=actor, draft=draft, plan=plan)
        audit_record(
            actor=actor,
            action="import.draft",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
            data={"file": filename[:200], "articles": len(plan), "marking": draft.classification},
        )
    preview["draft"] = draft.pk
    return preview


def _plan_validate(plan: list[PlannedArticle]) -> None:
    for item in plan:
        where = _reader_label(item.number, preamble=item.kind == "preamble")
        for name, value, limit in (
            ("number", item.number, MAX_NUMBER_LENGTH),
            ("heading", item.heading, MAX_HEADING_LENGTH),
            ("heading_ja", item.heading_ja, MAX_HEADING_LENGTH),
            ("text_en", item.text_en, MAX_TEXT_LENGTH),
            ("text_ja", item.text_ja, MAX_TEXT_LENGTH),
        ):
            if len(value) > limit:
                raise _refuse(
                    gettext(
                        "The %(name)s of %(where)s is %(length)s characters long; the limit is %(limit)s. Nothing was created."
                    )
                    % {
                        "name": name,
                        "where": where,
                        "length": f"{len(value):,}",
                        "limit": f"{limit:,}",
                    }
                )
            if "\x00" in value:
                raise _refuse(
                    gettext("The %(name)s of %(where)s contains a NUL character.")
                    % {"name": name, "where": where}
                )


def _articles_create(*, actor: Actor, draft: Draft, plan: list[PlannedArticle]) -> None:
    """All the file's articles in one go, in the file's order: article_create would lock,
    shift and renumber the draft once per article (B7: seconds for 100 articles). Numbers 1..N
    are left to Entente's numbering; any other ("5 bis", a draft starting at 3) is kept as a
    fixed number, as a drafter would fix it. Each text still goes through text_set, so every
    text has its revision and audit event. Caller holds the transaction; the draft is new."""
    _plan_validate(plan)
    digits = [p.number for p in plan if p.kind == "article" and p.number.isdigit()]
    automatic = digits == [str(i) for i in range(1, len(digits) + 1)]
    articles = [
        Article(
            draft=draft,
            position=index,
            kind=item.kind,
            number=item.number if item.kind == "article" else "",
            number_fixed=item.kind == "article" and not (automatic and item.number.isdigit()),
            heading=item.heading.strip(),
            heading_ja=item.heading_ja.strip(),
            releasability=item.releasability or Releasability.UK_JPN_ONLY,
            updated_by=actor,
        )
        for index, item in enumerate(plan, start=1)
    ]
    Article.objects.bulk_create(articles)
    if any(a.pk is None for a in articles):  # a backend without RETURNING
        articles = list(Article.objects.filter(draft=draft).order_by("position"))
    articles_renumber(draft)
    for article, item in zip(articles, plan, strict=True):
        audit_record(
            actor=actor,
            action="article.create",
            object_type="article",
            object_id=article.pk,
            draft_id=draft.pk,
            data={
                "position": article.position,
                "kind": article.kind,
                "heading": article.heading,
                "releasability": article.releasability,
                "imported": True,
            },
        )
        for language, text in (("en", item.text_en), ("ja", item.text_ja)):
            text_set(
                article=article,
                language=language,
                text=text,
                actor=actor,
                kind=Revision.Kind.IMPORTED,
            )


# --- a counterpart's marked-up copy ---------------------------------------------------------


def _member_named(draft: Draft, author: str) -> Membership | None:
    """The member whose name the file gives (full name or username, case-insensitive; a
    " (UK)" that Entente's own export adds is ignored)."""
    name = author.strip()
    if name.endswith(")") and " (" in name:
        name = name[: name.rindex(" (")]
    name = name.casefold()
    if not name:
        return None
    for membership in Membership.objects.filter(
        draft=draft, role__in=list(permissions.COMMENT_ROLES)
    ).select_related("user"):
        user = membership.user
        if name in (user.get_username().casefold(), (user.get_full_name() or "").casefold()):
            return membership
    return None


def _place(
    original: str, current: str, mapper: OffsetMapper | None, start: int, end: int
) -> tuple[int, int] | None:
    """Where [start, end) of the file's original text is in the article's current text, or
    None when that text is no longer there as it was."""
    if mapper is None:
        return start, end
    try:
        new_start = mapper.map(start, sticky="after" if start == end else "before")
        new_end = mapper.map(end, sticky="before") if end > start else new_start
    except ValueError:
        return None
    if utf16_slice(current, new_start, new_end) != utf16_slice(original, start, end):
        return None
    # A pure insertion needs its left neighbour to be unchanged too.
    context = utf16_slice(original, max(0, start - 12), start)
    if start == end and not utf16_slice(current, 0, new_start).endswith(context):
        return None
    return new_start, new_end


def _target(draft: Draft, unit: Unit) -> Article | None:
    qs = Article.objects.filter(draft=draft).select_related("draft")
    if unit.kind == "preamble":
        return qs.filter(kind=Article.Kind.PREAMBLE).first()
    return qs.filter(number=unit.number).first()


def markup_import(*, actor: Actor, draft: Draft, data: Any, filename: str) -> dict[str, Any]:
    """Each tracked change becomes a suggestion on its article and span, each Word comment a
    thread (replies included), attributed to the member whose name matches or recorded with
    the author's name as written. What cannot be placed is listed with its text, never
    dropped. Drafters only; one transaction."""
    if not permissions.can_view_draft(actor, draft):
        raise NotFoundError("No such draft.")
    if not permissions.can_edit_text(actor, draft):
        raise PermissionDeniedError("Only the draft's drafters can import a marked-up copy.")
    with _file_errors():
        doc = docx_open(data)
        split = docx_reader.split(doc)
        word_comments = docx_reader.comments(doc)
    if not any(u.kind == "article" for u in split.units):
        raise _refuse(
            gettext(
                "No article headings were found in the file's %(paragraphs)s paragraphs, so no change can be placed on an article. Nothing was imported."
            )
            % {"paragraphs": split.paragraphs}
        )
    suggestions = threads = 0
    unplaced: list[dict[str, Any]] = []
    with transaction.atomic():
        for unit in split.units:
            label = _reader_label(unit.number, preamble=unit.kind == "preamble")
            original, changes, ranges = docx_reader.changes_of(unit)
            article = _target(draft, unit)
            language = unit.language if unit.language in LANGUAGES else "en"
            if article is None:
                for change in changes:
                    unplaced.append(
                        _unplaced(
                            label, language, change, gettext("This draft has no such article.")
                        )
                    )
                for rng in ranges:
                    if rng.comment in word_comments:
                        unplaced.append(
                            _unplaced_comment(
                                label,
                                language,
                                word_comments[rng.comment],
                                gettext("This draft has no such article."),
                            )
                        )
                continue
            current = article.text(language)
            mapper = None if current == original else OffsetMapper(original, current)
            for change in changes:
                where = _place(original, current, mapper, change.start, change.end)
                if where is None:
                    unplaced.append(
                        _unplaced(
                            label,
                            language,
                            change,
                            gettext("The article's text changed there since the copy was made."),
                        )
                    )
                    continue
                member = _member_named(draft, change.author)
                note = (
                    f"Tracked change by {change.author or 'an unnamed author'}"
                    + (f" on {change.date}" if change.date else "")
                    + f", imported from {filename[:200]}."
                )
                try:
                    suggestion = suggestion_create(
                        actor=actor,
                        article=article,
                        language=language,
                        start=where[0],
                        end=where[1],
                        replacement=change.replacement,
                        note=note,
                    )
                except ApplicationError as exc:
                    unplaced.append(_unplaced(label, language, change, exc.message))
                    continue
                if member is not None:
                    Suggestion.objects.filter(pk=suggestion.pk).update(
                        created_by=member.user, delegation=member.delegation
                    )
                suggestions += 1
            for rng in ranges:
                comment = word_comments.get(rng.comment)
                if comment is None or comment.parent:
                    continue
                where = _place(original, current, mapper, rng.start, rng.end)
                if where is None or where[0] >= where[1]:
                    unplaced.append(
                        _unplaced_comment(
                            label,
                            language,
                            comment,
                            gettext("The commented text is not in the article any more."),
                        )
                    )
                    continue
                thread = thread_start(
                    actor=actor,
                    article=article,
                    language=language,
                    start=where[0],
                    end=where[1],
                    body=_comment_body(comment, filename),
                )
                _attribute(draft, thread.comments.first(), comment.author, thread)
                for reply in sorted(
                    (c for c in word_comments.values() if c.parent == comment.id),
                    key=lambda c: (c.date, int(c.id) if c.id.isdigit() else 0),
                ):
                    added = comment_add(
                        actor=actor, thread=thread, body=_comment_body(reply, filename)
                    )
                    _attribute(draft, added, reply.author, None)
                threads += 1
        audit_record(
            actor=actor,
            action="import.markup",
            object_type="draft",
            object_id=draft.pk,
            draft_id=draft.pk,
            data={
                "file": filename[:200],
                "suggestions": suggestions,
                "threads": threads,
                "unplaced": len(unplaced),
                "marking": draft.classification,
            },
        )
    return {"suggestions": suggestions, "threads": threads, "unplaced": unplaced}


def _comment_body(comment: docx_reader.WordComment, filename: str) -> str:
    who = comment.author or "an unnamed author"
    when = f" ({comment.date})" if comment.date else ""
    return f"{comment.text or '(empty comment)'}\n\n— {who}{when}, from {filename[:200]}"


def _attribute(draft: Draft, comment: Comment | None, author: str, thread: Thread | None) -> None:
    member = _member_named(draft, author)
    if member is None or comment is None:
        return
    Comment.objects.filter(pk=comment.pk).update(author=member.user)
    if thread is not None:
        Thread.objects.filter(pk=thread.pk).update(created_by=member.user)


def _unplaced(label: str, language: str, change: docx_reader.Change, reason: str) -> dict[str, Any]:
    return {
        "kind": "change",
        "article": label,
        "language": language,
        "deleted": change.deleted,
        "inserted": change.replacement,
        "author": change.author,
        "date": change.date,
        "reason": reason,
    }


def _unplaced_comment(
    label: str, language: str, comment: docx_reader.WordComment, reason: str
) -> dict[str, Any]:
    return {
        "kind": "comment",
        "article": label,
        "language": language,
        "text": comment.text,
        "author": comment.author,
        "date": comment.date,
        "reason": reason,
    }


# --- an upload kept between the preview and the create -------------------------------------

STAGE_DIR = Path(tempfile.gettempdir()) / "entente-imports"
STAGE_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def upload_stage(*, actor: Actor, data: bytes, filename: str) -> str:
    """Keep an uploaded file for an hour so that the page can preview it and then create the
    draft from the same bytes. The token is random and bound to the user."""
    STAGE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for old in STAGE_DIR.iterdir():
        if now - old.stat().st_mtime > STAGE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (STAGE_DIR / f"{actor.pk}-{token}.docx").write_bytes(data)
    (STAGE_DIR / f"{actor.pk}-{token}.name").write_text(filename[:200], encoding="utf-8")
    return token


def upload_take(*, actor: Actor, token: str) -> tuple[bytes, str]:
    path = STAGE_DIR / f"{actor.pk}-{token}.docx"
    if not _TOKEN.match(token or "") or not path.exists():
        raise ApplicationError(
            "The uploaded file is no longer here (it is kept for an hour): upload it again.",
            fields={"file": ["Upload again."]},
        )
    name_path = path.with_suffix(".name")
    data = path.read_bytes()
    filename = name_path.read_text(encoding="utf-8") if name_path.exists() else "upload.docx"
    path.unlink(missing_ok=True)
    name_path.unlink(missing_ok=True)
    return data, filename
